"""`top pod` / `top node` against the real kubectl 1.32 on the simulated cluster, byte for byte.

The simulated metrics-server answers from a hash of each pod's namespace, name and container (pykubectl.testing
.cluster.metrics), so the figures do not move between the two runs; the state is created once per module with
the real kubectl and every comparison is read-only (except the ones that switch the metrics API off or add a
pending pod, which undo what they did). The pure table formatting is checked separately on fixed inputs.
"""

from __future__ import annotations

import pytest

from pykubectl.printing.metrics import format_node_metrics, format_pod_metrics
from tests.conftest import Runners, kubectl_state

pytestmark = pytest.mark.needs_simulation

STATE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: v1
kind: Namespace
metadata:
  name: empty
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 4
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache, tier: back}
    spec:
      containers:
      - name: redis
        image: redis:7
---
apiVersion: v1
kind: Pod
metadata:
  name: multi
  namespace: default
  labels: {app: multi, tier: back}
spec:
  containers:
  - name: web
    image: nginx
  - name: cache
    image: redis
  - name: sidecar
    image: busybox
    command: [sleep, "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: team
  labels: {app: worker}
spec:
  containers:
  - name: main
    image: busybox
    command: [sleep, "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: team
  labels: {app: api}
spec:
  containers:
  - name: api
    image: nginx
  - name: log
    image: busybox
    command: [sleep, "3600"]
"""

# A node nobody runs a kubelet on: the API lists it, the metrics-server has nothing for it.
NODE03 = """\
apiVersion: v1
kind: Node
metadata:
  name: node03
  labels: {kubernetes.io/hostname: node03, pool: spare}
spec:
  taints:
  - {key: spare, effect: NoSchedule}
"""

PENDING = """\
apiVersion: v1
kind: Pod
metadata:
  name: stuck
  namespace: empty
spec:
  nodeSelector: {pool: none}
  containers:
  - name: main
    image: nginx
"""


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    kubeconfig, home, env, binary, kubectl = kubectl_state(kube_apiserver, tmp_path_factory, "top-state")

    kubectl("create", "-f", "-", stdin=STATE)
    kube_apiserver.settle()
    kubectl("wait", "--for=condition=Ready", "pod", "--all", "-A", "--timeout=30s")
    kubectl("create", "-f", "-", stdin=NODE03)
    kube_apiserver.settle()
    yield {"kubeconfig": str(kubeconfig), "home": home, "kubectl": kubectl, "server": kube_apiserver}
    kube_apiserver.reset()


@pytest.fixture
def runners(state, monkeypatch):
    runners = Runners(state["home"], monkeypatch)
    runners.env = {"KUBECONFIG": state["kubeconfig"]}
    return runners


POD_CASES = [
    ("top", "pod"),
    ("top", "pods", "-A"),
    ("top", "po", "--all-namespaces", "--containers"),
    ("top", "pod", "--containers"),
    ("top", "pod", "-n", "team", "--containers", "--sort-by=memory"),
    ("top", "pod", "-l", "app=web"),
    ("top", "pod", "-l", "tier in (front,back)", "--sort-by", "cpu"),
    ("top", "pod", "-l", "app!=web,tier"),
    ("top", "pod", "--selector=!tier", "-A"),
    ("top", "pod", "--sort-by=cpu"),
    ("top", "pod", "--sort-by=memory"),
    ("top", "pod", "-A", "--sort-by=cpu", "--containers"),
    ("top", "pod", "-A", "--sort-by=memory", "--no-headers"),
    ("top", "pod", "--no-headers"),
    ("top", "pod", "--sum"),
    ("top", "pod", "-A", "--sum"),
    ("top", "pod", "-A", "--containers", "--sum"),
    ("top", "pod", "--containers", "--sum", "--no-headers"),
    ("top", "pod", "-A", "--sum", "--no-headers"),
    ("top", "pod", "multi"),
    ("top", "pod", "multi", "--containers", "--sort-by=cpu"),
    ("top", "pod", "api", "-n", "team", "--containers"),
    ("top", "pod", "--use-protocol-buffers=false", "-n", "team"),
    ("top", "pod", "--field-selector", "metadata.name=multi", "--containers"),
    ("top", "pod", "-A", "--field-selector", "metadata.namespace!=default"),
    ("top", "pod", "-A", "--field-selector", "metadata.name!=multi,metadata.namespace==default", "-l", "tier"),
    ("top", "pod", "--field-selector", "metadata.name=nothing"),
    # nothing there, or not allowed
    ("top", "pod", "-n", "empty"),
    ("top", "pod", "-l", "app=nothing"),
    ("top", "pod", "-A", "-l", "app=nothing"),
    ("top", "pod", "nope"),
    ("top", "pod", "-A", "multi"),
    ("top", "pod", "a", "b"),
    ("top", "pods", "a", "b"),
    ("top", "pod", "multi", "-l", "app=multi"),
    ("top", "pod", "multi", "--field-selector", "metadata.name=multi"),
    ("top", "pod", "--sort-by=disk"),
    ("top", "pod", "-l", "=x"),
    ("top", "pod", "-l", "a in (b"),
    ("top", "pod", "-l", "a,,b"),
    ("top", "pod", "-l", "a in b"),
    ("top", "pod", "--field-selector", "nonsense"),
    # labels.Parse's own checks of keys, operators and values
    *[("top", "pod", "-l", selector) for selector in (
        "a b=c", "-x=y", "a=-b", "a in ()", "a notin (x,y),b", "a>1", "a<x", "a>-1", "!a,b", "a!=", "in=1",
        "a in (b,,c)", "a in (,b)", "x/y/z=1", "a=(b)", "!", "a,!", "a in", "a=b,", ",a", "Ab.c/D=e", "a/=b",
        "/a=b", "a=" + "x" * 70, "y" * 70 + "=1", "a in (-x,y_,-z)", "tier,app notin (web)")],
    ("top", "node", "-l", "Bad/Key"),
]

NODE_CASES = [
    ("top", "node"),
    ("top", "nodes", "--sort-by=cpu"),
    ("top", "no", "--sort-by=memory"),
    ("top", "node", "--no-headers"),
    ("top", "node", "--show-capacity"),
    ("top", "node", "--show-capacity", "--sort-by=cpu", "--no-headers"),
    ("top", "node", "node02"),
    ("top", "node", "node03"),
    ("top", "node", "-l", "kubernetes.io/hostname=node01"),
    ("top", "node", "-l", "pool=spare"),
    ("top", "node", "nope"),
    ("top", "node", "a", "b"),
    ("top", "node", "node01", "-l", "a=b"),
    ("top", "node", "--sort-by=name"),
]

HELP_CASES = [
    ("top",),
    ("top", "--help"),
    ("top", "pod", "--help"),
    ("top", "pods", "-h"),
    ("top", "node", "--help"),
    ("top", "no", "--help"),
    ("top", "bogus"),
]


@pytest.mark.parametrize("args", POD_CASES, ids=" ".join)
def test_top_pod_matches_kubectl(runners, args):
    runners.assert_same(*args)


@pytest.mark.parametrize("args", NODE_CASES, ids=" ".join)
def test_top_node_matches_kubectl(runners, args):
    runners.assert_same(*args)


@pytest.mark.parametrize("args", HELP_CASES, ids=" ".join)
def test_top_help_matches_kubectl(runners, args):
    runners.assert_same(*args)


def test_unknown_node_row_and_figures(runners):
    """The node the metrics-server knows nothing about is listed as <unknown>; the others carry percentages."""
    result = runners.assert_same("top", "node")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert lines[-1].split() == ["node03"] + ["<unknown>"] * 4
    assert [line.split()[0] for line in lines[1:3]] == ["node01", "node02"]
    assert all(cell.endswith("%") for line in lines[1:3] for cell in line.split()[2::2])


def test_without_metrics_api(runners, state):
    server = state["server"]
    server.call(server.state.set_metrics_api, False)
    try:
        for args in (("top", "pod"), ("top", "node"), ("top", "pod", "multi"), ("top", "node", "node01"),
                     ("top", "pod", "-A", "--containers")):
            result = runners.assert_same(*args)
            assert result.stderr == "error: Metrics API not available\n"
            assert result.exit_code == 1
        api_groups = runners.kubectl("api-versions").stdout
        assert "metrics.k8s.io" not in api_groups
    finally:
        server.call(server.state.set_metrics_api, True)
    assert runners.assert_same("top", "node").exit_code == 0


def test_pods_without_metrics_yet(runners, state):
    """Pods exist but none has metrics (a pending pod, created just now): `metrics not available yet`."""
    state["kubectl"]("create", "-f", "-", stdin=PENDING)
    try:
        state["server"].settle()
        result = runners.assert_same("top", "pod", "-n", "empty")
        assert (result.stderr, result.exit_code) == ("error: metrics not available yet\n", 1)
        result = runners.assert_same("top", "pod", "stuck", "-n", "empty")
        assert "podmetrics.metrics.k8s.io \"stuck\" not found" in result.stderr
        runners.assert_same("top", "pod", "-n", "empty", "-l", "app=none")
    finally:
        state["kubectl"]("delete", "pod", "stuck", "-n", "empty", "--grace-period=0", "--force", "--wait=false")


# ---------------------------------------------------------------------------------------------------
# the pure formatting, on fixed inputs


def _pod(name, namespace="default", **containers):
    return {"metadata": {"name": name, "namespace": namespace},
            "containers": [{"name": c, "usage": {"cpu": cpu, "memory": mem}} for c, (cpu, mem) in containers.items()]}


def test_pod_units_round_up_then_truncate():
    # MilliValue rounds up (1n -> 1m); MiB truncates (1Mi - 1 byte -> 0Mi); a pod sums exactly before rounding
    text = format_pod_metrics([_pod("a", c1=("1n", "1048575"), c2=("1n", "1")),
                               _pod("b", c1=("1500m", "3Gi"))])
    assert text == ("NAME   CPU(cores)   MEMORY(bytes)   \n"
                    "a      1m           1Mi             \n"
                    "b      1500m        3072Mi          \n")


def test_pod_sum_shifts_left_without_headers():
    pods = [_pod("a", "x", c=("5m", "10Mi")), _pod("b", "y", c=("7m", "2Mi"))]
    with_headers = format_pod_metrics(pods, with_namespace=True, total=True).splitlines()
    assert with_headers[-2].split() == ["________", "________"]
    assert with_headers[-1].split() == ["12m", "12Mi"]
    assert with_headers[-1].index("12m") == with_headers[0].index("CPU(cores)")
    bare = format_pod_metrics(pods, with_namespace=True, total=True, no_headers=True).splitlines()
    # kubectl counts the NAMESPACE column only when it printed the header: the total moves one column left
    assert bare[-1].index("12m") == bare[0].index("a")


def test_sort_by_usage_is_descending_and_name_ascending():
    pods = [_pod("b", c=("2m", "1Mi")), _pod("c", c=("9m", "3Mi")), _pod("a", c=("5m", "2Mi"))]
    names = [line.split()[0] for line in format_pod_metrics(pods, no_headers=True).splitlines()]
    assert names == ["a", "b", "c"]
    names = [line.split()[0] for line in format_pod_metrics(pods, no_headers=True, sort_by="cpu").splitlines()]
    assert names == ["c", "a", "b"]


def test_node_percentages_and_missing_allocatable():
    metrics = [{"metadata": {"name": "n1"}, "usage": {"cpu": "1999999n", "memory": "512Mi"}},
               {"metadata": {"name": "ghost"}, "usage": {"cpu": "1", "memory": "1Gi"}}]
    available = {"n1": {"cpu": "4", "memory": "2Gi"}, "n2": {"cpu": "4", "memory": "2Gi"}}
    lines = format_node_metrics(metrics, available).splitlines()
    assert lines[1].split() == ["ghost", "1000m", "1024Mi"]  # metrics but no Node: no percentages
    assert lines[2].split() == ["n1", "2m", "0%", "512Mi", "25%"]
    assert lines[3].split() == ["n2", "<unknown>", "<unknown>", "<unknown>", "<unknown>"]
    assert format_node_metrics([], available) == ""


def test_pod_too_old_to_lack_metrics(runners, state):
    """A pod past the two-minute metrics delay and still without metrics: kubectl names it with its age (a Go
    duration that ticks between the runs, so only the age's digits are masked)."""
    import datetime
    import re

    state["kubectl"]("create", "-f", "-", stdin=PENDING)
    server = state["server"]
    created = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1, minutes=2)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")

    def backdate():  # the API never lets a client set creationTimestamp; the store is the only way
        store = server.store
        store._bucket(store.info("", "v1", "pods"))[("empty", "stuck")]["metadata"]["creationTimestamp"] = created

    try:
        server.settle()
        server.call(backdate)
        age = re.compile(r"age: 1h2m[0-9.]+s$", re.M)
        for args in (("top", "pod", "-n", "empty"), ("top", "pod", "-n", "empty", "-l", "!nothing")):
            result = runners.assert_same(*args, normalise=lambda r: type(r)(r.stdout, age.sub("age: AGE", r.stderr),
                                                                            r.exit_code))
            assert result.stderr == "error: Metrics not available for pod empty/stuck, age: AGE\n"
    finally:
        state["kubectl"]("delete", "pod", "stuck", "-n", "empty", "--grace-period=0", "--force", "--wait=false")
