"""`cluster-info dump` and `alpha` against the real kubectl 1.32 on the simulated cluster, byte for byte.

The state is created once per module with the real kubectl and every comparison only reads it. The one thing
that moves between the two runs is the simulated cluster's global resourceVersion, which each list's own
metadata carries: `_normalise` blanks exactly that (the list-level one, not the items'), nothing else.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from pykubectl.resources import cluster_dump
from tests.conftest import Runners, kubectl_state

pytestmark = pytest.mark.needs_simulation

STATE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  annotations: {note: "<b>&amp;</b>"}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, zz: last, aa: first}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
  namespace: team
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
      - name: main
        image: busybox
        command: [sleep, "3600"]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      tolerations: [{operator: Exists}]
      containers:
      - name: agent
        image: busybox
        command: [sleep, "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: team
spec:
  initContainers:
  - name: init
    image: busybox
    command: [echo, hi]
  containers:
  - name: main
    image: busybox
    command: [sleep, "3600"]
  - name: side
    image: nginx
"""

# jane may list the nodes and nothing else: a dump as jane prints the nodes, then fails on the events.
JANE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-lister
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: jane-node-lister
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-lister}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}
"""

# Never scheduled: its log requests fail, and kubectl writes the error between the START and END lines.
PENDING = """\
apiVersion: v1
kind: Pod
metadata:
  name: stuck
  namespace: team
spec:
  nodeSelector: {pool: none}
  containers:
  - name: main
    image: nginx
