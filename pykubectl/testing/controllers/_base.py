"""What every simulated controller shares: owner references, selectors, pod templates, conditions, hashes.

Controllers are level-triggered, like the real ones: an event only names the object to sync, and `sync`
reads the current state from the cluster and converges one step. So the order in which the cluster delivers
events, and whether it delivers them at once or later, never changes the outcome.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import math
import random
from collections.abc import Iterable, Mapping
from typing import Any

# The alphabet of apimachinery's util/rand (vowels and look-alikes left out).
# kube-controller-manager writes under this field manager (managedFields show it).
MANAGER = "kube-controller-manager"
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


# ----------------------------------------------------------------------------------------- time


def now(cluster) -> _dt.datetime:
    clock = getattr(cluster, "clock", None)
    value = clock.now() if clock is not None and hasattr(clock, "now") else _dt.datetime.now(_dt.UTC)
    if isinstance(value, (int, float)):
        value = _dt.datetime.fromtimestamp(value, _dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value


def rfc3339(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str | None) -> _dt.datetime | None:
    if not text:
        return None
    return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.UTC)


def stamp(cluster) -> str:
    return rfc3339(now(cluster))


# ----------------------------------------------------------------------------------------- names and hashes


def random_suffix(length: int = 5) -> str:
    return "".join(random.choice(ALPHANUMS) for _ in range(length))


def safe_encode(text: str) -> str:
    """apimachinery rand.SafeEncodeString: each byte mapped into the alphabet that cannot spell words."""
    return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in text.encode())


def fnv32a(data: bytes, seed: int = 0x811C9DC5) -> int:
    value = seed
    for byte in data:
        value ^= byte
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def compute_hash(template: Mapping, collision_count: int | None = None) -> str:
    """controller_utils.ComputeHash's shape: FNV-32a of the template, then the collision count as 8
    little-endian bytes, printed in decimal and safe-encoded. The real one hashes Go's spew dump of the
    typed struct; this one hashes canonical JSON, so values differ from a real cluster's but are stable,
    change exactly when the template changes, and look the same."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    value = fnv32a(data)
    if collision_count is not None:
        value = fnv32a((collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0", value)
    return safe_encode(str(value))


# ----------------------------------------------------------------------------------------- objects


def meta(obj: Mapping) -> dict:
    return obj.get("metadata") or {}


def name_of(obj: Mapping) -> str:
    return meta(obj).get("name", "")


def ns_of(obj: Mapping) -> str:
    return meta(obj).get("namespace", "")


def uid_of(obj: Mapping) -> str:
    return meta(obj).get("uid", "")


def labels_of(obj: Mapping) -> dict:
    return meta(obj).get("labels") or {}


def deleting(obj: Mapping) -> bool:
    return bool(meta(obj).get("deletionTimestamp"))


def controller_ref_of(obj: Mapping) -> dict | None:
    for ref in meta(obj).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def owned_by(obj: Mapping, owner: Mapping) -> bool:
    ref = controller_ref_of(obj)
    return ref is not None and ref.get("uid") == uid_of(owner)


def owner_reference(owner: Mapping, api_version: str, kind: str) -> dict:
    return {"apiVersion": api_version, "kind": kind, "name": name_of(owner), "uid": uid_of(owner),
            "controller": True, "blockOwnerDeletion": True}


def int_or_percent(value: Any, total: int, round_up: bool) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        if value.endswith("%"):
            fraction = int(value[:-1]) * total / 100
            return math.ceil(fraction) if round_up else math.floor(fraction)
        return int(value)
    return int(value)


# ----------------------------------------------------------------------------------------- selectors


def selector_matches(selector: Mapping | None, labels: Mapping) -> bool:
    """A metav1.LabelSelector; an empty selector matches everything, a missing one nothing."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def map_selector_matches(selector: Mapping | None, labels: Mapping) -> bool:
    """A ReplicationController's or Service's plain map selector; empty matches nothing."""
    if not selector:
        return False
    return all(labels.get(k) == v for k, v in selector.items())


# ----------------------------------------------------------------------------------------- pods


def pod_phase(pod: Mapping) -> str:
    return (pod.get("status") or {}).get("phase", "")


def pod_active(pod: Mapping) -> bool:
    """controller.IsPodActive: not finished and not being deleted."""
    return pod_phase(pod) not in ("Succeeded", "Failed") and not deleting(pod)


def _condition(obj: Mapping, type_: str) -> dict | None:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == type_:
            return cond
    return None


def pod_ready(pod: Mapping) -> bool:
    cond = _condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


def pod_available(pod: Mapping, min_ready_seconds: int, at: _dt.datetime) -> bool:
    if not pod_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    since = parse_time((_condition(pod, "Ready") or {}).get("lastTransitionTime"))
    return since is not None and (at - since).total_seconds() >= min_ready_seconds


def ready_since(pod: Mapping) -> _dt.datetime | None:
    return parse_time((_condition(pod, "Ready") or {}).get("lastTransitionTime"))


def pod_from_template(template: Mapping, owner_ref: dict, namespace: str, *, generate_name: str = "",
                      name: str = "", extra_labels: Mapping | None = None) -> dict:
    """controller.GetPodFromTemplate: labels, annotations, finalizers and spec from the template."""
    tmeta = template.get("metadata") or {}
    pod_meta: dict[str, Any] = {}
    if name:
        pod_meta["name"] = name
    else:
        pod_meta["generateName"] = generate_name
    pod_meta["namespace"] = namespace
    labels = dict(tmeta.get("labels") or {})
    labels.update(extra_labels or {})
    if labels:
        pod_meta["labels"] = labels
    if tmeta.get("annotations"):
        pod_meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        pod_meta["finalizers"] = list(tmeta["finalizers"])
    pod_meta["ownerReferences"] = [owner_ref]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta,
            "spec": copy.deepcopy(template.get("spec") or {})}


def deletion_rank(pod: Mapping) -> tuple:
    """controller.ActivePods ordering: the pods to delete first sort first (unassigned, pending, not
    ready, ready for less time, more restarts, newer)."""
    status = pod.get("status") or {}
    assigned = bool((pod.get("spec") or {}).get("nodeName"))
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(status.get("phase", ""), 0)
    restarts = sum(c.get("restartCount", 0) for c in status.get("containerStatuses") or [])
    since = ready_since(pod)
    created = meta(pod).get("creationTimestamp") or ""
    return (assigned, phase_rank, pod_ready(pod), -(since.timestamp() if since else 0), -restarts,
            _reverse(created))


def _reverse(text: str) -> tuple:
    return tuple(-ord(c) for c in text)


# ----------------------------------------------------------------------------------------- conditions


def set_condition(conditions: list[dict], new: dict) -> list[dict]:
    """deploymentutil.SetDeploymentCondition: unchanged status and reason keep the old entry; a changed
    reason with the same status keeps lastTransitionTime; the new entry always goes last."""
    current = next((c for c in conditions if c.get("type") == new["type"]), None)
    if current is not None and current.get("status") == new["status"] and current.get("reason") == new.get("reason"):
        return conditions
    if current is not None and current.get("status") == new["status"] and "lastTransitionTime" in current:
        new = dict(new, lastTransitionTime=current["lastTransitionTime"])
    return [c for c in conditions if c.get("type") != new["type"]] + [new]


def by_key(objects: Iterable[Mapping]) -> dict[tuple[str, str], Mapping]:
    return {(ns_of(o), name_of(o)): o for o in objects}


# ----------------------------------------------------------------------------------------- ControllerRevisions


def template_patch(owner: Mapping, path: str = "spec") -> dict:
    """What a StatefulSet's or DaemonSet's ControllerRevision stores: `{"spec":{"template":{..., "$patch":
    "replace"}}}` (getPatch in the real controllers)."""
    template = copy.deepcopy((owner.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {path: {"template": template}}


def sync_revisions(cluster, owner: Mapping, api_version: str, kind: str, history_limit: int | None,
                   in_use: set[str]) -> tuple[dict, list[dict]]:
    """Find or create the ControllerRevision of the owner's current template; prune unused old ones.

    Returns (update revision, all revisions owned). Revision names are `<owner>-<hash>`; numbers grow."""
    namespace = ns_of(owner)
    data = template_patch(owner)
    revisions = [r for r in cluster.list("apps", "controllerrevisions", namespace) if owned_by(r, owner)]
    current = next((r for r in revisions if r.get("data") == data), None)
    top = max((int(r.get("revision") or 0) for r in revisions), default=0)
    if current is None:
        collision = (owner.get("status") or {}).get("collisionCount")
        digest = compute_hash(data, collision)
        labels = dict(((owner.get("spec") or {}).get("selector") or {}).get("matchLabels") or {})
        labels["controller.kubernetes.io/hash"] = digest
        current = cluster.create("apps", "controllerrevisions", {
            "apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": f"{name_of(owner)}-{digest}", "namespace": namespace, "labels": labels,
                         "ownerReferences": [owner_reference(owner, api_version, kind)]},
            "data": data, "revision": top + 1}, manager=MANAGER)
        revisions.append(current)
    elif int(current.get("revision") or 0) < top:
        def bump(obj: dict) -> None:
            obj["revision"] = top + 1

        current = cluster.mutate("apps", "controllerrevisions", namespace, name_of(current), bump, manager=MANAGER) or current
        revisions = [current if uid_of(r) == uid_of(current) else r for r in revisions]
    if history_limit is not None:
        unused = sorted((r for r in revisions if name_of(r) not in in_use and uid_of(r) != uid_of(current)),
                        key=lambda r: int(r.get("revision") or 0))
        for r in unused[:max(len(unused) - int(history_limit), 0)]:
            cluster.delete("apps", "controllerrevisions", namespace, name_of(r))
            revisions = [x for x in revisions if uid_of(x) != uid_of(r)]
    return current, revisions
