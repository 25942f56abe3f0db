"""resources.attachable: kubectl's pod choice for exec/attach (sort.Reverse(ActivePods)) and container defaulting."""

from __future__ import annotations

import io

import pytest

from pykubectl.errors import KubectlError
from pykubectl.resources.attachable import container_for, most_active_first


def _pod(name, node="n1", phase="Running", ready=True, restarts=0, created="2024-01-01T00:00:00Z",
         ready_at="2024-01-01T00:00:10Z", deleting=None):
    meta = {"name": name, "creationTimestamp": created}
    if deleting:
        meta["deletionTimestamp"] = deleting
    return {"metadata": meta, "spec": {"nodeName": node},
            "status": {"phase": phase,
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                       "lastTransitionTime": ready_at}],
                       "containerStatuses": [{"restartCount": restarts}]}}


@pytest.mark.parametrize("pods,first", [
    ([_pod("unassigned", node=""), _pod("assigned")], "assigned"),
    ([_pod("pending", phase="Pending"), _pod("running")], "running"),
    ([_pod("unready", ready=False), _pod("ready")], "ready"),
    ([_pod("going", deleting="2024-01-02T00:00:00Z"), _pod("staying")], "staying"),
    ([_pod("recent", ready_at="2024-01-01T00:05:00Z"), _pod("longer", ready_at="2024-01-01T00:01:00Z")], "longer"),
    ([_pod("steady", restarts=0), _pod("flappy", restarts=4)], "steady"),
    ([_pod("young", created="2024-01-03T00:00:00Z"), _pod("old", created="2024-01-01T00:00:00Z")], "old"),
])
def test_the_most_active_pod_comes_first(pods, first) -> None:
    assert most_active_first(pods)[0]["metadata"]["name"] == first
    assert most_active_first(list(reversed(pods)))[0]["metadata"]["name"] == first


def _containers(*names, annotation=None, init=()):
    meta = {"name": "p", "namespace": "ns"}
    if annotation:
        meta["annotations"] = {"kubectl.kubernetes.io/default-container": annotation}
    return {"metadata": meta, "spec": {"containers": [{"name": n} for n in names],
                                       "initContainers": [{"name": n} for n in init]}}


def test_container_defaulting() -> None:
    warn = io.StringIO()
    assert container_for(_containers("a"), "", False, warn)["name"] == "a" and warn.getvalue() == ""
    assert container_for(_containers("a", "b"), "", False, warn)["name"] == "a"
    assert warn.getvalue() == 'Defaulted container "a" out of: a, b\n'
    quiet = io.StringIO()
    assert container_for(_containers("a", "b"), "", True, quiet)["name"] == "a" and quiet.getvalue() == ""
    assert container_for(_containers("a", "b", annotation="b"), "", False, quiet)["name"] == "b"
    stale = io.StringIO()
    assert container_for(_containers("a", "b", annotation="zz"), "", False, stale)["name"] == "a"
    assert stale.getvalue() == 'Defaulted container "a" out of: a, b\n'
    init = io.StringIO()
    assert container_for(_containers("a", init=("setup",)), "", False, init)["name"] == "a"
    assert init.getvalue() == 'Defaulted container "a" out of: a, setup (init)\n'
    assert container_for(_containers("a", init=("setup",)), "setup", False, init)["name"] == "setup"
    with pytest.raises(KubectlError, match="^container zz not found in pod p$"):
        container_for(_containers("a"), "zz", False, io.StringIO())
