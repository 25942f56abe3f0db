"""DaemonSet controller (pkg/controller/daemon): one pod on every node that should run it.

A node should run the daemon pod when the pod's nodeSelector and required node affinity match it and the
pod (with the tolerations the controller adds to every daemon pod) tolerates its NoSchedule/NoExecute
taints. Cordoned nodes still run daemon pods (the controller tolerates `node.kubernetes.io/unschedulable`).
Pods pin themselves to their node with a `metadata.name` matchFields term and the scheduler binds them.
"""

from __future__ import annotations

import copy

from ..cluster import scheduler as _scheduler
from . import _base as b

MANAGER = b.MANAGER

REVISION_LABEL = "controller-revision-hash"
GENERATION_LABEL = "pod-template-generation"
_DAEMON_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
)
_HOST_NETWORK_TOLERATION = {"key": "node.kubernetes.io/network-unavailable", "operator": "Exists",
                            "effect": "NoSchedule"}


def _tolerates(tolerations: list[dict], taint: dict) -> bool:
    for tol in tolerations:
        if tol.get("effect") and tol.get("effect") != taint.get("effect"):
            continue
        if tol.get("operator") == "Exists":
            if not tol.get("key") or tol.get("key") == taint.get("key"):
                return True
        elif tol.get("key") == taint.get("key") and tol.get("value", "") == taint.get("value", ""):
            return True
    return False


def daemon_pod_spec(template_spec: dict) -> dict:
    """The template's pod spec with the daemon tolerations added (util.AddOrUpdateDaemonPodTolerations)."""
    spec = copy.deepcopy(template_spec)
    tolerations = spec.setdefault("tolerations", [])
    wanted = list(_DAEMON_TOLERATIONS) + ([_HOST_NETWORK_TOLERATION] if spec.get("hostNetwork") else [])
    for tol in wanted:
        if not any(t.get("key") == tol["key"] and t.get("effect") == tol["effect"] for t in tolerations):
            tolerations.append(dict(tol))
    return spec


