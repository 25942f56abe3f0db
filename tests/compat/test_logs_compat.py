"""`logs`: the real kubectl 1.32 and pykubectl against the same simulated cluster, byte for byte.

The pods are busybox shells that print known lines and end, so `-f` returns once the container has ended.
kubectl keeps its log requests in a Go map, so with several streams (--all-containers, -l over several pods)
it prints them in a random order: those cases compare the sorted lines (and stderr and exit code exactly).
"""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.conftest import Result, Runners, _isolated_env, kubectl_state, require_real_kubectl

pytestmark = pytest.mark.needs_simulation

MANIFESTS = """
apiVersion: v1
kind: Pod
metadata: {name: counter, labels: {app: counter}}
spec:
  restartPolicy: Never
  containers:
  - {name: counter, image: busybox, command: [sh, -c, "for i in 1 2 3 4 5; do echo line $i; done; echo oops >&2"]}
---
apiVersion: v1
kind: Pod
metadata: {name: duo, labels: {app: duo}}
spec:
  restartPolicy: Never
  initContainers:
  - {name: setup, image: busybox, command: [sh, -c, "echo init done"]}
  containers:
  - {name: a, image: busybox, command: [sh, -c, "echo from-a; echo more-a"]}
  - {name: b, image: busybox, command: [sh, -c, "echo from-b"]}
---
apiVersion: v1
kind: Pod
metadata:
  name: anno
  labels: {app: duo}
  annotations: {kubectl.kubernetes.io/default-container: b}
spec:
  restartPolicy: Never
  containers:
  - {name: a, image: busybox, command: [sh, -c, "echo anno-a"]}
  - {name: b, image: busybox, command: [sh, -c, "echo anno-b"]}
---
apiVersion: v1
kind: Pod
metadata:
  name: badanno
  annotations: {kubectl.kubernetes.io/default-container: zz}
spec:
  restartPolicy: Never
  containers:
  - {name: a, image: busybox, command: [sh, -c, "echo badanno-a"]}
  - {name: b, image: busybox, command: [sh, -c, "echo badanno-b"]}
---
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - {name: crash, image: busybox, command: [sh, -c, "echo attempt; exit 3"]}
---
apiVersion: v1
kind: Pod
metadata: {name: stuck}
spec:
  nodeSelector: {nowhere: "true"}
  containers:
  - {name: stuck, image: busybox, command: [sh, -c, "echo never"]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: busybox, image: busybox, command: [sh, -c, "echo hello from $HOSTNAME; sleep 3600"]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: zero}
spec:
  replicas: 0
  selector: {matchLabels: {app: zero}}
  template:
    metadata: {labels: {app: zero}}
    spec:
      containers:
      - {name: busybox, image: busybox}
---
apiVersion: batch/v1
kind: Job
metadata: {name: hello}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: hello, image: busybox, command: [sh, -c, "echo job says hi; echo bye"]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: headless}
spec:
  clusterIP: None
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
"""


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    """A kubeconfig for the simulated cluster once MANIFESTS have run (and crash has restarted)."""
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    kubeconfig, home, env, binary, kubectl = kubectl_state(kube_apiserver, tmp_path_factory, "logs-state")

    kubectl("apply", "-f", "-", stdin=MANIFESTS)
    kubectl("wait", "--for=condition=complete", "job/hello", "--timeout=30s")
    kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=30s")
    kubectl("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/counter", "pod/duo", "pod/anno", "pod/badanno",
            "--timeout=30s")
    kubectl("wait", "--for=jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}=3", "pod/crash",
            "--timeout=30s")
    kube_apiserver.settle()
    yield {"KUBECONFIG": str(kubeconfig), "home": home}
    kube_apiserver.reset()


@pytest.fixture
def runners(state, monkeypatch):
    """One HOME for the module: both clients keep their discovery caches warm."""
    return Runners(state["home"], monkeypatch)


@pytest.fixture
def env(state):
    return {"KUBECONFIG": state["KUBECONFIG"]}


def _sorted_lines(result: Result) -> Result:
    return Result("".join(sorted(result.stdout.splitlines(keepends=True))), result.stderr, result.exit_code)


def _help_path(result: Result) -> Result:
    return Result(result.stdout, result.stderr.replace("kubectl.1.32 logs", "kubectl logs"), result.exit_code)


