"""The simulated workload controllers on an in-process cluster, with the test acting as the kubelet.

The kubelet is taken out of the cluster so that these tests decide when pods run, become ready, succeed or
fail; everything else (scheduler, controllers, store) is the real simulation.
"""

from __future__ import annotations

import re

import pytest

from pykubectl.testing.controllers import _base

pytestmark = pytest.mark.needs_simulation

SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]"
HASH = "[456789bcdf]"


@pytest.fixture
def cluster():
    from pykubectl.testing.catalog import Catalog
    from pykubectl.testing.cluster import Cluster
    from pykubectl.testing.store import Store

    catalog = Catalog()
    cl = Cluster(Store(catalog), catalog)
    cl.controllers = [c for c in cl.controllers if getattr(c, "name", "") != "kubelet"]
    cl.start()
    try:
        yield cl
    finally:
        cl.stop()


def settle(cl) -> None:
    assert cl.settle(10)


_ip = iter(range(2, 250))


def run_pods(cl, *, ready: bool = True, namespace: str = "default") -> None:
    """Act as the kubelet: every bound Pending pod starts (and turns Ready); repeat until nothing changes."""
    for _ in range(50):
        settle(cl)
        pending = [p for p in cl.list("", "pods", namespace)
                   if p["spec"].get("nodeName") and p["status"].get("phase") == "Pending"
                   and not p["metadata"].get("deletionTimestamp")]
        if not pending:
            return
        for pod in pending:
            set_phase(cl, pod, "Running", ready=ready)
    raise AssertionError("pods kept appearing")


def set_phase(cl, pod: dict, phase: str, *, ready: bool = False) -> None:
    at = _base.stamp(cl)
    ip = f"10.244.0.{next(_ip)}"

    def change(current: dict) -> None:
        status = current["status"]
        status["phase"] = phase
        status["podIP"] = status.get("podIP") or ip
        status["conditions"] = [c for c in status.get("conditions") or [] if c["type"] != "Ready"] + [
            {"type": "Ready", "status": "True" if ready else "False", "lastProbeTime": None,
             "lastTransitionTime": at}]

    cl.mutate("", "pods", pod["metadata"]["namespace"], pod["metadata"]["name"], change, status=True)


