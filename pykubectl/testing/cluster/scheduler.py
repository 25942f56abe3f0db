"""default-scheduler: binds pending pods to nodes.

Filters run in the real plugin order and a node reports the first one that rejects it: NodeUnschedulable,
TaintToleration, NodeAffinity (nodeSelector and required node affinity), NodeResourcesFit (cpu, memory, pod
count against allocatable). The pod goes to the feasible node with the fewest pods (ties: name order). A pod
that fits nowhere stays Pending with PodScheduled=False/Unschedulable and a FailedScheduling event whose text
is the real one: `0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: ...`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import quantity

SCHEDULER = "default-scheduler"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


def _tolerates(tolerations: list[dict], taint: dict) -> bool:
    for tol in tolerations or []:
        if tol.get("effect") and tol.get("effect") != taint.get("effect"):
            continue
        if tol.get("operator") == "Exists":
            if not tol.get("key") or tol.get("key") == taint.get("key"):
                return True
        elif tol.get("key") == taint.get("key") and (tol.get("value") or "") == (taint.get("value") or ""):
            return True
    return False


def _expression_matches(expr: dict, labels: dict) -> bool:
    key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if op in ("Gt", "Lt") and key in labels and values:
        try:
            have, want = int(labels[key]), int(values[0])
        except ValueError:
            return False
        return have > want if op == "Gt" else have < want
    return False


def _field_matches(expr: dict, node: dict) -> bool:
    if expr.get("key") != "metadata.name":
        return False
    return _expression_matches(expr, {"metadata.name": node["metadata"]["name"]})


def affinity_matches(pod: dict, node: dict) -> bool:
    spec = pod.get("spec") or {}
    labels = node["metadata"].get("labels") or {}
    for key, value in (spec.get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return False
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = required.get("nodeSelectorTerms")
    if terms:
        def term_matches(term: dict) -> bool:
            exprs, fields = term.get("matchExpressions") or [], term.get("matchFields") or []
            if not exprs and not fields:
                return False
            return (all(_expression_matches(e, labels) for e in exprs)
                    and all(_field_matches(f, node) for f in fields))

        if not any(term_matches(t) for t in terms):
            return False
    return True


def _taint_text(taint: dict) -> str:
    return f"{{{taint.get('key', '')}: {taint.get('value', '')}}}"


def reject_reasons(pod: dict, node: dict, pods_on_node: list[dict]) -> tuple[list[str], bool]:
    """Why `node` cannot take `pod` ([] when it can), and whether preemption could help."""
    spec, node_spec = pod.get("spec") or {}, node.get("spec") or {}
    tolerations = spec.get("tolerations") or []
    if node_spec.get("unschedulable") and not _tolerates(
            tolerations, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}):
        return ["node(s) were unschedulable"], False
    for taint in node_spec.get("taints") or []:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(tolerations, taint):
            return [f"node(s) had untolerated taint {_taint_text(taint)}"], False
    if not affinity_matches(pod, node):
        return ["node(s) didn't match Pod's node affinity/selector"], False
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    cpu, mem = quantity.pod_requests(pod)
    used_cpu = used_mem = 0
    for other in pods_on_node:
        c, m = quantity.pod_requests(other)
        used_cpu, used_mem = used_cpu + c, used_mem + m
    reasons = []
    if len(pods_on_node) + 1 > int(quantity.parse(allocatable.get("pods", "110"))):
        reasons.append("Too many pods")
    if cpu and used_cpu + cpu > quantity.millicores(allocatable.get("cpu", "0")):
        reasons.append("Insufficient cpu")
    if mem and used_mem + mem > quantity.nbytes(allocatable.get("memory", "0")):
        reasons.append("Insufficient memory")
    return reasons, True


def _counted(counter: Counter) -> str:
    return ", ".join(sorted(f"{n} {reason}" for reason, n in counter.items()))


def failure_message(total: int, reasons: Counter, preemption: Counter) -> str:
    text = f"0/{total} nodes are available"
    if reasons:
        text += ": " + _counted(reasons)
    text += "."
    if preemption:
        text += f" preemption: 0/{total} nodes are available: {_counted(preemption)}."
    return text


def is_terminal(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _active_on(pods: list[dict]) -> dict[str, list[dict]]:
    by_node: dict[str, list[dict]] = {}
    for p in pods:
        node = (p.get("spec") or {}).get("nodeName")
        if node and not is_terminal(p):
            by_node.setdefault(node, []).append(p)
    return by_node


class Scheduler:
    name = SCHEDULER
    watches = (("", "pods"), ("", "nodes"))

    def __init__(self) -> None:
        self._reported: dict[str, str] = {}  # pod uid -> last FailedScheduling message

    def reconcile(self, cluster: Any, event: Any) -> None:
        if event.resource == "nodes" or (event.resource == "pods" and event.type == "DELETED"):
            if event.type == "DELETED" and event.resource == "pods":
                self._reported.pop(event.object["metadata"].get("uid", ""), None)
            for pod in cluster.list("", "pods", predicate=self._pending):
                self.schedule(cluster, pod)
            return
        if self._pending(event.object):
            pod = cluster.get("", "pods", event.object["metadata"].get("namespace"), event.object["metadata"]["name"])
            if pod is not None and self._pending(pod):
                self.schedule(cluster, pod)

    @staticmethod
    def _pending(pod: dict) -> bool:
        spec, meta = pod.get("spec") or {}, pod.get("metadata") or {}
        return (not spec.get("nodeName") and not meta.get("deletionTimestamp") and not is_terminal(pod)
                and spec.get("schedulerName", SCHEDULER) == SCHEDULER and not spec.get("schedulingGates"))

    def schedule(self, cluster: Any, pod: dict) -> None:
        nodes = sorted(cluster.list("", "nodes"), key=lambda n: n["metadata"]["name"])
        by_node = _active_on(cluster.list("", "pods"))
        feasible, reasons, preemption = [], Counter(), Counter()
        for node in nodes:
            name = node["metadata"]["name"]
            rejected, helps = reject_reasons(pod, node, by_node.get(name, []))
            if not rejected:
                feasible.append(node)
                continue
            reasons.update(rejected)
            preemption[NO_VICTIMS if helps else NOT_HELPFUL] += 1
        meta = pod["metadata"]
        if not feasible:
            message = failure_message(len(nodes), reasons, preemption)
            if self._reported.get(meta["uid"]) == message:
                return
            self._reported[meta["uid"]] = message

            def unschedulable(current: dict) -> None:
                conditions = current.setdefault("status", {}).setdefault("conditions", [])
                conditions[:] = [c for c in conditions if c.get("type") != "PodScheduled"]
                conditions.append({"lastProbeTime": None, "lastTransitionTime": cluster.clock.rfc3339(),
                                   "message": message, "reason": "Unschedulable", "status": "False",
                                   "type": "PodScheduled"})

            cluster.mutate("", "pods", meta.get("namespace"), meta["name"], unschedulable, status=True,
                           manager="kube-scheduler")
            cluster.record_event(pod, "Warning", "FailedScheduling", message, SCHEDULER,
                                 cluster.node_names[0] if cluster.node_names else None, action="Scheduling",
                                 series=True)
            return
        chosen = min(feasible, key=lambda n: (len(by_node.get(n["metadata"]["name"], [])), n["metadata"]["name"]))
        node_name = chosen["metadata"]["name"]

        def bind(current: dict) -> dict:
            if (current.get("spec") or {}).get("nodeName") or current["metadata"].get("uid") != meta["uid"]:
                return current
            current.setdefault("spec", {})["nodeName"] = node_name
            conditions = current.setdefault("status", {}).setdefault("conditions", [])
            conditions[:] = [c for c in conditions if c.get("type") != "PodScheduled"]
            conditions.append({"lastProbeTime": None, "lastTransitionTime": cluster.clock.rfc3339(),
                               "status": "True", "type": "PodScheduled"})
            return current

        bound = cluster.store.mutate(cluster.info("", "pods"), meta.get("namespace"), meta["name"], bind,
                                     subresource="binding")
        if (bound.get("spec") or {}).get("nodeName") == node_name:
            self._reported.pop(meta["uid"], None)
            cluster.record_event(bound, "Normal", "Scheduled",
                                 f"Successfully assigned {meta.get('namespace')}/{meta['name']} to {node_name}",
                                 SCHEDULER, cluster.node_names[0] if cluster.node_names else None, action="Binding",
                                 series=True)

