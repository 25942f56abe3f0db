"""`edit` with scripted editors: the real kubectl 1.32 and pykubectl on the same fresh server state — the same
output, exit code, resulting objects, and the same file handed to the editor (header, error comments)."""

from __future__ import annotations

import re

import pytest

from tests.compat.test_write_harness import CM, DEPLOYMENT, WriteHarness, normalise_text
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

CM2 = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm2"}, "data": {"k": "v"}}
SETUP = [DEPLOYMENT, CM, CM2]
PRESERVED = re.compile(r'"[^"]*?kubectl(?:\.1\.32)?-edit-[A-Za-z0-9_]+\.(yaml|json)"')

SCRIPTS = {
    # every file the editor sees is appended to seen.txt, then a sed expression (if any) edits it
    "capture.sh": '#!/bin/sh\ncat "$1" >> seen.txt\necho ---- >> seen.txt\n[ -n "$SED" ] && sed -i "$SED" "$1"\nexit 0\n',
    # first round: an invalid replica count; when reopened with the server's reasons: $FIX (or nothing)
    "invalid.sh": ('#!/bin/sh\ncat "$1" >> seen.txt\necho ---- >> seen.txt\n'
                   'if grep -q "was not valid" "$1"; then [ -n "$FIX" ] && sed -i "$FIX" "$1"; '
                   'else sed -i "s/replicas: 2/replicas: -5/" "$1"; fi\nexit 0\n'),
    "fail.sh": "#!/bin/sh\nexit 3\n",
    # empties the file the first time; leaves the reopened one as it is
    "empty.sh": '#!/bin/sh\ncat "$1" >> seen.txt\necho ---- >> seen.txt\ngrep -q "was not valid" "$1" || : > "$1"\n',
}


def normalise(text: str) -> str:
    return PRESERVED.sub(r'"EDITFILE.\1"', normalise_text(text).replace("kubectl.1.32", "kubectl"))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("edit-home")


@pytest.fixture
def harness(kube_apiserver, kubeconfig_file, home, monkeypatch, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential write tests need the test API server")
    harness = WriteHarness(kube_apiserver, Runners(home, monkeypatch), kubeconfig_file, tmp_path)
    harness.write_files(SCRIPTS)
    for name in SCRIPTS:
        (tmp_path / name).chmod(0o755)
    yield harness
    harness.close()


def check(harness, args, editor: str, env: dict | None = None):
    """Both tools, the same editor; the files the editor saw must match too."""
    seen = harness.tmp_path / "seen.txt"
    harness.env.update({"KUBE_EDITOR": editor, "SED": "", "FIX": "", **(env or {})})
    texts = []

    def run(tool):
        seen.write_text("")
        harness.prepare(SETUP)
        result = getattr(harness.runners, tool)(*args, env=harness.env)
        texts.append(normalise(seen.read_text()))
        return result, harness.snapshot()

    import os

    cwd = os.getcwd()
    os.chdir(harness.tmp_path)
    try:
        expected, expected_state = run("kubectl")
        actual, actual_state = run("pykubectl")
    finally:
        os.chdir(cwd)
    where = f"kubectl {' '.join(args)} with {editor} {env or ''}"
    assert (normalise(actual.stdout), normalise(actual.stderr), actual.exit_code) == (
        normalise(expected.stdout), normalise(expected.stderr), expected.exit_code), where
    assert texts[1] == texts[0], where
    assert actual_state == expected_state, where


CASES = [
    (("edit", "deploy/web"), "./capture.sh", {}),
    (("edit", "deploy/web"), "./capture.sh", {"SED": "s/nginx:1.25/nginx:1.26/"}),
    (("edit", "deploy/web", "--output-patch"), "./capture.sh", {"SED": "s/nginx:1.25/nginx:1.26/"}),
    (("edit", "deploy/web", "-o", "json"), "./capture.sh", {"SED": "s/nginx:1.25/nginx:1.27/"}),
    (("edit", "deploy/web", "-o", "yaml"), "./capture.sh", {"SED": "s/replicas: 2/replicas: 3/"}),
    (("edit", "deploy/web", "-o", "name"), "./capture.sh", {}),
    (("edit", "deploy/web", "-o", "wide"), "./capture.sh", {}),
    (("edit", "deploy/web", "--show-managed-fields"), "./capture.sh", {}),
    (("edit", "deploy/web", "--field-manager=me"), "./capture.sh", {"SED": "s/app: web/app: web/;s/replicas: 2/replicas: 1/"}),
    (("edit", "deploy/web", "--windows-line-endings"), "./capture.sh", {"SED": "s/nginx:1.25/nginx:1.28/"}),
    (("edit", "deploy/web"), "./capture.sh", {"SED": "s/name: web$/name: other/"}),
    (("edit", "deploy/web"), "./capture.sh", {"SED": "s/^kind: Deployment/kind: StatefulSet/"}),
    (("edit", "deploy/web"), "./invalid.sh", {}),
    (("edit", "deploy/web"), "./invalid.sh", {"FIX": "s/replicas: -5/replicas: 4/"}),
    (("edit", "deploy/web"), "./fail.sh", {}),
    (("edit", "cm/cm1"), "./capture.sh", {"SED": "s/a: \"1\"/a: \"2\"/"}),
    (("edit", "deploy/web"), "./empty.sh", {}),
    (("edit", "cm", "cm1", "cm2"), "./capture.sh", {"SED": "s/k: v/k: w/"}),
    (("edit", "cm", "cm1", "cm2"), "./capture.sh", {}),
    (("edit", "configmap/cm1", "-o", "json"), "./capture.sh", {"SED": 's/"a": "1"/"a": "3"/'}),
    (("edit", "cm/nope"), "./capture.sh", {}),
    (("edit",), "./capture.sh", {}),
    (("edit", "deploy/web"), "sed -i s/nginx:1.25/nginx:1.29/", {}),
    (("edit", "--help"), "./capture.sh", {}),
]


@pytest.mark.parametrize("args,editor,env", CASES, ids=lambda v: v if isinstance(v, str) else (
    " ".join(v) if isinstance(v, tuple) else ",".join(f"{k}={x}" for k, x in v.items())))
def test_edit(harness, args, editor, env):
    check(harness, args, editor, env)
