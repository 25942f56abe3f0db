"""The cluster's nodes (default node01, node02): Node objects as a kubeadm/kind cluster shows them, node Leases,
and the node controller's part of cordon (the unschedulable taint) with the kubelet's events about it."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

KUBELET_VERSION = "v1.32.5"
CONTAINER_RUNTIME = "containerd://1.7.24"
LEASE_DURATION = 40  # seconds (the kubelet's --node-lease-duration-seconds default)
RENEW_INTERVAL = LEASE_DURATION / 4  # the kubelet renews at a quarter of the duration: every 10 s
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
CAPACITY = {"cpu": "4", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
            "memory": "8039412Ki", "pods": "110"}


def node_index(name: str, names: tuple[str, ...]) -> int:
    return names.index(name) if name in names else int(hashlib.sha1(name.encode()).hexdigest(), 16) % 200


def _stable_uuid(seed: str) -> str:
    return str(uuid.UUID(hashlib.md5(seed.encode()).hexdigest()))


def node_object(cluster: Any, name: str, index: int) -> dict:
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    if index == 0:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    stamp = cluster.clock.rfc3339()
    conditions = [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels, "annotations": {
            "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"podCIDR": f"10.244.{index}.0/24", "podCIDRs": [f"10.244.{index}.0/24"],
                 "providerID": f"kind://docker/pykubectl/{name}"},
        "status": {
            "addresses": [{"address": f"172.18.0.{index + 2}", "type": "InternalIP"},
                          {"address": name, "type": "Hostname"}],
            "allocatable": dict(CAPACITY), "capacity": dict(CAPACITY),
            "conditions": [{"lastHeartbeatTime": stamp, "lastTransitionTime": stamp, "message": message,
                            "reason": reason, "status": state, "type": kind}
                           for kind, state, reason, message in conditions],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"architecture": "amd64", "bootID": _stable_uuid(name + "/boot"),
                         "containerRuntimeVersion": CONTAINER_RUNTIME, "kernelVersion": "6.8.0-45-generic",
                         "kubeProxyVersion": KUBELET_VERSION, "kubeletVersion": KUBELET_VERSION,
                         "machineID": hashlib.md5(name.encode()).hexdigest(), "operatingSystem": "linux",
                         "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "systemUUID": _stable_uuid(name + "/system")},
        },
    }


def create_nodes(cluster: Any) -> None:
    for index, name in enumerate(cluster.node_names):
        node = cluster.get("", "nodes", None, name)
        if node is None:
            node = cluster.create("", "nodes", node_object(cluster, name, index))
        lease_info = cluster.info("coordination.k8s.io", "leases")
        if lease_info is not None and cluster.get("coordination.k8s.io", "leases", "kube-node-lease", name) is None:
            # The kubelet's node lease, owned by its Node (so it goes when the Node goes).
            cluster.create("coordination.k8s.io", "leases", {
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": name, "namespace": "kube-node-lease", "ownerReferences": [
                    {"apiVersion": "v1", "kind": "Node", "name": name, "uid": node["metadata"]["uid"]}]},
                "spec": {"holderIdentity": name, "leaseDurationSeconds": LEASE_DURATION,
                         "renewTime": cluster.clock.rfc3339_micro()}})
    cluster.register(NodeController())


def schedulable_nodes(cluster: Any) -> list[dict]:
    return [n for n in cluster.list("", "nodes") if not (n.get("spec") or {}).get("unschedulable")]


class NodeController:
    """Cordon's visible effects: the `node.kubernetes.io/unschedulable:NoSchedule` taint (node lifecycle
    controller) and the kubelet's NodeNotSchedulable/NodeSchedulable events; lease renewal on tick."""

    name = "node-lifecycle"
    watches = (("", "nodes"),)

    def __init__(self) -> None:
        self._cordoned: dict[str, bool] = {}
        self._renewed: dict[str, float] = {}  # node → cluster time of its lease's last renewal

    def reconcile(self, cluster: Any, event: Any) -> None:
        if event.type == "DELETED":
            self._cordoned.pop(event.object["metadata"]["name"], None)
            return
        node = event.object
        name = node["metadata"]["name"]
        cordoned = bool((node.get("spec") or {}).get("unschedulable"))
        taints = (node.get("spec") or {}).get("taints") or []
        has_taint = any(t.get("key") == UNSCHEDULABLE_TAINT["key"] for t in taints)
        if cordoned != has_taint:
            def change(current: dict) -> None:
                spec = current.setdefault("spec", {})
                kept = [t for t in spec.get("taints") or [] if t.get("key") != UNSCHEDULABLE_TAINT["key"]]
                if spec.get("unschedulable"):
                    kept.append(dict(UNSCHEDULABLE_TAINT, timeAdded=cluster.clock.rfc3339()))
                if kept:
                    spec["taints"] = kept
                else:
                    spec.pop("taints", None)

            cluster.mutate("", "nodes", None, name, change)
        previous = self._cordoned.get(name)
        self._cordoned[name] = cordoned
        if previous is not None and previous != cordoned:
            reason = "NodeNotSchedulable" if cordoned else "NodeSchedulable"
            ref = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": name}}
            cluster.record_event(ref, "Normal", reason, f"Node {name} status is now: {reason}", "kubelet", name)

    def tick(self, cluster: Any) -> None:
        """The kubelets renew their node leases every RENEW_INTERVAL seconds of cluster time (a quarter of the
        lease duration, as the real kubelet does), in every mode: one small update per node at a time."""
        if cluster.info("coordination.k8s.io", "leases") is None:
            return
        now = cluster.clock.now()
        for name in cluster.node_names:
            if now - self._renewed.setdefault(name, now) < RENEW_INTERVAL:
                continue
            self._renewed[name] = now

            def renew(lease: dict) -> None:
                lease.setdefault("spec", {})["renewTime"] = cluster.clock.rfc3339_micro()

            if cluster.get("", "nodes", None, name) is not None:
                cluster.mutate("coordination.k8s.io", "leases", "kube-node-lease", name, renew, manager="kubelet")
