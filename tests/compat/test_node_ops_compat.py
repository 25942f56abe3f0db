"""cordon, uncordon, drain and taint against the real kubectl 1.32 on the simulated cluster (nodes node01 and
node02): stdout, stderr and exit code byte for byte, and the nodes and pods they leave behind.

Every case starts from the server's reset state (both nodes schedulable and untainted, no workloads), then
builds its setup over REST, once for each tool. kubectl evicts pods concurrently, so the lines about
evictions are compared order-free; everything else is compared as is.
"""

from __future__ import annotations

import re
import ssl
import time

import httpx
import pytest

from tests.compat.test_write_harness import normalise_text

pytestmark = pytest.mark.needs_simulation


class Nodes:
    """The simulated cluster's REST side: reset, setup and what the nodes look like afterwards."""

    def __init__(self, server, runners, kubeconfig):
        self.server = server
        self.runners = runners
        self.env = {"KUBECONFIG": str(kubeconfig)}
        context = ssl.create_default_context(cadata=server.ca_pem.decode())
        self.http = httpx.Client(base_url=server.url, verify=context,
                                 headers={"Authorization": f"Bearer {server.tokens['admin']}"})

    def close(self) -> None:
        self.http.close()

    def reset(self) -> None:
        self.server.reset()
        self.server.settle()

    def taint(self, node: str, *taints: dict) -> None:
        response = self.http.patch(f"/api/v1/nodes/{node}", json={"spec": {"taints": list(taints)}},
                                   headers={"Content-Type": "application/merge-patch+json"})
        assert response.status_code == 200, response.text

    def cordon(self, node: str) -> None:
        response = self.http.patch(f"/api/v1/nodes/{node}", json={"spec": {"unschedulable": True}},
                                   headers={"Content-Type": "application/merge-patch+json"})
        assert response.status_code == 200, response.text

    def label(self, node: str, **labels: str) -> None:
        response = self.http.patch(f"/api/v1/nodes/{node}", json={"metadata": {"labels": labels}},
                                   headers={"Content-Type": "application/merge-patch+json"})
        assert response.status_code == 200, response.text

    def create(self, path: str, obj: dict) -> None:
        response = self.http.post(path, json=obj)
        assert response.status_code == 201, response.text

    def state(self) -> dict:
        nodes = {}
        for node in self.http.get("/api/v1/nodes").json()["items"]:
            spec = node.get("spec") or {}
            taints = [{k: v for k, v in t.items() if k != "timeAdded"} for t in spec.get("taints") or []]
            nodes[node["metadata"]["name"]] = (bool(spec.get("unschedulable")), taints,
                                               node["metadata"].get("labels"))
        pods = sorted((p["metadata"]["namespace"], _stable(p["metadata"]["name"]), p["spec"].get("nodeName", ""),
                       bool(p["metadata"].get("deletionTimestamp")))
                      for p in self.http.get("/api/v1/pods").json()["items"])
        return {"nodes": nodes, "pods": pods}

    def compare(self, args, setup=lambda nodes: None, normalise=lambda text: text) -> None:
        """Both tools on the same fresh setup: output, exit code and resulting state must agree."""
        results = []
        for run in (self.runners.kubectl, self.runners.pykubectl):
            self.reset()
            setup(self)
            self.server.settle()
            result = run(*args, env=self.env)
            self.server.settle()
            results.append(((normalise(result.stdout), normalise(result.stderr), result.exit_code), self.state()))
        (expected, expected_state), (actual, actual_state) = results
        assert actual == expected, (args, expected, actual)
        assert actual_state == expected_state, (args, expected_state, actual_state)


POD_HASH = re.compile(r"\b(web|agent|solo)-([a-z0-9]{8,10}-)?[a-z0-9]{5}\b")


def _stable(text: str) -> str:
    """Generated pod names (ReplicaSet hash and random suffix) are the same for both tools once masked."""
    return POD_HASH.sub(lambda m: f"{m.group(1)}-{'HASH-' if m.group(2) else ''}XXXXX", text)


@pytest.fixture
def nodes(kube_apiserver, runners, kubeconfig_file):
    helper = Nodes(kube_apiserver, runners, kubeconfig_file)
    yield helper
    helper.close()
    kube_apiserver.reset()


# -- cordon / uncordon ----------------------------------------------------------------------------------


CORDON_CASES = [
    ("cordon", "node01"),
    ("cordon", "node01", "node02"),
    ("cordon", "node/node01", "nodes/node02"),
    ("cordon", "-l", "kubernetes.io/os=linux"),
    ("cordon", "-l", "node-role.kubernetes.io/control-plane"),
    ("cordon", "-l", "nomatch=1"),
    ("cordon", "node01", "--dry-run=client"),
    ("cordon", "node01", "--dry-run=server"),
    ("cordon", "node01", "--dry-run"),
    ("cordon", "node01", "--dry-run=bogus"),
    ("cordon", "nope"),
    ("cordon", "node01", "nope"),
    ("cordon",),
    ("cordon", "node01", "-l", "a=b"),
    ("cordon", "pods/x"),
    ("uncordon", "node01"),
    ("uncordon", "node02"),
    ("uncordon", "node01", "node02", "--dry-run=server"),
    ("uncordon", "-l", "kubernetes.io/hostname=node02", "--dry-run=client"),
    ("uncordon", "nope"),
]