EXACT = [
    # one container
    "counter", "pod/counter", "counter counter", "counter -c counter", "counter --tail=2", "counter --tail=0",
    "counter --tail=-1", "counter --limit-bytes=9", "counter --limit-bytes=100", "counter --timestamps",
    "counter --timestamps --tail=1", "counter --since=1h", "counter --since=1h --timestamps",
    "counter --since-time=2020-01-01T00:00:00Z", "counter --since-time=2999-01-01T00:00:00+02:00",
    "counter --since-time=2020-01-01T00:00:00.5Z", "counter -f", "counter --follow=true --tail=1",
    "counter --prefix", "counter --all-containers", "counter --insecure-skip-tls-verify-backend",
    # several containers, the default one
    "duo", "duo -c a", "duo a", "duo -c b --prefix", "duo -c setup", "pod/duo b", "anno", "anno -c a", "badanno",
    # previous instance
    "crash -p", "crash --previous --prefix", "counter -p", "counter -p --ignore-errors",
    # workloads: kubectl picks a pod
    "deploy/web", "deployment/web --tail=1", "svc/web", "job/hello", "job/hello -f", "jobs.batch/hello --prefix",
    "deploy/zero --pod-running-timeout=1s", "svc/headless", "cm/settings",
    # selectors
    "-l app=counter", "-l app=counter --tail=-1", "-l app=counter --tail=3", "-l app=none",
    "-l app=web -f --max-log-requests=1", "-l app=duo --all-containers -f --max-log-requests=4",
    # errors
    "nope", "pod/nope", "deploy/nope", "-n elsewhere counter", "foo/bar", "a/b/c", "pods/", "duo -c zz",
    "duo zz", "stuck", "counter -c counter counter", "counter --all-containers -c counter",
    "duo a --all-containers", "counter --since=1s --since-time=2024-01-01T00:00:00Z", "counter --limit-bytes=-1",
    "counter --since=-1s", "counter --tail=-2", "counter --since-time=bad", "counter --since-time=2024-01-01",
    "counter --since-time=2024-13-01T00:00:00Z", "counter --since-time=2024-01-01T00:00:00",
    "counter --since-time=2024-01-01T00:00:00Zabc", "counter --since-time=2024-02-30T00:00:00Z",
    "counter --since-time=2024-08-30T06:00:00+2:00", "counter --since-time=2020-08-30T6:00:00Z",
    "counter --pod-running-timeout=0",
    "nope --limit-bytes=-1", "counter x y",
]

USAGE_ERRORS = ["", "-l app=web counter", "a b c", "counter --since=xx", "counter --since=5",
                "counter --since=5x", "counter --tail=abc", "counter --limit-bytes=1.5", "counter -c"]

SEVERAL_STREAMS = [
    "duo --all-containers", "duo --all-containers --prefix", "duo --all-containers -f --prefix",
    "duo --all-containers --timestamps", "anno --all-containers -f --prefix --max-log-requests=2",
    "-l app=duo", "-l app=duo --prefix", "-l app=duo --all-containers --prefix", "-l app=web --prefix",
    "deploy/web --all-pods", "svc/web --all-pods --tail=1", "-l app=duo --all-containers -f --prefix",
]


@pytest.mark.parametrize("args", EXACT)
def test_logs_same_as_kubectl(runners, env, args):
    runners.assert_same("logs", *args.split(), env=env)


@pytest.mark.parametrize("args", USAGE_ERRORS)
def test_logs_usage_errors(runners, env, args):
    result = runners.assert_same("logs", *args.split(), env=env, normalise=_help_path)
    assert result.exit_code == 1


@pytest.mark.parametrize("args", SEVERAL_STREAMS)
def test_logs_of_several_streams(runners, env, args):
    """kubectl's order is random here; the lines, stderr and exit code are not."""
    result = runners.assert_same("logs", *args.split(), env=env, normalise=_sorted_lines)
    assert result.exit_code == 0 and result.stdout


def test_all_containers_in_kubectl_declared_order(runners, env):
    """Init containers first, then the containers in spec order (one of kubectl's orders, always ours)."""
    result = runners.pykubectl("logs", "duo", "--all-containers", "--prefix", env=env)
    assert result.stdout == ("[pod/duo/setup] init done\n[pod/duo/a] from-a\n[pod/duo/a] more-a\n"
                             "[pod/duo/b] from-b\n")


def test_help_is_kubectls(runners, env):
    runners.assert_same("logs", "--help", env=env)


