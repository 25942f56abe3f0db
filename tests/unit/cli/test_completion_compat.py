"""`__complete` / `__completeNoDesc` compared with the real kubectl 1.32's own answers on the same server state,
kubeconfig and PATH: the candidates (with descriptions) and the directive line, byte for byte. Where kubectl
ranges over a Go map (kubeconfig names, the shells of `completion`) the candidates are compared as a set."""

from __future__ import annotations

import ssl

import pytest

from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
       "spec": {"initContainers": [{"name": "setup", "image": "busybox"}],
                "containers": [{"name": "main", "image": "nginx", "ports": [{"containerPort": 8080}]},
                               {"name": "side", "image": "busybox"}]}}
OBJECTS = [
    ("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}),
    ("/api/v1/namespaces/default/pods", POD),
    ("/api/v1/namespaces/default/pods", {**POD, "metadata": {"name": "worker", "labels": {"app": "w"}}}),
    ("/api/v1/namespaces/dev/pods", {**POD, "metadata": {"name": "db", "namespace": "dev"}}),
    ("/api/v1/namespaces/default/services",
     {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "websvc"},
      "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}, {"name": "https", "port": 443}]}}),
    ("/apis/apps/v1/namespaces/default/deployments",
     {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "frontend"},
      "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
               "template": {"metadata": {"labels": {"app": "web"}},
                            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
]

ORDERED = [
    # sub-commands and flags
    [""], ["g"], ["config", ""], ["config", "use"], ["rollout", ""], ["create", ""], ["set", ""], ["plugin", ""],
    ["help", ""], ["help", "config", ""], ["-"], ["get", "pods", "-"], ["get", "pods", "--o"],
    ["get", "pods", "-o", "yaml", "--o"], ["get", "-l", "a=b", "--sel"], ["create", "deployment", "x", "-"],
    ["create", "deploy", "x", ""], ["scale", ""], ["run", "x", "--"], ["get", "pods", "-h", ""],
    ["exec", "web", "--", ""], ["plugin", "list", "-"], ["config", "-"], ["config", "view", "--kube"],
    ["options", "-"], ["-n", "dev", "options", ""], ["debug", ""],
    # flag values
    ["get", "-o", ""], ["get", "-o", "j"], ["get", "-o=j"], ["get", "--output=c"], ["api-resources", "-o", ""],
    ["version", "-o", ""], ["-n", ""], ["--namespace", "d"], ["--namespace=k"], ["get", "pods", "-n", ""],
    ["apply", "-f", ""], ["get", "pods", "--subresource", ""], ["exec", "web", "-c", ""], ["exec", "-c", ""],
    ["logs", "web", "-c", ""], ["get", "pods", "--kubeconfig", ""], ["config", "set-context", "--namespace", ""],
    # resource types, from the discovery cache
    ["get", "po"], ["get", "pods,se"], ["describe", ""], ["delete", "deploy"], ["explain", ""],
    # names, TYPE/NAME, pods, containers and ports
    ["get", "pods", ""], ["get", "pods", "w"], ["get", "-n", "dev", "pods", ""], ["--namespace", "dev", "get", "pods", ""],
    ["get", "pods", "web", ""], ["get", "pods/"], ["get", "pods/w"], ["get", "pods/web", ""], ["get", "all", ""],
    ["get", "pods,services", ""], ["get", "deployments.apps", ""], ["get", "nosuchtype", ""],
    ["logs", ""], ["logs", "w"], ["logs", "web", ""], ["logs", "deployments/"], ["exec", ""], ["attach", "w"],
    ["port-forward", ""], ["port-forward", "web", ""], ["port-forward", "web", "9"], ["port-forward", "svc/websvc", ""],
    ["scale", "deployment/"], ["scale", "deployment", ""], ["rollout", "status", ""], ["rollout", "status", "deployment/f"],
    ["set", "image", ""], ["expose", ""], ["cordon", ""], ["taint", "node", ""], ["cp", ""], ["cp", "w"],
    ["cp", "dev/"], ["edit", "deploy", ""], ["label", "pods", "web", "worker", ""],
    # nothing to offer, or a broken line: only a directive
    ["nosuchcommand", ""], ["get", "pods", "--bogus", ""], ["version", ""], ["get", "--raw", ""],
]
UNORDERED = [["--context", ""], ["--context", "t"], ["get", "--cluster", ""], ["get", "--user", ""],
             ["config", "use-context", ""], ["config", "delete-user", ""], ["config", "delete-cluster", ""],
             ["completion", ""]]


@pytest.fixture(scope="module")
def cluster(kube_apiserver, tmp_path_factory):
    if kube_apiserver is None:
        pytest.skip("the comparison needs the test API server's known state")
    import httpx

    kube_apiserver.reset(simulate=False)
    context = ssl.create_default_context(cadata=kube_apiserver.ca_pem.decode())
    with httpx.Client(base_url=kube_apiserver.url, verify=context,
                      headers={"Authorization": f"Bearer {kube_apiserver.tokens['admin']}"}) as http:
        for path, obj in OBJECTS:
            response = http.post(path, json=obj)
            assert response.status_code == 201, response.text
    directory = tmp_path_factory.mktemp("completion")
    return kube_apiserver.write_kubeconfig(directory / "kubeconfig", user="token")


@pytest.fixture(scope="module")
def home(cluster, tmp_path_factory):
    """One HOME for the module, its discovery cache warmed once (as completion normally finds it)."""
    home = tmp_path_factory.mktemp("completion-home")
    Runners(home, pytest.MonkeyPatch()).kubectl("api-resources", env={"KUBECONFIG": str(cluster)})
    return home


@pytest.fixture
def both(cluster, home, monkeypatch, tmp_path):
    (tmp_path / "bin").mkdir()
    runners = Runners(home, monkeypatch)
    runners.env.update({"KUBECONFIG": str(cluster), "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"})
    return runners


def _stdout(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("words", ORDERED, ids=" ".join)
def test_candidates_and_directive(both: Runners, words):
    expected, actual = both.both("__complete", *words)
    assert _stdout(actual) == _stdout(expected)


@pytest.mark.parametrize("words", [[""], ["-"], ["get", "pods", ""], ["config", ""], ["logs", ""]], ids=" ".join)
def test_without_descriptions(both: Runners, words):
    expected, actual = both.both("__completeNoDesc", *words)
    assert _stdout(actual) == _stdout(expected)
    assert "\t" not in actual.stdout


@pytest.mark.parametrize("words", UNORDERED, ids=" ".join)
def test_go_map_ordered_candidates(both: Runners, words):
    expected, actual = both.both("__complete", *words)
    expected_lines, actual_lines = _stdout(expected).splitlines(), _stdout(actual).splitlines()
    assert actual_lines[-1] == expected_lines[-1]
    assert sorted(actual_lines) == sorted(expected_lines)
    assert len(expected_lines) > 1


def test_plugins_are_commands_to_complete(both: Runners, tmp_path):
    """Plugins on PATH are offered among the verbs; a plugin's arguments come from its
    kubectl_complete-<name> executable, whose directive line is honoured."""
    bin_dir = tmp_path / "bin"
    for name, body in (("kubectl-hello", "echo hi"), ("kubectl-hello-world", "echo hw"), ("kubectl-foo_bar", "echo"),
                       ("kubectl_complete-hello", 'echo "one"; echo "two\tthe second"; echo ":4"')):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    for words in ([""], ["he"], ["hello", ""], ["hello", "world", ""], ["foo-bar", ""], ["hello", "-"]):
        expected, actual = both.both("__complete", *words)
        assert _stdout(actual) == _stdout(expected), words
    assert "hello\tThe command hello is a plugin installed by the user\n" in _stdout(both.pykubectl("__complete", ""))


def test_errors_stay_silent(runners: Runners, tmp_path):
    """No kubeconfig, an unreachable server: no candidates, the directive only, and exit code 0."""
    broken = tmp_path / "kubeconfig"
    broken.write_text("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:9'}\n"
                      "contexts:\n- name: x\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\n"
                      "current-context: x\n")
    for words in (["get", "pods", ""], ["-n", ""], ["get", "po"], ["logs", "web", "-c", ""]):
        result = runners.pykubectl("__complete", *words, env={"KUBECONFIG": str(broken)})
        assert result.stdout in (":4\n", ":6\n", ":0\n") and result.exit_code == 0, words
        assert result.stderr.startswith("Completion ended with directive:")
