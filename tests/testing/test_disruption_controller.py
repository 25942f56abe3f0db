"""The simulated PodDisruptionBudget controller (pkg/controller/disruption) and the eviction subresource that
spends what it computes (pkg/registry/core/pod/storage/eviction.go).

The arithmetic runs on an in-process cluster whose only controller is the disruption controller: the test
writes the pods (their readiness, owners, deletion) and the workloads whose scale the budget reads, so every
number in the status is decided here. The eviction part goes over HTTPS to the session server.
"""

from __future__ import annotations

import datetime as _dt
import json
import ssl
import urllib.error
import urllib.request

import pytest

from pykubectl.testing.controllers import _base
from pykubectl.testing.controllers import disruption as dc

pytestmark = pytest.mark.needs_simulation


@pytest.fixture
def cluster():
    from pykubectl.testing.catalog import Catalog
    from pykubectl.testing.cluster import Cluster
    from pykubectl.testing.store import Store

    catalog = Catalog()
    cl = Cluster(Store(catalog), catalog, controllers=False)
    cl.controllers = [dc.DisruptionController()]  # no scheduler, kubelet or workload controllers
    cl.start()
    try:
        yield cl
    finally:
        cl.stop()


def settle(cl) -> None:
    assert cl.settle(10)


def workload(cl, kind: str, name: str, replicas: int, owner: dict | None = None) -> dict:
    group, resource, api_version = {
        "Deployment": ("apps", "deployments", "apps/v1"), "ReplicaSet": ("apps", "replicasets", "apps/v1"),
        "StatefulSet": ("apps", "statefulsets", "apps/v1"),
        "ReplicationController": ("", "replicationcontrollers", "v1"), "Job": ("batch", "jobs", "batch/v1")}[kind]
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    spec: dict = {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": template}
    if kind == "ReplicationController":
        spec["selector"] = {"app": "web"}
    if kind == "Job":
        spec = {"parallelism": replicas, "template": dict(template, spec=dict(template["spec"], restartPolicy="Never"))}
    meta: dict = {"name": name, "namespace": "default"}
    if owner is not None:
        meta["ownerReferences"] = [owner]
    return cl.create(group, resource, {"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": spec})


def ref(obj: dict) -> dict:
    return _base.owner_reference(obj, obj["apiVersion"], obj["kind"])


def pod(cl, name: str, *, ready: bool = True, owner: dict | None = None, labels: dict | None = None,
        phase: str = "Running") -> dict:
    meta: dict = {"name": name, "namespace": "default", "labels": labels or {"app": "web"}}
    if owner is not None:
        meta["ownerReferences"] = [ref(owner)]
    created = cl.create("", "pods", {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    at = _base.stamp(cl)

    def change(current: dict) -> None:
        current["status"]["phase"] = phase
        current["status"]["conditions"] = [{"type": "Ready", "status": "True" if ready else "False",
                                            "lastProbeTime": None, "lastTransitionTime": at}]

    cl.mutate("", "pods", "default", created["metadata"]["name"], change, status=True)
    return created


def budget(cl, name: str = "guard", **spec) -> None:
    cl.create("policy", "poddisruptionbudgets", {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}})


def status_of(cl, name: str = "guard") -> dict:
    settle(cl)
    return cl.get("policy", "poddisruptionbudgets", "default", name)["status"]


def numbers(status: dict) -> tuple[int, int, int, int]:
    """(expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed)"""
    return (status["expectedPods"], status["desiredHealthy"], status["currentHealthy"],
            status["disruptionsAllowed"])


def condition(status: dict) -> tuple[str, str, str]:
    (cond,) = status["conditions"]
    assert cond["type"] == "DisruptionAllowed"
    return cond["status"], cond["reason"], cond["message"]


# ------------------------------------------------------------------------------------------- arithmetic


def test_integer_min_available_counts_the_matching_pods(cluster):
    for name in ("a", "b", "c"):
        pod(cluster, name)
    budget(cluster, minAvailable=2)
    status = status_of(cluster)
    assert numbers(status) == (3, 2, 3, 1)
    assert condition(status) == ("True", "SufficientPods", "")
    assert status["observedGeneration"] == 1 and "disruptedPods" not in status
    assert status["conditions"][0]["observedGeneration"] == 1


def test_percentage_min_available_uses_the_deployments_scale_rounded_up(cluster):
    deployment = workload(cluster, "Deployment", "web", 4)
    rs = workload(cluster, "ReplicaSet", "web-1", 4, owner=ref(deployment))
    for name in ("a", "b", "c"):  # only three of the four pods exist
        pod(cluster, name, owner=rs)
    budget(cluster, minAvailable="30%")  # ceil(1.2) = 2
    assert numbers(status_of(cluster)) == (4, 2, 3, 1)


def test_max_unavailable_integer_and_percentage(cluster):
    rs = workload(cluster, "ReplicaSet", "web-1", 3)  # a ReplicaSet of no Deployment: its own scale
    for name in ("a", "b", "c"):
        pod(cluster, name, owner=rs)
    budget(cluster, "one", maxUnavailable=1)
    budget(cluster, "pct", maxUnavailable="34%")  # ceil(1.02) = 2 may be unavailable
    budget(cluster, "all", maxUnavailable="100%")
    assert numbers(status_of(cluster, "one")) == (3, 2, 3, 1)
    assert numbers(status_of(cluster, "pct")) == (3, 1, 3, 2)
    assert numbers(status_of(cluster, "all")) == (3, 0, 3, 3)


def test_statefulset_and_replication_controller_scales_add_up(cluster):
    sts = workload(cluster, "StatefulSet", "db", 2)
    rc = workload(cluster, "ReplicationController", "old", 3)
    pod(cluster, "db-0", owner=sts)
    pod(cluster, "old-x", owner=rc)
    pod(cluster, "old-y", owner=rc)
    budget(cluster, maxUnavailable="50%")  # of 2 + 3 = 5: ceil(2.5) = 3
    assert numbers(status_of(cluster)) == (5, 2, 3, 1)


def test_unhealthy_and_terminating_pods_are_not_healthy(cluster):
    pod(cluster, "ready")
    pod(cluster, "unready", ready=False)
    held = pod(cluster, "leaving")
    cluster.mutate("", "pods", "default", "leaving",
                   lambda p: p["metadata"].update(finalizers=["example.com/hold"]))
    cluster.delete("", "pods", "default", held["metadata"]["name"], grace_period=0)
    assert cluster.get("", "pods", "default", "leaving")["metadata"].get("deletionTimestamp")
    budget(cluster, minAvailable=1)
    status = status_of(cluster)
    assert numbers(status) == (3, 1, 1, 0)
    assert condition(status) == ("False", "InsufficientPods", "")


def test_no_matching_pods(cluster):
    budget(cluster, "min", minAvailable=1)
    budget(cluster, "max", maxUnavailable=1)
    budget(cluster, "pct", minAvailable="50%")
    assert numbers(status_of(cluster, "min")) == (0, 1, 0, 0)
    assert numbers(status_of(cluster, "max")) == (0, 0, 0, 0)
    assert numbers(status_of(cluster, "pct")) == (0, 0, 0, 0)
    assert condition(status_of(cluster, "max")) == ("False", "InsufficientPods", "")
    events = [e for e in cluster.list("", "events", "default") if e["involvedObject"]["name"] == "min"]
    assert [(e["type"], e["reason"], e["message"], e["source"]["component"]) for e in events] == [
        ("Normal", "NoPods", "No matching pods found", "controllermanager")]


def test_no_pods_allowed_before_any_is_expected(cluster):
    """expectedPods 0 means no disruption even when the arithmetic would allow one (a negative minAvailable
    cannot be written, so this is the only case: healthy pods not yet counted)."""
    budget(cluster, minAvailable=0)
    assert numbers(status_of(cluster)) == (0, 0, 0, 0)
    pod(cluster, "a")
    assert numbers(status_of(cluster)) == (1, 0, 1, 1)


def test_the_status_follows_pod_and_budget_changes(cluster):
    pod(cluster, "a")
    pod(cluster, "b", ready=False)
    budget(cluster, minAvailable=1)
    first = status_of(cluster)
    assert numbers(first) == (2, 1, 1, 0)
    since = first["conditions"][0]["lastTransitionTime"]
    cluster.mutate("", "pods", "default", "b",
                   lambda p: p["status"]["conditions"][0].update(status="True"), status=True)
    assert numbers(status_of(cluster)) == (2, 1, 2, 1)
    cluster.mutate("policy", "poddisruptionbudgets", "default", "guard",
                   lambda b: b["spec"].update(minAvailable=2))
    status = status_of(cluster)
    assert numbers(status) == (2, 2, 2, 0) and status["observedGeneration"] == 2
    assert condition(status) == ("False", "InsufficientPods", "")
    assert status["conditions"][0]["observedGeneration"] == 2
    assert status["conditions"][0]["lastTransitionTime"] >= since
    cluster.delete("", "pods", "default", "a", grace_period=0)
    assert numbers(status_of(cluster)) == (1, 2, 1, 0)


def test_disrupted_pods_count_as_unhealthy_until_their_timeout(cluster):
    pod(cluster, "a")
    pod(cluster, "b")
    pod(cluster, "c")
    budget(cluster, minAvailable=1)
    assert numbers(status_of(cluster)) == (3, 1, 3, 2)
    now = _base.now(cluster)
    recent = _base.rfc3339(now)
    stale = _base.rfc3339(now - _dt.timedelta(seconds=dc.DELETION_TIMEOUT + 5))

    def disrupt(current: dict) -> None:
        current["status"]["disruptedPods"] = {"a": recent, "b": stale, "gone": recent}

    cluster.mutate("policy", "poddisruptionbudgets", "default", "guard", disrupt, status=True)
    status = status_of(cluster)
    # b's entry is past its timeout and "gone" names no pod: both pruned; a is about to go, so not healthy
    assert status["disruptedPods"] == {"a": recent}
    assert numbers(status) == (3, 1, 2, 1)
    cluster.clock.advance(dc.DELETION_TIMEOUT + 1)  # the recheck the controller queued fires
    status = status_of(cluster)
    assert "disruptedPods" not in status and numbers(status) == (3, 1, 3, 2)


def test_unmanaged_pods_are_left_out_of_a_percentage_with_a_warning(cluster):
    rs = workload(cluster, "ReplicaSet", "web-1", 2)
    pod(cluster, "a", owner=rs)
    pod(cluster, "b", owner=rs)
    pod(cluster, "lonely")
    budget(cluster, minAvailable="50%")
    assert numbers(status_of(cluster)) == (2, 1, 3, 2)
    events = {e["reason"]: e for e in cluster.list("", "events", "default")}
    assert events["UnmanagedPods"]["type"] == "Warning"
    assert events["UnmanagedPods"]["message"] == (
        "Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: "
        "web,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the "
        "status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for "
        "these pods please set \".spec.minAvailable\" field of the PDB to an integer value.")


@pytest.mark.parametrize(("kind", "message"), [
    ("Job", "jobs.batch does not implement the scale subresource"),
    ("ReplicaSet", 'found no controllers for pod "a"'),
])
def test_a_controller_without_a_scale_fails_safe(cluster, kind, message):
    owner = workload(cluster, kind, "w", 2)
    if kind == "ReplicaSet":  # the pods' controller is another (gone) ReplicaSet of the same name
        owner = dict(owner, metadata=dict(owner["metadata"], uid="00000000-0000-0000-0000-000000000000"))
    pod(cluster, "a", owner=owner)
    pod(cluster, "b", owner=owner)
    budget(cluster, maxUnavailable=1)
    status = status_of(cluster)
    assert status["disruptionsAllowed"] == 0 and "observedGeneration" not in status
    assert condition(status) == ("False", "SyncFailed", message)
    events = {e["reason"]: e["message"] for e in cluster.list("", "events", "default")}
    assert events["CalculateExpectedPodCountFailed"] == f"Failed to calculate the number of expected pods: {message}"


def test_integer_min_available_needs_no_controllers(cluster):
    job = workload(cluster, "Job", "w", 2)
    pod(cluster, "a", owner=job)
    budget(cluster, minAvailable=1)
    assert numbers(status_of(cluster)) == (1, 1, 1, 0)


def test_selector_string_is_gos_label_selector_string():
    pdb = {"spec": {"selector": {"matchLabels": {"b": "2", "a": "1"},
                                 "matchExpressions": [{"key": "k", "operator": "In", "values": ["x", "y"]}]}}}
    assert dc.selector_string(pdb) == (
        "&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement"
        "{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}")


# ------------------------------------------------------------------------------------------- eviction over HTTP


@pytest.fixture
def server(kube_apiserver):
    kube_apiserver.reset()
    yield kube_apiserver
    kube_apiserver.reset()


def call(server, path: str, *, method: str = "GET", body: dict | None = None,
         content_type: str = "application/json") -> tuple[int, dict]:
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    headers = {"Accept": "application/json", "Authorization": f"Bearer {server.tokens['admin']}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = content_type
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


PODS = "/api/v1/namespaces/default/pods"
PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets"


def running_pods(server, count: int) -> list[str]:
    for i in range(count):
        code, _ = call(server, PODS, method="POST", body={
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"app": "web"}},
            "spec": {"terminationGracePeriodSeconds": 0, "containers": [{"name": "c", "image": "nginx"}]}})
        assert code == 201
    for _ in range(100):
        server.settle()
        pods = call(server, PODS)[1]["items"]
        if all(_base.pod_ready(p) for p in pods):
            return [p["metadata"]["name"] for p in pods]
    raise AssertionError("the pods did not become ready")


def evict(server, name: str, dry_run: bool = False, resource_version: str = "") -> tuple[int, dict]:
    body: dict = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}}
    if dry_run:
        body["deleteOptions"] = {"dryRun": ["All"]}
    if resource_version:
        body["deleteOptions"] = {"preconditions": {"resourceVersion": resource_version}}
    return call(server, f"{PODS}/{name}/eviction", method="POST", body=body)


