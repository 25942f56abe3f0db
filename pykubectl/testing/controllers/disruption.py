"""The PodDisruptionBudget controller (pkg/controller/disruption): keeps every budget's status current.

For a budget it lists the pods its selector picks, works out how many pods there should be (the pods
themselves for an integer minAvailable, else the summed scale of their controllers), how many must stay
healthy, how many are healthy now, and from that how many disruptions the eviction subresource may allow.
The DisruptionAllowed condition follows disruptionsAllowed (component-helpers poddisruptionbudget). Pods
the eviction subresource has recorded in status.disruptedPods count as unhealthy until they are deleted or
DELETION_TIMEOUT has passed. A sync that cannot compute the status (a pod's controller cannot be found or
cannot be scaled) fails safe: disruptionsAllowed 0 and the condition False with reason SyncFailed.
A pod left with DisruptionTarget=True but not deleted gets the condition set back to False after
STALE_DISRUPTION_TIMEOUT.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from . import _base as b

GROUP, RESOURCE = "policy", "poddisruptionbudgets"
DELETION_TIMEOUT = 120.0  # seconds a disrupted pod may take to be deleted (disruption.DeletionTimeout)
STALE_DISRUPTION_TIMEOUT = 120.0  # when a DisruptionTarget no deletion followed is reset (stalePodDisruptionTimeout)
CONDITION = "DisruptionAllowed"
COMPONENT = "controllermanager"  # the event source the real controller's recorder uses


class SyncFailed(Exception):
    """What makes the real controller fall back to failSafe; the text becomes the condition's message."""


