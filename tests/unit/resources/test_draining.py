"""resources/draining: drain's pod filters and their messages (kubectl 1.32 pkg/drain/filters.go), without a server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pykubectl.errors import ApiError, UsageError
from pykubectl.resources import draining


class FakeClient:
    def __init__(self, pods, daemonsets=()):
        self.pods = pods
        self.daemonsets = set(daemonsets)
        self.requests = []

    def list_pages(self, path, params, chunk_size=500):
        self.requests.append((path, dict(params), chunk_size))
        yield {"items": self.pods}

    def get_json(self, path, **_):
        name = path.rsplit("/", 1)[1]
        if name not in self.daemonsets:
            raise ApiError({"reason": "NotFound", "code": 404, "message": f'daemonsets.apps "{name}" not found'})
        return {}


def pod(name, owner=None, empty_dir=False, phase="Running", annotations=None):
    metadata = {"name": name, "namespace": "default", "uid": name}
    if owner:
        metadata["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "controller": True}]
    if annotations:
        metadata["annotations"] = annotations
    spec = {"volumes": [{"name": "v", "emptyDir": {}}]} if empty_dir else {}
    return {"metadata": metadata, "spec": spec, "status": {"phase": phase}}


def drainer(pods, daemonsets=(), **settings):
    session = SimpleNamespace(client=FakeClient(pods, daemonsets), streams=None)
    return draining.Drainer(session, draining.DrainSettings(**settings))


def names(items):
    return [p["metadata"]["name"] for p in items]


def test_pods_are_listed_by_node_and_pod_selector_in_chunks():
    d = drainer([], pod_selector="app=web", chunk_size=7)
    d.pods_for_deletion("node02")
    assert d.client.requests == [("/api/v1/pods", {"labelSelector": "app=web",
                                                   "fieldSelector": "spec.nodeName=node02"}, 7)]


def test_controlled_pods_go_and_unmanaged_ones_need_force():
    pods = [pod("web", ("ReplicaSet", "rs")), pod("lonely")]
    found = drainer(pods).pods_for_deletion("n")
    assert names(found.pods()) == ["web"]
    assert [str(e) for e in found.errors()] == [
        "cannot delete cannot delete Pods that declare no controller (use --force to override): default/lonely"]
    forced = drainer(pods, force=True).pods_for_deletion("n")
    assert names(forced.pods()) == ["web", "lonely"]
    assert forced.warnings() == "deleting Pods that declare no controller: default/lonely"


def test_daemonset_pods_are_an_error_unless_ignored_and_never_deleted():
    pods = [pod("agent-1", ("DaemonSet", "agent")), pod("agent-2", ("DaemonSet", "agent"))]
    found = drainer(pods, daemonsets={"agent"}).pods_for_deletion("n")
    assert [str(e) for e in found.errors()] == [
        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/agent-1, default/agent-2"]
    ignored = drainer(pods, daemonsets={"agent"}, ignore_daemonsets=True).pods_for_deletion("n")
    assert (ignored.pods(), ignored.errors()) == ([], [])
    assert ignored.warnings() == "ignoring DaemonSet-managed Pods: default/agent-1, default/agent-2"


def test_an_orphaned_daemonset_pod_is_removed_only_with_force():
    pods = [pod("agent-1", ("DaemonSet", "gone"))]
    assert [str(e) for e in drainer(pods).pods_for_deletion("n").errors()] == [
        'cannot delete daemonsets.apps "gone" not found: default/agent-1']
    forced = drainer(pods, force=True).pods_for_deletion("n")
    assert names(forced.pods()) == ["agent-1"]
    assert forced.warnings() == ""  # the controller filter's Okay replaces the warning, as in kubectl


def test_empty_dir_needs_delete_emptydir_data_and_finished_pods_always_go():
    pods = [pod("scratch", ("ReplicaSet", "rs"), empty_dir=True), pod("done", empty_dir=True, phase="Succeeded")]
    found = drainer(pods).pods_for_deletion("n")
    assert names(found.pods()) == ["done"]
    assert [str(e) for e in found.errors()] == [
        "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch"]
    allowed = drainer(pods, delete_emptydir_data=True).pods_for_deletion("n")
    assert names(allowed.pods()) == ["scratch", "done"]
    assert allowed.warnings() == ""  # the later filter's verdict replaces the local-storage warning, as in kubectl


def test_mirror_pods_are_skipped_silently():
    found = drainer([pod("static", annotations={draining.MIRROR_ANNOTATION: "x"})], force=True).pods_for_deletion("n")
    assert (found.pods(), found.errors(), found.warnings()) == ([], [], "")


def test_selected_pods_carry_their_kind_for_the_name_printer():
    found = drainer([pod("web", ("ReplicaSet", "rs"))]).pods_for_deletion("n")
    assert found.pods()[0]["kind"] == "Pod" and found.pods()[0]["apiVersion"] == "v1"


@pytest.mark.parametrize(("selector", "valid"), [
    ("", True), ("app=web", True), ("app in (a,b),!x", True), ("a==b,c!=d", True),
    ("app in (a,b", False), ("bad key=x", False), ("a=b@", False),
])
def test_valid_label_selector(selector, valid):
    assert draining.valid_label_selector(selector) is valid


def test_node_arguments():
    with pytest.raises(UsageError, match=r"^USAGE: drain NODE \[flags\]$"):
        draining.check_node_arguments((), "", False, "drain NODE", "kubectl drain")
    with pytest.raises(UsageError, match="^cannot specify both a node name and a --selector option$"):
        draining.check_node_arguments(("n",), "a=b", True, "drain NODE", "kubectl drain")
    draining.check_node_arguments((), "", True, "drain NODE", "kubectl drain")  # an empty -l is allowed
