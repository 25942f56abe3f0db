"""The real kubectl 1.32 against the simulated cluster: pods run, log, crash, fail to pull, get deleted; nodes
get cordoned; events, describe and top look like a real cluster's."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import require_real_kubectl

pytestmark = pytest.mark.needs_simulation(reason="it checks the simulated runtime: nodes node01/node02, crashes, pulls, top")


@pytest.fixture
def k(runners, kubeconfig_file, kube_apiserver):
    """Run the real kubectl against the simulated cluster; returns (stdout, stderr, code)."""
    require_real_kubectl()

    def run(*args: str, stdin: str = ""):
        result = runners.kubectl(*args, env={"KUBECONFIG": str(kubeconfig_file)}, stdin=stdin)
        return result.stdout, result.stderr, result.exit_code

    run.server = kube_apiserver
    return run


def until(check, timeout: float = 10.0):
    """Poll `check()` until it returns something truthy (the simulated cluster is asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def pod_field(k, name: str, path: str) -> str:
    return k("get", "pod", name, "-o", f"jsonpath={path}")[0]


def live(k, name: str) -> dict:
    """The pod as the server holds it now (cheap to poll, unlike a kubectl run)."""
    return k.server.cluster.get("", "pods", "default", name) or {}


def node_of(k, name: str) -> str:
    return (live(k, name).get("spec") or {}).get("nodeName", "")


def scheduling_message(k, name: str) -> str:
    conditions = (live(k, name).get("status") or {}).get("conditions") or [{}]
    return conditions[0].get("message", "")


def test_nodes_look_like_a_kind_cluster(k):
    out, err, code = k("get", "nodes")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert [line.split()[:3] for line in lines[1:]] == [["node01", "Ready", "control-plane"],
                                                        ["node02", "Ready", "<none>"]]
    assert all(line.split()[4] == "v1.32.5" for line in lines[1:])
    out, _, _ = k("get", "node", "node02", "-o",
                  "jsonpath={.status.nodeInfo.kubeletVersion} {.metadata.labels.kubernetes\\.io/hostname} "
                  "{.status.allocatable.cpu} {.status.addresses[0].address}")
    assert out == "v1.32.5 node02 4 172.18.0.3"


def test_pod_runs_with_real_status_and_events(k):
    assert k("run", "web", "--image=nginx", "--port=80")[2] == 0
    out, err, code = k("wait", "--for=condition=Ready", "pod/web", "--timeout=10s")
    assert (out, code) == ("pod/web condition met\n", 0), err
    out, _, _ = k("get", "pod", "web", "-o", "jsonpath={.status.phase} {.status.podIP} {.status.hostIP} "
                  "{.status.containerStatuses[0].ready} {.status.containerStatuses[0].started} "
                  "{.status.containerStatuses[0].image} {.status.conditions[*].type}")
    phase, pod_ip, host_ip, ready, started, image, *conditions = out.split()
    assert (phase, ready, started, image) == ("Running", "true", "true", "docker.io/library/nginx:latest")
    assert re.fullmatch(r"10\.244\.[01]\.\d+", pod_ip) and host_ip in ("172.18.0.2", "172.18.0.3")
    assert conditions == ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
    assert re.fullmatch(r"containerd://[0-9a-f]{64}", pod_field(k, "web", "{.status.containerStatuses[0].containerID}"))
    out, _, _ = k("get", "events", "--field-selector", "involvedObject.name=web", "-o",
                  "jsonpath={range .items[*]}{.reason}|{.source.component}|{.message}{'\\n'}{end}")
    node = pod_field(k, "web", "{.spec.nodeName}")
    reasons = [line.split("|") for line in out.splitlines()]
    assert [r[0] for r in reasons] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert reasons[0][2] == f"Successfully assigned default/web to {node}"
    assert reasons[1][1:] == ["kubelet", 'Pulling image "nginx"']
    assert re.fullmatch(r'Successfully pulled image "nginx" in \d+\.\d+s \(\d+\.\d+s including waiting\)\. '
                        r"Image size: \d+ bytes\.", reasons[2][2])
    assert reasons[3][2] == "Created container: web" and reasons[4][2] == "Started container web"


def test_describe_pod_and_node(k):
    k("run", "web", "--image=nginx")
    k("wait", "--for=condition=Ready", "pod/web", "--timeout=10s")
    out, err, code = k("describe", "pod", "web")
    assert code == 0, err
    assert re.search(r"^Node:\s+node0[12]/172\.18\.0\.[23]$", out, re.M)
    assert re.search(r"^Status:\s+Running$", out, re.M)
    assert re.search(r"^    State:\s+Running\n      Started:", out, re.M)
    assert re.search(r"^    Ready:\s+True\n    Restart Count:\s+0$", out, re.M)
    events = out[out.index("\nEvents:"):]
    assert re.search(r"Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default/web to node0",
                     events)
    assert re.search(r"Normal\s+Started\s+\S+\s+kubelet\s+Started container web", events)
    node = pod_field(k, "web", "{.spec.nodeName}")
    out, err, code = k("describe", "node", node)
    assert code == 0, err
    assert "Kubelet Version:            v1.32.5" in out
    assert re.search(r"^Non-terminated Pods:\s+\(1 in total\)$", out, re.M)
    assert re.search(r"^  default\s+web\s+0 \(0%\)", out, re.M)
    assert "Allocated resources:" in out and re.search(r"^  cpu\s+0 \(0%\)\s+0 \(0%\)$", out, re.M)


def test_logs_variants(k):
    script = "for i in 1 2 3 4 5; do echo line $i; done; echo oops >&2"
    assert k("run", "counter", "--image=busybox", "--restart=Never", "--", "sh", "-c", script)[2] == 0
    assert until(lambda: (live(k, "counter").get("status") or {}).get("phase") == "Succeeded")
    out, err, code = k("logs", "counter")
    assert (out, code) == ("line 1\nline 2\nline 3\nline 4\nline 5\noops\n", 0), err
    assert k("logs", "counter", "--tail=2")[0] == "line 5\noops\n"
    assert k("logs", "counter", "--since=1h")[0].startswith("line 1\n")
    assert k("logs", "counter", "--limit-bytes=9")[0] == "line 1\nli"
    out, _, _ = k("logs", "counter", "--timestamps", "--tail=1")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z oops\n", out)
    assert k("logs", "pod/counter", "-c", "counter", "-f")[0].endswith("line 5\noops\n")
    out, err, code = k("logs", "counter", "-p")
    assert (out, code) == ("", 1)
    assert err == 'Error from server (BadRequest): previous terminated container "counter" in pod "counter" not found\n'
    out, err, code = k("logs", "counter", "-c", "nope")
    assert (code, err) == (1, "error: container nope is not valid for pod counter\n")  # checked by kubectl


def test_logs_of_two_containers_and_waiting(k):
    manifest = """
apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  containers:
  - {name: a, image: busybox, command: [sh, -c, "echo from-a; sleep 3600"]}
  - {name: b, image: busybox, command: [sh, -c, "echo from-b; sleep 3600"]}
"""
    assert k("apply", "-f", "-", stdin=manifest)[2] == 0
    k("wait", "--for=condition=Ready", "pod/duo", "--timeout=10s")
    runtime = k.server.cluster.runtime
    assert until(lambda: all(runtime.container("default", "duo", c) and runtime.container("default", "duo", c)
                             .log.entries for c in "ab"))
    out, err, code = k("logs", "duo", "--all-containers", "--prefix")
    assert code == 0, err
    # kubectl reads the containers' logs concurrently: the order of the two streams is not fixed.
    assert sorted(out.splitlines(keepends=True)) == ["[pod/duo/a] from-a\n", "[pod/duo/b] from-b\n"]
    assert k("logs", "duo", "-c", "a", "--since=1s")[2] == 0
    k("delete", "pod", "duo", "--grace-period=1")


def test_crashing_container_goes_to_crashloopbackoff_with_previous_logs(k):
    k("run", "crash", "--image=busybox", "--", "sh", "-c", "echo attempt; exit 3")

    def crashlooping():
        out = k("get", "pod", "crash", "--no-headers")[0].split()
        return out if len(out) >= 4 and out[2] == "CrashLoopBackOff" and int(out[3]) >= 2 else None

    row = until(crashlooping)
    assert row, k("get", "pod", "crash")[0]
    assert row[1] == "0/1"
    assert pod_field(k, "crash", "{.status.containerStatuses[0].lastState.terminated.exitCode}") == "3"
    assert pod_field(k, "crash", "{.status.containerStatuses[0].lastState.terminated.reason}") == "Error"
    assert k("logs", "crash", "-p")[0] == "attempt\n"
    out, _, _ = k("get", "events", "--field-selector", "involvedObject.name=crash,reason=BackOff", "-o",
                  "jsonpath={.items[0].type} {.items[0].message}")
    assert re.fullmatch(r"Warning Back-off restarting failed container crash in pod crash_default\([0-9a-f-]{36}\)",
                        out)
    k("delete", "pod", "crash", "--force", "--grace-period=0")


def test_bad_image_reaches_imagepullbackoff(k):
    k("run", "bad", "--image=nginx:doesnotexist")
    status = until(lambda: "ImagePullBackOff" in k("get", "pod", "bad", "--no-headers")[0])
    assert status, k("get", "pod", "bad")[0]
    out, err, code = k("logs", "bad")
    assert (code, err) == (1, 'Error from server (BadRequest): container "bad" in pod "bad" is waiting to start: '
                              "trying and failing to pull image\n")
    out, _, _ = k("get", "events", "--field-selector", "involvedObject.name=bad,reason=Failed", "-o",
                  "jsonpath={range .items[*]}{.message}{'\\n'}{end}")
    assert ('Failed to pull image "nginx:doesnotexist": rpc error: code = NotFound desc = failed to pull and unpack '
            'image "docker.io/library/nginx:doesnotexist": failed to resolve reference '
            '"docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found') in out
    assert "Error: ErrImagePull" in out and "Error: ImagePullBackOff" in out


def test_init_container_runs_first(k):
    manifest = """
apiVersion: v1
kind: Pod
metadata: {name: ordered}
spec:
  initContainers:
  - {name: setup, image: busybox, command: [sh, -c, "echo init done"]}
  containers:
  - {name: app, image: nginx}
"""
    k("apply", "-f", "-", stdin=manifest)
    assert k("wait", "--for=condition=Ready", "pod/ordered", "--timeout=10s")[2] == 0
    assert pod_field(k, "ordered", "{.status.initContainerStatuses[0].state.terminated.reason}") == "Completed"
    assert k("logs", "ordered", "-c", "setup")[0] == "init done\n"
    assert k("get", "pod", "ordered", "--no-headers")[0].split()[2] == "Running"


def test_cordon_keeps_new_pods_off_the_node_and_unschedulable_pods_wait(k):
    assert k("cordon", "node02") == ("node/node02 cordoned\n", "", 0)
    for name in ("a", "b", "c"):
        k("run", name, "--image=nginx")
    for name in ("a", "b", "c"):
        assert until(lambda n=name: node_of(k, n)) == "node01"
    assert until(lambda: "node.kubernetes.io/unschedulable" in str(k.server.cluster.get("", "nodes", None, "node02")))
    k("cordon", "node01")
    k("run", "waiting", "--image=nginx")
    message = ("0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: "
               "2 Preemption is not helpful for scheduling.")
    assert until(lambda: scheduling_message(k, "waiting")) == message
    out, _, _ = k("get", "events", "--field-selector", "involvedObject.name=waiting", "-o",
                  "jsonpath={.items[0].type} {.items[0].reason} {.items[0].message}")
    assert out == f"Warning FailedScheduling {message}"
    assert k("uncordon", "node02") == ("node/node02 uncordoned\n", "", 0)
    assert until(lambda: node_of(k, "waiting")) == "node02"
    out, _, _ = k("get", "events", "--field-selector", "involvedObject.kind=Node", "-o",
                  "jsonpath={range .items[*]}{.reason}{' '}{end}")
    assert out.split().count("NodeNotSchedulable") == 2 and "NodeSchedulable" in out


def test_scheduler_honours_selectors_taints_and_requests(k):
    manifest = """
apiVersion: v1
kind: Pod
metadata: {name: picky}
spec:
  nodeSelector: {disktype: ssd}
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: greedy}
spec:
  containers:
  - name: c
    image: nginx
    resources: {requests: {cpu: "6"}}
"""
    k("apply", "-f", "-", stdin=manifest)
    picky = ("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes "
             "are available: 2 Preemption is not helpful for scheduling.")
    greedy = ("0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption "
              "victims found for incoming pod.")
    assert until(lambda: scheduling_message(k, "picky")) == picky
    assert until(lambda: scheduling_message(k, "greedy")) == greedy
    k("label", "node", "node02", "disktype=ssd")
    assert until(lambda: node_of(k, "picky")) == "node02"
    k("taint", "node", "node01", "dedicated=db:NoSchedule")
    k("run", "plain", "--image=nginx")
    assert until(lambda: node_of(k, "plain")) == "node02"


def test_delete_pod_gracefully_and_by_force(k):
    k("run", "stubborn", "--image=busybox", "--", "sh", "-c", "trap '' TERM; while true; do sleep 1; done")
    k("wait", "--for=condition=Ready", "pod/stubborn", "--timeout=10s")
    clock = k.server.cluster.clock
    clock.hold()  # the grace period runs on the cluster clock only, not 1/100 of wall time
    try:
        out, err, code = k("delete", "pod", "stubborn", "--grace-period=60", "--wait=false")
        assert (out, code) == ('pod "stubborn" deleted\n', 0), err
        k.server.settle()
        out = pod_field(k, "stubborn", "{.metadata.deletionGracePeriodSeconds} {.metadata.deletionTimestamp}")
        assert out.startswith("60 "), out  # Terminating: the container ignores SIGTERM
        assert k("get", "pod", "stubborn", "--no-headers")[0].split()[2] == "Terminating"
        out, _, _ = k("get", "events", "--field-selector", "involvedObject.name=stubborn,reason=Killing", "-o",
                      "jsonpath={.items[0].message}")
        assert out == "Stopping container stubborn"
        clock.advance(60)  # the grace period ends: SIGKILL, then the kubelet removes the pod
        assert k("wait", "--for=delete", "pod/stubborn", "--timeout=10s")[2] == 0
    finally:
        clock.hold(False)
    k("run", "quick", "--image=nginx")
    k("wait", "--for=condition=Ready", "pod/quick", "--timeout=10s")
    out, err, code = k("delete", "pod", "quick", "--force", "--grace-period=0")
    assert (out, code) == ('pod "quick" force deleted\n', 0)
    assert err.startswith("Warning: Immediate deletion does not wait for confirmation")
    assert k("get", "pod", "quick")[2] == 1


def test_top_pods_and_nodes(k):
    k("run", "web", "--image=nginx", "--labels=app=web")
    k("run", "cache", "--image=redis")
    k("wait", "--for=condition=Ready", "pod/web", "pod/cache", "--timeout=10s")
    out, err, code = k("top", "pods")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert sorted(line.split()[0] for line in lines[1:]) == ["cache", "web"]
    assert all(re.fullmatch(r"\d+m", line.split()[1]) and re.fullmatch(r"\d+Mi", line.split()[2])
               for line in lines[1:])
    assert k("top", "pods")[0] == out  # deterministic
    assert k("top", "pods", "-l", "app=web")[0].splitlines()[1].split()[0] == "web"
    out, err, code = k("top", "nodes")
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert [r[0] for r in rows[1:]] == ["node01", "node02"]
    assert all(re.fullmatch(r"\d+m", r[1]) and re.fullmatch(r"\d+%", r[2]) for r in rows[1:])
    out, err, code = k("top", "pod", "web", "--containers")
    assert code == 0 and out.splitlines()[1].split()[:2] == ["web", "web"]


def test_drain_evicts_to_the_other_node(k):
    k("create", "deployment", "web", "--image=nginx", "--replicas=4")
    assert k("rollout", "status", "deployment/web", "--timeout=20s")[2] == 0
    out, err, code = k("drain", "node02", "--ignore-daemonsets", "--timeout=20s")
    assert code == 0, err
    assert out.startswith("node/node02 cordoned\n") and out.endswith("node/node02 drained\n")
    assert re.search(r"^pod/web-[a-z0-9]+-[a-z0-9]{5} evicted$", out, re.M)
    assert until(lambda: [((p.get("status") or {}).get("phase"), (p.get("spec") or {}).get("nodeName"))
                          for p in k.server.cluster.list("", "pods", "default")] == [("Running", "node01")] * 4)
    out, _, _ = k("get", "pods", "-o", "jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{'\\n'}{end}")
    assert out.splitlines() == ["Running node01"] * 4
    assert k("uncordon", "node02")[0] == "node/node02 uncordoned\n"
