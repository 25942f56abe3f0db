"""The simulated HorizontalPodAutoscaler controller on an in-process cluster, with the test as the kubelet and
as metrics-server: pods run when the test says so, and use what the test says they use."""

from __future__ import annotations

import pytest

from pykubectl.testing.cluster import metrics as sim_metrics
from pykubectl.testing.controllers import _base
from pykubectl.testing.controllers.horizontalpodautoscaler import format_milli

pytestmark = pytest.mark.needs_simulation

HPA = ("autoscaling", "horizontalpodautoscalers")


@pytest.fixture
def usage(monkeypatch):
    """app label → (cpu nanocores, memory bytes) per container; pods of other apps report no metrics."""
    table: dict[str, tuple[int, int]] = {}

    def pod_usage(pod: dict):
        app = (pod["metadata"].get("labels") or {}).get("app")
        if pod.get("status", {}).get("phase") != "Running" or app not in table:
            return None
        return [(c["name"], *table[app]) for c in pod["spec"]["containers"]]

    monkeypatch.setattr(sim_metrics, "pod_usage", pod_usage)
    return table


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


def run_pods(cl) -> None:
    """Act as the kubelet: every bound Pending pod runs and is Ready; repeat until nothing changes."""
    for _ in range(50):
        assert cl.settle(10)
        pending = [p for p in cl.list("", "pods") if p["spec"].get("nodeName")
                   and p["status"].get("phase") == "Pending" and not p["metadata"].get("deletionTimestamp")]
        if not pending:
            return
        for pod in pending:
            at = _base.stamp(cl)

            def change(current: dict, at=at) -> None:
                current["status"].update(phase="Running", startTime=at, conditions=[
                    {"type": "Ready", "status": "True", "lastProbeTime": None, "lastTransitionTime": at}])

            cl.mutate("", "pods", "default", pod["metadata"]["name"], change, status=True)
    raise AssertionError("pods kept appearing")


def deployment(cl, name: str, replicas: int, requests: dict | None = None) -> None:
    container = {"name": "c", "image": "nginx"}
    if requests:
        container["resources"] = {"requests": requests}
    cl.create("apps", "deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}}}})
    run_pods(cl)


def autoscaler(cl, name: str, *, min_replicas: int | None = 1, max_replicas: int = 10, metrics: list | None = None,
               target: str | None = None, kind: str = "Deployment") -> None:
    spec: dict = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target or name},
                  "maxReplicas": max_replicas}
    if min_replicas is not None:
        spec["minReplicas"] = min_replicas
    spec["metrics"] = metrics if metrics is not None else [cpu(50)]
    cl.create(*HPA, {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                     "metadata": {"name": name, "namespace": "default"}, "spec": spec})
    run_pods(cl)


def cpu(percent: int) -> dict:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                     "averageUtilization": percent}}}


def status(cl, name: str) -> dict:
    return cl.get(*HPA, "default", name)["status"]


def conditions(cl, name: str) -> dict[str, tuple[str, str, str]]:
    return {c["type"]: (c["status"], c["reason"], c["message"]) for c in status(cl, name).get("conditions") or []}


def replicas(cl, name: str) -> int:
    return cl.get("apps", "deployments", "default", name)["spec"]["replicas"]