class DisruptionController:
    name = "disruption-controller"
    watches = ((GROUP, RESOURCE), ("", "pods"))

    def __init__(self) -> None:
        self._rechecks: dict[tuple[str, str], Any] = {}
        self._stale: dict[tuple[str, str], Any] = {}

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if (event.group, event.resource) == (GROUP, RESOURCE):
            if event.type != "DELETED":
                self.sync(cluster, b.ns_of(obj), b.name_of(obj))
            return
        if event.type != "DELETED":
            self._watch_disruption_condition(cluster, obj)
        labels = b.labels_of(obj)
        budgets = sorted((pdb for pdb in cluster.list(GROUP, RESOURCE, b.ns_of(obj))
                          if b.selector_matches((pdb.get("spec") or {}).get("selector"), labels)), key=b.name_of)
        if len(budgets) > 1:  # getPdbForPod; the real one picks the first its cache lists, in no set order
            cluster.record_event(obj, "Warning", "MultiplePodDisruptionBudgets",
                                 f'Pod "{b.ns_of(obj)}"/"{b.name_of(obj)}" matches multiple PodDisruptionBudgets.  '
                                 f'Chose "{b.name_of(budgets[0])}" arbitrarily.', COMPONENT)
        for pdb in budgets:  # the real one syncs only the budget it chose; the others wait for their own events
            self.sync(cluster, b.ns_of(pdb), b.name_of(pdb))

    # ------------------------------------------------------------------ stale DisruptionTarget conditions
    def _watch_disruption_condition(self, cluster, pod: dict) -> None:
        wait = stale_disruption_wait(pod, b.now(cluster))
        if wait is not None:
            key = (b.ns_of(pod), b.name_of(pod))
            previous = self._stale.get(key)
            if previous is not None:
                previous.cancel()
            self._stale[key] = cluster.after(wait, lambda: self._clear_disruption_condition(cluster, *key))

    def _clear_disruption_condition(self, cluster, namespace: str, name: str) -> None:
        """syncStalePodDisruption: a DisruptionTarget=True that no deletion followed within
        STALE_DISRUPTION_TIMEOUT goes back to False (reason and message dropped, as UpdatePodCondition does)."""
        pod = cluster.get("", "pods", namespace, name)
        if pod is None:
            return
        wait = stale_disruption_wait(pod, b.now(cluster))
        if wait is None or wait > 0:
            return
        uid, stamp = b.uid_of(pod), b.stamp(cluster)

        def change(current: dict) -> None:
            if b.uid_of(current) != uid:
                return
            conditions = (current.get("status") or {}).get("conditions") or []
            current["status"]["conditions"] = [
                {"type": "DisruptionTarget", "status": "False", "lastProbeTime": None, "lastTransitionTime": stamp}
                if c.get("type") == "DisruptionTarget" else c for c in conditions]

        cluster.mutate("", "pods", namespace, name, change, status=True, manager=b.MANAGER)

    # ------------------------------------------------------------------ sync
    def sync(self, cluster, namespace: str, name: str) -> None:
        pdb = cluster.get(GROUP, RESOURCE, namespace, name)
        if pdb is None:
            return
        try:
            self._try_sync(cluster, pdb)
        except SyncFailed as failure:
            self._fail_safe(cluster, pdb, str(failure))

    def _try_sync(self, cluster, pdb: dict) -> None:
        pods = pods_for(cluster, pdb)
        if not pods:
            cluster.record_event(pdb, "Normal", "NoPods", "No matching pods found", COMPONENT)
        try:
            expected, desired, unmanaged = expected_counts(cluster, pdb, pods)
        except SyncFailed as failure:
            cluster.record_event(pdb, "Warning", "CalculateExpectedPodCountFailed",
                                 f"Failed to calculate the number of expected pods: {failure}", COMPONENT)
            raise
        if unmanaged:
            cluster.record_event(
                pdb, "Warning", "UnmanagedPods",
                f"Pods selected by this PodDisruptionBudget (selector: {selector_string(pdb)}) were found to be "
                "unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result "
                "in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the "
                "PDB to an integer value.", COMPONENT)
        at = b.now(cluster)
        disrupted, recheck = disrupted_pod_map(pods, pdb, at)
        healthy = count_healthy(pods, disrupted, at)
        self._update_status(cluster, pdb, healthy, desired, expected, disrupted)
        if recheck is not None:
            self._recheck(cluster, pdb, (recheck - at).total_seconds())

    def _recheck(self, cluster, pdb: dict, delay: float) -> None:
        key = (b.ns_of(pdb), b.name_of(pdb))
        previous = self._rechecks.get(key)
        if previous is not None:
            previous.cancel()
        self._rechecks[key] = cluster.after(max(delay, 0.0), lambda: self.sync(cluster, *key))

    def _update_status(self, cluster, pdb: dict, healthy: int, desired: int, expected: int,
                       disrupted: dict[str, str]) -> None:
        allowed = healthy - desired
        if expected <= 0 or allowed <= 0:
            allowed = 0
        generation = b.meta(pdb).get("generation", 0)
        status = pdb.get("status") or {}
        if (status.get("currentHealthy", 0) == healthy and status.get("desiredHealthy", 0) == desired
                and status.get("expectedPods", 0) == expected and status.get("disruptionsAllowed", 0) == allowed
                and (status.get("disruptedPods") or {}) == disrupted
                and status.get("observedGeneration", 0) == generation and conditions_up_to_date(pdb)):
            return
        new_status: dict = {"currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected,
                            "disruptionsAllowed": allowed, "observedGeneration": generation,
                            "conditions": [dict(c) for c in status.get("conditions") or []]}
        if disrupted:
            new_status["disruptedPods"] = dict(disrupted)
        update_disruption_allowed_condition(new_status, b.stamp(cluster))
        self._write(cluster, pdb, new_status)

    def _fail_safe(self, cluster, pdb: dict, message: str) -> None:
        status = dict(pdb.get("status") or {})
        status["disruptionsAllowed"] = 0
        conditions = [dict(c) for c in status.get("conditions") or []]
        set_status_condition(conditions, {"type": CONDITION, "status": "False", "reason": "SyncFailed",
                                          "message": message,
                                          "observedGeneration": status.get("observedGeneration", 0)},
                             b.stamp(cluster))
        status["conditions"] = conditions
        self._write(cluster, pdb, status)

    def _write(self, cluster, pdb: dict, status: dict) -> None:
        uid = b.uid_of(pdb)

        def change(current: dict) -> None:
            if b.uid_of(current) == uid:
                current["status"] = status

        cluster.mutate(GROUP, RESOURCE, b.ns_of(pdb), b.name_of(pdb), change, status=True, manager=b.MANAGER)


# ---------------------------------------------------------------------------------- the arithmetic


def pods_for(cluster, pdb: dict) -> list[dict]:
    """The pods of the budget's namespace its selector picks (a missing selector picks none, an empty one all)."""
    selector = (pdb.get("spec") or {}).get("selector")
    return [p for p in cluster.list("", "pods", b.ns_of(pdb)) if b.selector_matches(selector, b.labels_of(p))]


def _is_percent(value: Any) -> bool:
    return isinstance(value, str)


