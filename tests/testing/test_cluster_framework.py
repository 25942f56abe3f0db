"""The simulated cluster's machinery: controllers fed by the store, timers on the cluster clock, events,
scheduler texts, kubelet life cycles, the runtime's nginx/redis stand-ins, the log and metrics endpoints."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from pykubectl.testing.cluster import images, scheduler

pytestmark = pytest.mark.needs_simulation


@pytest.fixture
def cluster(kube_apiserver):
    kube_apiserver.reset()
    return kube_apiserver.cluster


def call(server, path, timeout=10):
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    request = urllib.request.Request(server.url + path, headers={"Authorization": "Bearer admin-token"})
    try:
        with urllib.request.urlopen(request, context=context, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def make_pod(cluster, name, *containers, restart="Always", **spec):
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"restartPolicy": restart, "containers": list(containers), **spec}}
    return cluster.create("", "pods", body)


def wait_for(cluster, check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cluster.settle(timeout=1)
        value = check()
        if value:
            return value
        time.sleep(0.02)
    return check()


def phase(cluster, name):
    pod = cluster.get("", "pods", "default", name) or {}
    return (pod.get("status") or {}).get("phase")


# ------------------------------------------------------------------ framework


def test_a_registered_controller_sees_changes_once_committed_and_timers_follow_the_clock(cluster):
    seen, fired = [], []

    class Recorder:
        name = "recorder"
        watches = (("", "configmaps"),)

        def reconcile(self, cl, event):
            # called outside the store lock, on the worker: reading back the store must work
            seen.append((event.type, event.object["metadata"]["name"],
                         cl.get("", "configmaps", "default", event.object["metadata"]["name"]) is not None))

    cluster.register(Recorder())
    cluster.create("", "configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                      "metadata": {"name": "c1", "namespace": "default"}})
    cluster.delete("", "configmaps", "default", "c1")
    assert cluster.settle()
    mine = [entry for entry in seen if entry[1] == "c1"]
    assert [entry[:2] for entry in mine] == [("ADDED", "c1"), ("DELETED", "c1")]
    assert mine[1][2] is False  # delivered once committed: the object is gone by then
    cluster.clock.hold()
    try:
        cluster.after(3600, lambda: fired.append("late"))
        cluster.after(0, lambda: fired.append("now"))
        assert cluster.settle() and fired == ["now"]
        before = cluster.clock.now()
        cluster.clock.advance(3600)
        assert cluster.clock.now() - before >= 3600
        assert wait_for(cluster, lambda: fired == ["now", "late"])
    finally:
        cluster.clock.hold(False)


def test_events_aggregate_repeats(cluster):
    node = cluster.get("", "nodes", None, "node01")
    first = cluster.record_event(node, "Normal", "Testing", "same text", "kubelet", "node01")
    again = cluster.record_event(node, "Normal", "Testing", "same text", "kubelet", "node01")
    assert again["metadata"]["name"] == first["metadata"]["name"]
    assert (first["count"], again["count"]) == (1, 2)
    assert first["source"] == {"component": "kubelet", "host": "node01"}
    assert first["involvedObject"]["kind"] == "Node" and first["reportingInstance"] == "node01"
    new_api = cluster.record_event(node, "Normal", "Scheduled", "x", "default-scheduler", "node01", action="Binding",
                                   series=True)
    assert (new_api["firstTimestamp"], new_api["source"], new_api["action"]) == (None, {}, "Binding")
    assert new_api["eventTime"].endswith("Z") and "." in new_api["eventTime"]


def test_reset_without_simulation_is_a_plain_api_server(kube_apiserver):
    kube_apiserver.reset(simulate=False)
    try:
        cluster = kube_apiserver.cluster
        assert cluster.list("", "nodes") == []
        make_pod(cluster, "still", {"name": "c", "image": "nginx"})
        time.sleep(0.05)
        assert (cluster.get("", "pods", "default", "still")["status"]) == {"phase": "Pending",
                                                                            "qosClass": "BestEffort"}
    finally:
        kube_apiserver.reset(simulate=True)
    assert [n["metadata"]["name"] for n in kube_apiserver.cluster.list("", "nodes")] == ["node01", "node02"]


# ------------------------------------------------------------------ scheduler texts


def test_failure_message_sorts_reasons_and_explains_preemption():
    message = scheduler.failure_message(
        3, Counter({"node(s) were unschedulable": 1, "Insufficient memory": 2}),
        Counter({scheduler.NOT_HELPFUL: 1, scheduler.NO_VICTIMS: 2}))
    assert message == ("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient memory. preemption: "
                       "0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims "
                       "found for incoming pod.")


def test_untolerated_taint_and_required_affinity(cluster):
    def change(node):
        node["spec"]["taints"] = [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]

    cluster.mutate("", "nodes", None, "node01", change)
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["node01"]}]}]}}}
    make_pod(cluster, "pinned", {"name": "c", "image": "nginx"}, affinity=affinity)
    message = wait_for(cluster, lambda: ((cluster.get("", "pods", "default", "pinned").get("status") or {})
                                         .get("conditions") or [{}])[0].get("message"))
    assert message == ("0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had "
                       "untolerated taint {dedicated: db}. preemption: 0/2 nodes are available: 2 Preemption is not "
                       "helpful for scheduling.")
    make_pod(cluster, "tolerant", {"name": "c", "image": "nginx"}, affinity=affinity,
             tolerations=[{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}])
    assert wait_for(cluster, lambda: cluster.get("", "pods", "default", "tolerant")["spec"].get("nodeName")) == "node01"


# ------------------------------------------------------------------ kubelet


def test_pod_phases_for_restart_policies(cluster):
    make_pod(cluster, "ok", {"name": "c", "image": "busybox", "command": ["true"]}, restart="OnFailure")
    make_pod(cluster, "fails", {"name": "c", "image": "busybox", "command": ["sh", "-c", "exit 2"]}, restart="Never")
    make_pod(cluster, "nocmd", {"name": "c", "image": "example.com/app:1"}, restart="Never")
    assert wait_for(cluster, lambda: phase(cluster, "ok") == "Succeeded")
    assert wait_for(cluster, lambda: phase(cluster, "fails") == "Failed")
    failed = cluster.get("", "pods", "default", "fails")["status"]
    terminated = failed["containerStatuses"][0]["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (2, "Error")
    ready = {c["type"]: (c["status"], c.get("reason")) for c in failed["conditions"]}
    assert ready["Ready"] == ("False", "PodCompleted") and ready["PodScheduled"] == ("True", None)
    assert wait_for(cluster, lambda: phase(cluster, "nocmd") == "Running")  # an unknown image idles


def test_missing_executable_is_a_start_error(cluster):
    make_pod(cluster, "noexec", {"name": "c", "image": "busybox", "command": ["/no/such/binary"]}, restart="Never")
    assert wait_for(cluster, lambda: phase(cluster, "noexec") == "Failed")
    state = cluster.get("", "pods", "default", "noexec")["status"]["containerStatuses"][0]["state"]["terminated"]
    assert (state["exitCode"], state["reason"]) == (128, "StartError")
    assert 'exec: "/no/such/binary": executable file not found in $PATH' in state["message"]


def test_readiness_probe_gates_ready(cluster):
    probe = {"exec": {"command": ["sh", "-c", "test -f ready"]}, "periodSeconds": 1}
    make_pod(cluster, "probed", {"name": "c", "image": "busybox", "command": ["sh", "-c", "sleep 3600"],
                                 "readinessProbe": probe})
    assert wait_for(cluster, lambda: phase(cluster, "probed") == "Running")
    container = cluster.runtime.container("default", "probed", "c")
    time.sleep(0.1)
    cluster.settle()
    assert cluster.get("", "pods", "default", "probed")["status"]["containerStatuses"][0]["ready"] is False
    with open(f"{container.sandbox}/ready", "w"):
        pass
    assert wait_for(cluster, lambda: cluster.get("", "pods", "default", "probed")["status"]
                    ["containerStatuses"][0]["ready"])
    cluster.delete("", "pods", "default", "probed", grace_period=0)


def test_nginx_and_redis_answer_on_loopback(cluster):
    make_pod(cluster, "web", {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]})
    make_pod(cluster, "kv", {"name": "redis", "image": "redis:7"})
    assert wait_for(cluster, lambda: phase(cluster, "web") == "Running" and phase(cluster, "kv") == "Running")
    host, port = cluster.runtime.port_address("default", "web", 8080)
    assert host == "127.0.0.1"
    with urllib.request.urlopen(f"http://{host}:{port}/", timeout=5) as response:
        assert response.status == 200 and b"<title>Welcome to nginx!</title>" in response.read()
        assert response.headers["Server"] == "nginx/1.27.3"
    log = cluster.runtime.container("default", "web", "nginx").log
    assert wait_for(cluster, lambda: b'"GET / HTTP/1.1" 200 615' in log.entries[-1].data)
    host, port = cluster.runtime.port_address("default", "kv", 6379)
    with socket.create_connection((host, port), timeout=5) as conn:
        conn.sendall(b"*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nhi\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                     b"*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n")
        expected = b"+PONG\r\n+OK\r\n$2\r\nhi\r\n$3\r\nabc\r\n"
        received = b""
        while len(received) < len(expected):
            received += conn.recv(1024)
    assert received == expected


def test_image_names():
    assert images.full_reference("nginx") == "docker.io/library/nginx:latest"
    assert images.full_reference("bitnami/redis:7") == "docker.io/bitnami/redis:7"
    assert images.full_reference("registry.k8s.io/pause:3.10") == "registry.k8s.io/pause:3.10"
    assert images.pull_error("nginx:1.27") is None
    assert "pull access denied" in images.pull_error("doesnotexist/app")


# ------------------------------------------------------------------ log and metrics endpoints


def test_log_endpoint_errors_and_follow(kube_apiserver, cluster):
    make_pod(cluster, "two", {"name": "a", "image": "nginx"}, {"name": "b", "image": "nginx"},
             initContainers=[{"name": "i", "image": "busybox", "command": ["true"]}])
    code, body = call(kube_apiserver, "/api/v1/namespaces/default/pods/two/log")
    assert code == 400 and json.loads(body)["message"] == (
        "a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [i]")
    make_pod(cluster, "ticker", {"name": "c", "image": "busybox",
                                 "command": ["sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 0.1; done"]},
             restart="Never")
    code, body = call(kube_apiserver, "/api/v1/namespaces/default/pods/ticker/log?follow=true")
    if code == 400:  # asked before the container started
        assert b"is waiting to start" in body
        wait_for(cluster, lambda: cluster.runtime.container("default", "ticker", "c"))
        code, body = call(kube_apiserver, "/api/v1/namespaces/default/pods/ticker/log?follow=true")
    assert (code, body) == (200, b"tick 1\ntick 2\ntick 3\n")  # follow ends with the container
    code, body = call(kube_apiserver, "/api/v1/namespaces/default/pods/ticker/log?sinceTime=2999-01-01T00:00:00Z")
    assert (code, body) == (200, b"")
    code, body = call(kube_apiserver, "/api/v1/namespaces/default/pods/ticker/log?tailLines=-1")
    assert code == 422


def test_log_waiting_message(kube_apiserver, cluster):
    cluster.clock.hold()  # keep the pod in ContainerCreating
    try:
        make_pod(cluster, "slow", {"name": "c", "image": "nginx"})
        assert wait_for(cluster, lambda: (cluster.get("", "pods", "default", "slow")["status"]
                                          .get("containerStatuses")))
        code, body = call(kube_apiserver, "/api/v1/namespaces/default/pods/slow/log")
        assert code == 400
        assert json.loads(body)["message"] == 'container "c" in pod "slow" is waiting to start: ContainerCreating'
    finally:
        cluster.clock.hold(False)


def test_metrics_endpoints(kube_apiserver, cluster):
    make_pod(cluster, "web", {"name": "nginx", "image": "nginx"})
    assert wait_for(cluster, lambda: phase(cluster, "web") == "Running")
    code, body = call(kube_apiserver, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web")
    data = json.loads(body)
    assert code == 200 and (data["kind"], data["apiVersion"]) == ("PodMetrics", "metrics.k8s.io/v1beta1")
    assert data["containers"][0]["name"] == "nginx"
    assert data["containers"][0]["usage"]["cpu"].endswith("n")
    assert data["containers"][0]["usage"]["memory"].endswith("Ki")
    code, body = call(kube_apiserver, "/apis/metrics.k8s.io/v1beta1/nodes")
    assert [item["metadata"]["name"] for item in json.loads(body)["items"]] == ["node01", "node02"]
    code, body = call(kube_apiserver, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope")
    assert code == 404 and json.loads(body)["message"] == 'podmetrics.metrics.k8s.io "nope" not found'


def test_threads_do_not_pile_up(cluster):
    before = threading.active_count()
    for i in range(3):
        make_pod(cluster, f"n{i}", {"name": "c", "image": "busybox", "command": ["true"]}, restart="Never")
    assert wait_for(cluster, lambda: all(phase(cluster, f"n{i}") == "Succeeded" for i in range(3)))
    time.sleep(0.2)
    assert threading.active_count() <= before + 2


def test_exec_process_runs_in_the_sandbox_with_the_container_env(cluster):
    import os

    make_pod(cluster, "shell", {"name": "c", "image": "busybox", "command": ["sleep", "3600"],
                                "env": [{"name": "GREETING", "value": "hi"}]})
    assert wait_for(cluster, lambda: phase(cluster, "shell") == "Running")
    process, master = cluster.runtime.exec_process("default", "shell", "c", ["sh", "-c", "echo $GREETING; pwd"])
    out, _ = process.communicate(timeout=5)
    sandbox = cluster.runtime.container("default", "shell", "c").sandbox
    assert master is None and out.decode() == f"hi\n{sandbox}\n"
    process, master = cluster.runtime.exec_process("default", "shell", "c", ["sh", "-c", "test -t 1 && echo tty"],
                                                   tty=True)
    assert process.wait(timeout=5) == 0
    assert os.read(master, 100).strip() == b"tty"
    os.close(master)
    with pytest.raises(FileNotFoundError):
        cluster.runtime.exec_process("default", "shell", "c", ["/no/such/tool"])
    cluster.delete("", "pods", "default", "shell", grace_period=0)


def test_a_new_image_restarts_the_container(cluster):
    make_pod(cluster, "swap", {"name": "c", "image": "nginx:1.26"})
    assert wait_for(cluster, lambda: phase(cluster, "swap") == "Running")

    def set_image(pod):
        pod["spec"]["containers"][0]["image"] = "nginx:1.27"

    cluster.mutate("", "pods", "default", "swap", set_image)

    def restarted():
        status = cluster.get("", "pods", "default", "swap")["status"]["containerStatuses"][0]
        return status["restartCount"] == 1 and "running" in status["state"] and status["image"].endswith(":1.27")

    assert wait_for(cluster, restarted)
    events = [e["message"] for e in cluster.list("", "events", "default")
              if e["involvedObject"]["name"] == "swap" and e["reason"] == "Killing"]
    assert events == ["Container c definition changed, will be restarted"]


def test_failing_liveness_probe_restarts_the_container(cluster):
    probe = {"exec": {"command": ["sh", "-c", "test -f alive"]}, "periodSeconds": 1, "failureThreshold": 2}
    make_pod(cluster, "sick", {"name": "c", "image": "busybox", "command": ["sleep", "3600"],
                               "livenessProbe": probe})

    def restarts():
        statuses = (cluster.get("", "pods", "default", "sick").get("status") or {}).get("containerStatuses") or [{}]
        return statuses[0].get("restartCount", 0)

    assert wait_for(cluster, lambda: restarts() >= 1)
    messages = [e["message"] for e in cluster.list("", "events", "default") if e["involvedObject"]["name"] == "sick"]
    assert "Container c failed liveness probe, will be restarted" in messages
    assert "Liveness probe failed:" in messages
    cluster.delete("", "pods", "default", "sick", grace_period=0)