def deployment(name: str = "web", replicas: int = 2, image: str = "nginx", **spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": image}]}}, **spec}}


def conditions(obj: dict) -> dict[str, tuple[str, str, str]]:
    return {c["type"]: (c["status"], c["reason"], c["message"]) for c in obj["status"].get("conditions") or []}


def events(cl, kind: str | None = None) -> list[tuple[str, str]]:
    return [(e["reason"], e["message"]) for e in cl.list("", "events")
            if kind is None or e["involvedObject"]["kind"] == kind]


def replicasets(cl) -> dict[str, dict]:
    return {rs["metadata"]["name"]: rs for rs in cl.list("apps", "replicasets", "default")}


def set_image(cl, name: str, image: str) -> None:
    def change(d: dict) -> None:
        d["spec"]["template"]["spec"]["containers"][0]["image"] = image

    cl.mutate("apps", "deployments", "default", name, change)


# ------------------------------------------------------------------------------------------- hashes


def test_safe_encode_and_fnv_match_the_go_definitions():
    assert _base.fnv32a(b"") == 0x811C9DC5
    assert _base.fnv32a(b"a") == 0xE40C292C  # the FNV-1a test vector
    assert _base.safe_encode("0123456789") == "456789bcdf"  # why real hashes read like 7854ff8877
    first = _base.compute_hash({"spec": {"containers": [{"image": "nginx"}]}})
    assert re.fullmatch(f"{HASH}{{1,10}}", first)
    assert first == _base.compute_hash({"spec": {"containers": [{"image": "nginx"}]}})
    assert first != _base.compute_hash({"spec": {"containers": [{"image": "nginx"}]}}, 1)
    assert first != _base.compute_hash({"spec": {"containers": [{"image": "nginx:1.25"}]}})


# ------------------------------------------------------------------------------------------- Deployment


def test_deployment_creates_a_hashed_replicaset_whose_pods_make_it_available(cluster):
    cluster.create("apps", "deployments", deployment())
    settle(cluster)
    d = cluster.get("apps", "deployments", "default", "web")
    assert conditions(d)["Available"] == ("False", "MinimumReplicasUnavailable",
                                          "Deployment does not have minimum availability.")
    run_pods(cluster)
    settle(cluster)
    (rs_name, rs), = replicasets(cluster).items()
    pod_hash = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs_name == f"web-{pod_hash}"
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs["metadata"]["annotations"] == {"deployment.kubernetes.io/revision": "1",
                                             "deployment.kubernetes.io/desired-replicas": "2",
                                             "deployment.kubernetes.io/max-replicas": "3"}
    assert rs["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
    pods = cluster.list("", "pods", "default")
    assert len(pods) == 2
    assert all(re.fullmatch(f"{rs_name}-{SUFFIX}{{5}}", p["metadata"]["name"]) for p in pods)
    d = cluster.get("apps", "deployments", "default", "web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert {k: v for k, v in d["status"].items() if k != "conditions"} == {
        "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}
    assert [c["type"] for c in d["status"]["conditions"]] == ["Available", "Progressing"]
    assert conditions(d) == {
        "Available": ("True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        "Progressing": ("True", "NewReplicaSetAvailable", f'ReplicaSet "{rs_name}" has successfully progressed.')}
    assert ("ScalingReplicaSet", f"Scaled up replica set {rs_name} to 2 from 0") in events(cluster, "Deployment")
    assert sorted(events(cluster, "ReplicaSet")) == sorted(
        ("SuccessfulCreate", f"Created pod: {p['metadata']['name']}") for p in pods)


def test_rolling_update_honours_surge_and_unavailability_then_rollback_reuses_the_old_set(cluster):
    cluster.create("apps", "deployments", deployment(replicas=4))
    run_pods(cluster)
    (first,) = replicasets(cluster)
    set_image(cluster, "web", "nginx:1.25")
    settle(cluster)
    sets = replicasets(cluster)
    (second,) = set(sets) - {first}
    # maxSurge 25% of 4 = 1 extra pod, maxUnavailable 25% = 1: up by one, the old set down by one, up by
    # one more; then nothing moves until new pods are available.
    assert sets[second]["spec"]["replicas"] == 2
    assert sets[first]["spec"]["replicas"] == 3
    assert sets[second]["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    run_pods(cluster)
    run_pods(cluster)
    sets = replicasets(cluster)
    assert (sets[first]["spec"]["replicas"], sets[second]["spec"]["replicas"]) == (0, 4)
    d = cluster.get("apps", "deployments", "default", "web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert d["status"]["updatedReplicas"] == 4 and d["status"]["availableReplicas"] == 4
    assert conditions(d)["Progressing"][1] == "NewReplicaSetAvailable"
    scaling = [m for r, m in events(cluster, "Deployment") if r == "ScalingReplicaSet"]
    assert f"Scaled down replica set {first} to 3 from 4" in scaling
    assert f"Scaled up replica set {second} to 1 from 0" in scaling
    assert f"Scaled up replica set {second} to 2 from 1" in scaling
    # rollout undo: kubectl copies revision 1's template back; the old set becomes revision 3
    set_image(cluster, "web", "nginx")
    run_pods(cluster)
    run_pods(cluster)
    sets = replicasets(cluster)
    assert set(sets) == {first, second}
    annotations = sets[first]["metadata"]["annotations"]
    assert annotations["deployment.kubernetes.io/revision"] == "3"
    assert annotations["deployment.kubernetes.io/revision-history"] == "1"
    assert (sets[first]["spec"]["replicas"], sets[second]["spec"]["replicas"]) == (4, 0)


def test_scale_down_deletes_pods_and_records_it(cluster):
    cluster.create("apps", "deployments", deployment(replicas=3))
    run_pods(cluster)

    def scale(d: dict) -> None:
        d["spec"]["replicas"] = 1

    cluster.mutate("apps", "deployments", "default", "web", scale)
    settle(cluster)
    (rs_name,) = replicasets(cluster)
    live = [p for p in cluster.list("", "pods", "default") if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 1
    assert ("ScalingReplicaSet", f"Scaled down replica set {rs_name} to 1 from 3") in events(cluster, "Deployment")
    assert sum(1 for r, _ in events(cluster, "ReplicaSet") if r == "SuccessfulDelete") == 2


def test_recreate_starts_the_new_set_only_after_every_old_pod_is_gone(cluster):
    cluster.create("apps", "deployments", deployment(replicas=2, strategy={"type": "Recreate"}))
    run_pods(cluster)
    (first,) = replicasets(cluster)
    set_image(cluster, "web", "nginx:1.25")
    settle(cluster)
    assert replicasets(cluster)[first]["spec"]["replicas"] == 0
    assert set(replicasets(cluster)) == {first}  # old pods are still terminating
    for pod in cluster.list("", "pods", "default"):
        cluster.store.delete(cluster.info("", "pods"), "default", pod["metadata"]["name"], grace_period=0)
    run_pods(cluster)
    sets = replicasets(cluster)
    (second,) = set(sets) - {first}
    assert sets[second]["spec"]["replicas"] == 2
    assert ("ScalingReplicaSet", f"Scaled up replica set {second} to 2 from 0") in events(cluster, "Deployment")
    d = cluster.get("apps", "deployments", "default", "web")
    assert conditions(d)["Progressing"][1] == "NewReplicaSetAvailable"


def test_paused_deployment_does_not_roll_out(cluster):
    cluster.create("apps", "deployments", deployment(replicas=1))
    run_pods(cluster)

    def pause_and_change(d: dict) -> None:
        d["spec"]["paused"] = True
        d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.25"

    cluster.mutate("apps", "deployments", "default", "web", pause_and_change)
    settle(cluster)
    assert len(replicasets(cluster)) == 1
    d = cluster.get("apps", "deployments", "default", "web")
    assert conditions(d)["Progressing"] == ("Unknown", "DeploymentPaused", "Deployment is paused")


# ------------------------------------------------------------------------------------------- others


def test_statefulset_starts_pods_in_order(cluster):
    cluster.create("apps", "statefulsets", {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
        "spec": {"replicas": 3, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                 "template": {"metadata": {"labels": {"app": "db"}},
                              "spec": {"containers": [{"name": "c", "image": "redis"}]}}}})
    settle(cluster)
    assert [p["metadata"]["name"] for p in cluster.list("", "pods", "default")] == ["db-0"]
    run_pods(cluster)
    settle(cluster)
    pods = {p["metadata"]["name"]: p for p in cluster.list("", "pods", "default")}
    assert sorted(pods) == ["db-0", "db-1", "db-2"]
    assert pods["db-1"]["spec"]["hostname"] == "db-1" and pods["db-1"]["spec"]["subdomain"] == "db"
    assert pods["db-2"]["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == "2"
    sts = cluster.get("apps", "statefulsets", "default", "db")
    assert sts["status"]["readyReplicas"] == 3 and sts["status"]["availableReplicas"] == 3
    assert sts["status"]["currentRevision"] == sts["status"]["updateRevision"]
    assert ("SuccessfulCreate", "create Pod db-1 in StatefulSet db successful") in events(cluster, "StatefulSet")


def test_daemonset_runs_one_pod_per_node_it_tolerates(cluster):
    nodes = [n["metadata"]["name"] for n in cluster.list("", "nodes")]
    assert len(nodes) >= 2

    def taint(n: dict) -> None:
        n["spec"]["taints"] = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]

    cluster.mutate("", "nodes", None, nodes[-1], taint)
    cluster.create("apps", "daemonsets", {
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}},
                 "template": {"metadata": {"labels": {"app": "agent"}},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})
    run_pods(cluster)
    pods = cluster.list("", "pods", "default")
    assert sorted(p["spec"]["nodeName"] for p in pods) == nodes[:-1]
    ds = cluster.get("apps", "daemonsets", "default", "agent")
    assert ds["status"]["desiredNumberScheduled"] == len(nodes) - 1
    assert ds["status"]["numberReady"] == len(nodes) - 1

    def untaint(n: dict) -> None:
        n["spec"].pop("taints")

    cluster.mutate("", "nodes", None, nodes[-1], untaint)
    run_pods(cluster)
    assert sorted(p["spec"]["nodeName"] for p in cluster.list("", "pods", "default")) == nodes


def test_job_runs_to_completion_and_counts_each_pod_once(cluster):
    cluster.create("batch", "jobs", {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi", "namespace": "default"},
        "spec": {"completions": 2, "parallelism": 2,
                 "template": {"spec": {"restartPolicy": "Never",
                                       "containers": [{"name": "c", "image": "busybox"}]}}}})
    settle(cluster)
    pods = cluster.list("", "pods", "default")
    assert len(pods) == 2
    assert all(p["metadata"]["finalizers"] == ["batch.kubernetes.io/job-tracking"] for p in pods)
    assert all(p["metadata"]["labels"]["batch.kubernetes.io/job-name"] == "pi" for p in pods)
    for pod in pods:
        set_phase(cluster, pod, "Succeeded")
    settle(cluster)
    job = cluster.get("batch", "jobs", "default", "pi")
    assert job["status"]["succeeded"] == 2
    assert "active" not in job["status"]
    assert conditions(job) == {
        "SuccessCriteriaMet": ("True", "CompletionsReached", "Reached expected number of succeeded pods"),
        "Complete": ("True", "CompletionsReached", "Reached expected number of succeeded pods")}
    assert job["status"]["completionTime"]
    assert all(not p["metadata"].get("finalizers") for p in cluster.list("", "pods", "default"))
    assert ("Completed", "Job completed") in events(cluster, "Job")


def test_job_fails_past_its_backoff_limit(cluster):
    cluster.create("batch", "jobs", {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "bad", "namespace": "default"},
        "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never",
                                                          "containers": [{"name": "c", "image": "busybox"}]}}}})
    settle(cluster)
    (pod,) = cluster.list("", "pods", "default")
    set_phase(cluster, pod, "Failed")
    settle(cluster)
    job = cluster.get("batch", "jobs", "default", "bad")
    assert job["status"]["failed"] == 1
    assert conditions(job)["Failed"] == ("True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")


def test_endpoints_and_slices_follow_pod_readiness(cluster):
    for name in ("a", "b"):
        cluster.create("", "pods", {"apiVersion": "v1", "kind": "Pod",
                                    "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [
                                        {"name": "http", "containerPort": 8080}]}]}})
    cluster.create("", "services", {"apiVersion": "v1", "kind": "Service",
                                    "metadata": {"name": "web", "namespace": "default"},
                                    "spec": {"selector": {"app": "web"},
                                             "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}})
    settle(cluster)
    set_phase(cluster, cluster.get("", "pods", "default", "a"), "Running", ready=True)
    set_phase(cluster, cluster.get("", "pods", "default", "b"), "Running", ready=False)
    settle(cluster)
    ep = cluster.get("", "endpoints", "default", "web")
    (subset,) = ep["subsets"]
    assert [a["targetRef"]["name"] for a in subset["addresses"]] == ["a"]
    assert [a["targetRef"]["name"] for a in subset["notReadyAddresses"]] == ["b"]
    assert subset["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]
    (eps,) = cluster.list("discovery.k8s.io", "endpointslices", "default")
    assert re.fullmatch(f"web-{SUFFIX}{{5}}", eps["metadata"]["name"])
    assert eps["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
    assert {e["targetRef"]["name"]: e["conditions"]["ready"] for e in eps["endpoints"]} == {"a": True, "b": False}
    assert eps["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]


def test_every_namespace_gets_a_default_service_account_and_the_root_ca(cluster):
    cluster.create("", "namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    settle(cluster)
    assert cluster.get("", "serviceaccounts", "team", "default") is not None
    assert "ca.crt" in cluster.get("", "configmaps", "team", "kube-root-ca.crt")["data"]
    cluster.delete("", "serviceaccounts", "team", "default")
    settle(cluster)
    assert cluster.get("", "serviceaccounts", "team", "default") is not None
