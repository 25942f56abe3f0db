"""ResourceQuota status and admission on an in-process store and cluster (the kubelet is left out: pods stay
Pending unless the test moves them, which is all the quota needs)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pykubectl.testing.controllers.resourcequota import Quantity, format_quantity
from pykubectl.testing.status import StatusError

pytestmark = pytest.mark.needs_simulation


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


def quota(cl, name: str, hard: dict, scopes: list | None = None) -> None:
    spec: dict = {"hard": hard}
    if scopes:
        spec["scopes"] = scopes
    cl.create("", "resourcequotas", {"apiVersion": "v1", "kind": "ResourceQuota",
                                     "metadata": {"name": name, "namespace": "default"}, "spec": spec})


def pod(cl, name: str, requests: dict | None = None, limits: dict | None = None, **spec) -> dict:
    container: dict = {"name": "c", "image": "nginx"}
    resources = {k: v for k, v in (("requests", requests), ("limits", limits)) if v}
    if resources:
        container["resources"] = resources
    return cl.create("", "pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                                  "spec": {"containers": [container], **spec}})


def status(cl, name: str) -> dict:
    assert cl.settle(10)
    return cl.get("", "resourcequotas", "default", name)["status"]


def refusal(fn) -> str:
    with pytest.raises(StatusError) as caught:
        fn()
    assert caught.value.body["code"] == 403 and caught.value.body["reason"] == "Forbidden"
    return caught.value.body["message"]


def test_status_mirrors_hard_and_counts_usage(cluster):
    quota(cluster, "q", {"pods": "5", "requests.cpu": "2", "requests.memory": "1Gi", "limits.memory": "2Gi",
                         "cpu": "3", "secrets": "4", "count/deployments.apps": "2", "unknown.example/thing": "1"})
    assert status(cluster, "q")["used"] == {"count/deployments.apps": "0", "cpu": "0", "limits.memory": "0",
                                            "pods": "0", "requests.cpu": "0", "requests.memory": "0",
                                            "secrets": "0"}
    pod(cluster, "a", {"cpu": "250m", "memory": "0.5Gi"}, {"memory": "1Gi"})
    pod(cluster, "b", {"cpu": "1", "memory": "256Mi"}, {"memory": "512Mi"})
    cluster.create("", "secrets", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"}})
    st = status(cluster, "q")
    assert st["hard"]["requests.memory"] == "1Gi" and list(st["hard"]) == sorted(st["hard"])
    assert st["used"] == {"count/deployments.apps": "0", "cpu": "1250m", "limits.memory": "1536Mi", "pods": "2",
                          "requests.cpu": "1250m", "requests.memory": "768Mi", "secrets": "1"}


def test_terminal_pods_stop_counting(cluster):
    quota(cluster, "q", {"pods": "5"})
    pod(cluster, "done")
    assert status(cluster, "q")["used"] == {"pods": "1"}

    def finish(current: dict) -> None:
        current["status"]["phase"] = "Succeeded"

    cluster.mutate("", "pods", "default", "done", finish, status=True)
    assert status(cluster, "q")["used"] == {"pods": "0"}


def test_scopes_select_pods(cluster):
    quota(cluster, "be", {"pods": "3"}, ["BestEffort"])
    quota(cluster, "term", {"pods": "3", "requests.cpu": "1"}, ["Terminating"])
    pod(cluster, "plain")
    pod(cluster, "sized", {"cpu": "100m"}, activeDeadlineSeconds=60)
    assert status(cluster, "be")["used"] == {"pods": "1"}
    assert status(cluster, "term")["used"] == {"pods": "1", "requests.cpu": "100m"}


def test_exceeding_a_quota_is_forbidden(cluster):
    quota(cluster, "q", {"pods": "1", "requests.cpu": "500m"})
    pod(cluster, "a", {"cpu": "400m"})
    assert refusal(lambda: pod(cluster, "b", {"cpu": "50m"})) == (
        'pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1')
    cluster.delete("", "pods", "default", "a", grace_period=0)
    assert refusal(lambda: pod(cluster, "c", {"cpu": "600m"})) == (
        'pods "c" is forbidden: exceeded quota: q, requested: requests.cpu=600m, used: requests.cpu=0, '
        'limited: requests.cpu=500m')


def test_pods_must_state_what_a_quota_tracks(cluster):
    quota(cluster, "q", {"limits.cpu": "2", "requests.memory": "1Gi", "pods": "9"})
    assert refusal(lambda: pod(cluster, "bare")) == (
        'pods "bare" is forbidden: failed quota: q: must specify limits.cpu for: c; requests.memory for: c')
    pod(cluster, "ok", {"memory": "1Mi"}, {"cpu": "1"})


def test_object_counts_and_count_resources(cluster):
    quota(cluster, "q", {"configmaps": "2", "count/deployments.apps": "0", "services.nodeports": "1"})
    existing = len(cluster.list("", "configmaps", "default"))
    for i in range(2 - existing):
        cluster.create("", "configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                          "metadata": {"name": f"cm{i}", "namespace": "default"}})
    assert refusal(lambda: cluster.create("", "configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                                             "metadata": {"name": "x", "namespace": "default"}})) == (
        'configmaps "x" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=2, '
        'limited: configmaps=2')
    assert "exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=0, " \
           "limited: count/deployments.apps=0" in refusal(lambda: cluster.create("apps", "deployments", {
               "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
               "spec": {"selector": {"matchLabels": {"a": "b"}},
                        "template": {"metadata": {"labels": {"a": "b"}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}))
    assert "requested: services.nodeports=2" in refusal(lambda: cluster.create("", "services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "np", "namespace": "default"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "name": "a"}, {"port": 81, "name": "b"}]}}))


@pytest.mark.parametrize(("text", "fmt", "out"), [
    ("0", "DecimalSI", "0"), ("1500m", "DecimalSI", "1500m"), ("2000m", "DecimalSI", "2"), ("0.1", "DecimalSI", "100m"),
    ("1536Mi", "BinarySI", "1536Mi"), ("1Gi", "BinarySI", "1Gi"), ("1000", "BinarySI", "1k"),
    ("1073741824", "DecimalSI", "1073741824"), ("5000", "DecimalSI", "5k"), ("1n", "DecimalSI", "1n")])
def test_quantities_print_canonically(text, fmt, out):
    assert format_quantity(Quantity.parse(text).value, fmt) == out


def test_sums_keep_the_first_nonzero_format():
    total = Quantity().add(Quantity.parse("512Mi")).add(Quantity.parse("1000Ki"))
    assert (total.value, total.format, str(total)) == (Decimal(512 * 2**20 + 1000 * 1024), "BinarySI", "525288Ki")