def should_run(template: dict, node: dict) -> bool:
    spec = daemon_pod_spec(template.get("spec") or {})
    labels = b.labels_of(node)
    for key, value in (spec.get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return False
    if not _scheduler.affinity_matches({"spec": spec}, node):
        return False
    for taint in (node.get("spec") or {}).get("taints") or []:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(spec["tolerations"], taint):
            return False
    return True


def _pin(spec: dict, node_name: str) -> None:
    """util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become one metadata.name match."""
    field = {"key": "metadata.name", "operator": "In", "values": [node_name]}
    affinity = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
    required = affinity.setdefault("requiredDuringSchedulingIgnoredDuringExecution", {})
    terms = required.get("nodeSelectorTerms") or [{}]
    for term in terms:
        term["matchFields"] = [field]
    required["nodeSelectorTerms"] = terms


class DaemonSetController:
    name = "daemonset-controller"
    watches = (("apps", "daemonsets"), ("", "pods"), ("", "nodes"))

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if event.resource == "daemonsets":
            if event.type != "DELETED":
                self.sync(cluster, b.ns_of(obj), b.name_of(obj))
            return
        if event.resource == "nodes":
            for ds in cluster.list("apps", "daemonsets"):
                self.sync(cluster, b.ns_of(ds), b.name_of(ds))
            return
        ref = b.controller_ref_of(obj)
        if ref is not None and ref.get("kind") == "DaemonSet":
            self.sync(cluster, b.ns_of(obj), ref.get("name", ""))

    def sync(self, cluster, namespace: str, name: str) -> None:
        ds = cluster.get("apps", "daemonsets", namespace, name)
        if ds is None or b.deleting(ds):
            return
        spec = ds.get("spec") or {}
        template = spec.get("template") or {}
        pods = [p for p in cluster.list("", "pods", namespace) if b.owned_by(p, ds)]
        in_use = {b.labels_of(p).get(REVISION_LABEL, "") for p in pods}
        revision, _ = b.sync_revisions(cluster, ds, "apps/v1", "DaemonSet", spec.get("revisionHistoryLimit"), in_use)
        hash_ = b.name_of(revision)[len(b.name_of(ds)) + 1:]
        nodes = cluster.list("", "nodes")
        by_node: dict[str, list[dict]] = {}
        for pod in pods:
            by_node.setdefault(self._node_of(pod), []).append(pod)
        for node in nodes:
            node_name = b.name_of(node)
            mine = [p for p in by_node.get(node_name, []) if not b.deleting(p)]
            wanted = should_run(template, node)
            if wanted and not mine:
                self._create(cluster, ds, node_name, hash_)
            elif wanted:
                failed = [p for p in mine if b.pod_phase(p) == "Failed"]
                extra = failed or mine[1:]
                for pod in extra:
                    self._delete(cluster, ds, pod)
            else:
                for pod in mine:
                    self._delete(cluster, ds, pod)
        known = {b.name_of(n) for n in nodes}
        for node_name, orphans in by_node.items():
            if node_name not in known:
                for pod in orphans:
                    if not b.deleting(pod):
                        self._delete(cluster, ds, pod)
        self._rolling_update(cluster, ds, hash_)
        self._write_status(cluster, ds, hash_)

    @staticmethod
    def _node_of(pod: dict) -> str:
        spec = pod.get("spec") or {}
        if spec.get("nodeName"):
            return spec["nodeName"]
        terms = ((((spec.get("affinity") or {}).get("nodeAffinity") or {})
                  .get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or [])
        for term in terms:
            for field in term.get("matchFields") or []:
                if field.get("key") == "metadata.name" and field.get("values"):
                    return field["values"][0]
        return ""

    def _rolling_update(self, cluster, ds: dict, hash_: str) -> None:
        strategy = (ds.get("spec") or {}).get("updateStrategy") or {}
        if strategy.get("type") == "OnDelete":
            return
        pods = [p for p in cluster.list("", "pods", b.ns_of(ds)) if b.owned_by(p, ds)]
        desired = sum(1 for n in cluster.list("", "nodes") if should_run((ds.get("spec") or {}).get("template") or {},
                                                                         n))
        max_unavailable = b.int_or_percent((strategy.get("rollingUpdate") or {}).get("maxUnavailable", 1),
                                           desired, round_up=True) or 1
        unavailable = sum(1 for p in pods if b.deleting(p) or not b.pod_ready(p))
        old = [p for p in pods if b.labels_of(p).get(REVISION_LABEL) != hash_ and not b.deleting(p)]
        old.sort(key=lambda p: (b.pod_ready(p), b.name_of(p)))
        for pod in old:
            if not b.pod_ready(pod):
                self._delete(cluster, ds, pod)
                continue
            if unavailable >= max_unavailable:
                break
            self._delete(cluster, ds, pod)
            unavailable += 1

    def _create(self, cluster, ds: dict, node_name: str, hash_: str) -> None:
        spec = ds.get("spec") or {}
        template = copy.deepcopy(spec.get("template") or {})
        template["spec"] = daemon_pod_spec(template.get("spec") or {})
        _pin(template["spec"], node_name)
        pod = b.pod_from_template(template, b.owner_reference(ds, "apps/v1", "DaemonSet"), b.ns_of(ds),
                                  generate_name=f"{b.name_of(ds)}-",
                                  extra_labels={REVISION_LABEL: hash_,
                                                GENERATION_LABEL: str(b.meta(ds).get("generation", 1))})
        try:
            created = cluster.create("", "pods", pod, manager=MANAGER)
        except Exception as exc:  # noqa: BLE001
            message = (getattr(exc, "body", None) or {}).get("message", str(exc))
            cluster.record_event(ds, "Warning", "FailedCreate", f"Error creating: {message}", self.name)
            return
        cluster.record_event(ds, "Normal", "SuccessfulCreate", f"Created pod: {b.name_of(created)}", self.name)

    def _delete(self, cluster, ds: dict, pod: dict) -> None:
        if cluster.delete("", "pods", b.ns_of(pod), b.name_of(pod)) is not None:
            cluster.record_event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {b.name_of(pod)}", self.name)

    def _write_status(self, cluster, ds: dict, hash_: str) -> None:
        ds = cluster.get("apps", "daemonsets", b.ns_of(ds), b.name_of(ds))
        if ds is None:
            return
        spec = ds.get("spec") or {}
        template = spec.get("template") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        at = b.now(cluster)
        nodes = {b.name_of(n): n for n in cluster.list("", "nodes")}
        pods = [p for p in cluster.list("", "pods", b.ns_of(ds)) if b.owned_by(p, ds) and not b.deleting(p)]
        desired = sum(1 for n in nodes.values() if should_run(template, n))
        scheduled = misscheduled = ready = available = updated = 0
        seen: set[str] = set()
        for pod in pods:
            node_name = self._node_of(pod)
            if node_name in seen:
                continue
            seen.add(node_name)
            node = nodes.get(node_name)
            if node is not None and should_run(template, node):
                scheduled += 1
                ready += b.pod_ready(pod)
                available += b.pod_available(pod, min_ready, at)
                updated += b.labels_of(pod).get(REVISION_LABEL) == hash_
            else:
                misscheduled += 1
        status: dict = {"currentNumberScheduled": scheduled, "desiredNumberScheduled": desired,
                        "numberMisscheduled": misscheduled, "numberReady": ready}
        if available:
            status["numberAvailable"] = available
        if desired - available > 0:
            status["numberUnavailable"] = desired - available
        status["observedGeneration"] = b.meta(ds).get("generation", 1)
        if updated:
            status["updatedNumberScheduled"] = updated
        old = ds.get("status") or {}
        if "collisionCount" in old:
            status["collisionCount"] = old["collisionCount"]
        if status == old:
            return

        def change(obj: dict) -> None:
            obj["status"] = status

        cluster.mutate("apps", "daemonsets", b.ns_of(ds), b.name_of(ds), change, status=True, manager=MANAGER)
