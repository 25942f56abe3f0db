"""Which kubeconfig error kubectl reports first depends on whether the verb reads the namespace."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kubeconfig"


@pytest.mark.parametrize("verb", [["api-versions"], ["api-resources"], ["version"], ["cluster-info"],
                                  ["config", "view", "--minify"]])
@pytest.mark.parametrize("selector", [["--context", "nope"], ["--user", "nope"], ["--cluster", "nope"]])
@pytest.mark.parametrize("fixture", ["basic.yaml", "no-current-context.yaml"])
def test_missing_kubeconfig_targets_match_kubectl(runners, verb, selector, fixture):
    runners.assert_same(*selector, *verb, env={"KUBECONFIG": str(FIXTURES / fixture)})