"""

_LIST_RV_JSON = re.compile(r'^(    "metadata": \{\n        "resourceVersion": )"\d+"', re.M)
_LIST_RV_YAML = re.compile(r'^(metadata:\n  resourceVersion: )"\d+"', re.M)


def _normalise_text(text: str) -> str:
    return _LIST_RV_YAML.sub(r'\1"RV"', _LIST_RV_JSON.sub(r'\1"RV"', text))


def _normalise(result):
    return type(result)(_normalise_text(result.stdout), result.stderr, result.exit_code)


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    kubeconfig, home, env, binary, kubectl = kubectl_state(kube_apiserver, tmp_path_factory, "dump-state")
    root = kubeconfig.parent

    kubectl("create", "-f", "-", stdin=STATE)
    kube_apiserver.settle()
    kubectl("wait", "--for=condition=Ready", "pod", "--all", "-A", "--timeout=30s")
    kubectl("create", "-f", "-", stdin=PENDING)
    kube_apiserver.settle()
    kubectl("create", "-f", "-", stdin=JANE)
    yield {"kubeconfig": str(kubeconfig), "home": home, "root": root}
    kube_apiserver.reset()


@pytest.fixture
def runners(state, monkeypatch):
    runners = Runners(state["home"], monkeypatch)
    runners.env = {"KUBECONFIG": state["kubeconfig"]}
    return runners


STDOUT_CASES = [
    ("cluster-info", "dump"),
    ("cluster-info", "dump", "-A"),
    ("cluster-info", "dump", "--all-namespaces", "--namespaces", "team"),
    ("cluster-info", "dump", "--namespaces", "team,default"),
    ("cluster-info", "dump", "--namespaces=team", "--namespaces=kube-system", "-o", "yaml"),
    ("cluster-info", "dump", "-o", "yaml"),
    ("cluster-info", "dump", "-oYAML", "-n", "team"),
    ("cluster-info", "dump", "-n", "kube-system"),  # kube-system twice, as kubectl lists it
    ("cluster-info", "dump", "--namespaces", "team", "--show-managed-fields"),
    ("cluster-info", "dump", "--namespaces", "team", "-o", "yaml", "--show-managed-fields"),
    ("cluster-info", "dump", "--namespaces", "nope"),
    ("cluster-info", "dump", "--output-directory", "-", "--namespaces", "default"),
    ("cluster-info", "dump", "-A", "-o", "jsonpath={.kind} {.items[*].metadata.name}{'\\n'}"),
    ("cluster-info", "dump", "--namespaces", "team", "-o", "go-template",
     "--template", "{{.kind}}:{{range .items}}{{.metadata.name}},{{end}}\n"),
    ("cluster-info", "dump", "--namespaces", "team", "-o", "jsonpath={.items[0].spec.nope}"),
    ("cluster-info", "dump", "--namespaces", "team", "--allow-missing-template-keys=false",
     "-o", "jsonpath={.items[0].spec.nope}"),
    ("cluster-info", "dump", "-o", "jsonpath-as-json={.items[*].metadata.name}", "--namespaces", "team"),
    # kubectl reuses one client-go JSONPath, which keeps the parse tree it trimmed inside a range
    ("cluster-info", "dump", "-A", "-o", "jsonpath={.kind} {range .items[*]}{.metadata.name} {end}{'\\n'}"),
    ("cluster-info", "dump", "--namespaces", "team", "-o", "jsonpath={range .items[*]}{.metadata.name},{end}"),
    ("cluster-info", "dump", "--namespaces", "nope", "-o", "jsonpath={.kind}{range .items[*]}[{.kind}]{end}/"),
    ("cluster-info", "dump", "--namespaces", "team", "-o",
     "jsonpath={range .items[*]}{range .spec.containers[*]}{.name};{end}|{end}"),
    ("cluster-info", "dump", "--namespaces", "team", "-o",
     "jsonpath-as-json={range .items[*]}{.metadata.name}{end}"),
    ("cluster-info", "-n", "team", "dump", "--namespaces", "default"),
    ("cluster-info", "dump", "extra", "words", "--namespaces", "team"),
    ("cluster-info", "dump", "--template={{.kind}}", "--namespaces", "team"),  # a lone --template: go-template
    ("cluster-info", "dump", "-o", "json", "--template={{.kind}}", "--namespaces", "team"),
    ("cluster-info", "dump", "-o", "yaml", "--template={{.kind}}", "--namespaces", "team"),
    ("cluster-info", "dump", "-o", "JSON", "--namespaces", "team"),
    # errors
    ("cluster-info", "dump", "-o", "name"),
    ("cluster-info", "dump", "-o", "wide"),
    ("cluster-info", "dump", "--pod-running-timeout=0"),
    ("cluster-info", "dump", "--pod-running-timeout=soon"),
    ("cluster-info", "dump", "--bogus"),
]


@pytest.mark.parametrize("args", STDOUT_CASES, ids=" ".join)
def test_dump_to_stdout(runners, args):
    runners.assert_same(*args, normalise=_normalise)


def test_dump_prints_logs_of_every_container(runners):
    """Not vacuous: the dump holds the init and regular containers' logs, and the pending pod's log error."""
    out = runners.pykubectl("cluster-info", "dump", "--namespaces", "team").stdout
    names = re.findall(r"^==== START logs for container (\S+) of pod (\S+) ====$", out, re.M)
    assert ("init", "team/worker") in names and names.index(("init", "team/worker")) < names.index(
        ("main", "team/worker"))
    assert ("main", "team/stuck") in names
    assert re.search(r"==== START logs for container main of pod team/stuck ====\nRequest log error: .+\n"
                     r"==== END logs for container main of pod team/stuck ====\n", out)


@pytest.mark.parametrize("args", [
    ("cluster-info", "--help"), ("cluster-info", "dump", "--help"), ("cluster-info", "dump", "-h"),
    ("cluster-info", "-h", "dump"), ("cluster-info", "--help", "dump"), ("cluster-info", "-n", "x", "dump", "--help"),
], ids=" ".join)
def test_help(runners, args):
    runners.assert_same(*args)


def _tree(directory: Path) -> dict[str, tuple[int, str]]:
    tree = {}
    for path in sorted(directory.rglob("*")):
        relative = str(path.relative_to(directory))
        mode = path.stat().st_mode & 0o777
        tree[relative] = (mode, _normalise_text(path.read_text()) if path.is_file() else "")
    return tree


@pytest.mark.parametrize("extra", [
    (), ("-A", "-o", "yaml"), ("--namespaces", "team,default", "-o", "jsonpath={.kind}"),
    ("--namespaces", "team", "--template", "{{.kind}}"),  # go-template into .json files
    ("--namespaces", "team", "-o", "JSON"),  # kubectl matches the extension case-sensitively: .txt
], ids=" ".join)
def test_dump_to_directory(runners, state, extra):
    target = state["root"] / "dump"
    shutil.rmtree(target, ignore_errors=True)
    args = ("cluster-info", "dump", "--output-directory", str(target), *extra)
    old_umask = os.umask(0o022)
    try:
        expected = runners.kubectl(*args)
        shutil.move(target, state["root"] / "expected")
        actual = runners.pykubectl(*args)
        want, got = _tree(state["root"] / "expected"), _tree(target)
    finally:
        os.umask(old_umask)
        shutil.rmtree(state["root"] / "expected", ignore_errors=True)
        shutil.rmtree(target, ignore_errors=True)
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    assert expected.stdout == f"Cluster info dumped to {target}\n"
    assert list(got) == list(want)
    for name in want:
        assert got[name] == want[name], name
    assert any(name.endswith("/logs.txt") for name in want)


ALPHA_CASES = [("alpha",), ("alpha", "--help"), ("alpha", "-h"), ("alpha", "foo", "bar"), ("alpha", "--bogus"),
               ("alpha", "-n", "team"), ("--help",)]


@pytest.mark.parametrize("args", [
    ("__complete", "cluster-info", ""), ("__complete", "cluster-info", "dump", "--n"),
    ("__complete", "cluster-info", "dump", "-o", ""), ("__complete", "al"), ("__complete", "alpha", ""),
], ids=" ".join)
def test_completion(runners, args):
    runners.assert_same(*args)


@pytest.mark.parametrize("args", ALPHA_CASES, ids=" ".join)
def test_alpha(runners, args):
    result = runners.assert_same(*args)
    if args[0] == "alpha" and "--bogus" not in args:
        assert result.stderr == "No alpha commands are available in this version of kubectl\n"
        assert result.stdout == ""


# -- the typed shape, on fixed input ------------------------------------------------------------------------------

def test_typed_reorders_sorts_maps_drops_unknown_and_adds_go_zero_values():
    raw = {"items": [{"status": {"phase": "Running"}, "spec": {"nodeName": "n", "containers": [
        {"resources": {}, "name": "c", "image": "i", "unknown": 1}]},
        "metadata": {"labels": {"z": "1", "a": "2"}, "name": "p", "bogus": True}}],
        "metadata": {"resourceVersion": "7"}}
    shaped = cluster_dump.typed_list(raw, "core.PodList")
    assert list(shaped) == ["kind", "apiVersion", "metadata", "items"]
    pod = shaped["items"][0]
    assert list(pod) == ["metadata", "spec", "status"]
    assert pod["metadata"] == {"name": "p", "creationTimestamp": None, "labels": {"a": "2", "z": "1"}}
    assert list(pod["metadata"]["labels"]) == ["a", "z"]
    assert pod["spec"]["containers"] == [{"name": "c", "image": "i", "resources": {}}]
    assert list(pod["spec"]) == ["containers", "nodeName"]



@pytest.mark.parametrize("args", [("cluster-info", "dump"), ("cluster-info", "dump", "-A"),
                                  ("cluster-info", "dump", "--output-directory", "-", "-o", "yaml")], ids=" ".join)
def test_dump_refused(runners, args):
    """jane (impersonated) may list the nodes only: they are printed, then kubectl's error for the events."""
    result = runners.assert_same(*args, "--as=jane", normalise=_normalise)
    assert result.exit_code == 1 and "Forbidden" in result.stderr
    assert ("namespaces is forbidden" if "-A" in args else "events is forbidden") in result.stderr
    assert "node01" in result.stdout and "EventList" not in result.stdout


def test_dump_refused_from_the_start(runners):
    result = runners.assert_same("cluster-info", "dump", "--as=nobody", normalise=_normalise)
    assert result.exit_code == 1 and "nodes is forbidden" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("where", ["file", "file/sub", "file/sub/deeper"])
def test_dump_directory_errors(runners, state, where):
    blocker = state["root"] / "file"
    blocker.write_text("not a directory\n")
    try:
        result = runners.assert_same("cluster-info", "dump", "--namespaces", "team",
                                     "--output-directory", str(state["root"] / where), normalise=_normalise)
    finally:
        blocker.unlink()
    assert result.exit_code == 1 and result.stderr == f"error: mkdir {blocker}: not a directory\n"