def scaled_value(value: Any, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent rounding up."""
    if isinstance(value, str) and not value.endswith("%"):
        raise SyncFailed("invalid value for IntOrString: invalid type: string is not a percentage")
    try:
        return b.int_or_percent(value, total, round_up=True)
    except ValueError as exc:
        raise SyncFailed(f"invalid value for IntOrString: {exc}") from exc


def expected_counts(cluster, pdb: dict, pods: list[dict]) -> tuple[int, int, list[str]]:
    """(expectedPods, desiredHealthy, unmanaged pod names) as getExpectedPodCount works them out."""
    spec = pdb.get("spec") or {}
    expected = desired = 0
    unmanaged: list[str] = []
    if spec.get("maxUnavailable") is not None:
        expected, unmanaged = expected_scale(cluster, pdb, pods)
        desired = max(expected - scaled_value(spec["maxUnavailable"], expected), 0)
    elif spec.get("minAvailable") is not None:
        minimum = spec["minAvailable"]
        if _is_percent(minimum):
            expected, unmanaged = expected_scale(cluster, pdb, pods)
            desired = scaled_value(minimum, expected)
        else:
            desired, expected = int(minimum), len(pods)
    return expected, desired, unmanaged


def expected_scale(cluster, pdb: dict, pods: list[dict]) -> tuple[int, list[str]]:
    """The sum of the scales of the controllers of the pods; pods without a controller are left out."""
    scales: dict[str, int] = {}
    unmanaged: list[str] = []
    for pod in pods:
        ref = b.controller_ref_of(pod)
        if ref is None:
            unmanaged.append(b.name_of(pod))
            continue
        if ref.get("uid") in scales:
            continue
        found = find_controller(cluster, ref, b.ns_of(pod))
        if found is None:
            raise SyncFailed(f'found no controllers for pod "{b.name_of(pod)}"')
        uid, replicas = found
        scales[uid] = replicas
    return sum(scales.values()), unmanaged


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def _replicas(obj: dict) -> int:
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def _owned_object(cluster, group: str, resource: str, namespace: str, ref: dict) -> dict | None:
    obj = cluster.get(group, resource, namespace, ref.get("name", ""))
    return obj if obj is not None and b.uid_of(obj) == ref.get("uid") else None


def find_controller(cluster, ref: dict, namespace: str) -> tuple[str, int] | None:
    """The finders in the real controller's order: ReplicationController, the Deployment of a ReplicaSet, a
    ReplicaSet of no Deployment, StatefulSet, then anything with a scale subresource."""
    kind, group = ref.get("kind"), _group(ref.get("apiVersion", ""))
    if kind == "ReplicationController" and group == "":
        rc = _owned_object(cluster, "", "replicationcontrollers", namespace, ref)
        if rc is not None:
            return b.uid_of(rc), _replicas(rc)
    if kind == "ReplicaSet" and group in ("apps", "extensions"):
        rs = _owned_object(cluster, "apps", "replicasets", namespace, ref)
        if rs is not None:
            owner = b.controller_ref_of(rs)
            if owner is not None and owner.get("kind") == "Deployment":
                if _group(owner.get("apiVersion", "")) in ("apps", "extensions"):
                    deployment = _owned_object(cluster, "apps", "deployments", namespace, owner)
                    if deployment is not None:
                        return b.uid_of(deployment), _replicas(deployment)
            else:
                return b.uid_of(rs), _replicas(rs)
    if kind == "StatefulSet" and group == "apps":
        sts = _owned_object(cluster, "apps", "statefulsets", namespace, ref)
        if sts is not None:
            return b.uid_of(sts), _replicas(sts)
    return _scale_controller(cluster, ref, namespace)


def _scale_controller(cluster, ref: dict, namespace: str) -> tuple[str, int] | None:
    api_version = ref.get("apiVersion", "")
    group, version = (api_version.rsplit("/", 1) if "/" in api_version else ("", api_version))
    info = cluster.catalog.by_kind(group, ref.get("kind", ""), version)
    if info is None:
        raise SyncFailed(f'no matches for kind "{ref.get("kind", "")}" in version "{api_version}"')
    obj = cluster.get(info.group, info.resource, namespace, ref.get("name", ""))
    if obj is None:
        if "scale" not in info.subresources:
            raise SyncFailed(f"{info.group_resource} does not implement the scale subresource")
        return None
    if "scale" not in info.subresources:
        raise SyncFailed(f"{info.group_resource} does not implement the scale subresource")
    if b.uid_of(obj) != ref.get("uid"):
        return None
    return b.uid_of(obj), _replicas(obj)


def disrupted_pod_map(pods: list[dict], pdb: dict, at: _dt.datetime) -> tuple[dict[str, str], _dt.datetime | None]:
    """buildDisruptedPodMap: the entries of pods that still exist, are not being deleted and whose
    DELETION_TIMEOUT has not passed; and when the earliest of them runs out."""
    recorded = (pdb.get("status") or {}).get("disruptedPods") or {}
    result: dict[str, str] = {}
    recheck = None
    for pod in pods:
        if b.deleting(pod) or b.name_of(pod) not in recorded:
            continue
        since = b.parse_time(recorded[b.name_of(pod)])
        if since is None:
            continue
        due = since + _dt.timedelta(seconds=DELETION_TIMEOUT)
        if due < at:
            continue
        recheck = due if recheck is None or due < recheck else recheck
        result[b.name_of(pod)] = recorded[b.name_of(pod)]
    return result, recheck


def count_healthy(pods: list[dict], disrupted: dict[str, str], at: _dt.datetime) -> int:
    """countHealthyPods: Ready pods not being deleted and not about to be (in disruptedPods, in time)."""
    healthy = 0
    for pod in pods:
        if b.deleting(pod):
            continue
        since = b.parse_time(disrupted.get(b.name_of(pod)))
        if since is not None and since + _dt.timedelta(seconds=DELETION_TIMEOUT) > at:
            continue
        if b.pod_ready(pod):
            healthy += 1
    return healthy


# ---------------------------------------------------------------------------------- the condition


def stale_disruption_wait(pod: dict, at: _dt.datetime) -> float | None:
    """nonTerminatingPodHasStaleDisruptionCondition: None when the pod has no such condition to clean up, else
    the seconds left until it is stale. The kubelet's own (TerminationByKubelet) and a finished pod's stay."""
    if b.deleting(pod):
        return None
    cond = next((c for c in (pod.get("status") or {}).get("conditions") or []
                 if c.get("type") == "DisruptionTarget"), None)
    if cond is None or cond.get("status") != "True" or cond.get("reason") == "TerminationByKubelet" \
            or b.pod_phase(pod) in ("Succeeded", "Failed"):
        return None
    since = b.parse_time(cond.get("lastTransitionTime"))
    if since is None:
        return 0.0
    return max(STALE_DISRUPTION_TIMEOUT - (at - since).total_seconds(), 0.0)


def set_status_condition(conditions: list[dict], new: dict, stamp: str) -> None:
    """apimachinery meta.SetStatusCondition: lastTransitionTime moves only when the status changes."""
    current = next((c for c in conditions if c.get("type") == new["type"]), None)
    if current is None:
        conditions.append({"type": new["type"], "status": new["status"],
                           "observedGeneration": new.get("observedGeneration", 0), "lastTransitionTime": stamp,
                           "reason": new["reason"], "message": new.get("message", "")})
        if not conditions[-1]["observedGeneration"]:
            del conditions[-1]["observedGeneration"]
        return
    if current.get("status") != new["status"]:
        current["status"] = new["status"]
        current["lastTransitionTime"] = stamp
    current["reason"] = new["reason"]
    current["message"] = new.get("message", "")
    if new.get("observedGeneration"):
        current["observedGeneration"] = new["observedGeneration"]
    else:
        current.pop("observedGeneration", None)


def update_disruption_allowed_condition(status: dict, stamp: str) -> None:
    """pdbhelper.UpdateDisruptionAllowedCondition on a status dict."""
    conditions = status.setdefault("conditions", [])
    if status.get("disruptionsAllowed", 0) > 0:
        new = {"type": CONDITION, "status": "True", "reason": "SufficientPods"}
    else:
        new = {"type": CONDITION, "status": "False", "reason": "InsufficientPods"}
    new["observedGeneration"] = status.get("observedGeneration", 0)
    set_status_condition(conditions, new, stamp)


def conditions_up_to_date(pdb: dict) -> bool:
    status = pdb.get("status") or {}
    cond = next((c for c in status.get("conditions") or [] if c.get("type") == CONDITION), None)
    if cond is None or status.get("observedGeneration", 0) != b.meta(pdb).get("generation", 0):
        return False
    if status.get("disruptionsAllowed", 0) > 0:
        return cond.get("status") == "True" and cond.get("reason") == "SufficientPods"
    return cond.get("status") == "False" and cond.get("reason") == "InsufficientPods"


def selector_string(pdb: dict) -> str:
    """A *metav1.LabelSelector as Go's %v prints it (the generated String method)."""
    selector = (pdb.get("spec") or {}).get("selector")
    if selector is None:
        return "nil"
    labels = "".join(f"{k}: {v}," for k, v in sorted((selector.get("matchLabels") or {}).items()))
    exprs = "".join(f"LabelSelectorRequirement{{Key:{e.get('key', '')},Operator:{e.get('operator', '')},"
                    f"Values:[{' '.join(e.get('values') or [])}],}},"
                    for e in selector.get("matchExpressions") or [])
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")