@pytest.mark.parametrize("args", CORDON_CASES, ids=" ".join)
def test_cordon_and_uncordon_match_kubectl(nodes, args):
    """node02 starts cordoned, so both the change and the `already` forms show."""
    nodes.compare(args, setup=lambda n: n.cordon("node02"), normalise=_no_klog)


def test_cordon_help_matches_kubectl(runners):
    for verb in ("cordon", "uncordon", "drain", "taint"):
        runners.assert_same(verb, "--help")


def _no_klog(text: str) -> str:
    from tests.conftest import strip_klog

    return strip_klog(text)


# -- taint ----------------------------------------------------------------------------------------------


def _taint_setup(nodes: Nodes) -> None:
    nodes.taint("node01", {"key": "dedicated", "value": "special", "effect": "NoSchedule"},
                {"key": "dedicated", "effect": "NoExecute"}, {"key": "gpu", "value": "yes", "effect": "PreferNoSchedule"})
    nodes.label("node02", pool="blue")


TAINT_CASES = [
    # add, overwrite, remove
    ("nodes", "node02", "dedicated=special-user:NoSchedule"),
    ("node", "node02", "a=b:NoSchedule", "c:NoExecute", "d=:PreferNoSchedule"),
    ("no", "node01", "dedicated=other:NoSchedule"),
    ("node", "node01", "dedicated=other:NoSchedule", "--overwrite"),
    ("node", "node01", "gpu=yes:PreferNoSchedule", "--overwrite"),
    ("node", "node01", "dedicated:NoSchedule-"),
    ("node", "node01", "dedicated-"),
    ("node", "node01", "dedicated=whatever:NoExecute-"),
    ("node", "node01", "dedicated-", "new=1:NoSchedule"),
    ("node", "node01", "gpu-", "other-"),
    ("node", "node01", "x-", "y:NoSchedule-"),
    ("node", "node02", "dedicated-"),
    ("node", "node01", "node02", "gpu-"),
    ("node", "node01", "nope", "k=v:NoSchedule"),
    ("node", "nope", "k=v:NoSchedule"),
    # selections
    ("node", "-l", "pool=blue", "k=v:NoSchedule"),
    ("node", "-l", "kubernetes.io/os=linux", "k=v:NoSchedule"),
    ("node", "-l", "nomatch=1", "k=v:NoSchedule"),
    ("node", "--all", "k=v:NoSchedule"),
    ("node", "--all", "gpu-"),
    ("node", "--all", "dedicated-", "gpu-", "zz-"),
    ("node", "--all", "-l", "pool=blue", "k=v:NoSchedule"),
    # dry runs and output
    ("node", "node02", "k=v:NoSchedule", "--dry-run=client"),
    ("node", "node01", "gpu-", "--dry-run=server"),
    ("node", "node02", "k=v:NoSchedule", "-o", "name"),
    ("node", "node01", "k=v:NoSchedule", "-o", "yaml"),
    ("node", "node01", "k=v:NoSchedule", "-o", "json"),
    ("node", "node02", "k=v:NoSchedule", "--dry-run=client", "-o", "json"),
    ("node", "node01", "gpu-", "-o", "jsonpath={.spec.taints}"),
    ("node", "node01", "k=v:NoSchedule", "-o", "bogus"),
    # argument errors
    ("node", "node01", "a=b:Bogus"),
    ("node", "node01", "a=b"),
    ("node", "node01", "a"),
    ("node", "node01", "a=b=c:NoSchedule"),
    ("node", "node01", "a:b:c"),
    ("node", "node01", "=v:NoSchedule"),
    ("node", "node01", "a/b/c:NoSchedule"),
    ("node", "node01", "Foo_/x:NoSchedule"),
    ("node", "node01", "/x:NoSchedule"),
    ("node", "node01", "a=b@:NoSchedule"),
    ("node", "node01", "k" * 64 + ":NoSchedule"),
    ("node", "node01", "a=b:NoSchedule", "a=c:NoSchedule"),
    ("node", "node01", "a=b:NoSchedule", "a-", "a:NoSchedule-"),
    ("node", "node01", "a=b:NoSchedule", "x"),
    ("node", "a=b:NoSchedule"),
    ("a=b:NoSchedule",),
    ("node",),
    ("pods", "x", "a=b:NoSchedule"),
    ("bogus", "x", "a=b:NoSchedule"),
    ("node/node01", "a=b:NoSchedule"),
    ("node", "node01", "a=b:NoSchedule", "--dry-run=bogus"),
    ("node", "node01", "a=b:NoSchedule", "--validate=bogus"),
]


@pytest.mark.parametrize("args", TAINT_CASES, ids=" ".join)
def test_taint_matches_kubectl(nodes, args):
    nodes.compare(("taint", *args), setup=_taint_setup, normalise=normalise_text)
