"""The simulated kubelets' node leases: one per node in kube-node-lease, owned by the Node, renewed every
10 s of cluster time in the default (fast) mode too."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.needs_simulation

LEASES = ("coordination.k8s.io", "leases", "kube-node-lease")


@pytest.fixture
def cluster():
    from pykubectl.testing.catalog import Catalog
    from pykubectl.testing.cluster import Cluster
    from pykubectl.testing.store import Store

    catalog = Catalog()
    cl = Cluster(Store(catalog), catalog)
    cl.start()
    try:
        yield cl
    finally:
        cl.stop()


def _renewed(cl, name: str) -> str:
    return cl.get(*LEASES, name)["spec"]["renewTime"]


def test_each_node_has_a_lease_owned_by_it(cluster):
    for name in cluster.node_names:
        lease = cluster.get(*LEASES, name)
        node = cluster.get("", "nodes", None, name)
        assert lease["spec"]["holderIdentity"] == name and lease["spec"]["leaseDurationSeconds"] == 40
        assert lease["metadata"]["ownerReferences"] == [
            {"apiVersion": "v1", "kind": "Node", "name": name, "uid": node["metadata"]["uid"]}]


def test_leases_are_renewed_every_ten_seconds_of_cluster_time(cluster):
    assert cluster.settle(5)
    first = {name: _renewed(cluster, name) for name in cluster.node_names}
    cluster.clock.advance(5)
    time.sleep(0.1)
    assert cluster.settle(5)
    assert {name: _renewed(cluster, name) for name in cluster.node_names} == first  # not yet
    cluster.clock.advance(6)
    deadline = time.monotonic() + 5
    while any(_renewed(cluster, n) == first[n] for n in cluster.node_names):
        assert time.monotonic() < deadline, "the leases were not renewed"
        time.sleep(0.02)
    for name in cluster.node_names:
        assert _renewed(cluster, name) > first[name]