def test_follow_streams_a_running_container(runners, env, kube_apiserver):
    """-f on a container that is still running prints its lines as they come and ends when it ends."""
    manifest = """
apiVersion: v1
kind: Pod
metadata: {name: slow}
spec:
  restartPolicy: Never
  containers:
  - {name: slow, image: busybox, command: [sh, -c, "echo first; sleep 1; echo second; sleep 1; echo third"]}
"""
    assert runners.kubectl("apply", "-f", "-", env=env, stdin=manifest).exit_code == 0
    deadline = time.monotonic() + 20
    while runners.kubectl("logs", "slow", env=env).stdout != "first\n":
        assert time.monotonic() < deadline, "the pod never started"
        time.sleep(0.05)
    started = time.monotonic()
    followed = runners.pykubectl("logs", "slow", "-f", env=env)
    assert time.monotonic() - started > 0.5  # it waited for the container rather than returning at once
    assert (followed.stdout, followed.stderr, followed.exit_code) == ("first\nsecond\nthird\n", "", 0)
    runners.assert_same("logs", "slow", "-f", env=env)
    runners.kubectl("delete", "pod", "slow", "--grace-period=0", "--force", env=env)


SPOT_CHECKS = [
    ("counter --tail=2", "line 5\noops\n", "", 0),
    ("duo", "from-a\nmore-a\n", 'Defaulted container "a" out of: a, b, setup (init)\n', 0),
    ("anno", "anno-b\n", "", 0),
    ("badanno", "badanno-a\n", 'Default container name "zz" not found in pod badanno\n'
                               'Defaulted container "a" out of: a, b\n', 0),
    ("crash -p", "attempt\n", "", 0),
    ("job/hello --prefix", "[pod/{pod}/hello] job says hi\n[pod/{pod}/hello] bye\n", "", 0),
    ("counter -p --ignore-errors",
     'error: previous terminated container "counter" in pod "counter" not found\n', "", 0),
    ("stuck", "", "Error from server (BadRequest): pod stuck does not have a host assigned\n", 1),
    ("nope", "", 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n', 1),
    ("svc/headless", "", "error: cannot get the logs from *v1.Service: invalid service 'headless': Service is "
                         "defined without a selector\n", 1),
    ("cm/settings", "", "error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not "
                        "implemented\n", 1),
    ("deploy/zero --pod-running-timeout=1s", "", "error: timed out waiting for the condition\n", 1),
    ("-l app=duo --all-containers -f --max-log-requests=4", "",
     "error: you are attempting to follow 5 log streams, but maximum allowed concurrency is 4, use "
     "--max-log-requests to increase the limit\n", 1),
]


@pytest.mark.parametrize(("args", "out", "err", "code"), SPOT_CHECKS)
def test_logs_spot_checks(runners, env, args, out, err, code):
    """What the differential cases above print, spelled out, so that they cannot pass by both failing alike."""
    pod = runners.kubectl("get", "pods", "-l", "job-name=hello", "-o", "jsonpath={.items[0].metadata.name}",
                          env=env).stdout
    result = runners.pykubectl("logs", *args.split(), env=env)
    assert (result.stdout, result.stderr, result.exit_code) == (out.format(pod=pod), err, code)


def test_found_pods_notice_names_the_pod_it_uses(runners, env):
    result = runners.assert_same("logs", "deploy/web", env=env)
    pod = result.stderr.removeprefix("Found 2 pods, using pod/").strip()
    assert result.stdout == f"hello from {pod}\n"


@pytest.mark.parametrize("args", [("deploy/web", "-f"), ("-l", "app=web", "-f", "--prefix")])
def test_ctrl_c_stops_following_with_exit_1(state, args):
    """SIGINT while following: kubectl's interrupt handler stops the streams and exits 1 without a message."""
    import signal
    import sys

    env = _isolated_env(state["home"], {"KUBECONFIG": state["KUBECONFIG"]})
    results = []
    for argv in ([require_real_kubectl()], [sys.executable, "-m", "pykubectl"]):
        proc = subprocess.Popen([*argv, "logs", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                text=True)
        expected = 2 if "-l" in args else 1
        first = "".join(proc.stdout.readline() for _ in range(expected))  # every stream is open and waiting
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=20)
        results.append((proc.returncode, sorted((first + rest).splitlines()), err))
    assert results[0] == results[1]
    assert results[1][0] == 1 and len(results[1][1]) == expected
    assert "Traceback" not in results[1][2]
