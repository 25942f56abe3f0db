"""config view with go-template output, through the shared printer registry."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kubeconfig"


@pytest.mark.parametrize("args", [
    ["-o", "go-template={{.kind}} {{range .contexts}}{{.name}},{{end}}"],
    ["-o", "go-template", "--template={{index .clusters 0 \"name\"}}"],
    ["-o", "template={{.apiVersion}}"],
    ["-o", "go-template={{.nope.x}}"],
    ["-o", "go-template={{.nope}}", "--allow-missing-template-keys=false"],
    ["-o", "go-template={{bad"],
    ["--raw", "-o", "go-template={{range .users}}{{.name}}={{.user.token}};{{end}}"],
])
@pytest.mark.parametrize("fixture", ["basic.yaml", "exec.yaml"])
def test_config_view_go_template_matches_kubectl(runners, args, fixture):
    runners.assert_same("config", "view", *args, env={"KUBECONFIG": str(FIXTURES / fixture)})