def events(cl, name: str) -> list[tuple[str, str, str]]:
    return [(e["type"], e["reason"], e["message"]) for e in cl.list("", "events", "default")
            if e["involvedObject"]["name"] == name and e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"]


def test_scale_up_is_limited_by_the_scale_up_rate(cluster, usage):
    usage["web"] = (300_000_000, 10 << 20)  # 300m of a 100m request: 300% against a 50% target
    deployment(cluster, "web", 1, {"cpu": "100m"})
    autoscaler(cluster, "web")
    assert replicas(cluster, "web") >= 4
    assert ("Normal", "SuccessfulRescale",
            "New size: 4; reason: cpu resource utilization (percentage of request) above target") in events(cluster, "web")
    st = status(cluster, "web")
    assert st["currentMetrics"] == [{"type": "Resource", "resource": {"name": "cpu", "current": {
        "averageValue": "300m", "averageUtilization": 300}}}]
    assert st["lastScaleTime"]
    assert conditions(cluster, "web")["ScalingActive"] == (
        "True", "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from cpu resource utilization "
        "(percentage of request)")


def test_scale_up_stops_at_max_replicas(cluster, usage):
    usage["web"] = (300_000_000, 0)
    deployment(cluster, "web", 2, {"cpu": "100m"})
    autoscaler(cluster, "web", max_replicas=3)
    assert replicas(cluster, "web") == 3
    assert conditions(cluster, "web")["ScalingLimited"] == (
        "True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    assert status(cluster, "web")["currentReplicas"] == 3
    assert status(cluster, "web")["desiredReplicas"] == 3


def test_within_tolerance_nothing_changes(cluster, usage):
    usage["web"] = (52_000_000, 0)  # 52% against 50%: inside the 10% tolerance
    deployment(cluster, "web", 2, {"cpu": "100m"})
    autoscaler(cluster, "web")
    assert replicas(cluster, "web") == 2
    st = status(cluster, "web")
    assert (st["currentReplicas"], st["desiredReplicas"], st.get("lastScaleTime")) == (2, 2, None)
    assert conditions(cluster, "web")["AbleToScale"] == (
        "True", "ReadyForNewScale", "recommended size matches current size")
    assert conditions(cluster, "web")["ScalingLimited"] == (
        "False", "DesiredWithinRange", "the desired count is within the acceptable range")
    assert events(cluster, "web") == []


def test_scale_down_waits_for_the_stabilisation_window(cluster, usage):
    usage["web"] = (5_000_000, 0)  # 5% against 50%
    deployment(cluster, "web", 3, {"cpu": "100m"})
    autoscaler(cluster, "web")
    assert replicas(cluster, "web") == 3
    assert conditions(cluster, "web")["AbleToScale"] == (
        "True", "ScaleDownStabilized",
        "recent recommendations were higher than current one, applying the highest recent recommendation")
    cluster.clock.advance(301)
    run_pods(cluster)
    assert replicas(cluster, "web") == 1
    assert ("Normal", "SuccessfulRescale", "New size: 1; reason: All metrics below target") in events(cluster, "web")


def test_below_min_replicas_scales_up_without_metrics(cluster, usage):
    deployment(cluster, "web", 1)
    autoscaler(cluster, "web", min_replicas=3, metrics=[cpu(50)])
    assert replicas(cluster, "web") == 3
    assert events(cluster, "web")[0] == (
        "Normal", "SuccessfulRescale", "New size: 3; reason: Current number of replicas below Spec.MinReplicas")


def test_average_value_target_on_memory(cluster, usage):
    usage["web"] = (0, 300 << 20)  # 300Mi per pod against a 100Mi average
    deployment(cluster, "web", 1)
    autoscaler(cluster, "web", max_replicas=3, metrics=[
        {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                        "averageValue": "100Mi"}}}])
    assert replicas(cluster, "web") == 3
    assert ("Normal", "SuccessfulRescale", "New size: 3; reason: memory resource above target") in events(cluster, "web")
    assert status(cluster, "web")["currentMetrics"][0]["resource"]["current"] == {"averageValue": "314572800"}


