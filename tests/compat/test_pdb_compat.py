"""PodDisruptionBudgets against the real kubectl 1.32 on the simulated cluster: `get pdb`, `get pdb -o yaml` and
`describe pdb` show the status the disruption controller keeps, and an eviction (POSTed with `create --raw`)
is refused or allowed as that status says. Byte for byte, after masking generated names, times and ages.

The setup helpers and the `nodes` fixture (reset, setup over REST, then each tool; outputs and the
resulting state compared) are the drain tests' own.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.compat import test_node_ops_compat as node_ops
from tests.compat.test_node_ops_compat import Nodes, _deployment, _pod, _ready, _stable
from tests.compat.test_write_harness import normalise_text

pytestmark = pytest.mark.needs_simulation

nodes = node_ops.nodes  # the drain tests' fixture: reset, setup over REST, each tool, outputs and state compared
PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets"
AGE = re.compile(r"\b(\d+m)?\d+s\b")


def _budget(nodes: Nodes, name: str, app: str = "web", **spec) -> None:
    nodes.create(PDBS, {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name},
                        "spec": {"selector": {"matchLabels": {"app": app}}, **spec}})


def _text(text: str) -> str:
    """Generated pod names, times, uids and resource versions masked; ages too (they may tick between tools)."""
    return AGE.sub("AGE", normalise_text(_stable(text)))


def _budgets(nodes: Nodes) -> None:
    """Three ready pods of a deployment under four budgets of every kind, and one that selects nothing."""
    _deployment(nodes, replicas=3)
    _ready(nodes, 3)
    _budget(nodes, "int-min", minAvailable=2)
    _budget(nodes, "pct-min", minAvailable="50%")
    _budget(nodes, "int-max", maxUnavailable=1)
    _budget(nodes, "pct-max", maxUnavailable="34%")
    _budget(nodes, "nothing", app="none", minAvailable=1)
    nodes.server.settle()


def _short(nodes: Nodes) -> None:
    """A budget asking for more pods than are healthy: two ready of the three the deployment wants (the third
    cannot be scheduled on the cordoned node)."""
    _deployment(nodes, replicas=2)
    _ready(nodes, 2)
    nodes.cordon("node02")
    response = nodes.http.patch("/apis/apps/v1/namespaces/default/deployments/web", json={"spec": {"replicas": 3}},
                                headers={"Content-Type": "application/merge-patch+json"})
    assert response.status_code == 200, response.text
    _budget(nodes, "guard", maxUnavailable=0)
    nodes.server.settle()


GET_CASES = [
    ("get", "pdb"),
    ("get", "pdb", "-o", "wide"),
    ("get", "pdb", "int-min", "pct-max", "-o", "yaml"),
    ("get", "pdb", "nothing", "-o", "json"),
    ("get", "pdb", "-o", "custom-columns=NAME:.metadata.name,EXPECTED:.status.expectedPods,"
                         "DESIRED:.status.desiredHealthy,HEALTHY:.status.currentHealthy,"
                         "REASON:.status.conditions[0].reason"),
    ("describe", "pdb"),
    ("describe", "pdb", "nothing"),
]


@pytest.mark.parametrize("args", GET_CASES, ids=" ".join)
def test_budgets_match_kubectl(nodes, args):
    out, err, code = nodes.compare(args, setup=_budgets, normalise=_text)
    assert code == 0 and err == ""


def test_the_status_is_the_controllers(nodes):
    """What the comparisons above rest on: the numbers are those of the real controller."""
    out, _, _ = nodes.compare(("get", "pdb", "-o", "custom-columns=N:.metadata.name,E:.status.expectedPods,"
                               "D:.status.desiredHealthy,C:.status.currentHealthy,A:.status.disruptionsAllowed,"
                               "S:.status.conditions[0].status,R:.status.conditions[0].reason"),
                              setup=_budgets, normalise=_text)
    assert [line.split() for line in out.splitlines()] == [
        ["N", "E", "D", "C", "A", "S", "R"],
        ["int-max", "3", "2", "3", "1", "True", "SufficientPods"],
        ["int-min", "3", "2", "3", "1", "True", "SufficientPods"],
        ["nothing", "0", "1", "0", "0", "False", "InsufficientPods"],
        ["pct-max", "3", "1", "3", "2", "True", "SufficientPods"],
        ["pct-min", "3", "2", "3", "1", "True", "SufficientPods"],
    ]
    out, _, _ = nodes.compare(("get", "pdb"), setup=_budgets, normalise=_text)
    assert out.splitlines()[0].split() == ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED",
                                           "DISRUPTIONS", "AGE"]
    assert out.splitlines()[3].split() == ["nothing", "1", "N/A", "0", "AGE"]


def test_describe_a_short_budget_matches_kubectl(nodes):
    out, err, code = nodes.compare(("describe", "pdb", "guard"), setup=_short, normalise=_text)
    assert code == 0 and "Allowed disruptions:  0\n    Current:              2\n    Desired:              3\n" \
                          "    Total:                3\n" in out, out
    out, _, _ = nodes.compare(("get", "pdb", "guard", "-o", "yaml"), setup=_short, normalise=_text)
    assert "reason: InsufficientPods" in out and "expectedPods: 3" in out


# -- eviction --------------------------------------------------------------------------------------------


def _pods_under_budget(min_available: int):
    def setup(nodes: Nodes) -> None:
        for name in ("p0", "p1"):
            _pod(nodes, name)
            response = nodes.http.patch(f"/api/v1/namespaces/default/pods/{name}",
                                        json={"metadata": {"labels": {"app": "web"}}},
                                        headers={"Content-Type": "application/merge-patch+json"})
            assert response.status_code == 200, response.text
        _ready(nodes, 2)
        _budget(nodes, "guard", minAvailable=min_available)
        nodes.server.settle()
    return setup


@pytest.fixture
def eviction(tmp_path):
    """The path of an Eviction body for a pod."""
    def write(pod: str = "p0") -> str:
        path = tmp_path / f"eviction-{pod}.json"
        path.write_text(json.dumps({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": pod}}))
        return str(path)
    return write


def _evict_args(eviction, pod: str = "p0") -> tuple[str, ...]:
    return ("create", "--raw", f"/api/v1/namespaces/default/pods/{pod}/eviction", "-f", eviction(pod))


REFUSED = "Error from server (TooManyRequests): Cannot evict pod as it would violate the pod's disruption budget.\n"


def test_an_eviction_is_refused_then_allowed_as_the_budget_changes(nodes, eviction):
    args = _evict_args(eviction)
    out, err, code = nodes.compare(args, setup=_pods_under_budget(2), normalise=_text)
    assert (out, err, code) == ("", REFUSED, 1)
    out, err, code = nodes.compare(args, setup=_pods_under_budget(1), normalise=_text)
    assert (err, code) == ("", 0)
    assert json.loads(out) == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                               "code": 201}
    # what the allowed eviction left: the budget spent, the pod terminating (or gone)
    out, _, _ = nodes.compare(("get", "pdb", "guard", "-o", "jsonpath={.status.disruptionsAllowed}"),
                              setup=_pods_under_budget(1))
    assert out == "1"


def test_describe_after_an_eviction_matches_kubectl(nodes, eviction):
    def evicted(n: Nodes) -> None:
        _pods_under_budget(1)(n)
        response = n.http.post("/api/v1/namespaces/default/pods/p0/eviction",
                               json={"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p0"}})
        assert response.status_code == 201, response.text
        n.server.settle()

    out, err, code = nodes.compare(("describe", "pdb", "guard"), setup=evicted, normalise=_text)
    assert code == 0 and "Allowed disruptions:  0\n" in out and "Current:              1\n" in out, out
    # the budget is spent: the other pod may not go
    out, err, code = nodes.compare(_evict_args(eviction, "p1"), setup=evicted, normalise=_text)
    assert (out, err, code) == ("", REFUSED, 1)


def test_an_eviction_under_two_budgets_matches_kubectl(nodes, eviction):
    """The eviction subresource supports one budget per pod: a Status of code 500 without a reason."""
    def two(n: Nodes) -> None:
        _pods_under_budget(1)(n)
        _budget(n, "second", maxUnavailable=1)
        n.server.settle()

    out, err, code = nodes.compare(_evict_args(eviction), setup=two, normalise=_text)
    assert (out, code) == ("", 1)
    assert err == "Error from server: This pod has more than one PodDisruptionBudget, which the eviction " \
                  "subresource does not support.\n"
