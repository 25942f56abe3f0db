"""The completion engine's pieces that need no cluster: the protocol's output, directives, flag parsing."""

from __future__ import annotations

from pykubectl.cli.completion import NO_FILE_COMP, NO_SPACE, directive_text
from tests.conftest import Runners


def test_directive_names_as_cobra_prints_them():
    assert directive_text(0) == "ShellCompDirectiveDefault"
    assert directive_text(NO_FILE_COMP) == "ShellCompDirectiveNoFileComp"
    assert directive_text(NO_SPACE | NO_FILE_COMP) == "ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp"


def test_commands_flags_and_values_without_a_cluster(runners: Runners):
    out = runners.pykubectl("__complete", "rollout", "st").stdout
    assert out == "status\tShow the status of the rollout\n:4\n"
    assert runners.pykubectl("__completeNoDesc", "rollout", "st").stdout == "status\n:4\n"
    out = runners.pykubectl("__complete", "get", "--all-n").stdout
    assert out == ("--all-namespaces\tIf present, list the requested object(s) across all namespaces. Namespace in "
                   "current context is ignored even if specified with --namespace.\n:4\n")
    assert runners.pykubectl("__complete", "get", "-o", "ya").stdout == "yaml\n:4\n"
    assert runners.pykubectl("__complete", "get", "-o=js").stdout == "json\njsonpath\njsonpath-as-json\njsonpath-file\n:4\n"
    assert runners.pykubectl("__complete", "apply", "-f", "").stdout == "json\nyaml\nyml\n:8\n"
    # a flag already given is not offered again, unless it repeats
    assert "--output\t" not in runners.pykubectl("__complete", "get", "-o", "yaml", "--o").stdout
    assert runners.pykubectl("__complete", "get", "-l", "a", "--sel").stdout == ":4\n"  # a string flag
    assert "--label-columns" in runners.pykubectl("__complete", "get", "-L", "a", "--label").stdout  # a slice
    assert runners.pykubectl("__complete", "get", "pods", "--help", "").stdout == ":4\n"


def test_kubeconfig_names_without_a_server(runners: Runners, tmp_path):
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: 'https://x'}\n"
                          "contexts:\n- name: prod-admin\n  context: {cluster: prod, user: admin}\n"
                          "- name: staging\n  context: {cluster: prod, user: admin}\n"
                          "users:\n- name: admin\n  user: {token: t}\ncurrent-context: staging\n")
    env = {"KUBECONFIG": str(kubeconfig)}
    assert runners.pykubectl("__complete", "--context", "p", env=env).stdout == "prod-admin\n:4\n"
    assert runners.pykubectl("__complete", "config", "use-context", "s", env=env).stdout == "staging\n:4\n"
    assert runners.pykubectl("__complete", "--cluster=", env=env).stdout == "prod\n:4\n"
    assert runners.pykubectl("__complete", "get", "--user", "", env=env).stdout == "admin\n:4\n"