def test_missing_target_and_missing_requests(cluster, usage):
    usage["web"] = (1_000_000, 0)
    autoscaler(cluster, "gone", target="nowhere")
    assert conditions(cluster, "gone") == {"AbleToScale": (
        "False", "FailedGetScale",
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "nowhere" not found')}
    assert events(cluster, "gone") == [("Warning", "FailedGetScale", 'deployments.apps "nowhere" not found')]

    deployment(cluster, "web", 1)  # no cpu request
    autoscaler(cluster, "web")
    pod = cluster.list("", "pods", "default")[0]["metadata"]["name"]
    detail = f"failed to get cpu utilization: missing request for cpu in container c of Pod {pod}"
    assert conditions(cluster, "web")["ScalingActive"] == (
        "False", "FailedGetResourceMetric", f"the HPA was unable to compute the replica count: {detail}")
    assert events(cluster, "web") == [
        ("Warning", "FailedGetResourceMetric", detail),
        ("Warning", "FailedComputeMetricsReplicas",
         f"invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: {detail}")]
    st = status(cluster, "web")
    assert st["currentMetrics"] == [{"type": ""}] and st["desiredReplicas"] == 0


def test_no_metrics_yet_and_zero_replicas(cluster, usage):
    deployment(cluster, "quiet", 1, {"cpu": "100m"})  # usage has no entry: metrics-server knows no pods
    autoscaler(cluster, "quiet")
    assert conditions(cluster, "quiet")["ScalingActive"][2] == (
        "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics "
        "for resource cpu: no metrics returned from resource metrics API")

    deployment(cluster, "off", 0, {"cpu": "100m"})
    autoscaler(cluster, "off")
    assert conditions(cluster, "off")["ScalingActive"] == (
        "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero")
    assert replicas(cluster, "off") == 0


def test_autoscaling_v1_objects_get_v1_status(cluster, usage):
    usage["web"] = (20_000_000, 0)
    deployment(cluster, "web", 2, {"cpu": "100m"})
    cluster.create(*HPA, {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
                          "metadata": {"name": "web", "namespace": "default"},
                          "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                                   "minReplicas": 2, "maxReplicas": 4, "targetCPUUtilizationPercentage": 20}})
    run_pods(cluster)
    assert status(cluster, "web") == {"currentReplicas": 2, "desiredReplicas": 2,
                                      "currentCPUUtilizationPercentage": 20}


def test_status_is_written_only_when_it_changes(cluster, usage):
    usage["web"] = (52_000_000, 0)
    deployment(cluster, "web", 2, {"cpu": "100m"})
    autoscaler(cluster, "web")
    version = cluster.get(*HPA, "default", "web")["metadata"]["resourceVersion"]
    cluster.controller("horizontal-pod-autoscaler").tick(cluster)
    assert cluster.settle(5)
    assert cluster.get(*HPA, "default", "web")["metadata"]["resourceVersion"] == version


@pytest.mark.parametrize(("milli", "text"), [(0, "0"), (1, "1m"), (1500, "1500m"), (2000, "2"),
                                             (4_096_000_000, "4096k"), (8_345_600_000, "8345600"),
                                             (3_000_000_000, "3M")])
def test_average_values_print_as_go_quantities(milli, text):
    assert format_milli(milli) == text


def test_behavior_policies_limit_the_rate(cluster, usage):
    usage["web"] = (300_000_000, 0)
    deployment(cluster, "web", 1, {"cpu": "100m"})
    cluster.create(*HPA, {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                          "metadata": {"name": "web", "namespace": "default"},
                          "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                                   "minReplicas": 1, "maxReplicas": 10, "metrics": [cpu(50)],
                                   "behavior": {"scaleUp": {"policies": [
                                       {"type": "Pods", "value": 1, "periodSeconds": 60}]}}}})
    run_pods(cluster)
    assert replicas(cluster, "web") == 2  # one pod per minute
    assert conditions(cluster, "web")["ScalingLimited"] == (
        "True", "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
    cluster.clock.advance(61)
    run_pods(cluster)
    assert replicas(cluster, "web") == 3
    assert [m for _, r, m in events(cluster, "web") if r == "SuccessfulRescale"] == [
        "New size: 2; reason: cpu resource utilization (percentage of request) above target",
        "New size: 3; reason: cpu resource utilization (percentage of request) above target"]


def test_behavior_scale_down_without_a_window(cluster, usage):
    usage["web"] = (1_000_000, 0)  # 1% against 50%
    deployment(cluster, "web", 4, {"cpu": "100m"})
    cluster.create(*HPA, {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                          "metadata": {"name": "web", "namespace": "default"},
                          "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                                   "minReplicas": 1, "maxReplicas": 10, "metrics": [cpu(50)],
                                   "behavior": {"scaleDown": {"stabilizationWindowSeconds": 0, "policies": [
                                       {"type": "Percent", "value": 50, "periodSeconds": 60}]}}}})
    run_pods(cluster)
    assert replicas(cluster, "web") == 2  # half of 4 in the first minute, then no more
    assert conditions(cluster, "web")["ScalingLimited"] == (
        "True", "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