def test_eviction_spends_the_budget_and_refuses_when_it_is_spent(server):
    names = running_pods(server, 3)
    call(server, PDBS, method="POST", body={"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                            "metadata": {"name": "guard"},
                                            "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}})
    server.settle()
    assert call(server, f"{PDBS}/guard")[1]["status"]["disruptionsAllowed"] == 1
    code, body = evict(server, names[0], dry_run=True)
    assert code == 201 and call(server, f"{PODS}/{names[0]}")[0] == 200
    assert "disruptedPods" not in call(server, f"{PDBS}/guard")[1]["status"]
    # The budget is spent before the delete, which then fails its precondition: the pod stays, recorded as
    # disrupted, and the controller counts it out until DELETION_TIMEOUT.
    code, body = evict(server, names[0], resource_version="1")
    assert code == 409 and body["message"].startswith(
        f'Operation cannot be fulfilled on Pod "{names[0]}": the ResourceVersion in the precondition (1) does not '
        "match the ResourceVersion in record")
    server.settle()
    status = call(server, f"{PDBS}/guard")[1]["status"]
    assert list(status["disruptedPods"]) == [names[0]]
    assert (status["currentHealthy"], status["disruptionsAllowed"]) == (2, 0)
    assert status["conditions"][0]["reason"] == "InsufficientPods"
    code, body = evict(server, names[1])
    assert code == 429
    assert body["message"] == "Cannot evict pod as it would violate the pod's disruption budget."
    assert body["details"] == {"causes": [{"reason": "DisruptionBudget",
                                           "message": "The disruption budget guard needs 2 healthy pods and has "
                                                      "2 currently"}]}
    server.cluster.clock.advance(dc.DELETION_TIMEOUT + 1)
    server.settle()
    status = call(server, f"{PDBS}/guard")[1]["status"]
    assert "disruptedPods" not in status and status["disruptionsAllowed"] == 1
    code, body = evict(server, names[1])
    assert code == 201 and body["status"] == "Success"


def test_eviction_waits_for_the_controller_to_see_a_new_generation(server):
    server.reset(simulate=False)  # no controller: the status never catches up
    code, _ = call(server, PODS, method="POST", body={
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    call(server, f"{PODS}/p/status", method="PATCH", content_type="application/merge-patch+json",
         body={"status": {"phase": "Running"}})
    call(server, PDBS, method="POST", body={"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                            "metadata": {"name": "guard"},
                                            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}}})
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    request = urllib.request.Request(
        f"{server.url}{PODS}/p/eviction", method="POST",
        data=json.dumps({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p"}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.tokens['admin']}"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, context=context, timeout=10)
    assert raised.value.code == 429
    assert raised.value.headers["Retry-After"] == "10"  # client-go waits and retries (up to 10 times)
    body = json.loads(raised.value.read())
    assert body["details"] == {"retryAfterSeconds": 10, "causes": [{
        "reason": "DisruptionBudget", "message": "The disruption budget guard is still being processed by the server."}]}


def test_a_pending_pod_is_evicted_whatever_the_budget(server):
    server.reset(simulate=False)
    call(server, PODS, method="POST", body={
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    call(server, PDBS, method="POST", body={"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                            "metadata": {"name": "guard"},
                                            "spec": {"minAvailable": 5, "selector": {"matchLabels": {"app": "web"}}}})
    assert call(server, f"{PODS}/p")[1]["status"]["phase"] == "Pending"
    code, _ = evict(server, "p")
    assert code == 201 and call(server, f"{PODS}/p")[0] == 404


def _sick_pod(server) -> None:
    """A running pod whose readiness probe always fails."""
    code, _ = call(server, PODS, method="POST", body={
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sick", "labels": {"app": "web"}},
        "spec": {"terminationGracePeriodSeconds": 30, "containers": [{
            "name": "c", "image": "nginx", "readinessProbe": {"exec": {"command": ["false"]}, "periodSeconds": 1}}]}})
    assert code == 201
    for _ in range(100):
        server.settle()
        if (call(server, f"{PODS}/sick")[1].get("status") or {}).get("phase") == "Running":
            return
    raise AssertionError("the pod did not start")


@pytest.mark.parametrize(("min_available", "policy", "code"), [
    (2, None, 201),  # 2 healthy of 2 desired: the unready pod disrupts nothing
    (3, None, 429),  # the budget is already short: the unready pod is guarded like the others
    (3, "IfHealthyBudget", 429),
    (3, "AlwaysAllow", 201),
])
def test_an_unready_pod(server, min_available, policy, code):
    running_pods(server, 2)
    _sick_pod(server)
    spec: dict = {"minAvailable": min_available, "selector": {"matchLabels": {"app": "web"}}}
    if policy:
        spec["unhealthyPodEvictionPolicy"] = policy
    call(server, PDBS, method="POST", body={"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                            "metadata": {"name": "guard"}, "spec": spec})
    server.settle()
    status = call(server, f"{PDBS}/guard")[1]["status"]
    assert (status["currentHealthy"], status["expectedPods"]) == (2, 3)
    server.cluster.clock.hold()  # no grace period ends while the pod is looked at
    try:
        assert evict(server, "sick")[0] == code
        after = call(server, f"{PDBS}/guard")[1]["status"]
        assert "disruptedPods" not in after  # an unready pod never spends the budget
        pod = call(server, f"{PODS}/sick")[1]
        conditions = {c["type"]: c for c in (pod.get("status") or {}).get("conditions") or []}
        if code == 201:
            assert pod["metadata"].get("deletionTimestamp")  # terminating: the clock holds its grace period
            assert (conditions["DisruptionTarget"]["status"], conditions["DisruptionTarget"]["reason"],
                        conditions["DisruptionTarget"]["message"]) == ("True", "EvictionByEvictionAPI",
                                                                       "Eviction API: evicting")
        else:
            assert "DisruptionTarget" not in conditions and not pod["metadata"].get("deletionTimestamp")
    finally:
        server.cluster.clock.hold(False)


def test_a_new_budget_starts_with_an_empty_status(server):
    """The registry's PrepareForCreate: whatever status is sent, a new budget has the four zero counts (they
    are not omitempty) until the controller has looked at it."""
    server.reset(simulate=False)
    code, created = call(server, PDBS, method="POST", body={
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "guard"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"disruptionsAllowed": 7, "observedGeneration": 3}})
    assert code == 201
    assert created["status"] == {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}
    assert created["metadata"]["generation"] == 1


def test_a_pod_under_two_budgets_gets_a_warning(cluster):
    budget(cluster, "b-second", minAvailable=1)
    budget(cluster, "a-first", maxUnavailable=1)
    pod(cluster, "a")
    settle(cluster)
    events = [e for e in cluster.list("", "events", "default") if e["reason"] == "MultiplePodDisruptionBudgets"]
    assert {(e["type"], e["involvedObject"]["kind"], e["involvedObject"]["name"], e["message"]) for e in events} == {
        ("Warning", "Pod", "a", 'Pod "default"/"a" matches multiple PodDisruptionBudgets.  Chose "a-first" '
                                'arbitrarily.')}
    assert numbers(status_of(cluster, "a-first"))[2] == numbers(status_of(cluster, "b-second"))[2] == 1


def test_an_evictions_delete_options_reach_the_delete(server):
    for name in ("quick", "slow"):
        code, _ = call(server, PODS, method="POST", body={
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"terminationGracePeriodSeconds": 30, "containers": [{"name": "c", "image": "nginx"}]}})
        assert code == 201
    for _ in range(100):
        server.settle()
        if all(_base.pod_phase(p) == "Running" for p in call(server, PODS)[1]["items"]):
            break
    else:
        raise AssertionError("the pods did not start")
    server.cluster.clock.hold()  # grace periods end only when the test says
    try:
        body = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "quick"},
                "deleteOptions": {"gracePeriodSeconds": 0}}
        assert call(server, f"{PODS}/quick/eviction", method="POST", body=body)[0] == 201
        assert evict(server, "slow")[0] == 201
        assert call(server, f"{PODS}/quick")[0] == 404
        code, slow = call(server, f"{PODS}/slow")
        assert code == 200 and slow["metadata"]["deletionGracePeriodSeconds"] == 30
    finally:
        server.cluster.clock.hold(False)


@pytest.mark.parametrize(("reason", "phase", "reset"), [
    ("EvictionByEvictionAPI", "Running", True),
    ("PreemptionByScheduler", "Running", True),
    ("TerminationByKubelet", "Running", False),  # the kubelet's own never goes stale
    ("EvictionByEvictionAPI", "Failed", False),  # nor does a finished pod's
])
def test_a_disruption_condition_no_deletion_followed_goes_stale(cluster, reason, phase, reset):
    pod(cluster, "a", phase=phase)
    at = _base.stamp(cluster)

    def mark(current: dict) -> None:
        current["status"]["conditions"].append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                                                "lastTransitionTime": at, "reason": reason, "message": "m"})

    cluster.mutate("", "pods", "default", "a", mark, status=True)
    settle(cluster)
    cluster.clock.hold()
    cluster.clock.advance(dc.STALE_DISRUPTION_TIMEOUT - 10)
    settle(cluster)
    target = {c["type"]: c for c in cluster.get("", "pods", "default", "a")["status"]["conditions"]}["DisruptionTarget"]
    assert target["status"] == "True"
    cluster.clock.advance(11)
    settle(cluster)
    target = {c["type"]: c for c in cluster.get("", "pods", "default", "a")["status"]["conditions"]}["DisruptionTarget"]
    if reset:
        assert target == {"type": "DisruptionTarget", "status": "False", "lastProbeTime": None,
                          "lastTransitionTime": target["lastTransitionTime"]}
        assert target["lastTransitionTime"] >= at
    else:
        assert (target["status"], target["reason"]) == ("True", reason)


def test_an_empty_selector_guards_every_pod_of_the_namespace(server):
    (name,) = running_pods(server, 1)
    call(server, PDBS, method="POST", body={"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                            "metadata": {"name": "all"}, "spec": {"minAvailable": 1, "selector": {}}})
    call(server, PDBS, method="POST", body={"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                            "metadata": {"name": "none"}, "spec": {"minAvailable": 1}})
    server.settle()
    assert call(server, f"{PDBS}/all")[1]["status"]["expectedPods"] == 1
    assert call(server, f"{PDBS}/none")[1]["status"]["expectedPods"] == 0
    code, body = evict(server, name)
    assert code == 429 and body["details"]["causes"][0]["message"] == (
        "The disruption budget all needs 1 healthy pods and has 1 currently")
