"""HorizontalPodAutoscaler controller (pkg/controller/podautoscaler: horizontal.go, replica_calculator.go).

One sync reads the target's scale (Deployments, ReplicaSets, StatefulSets, ReplicationControllers), works out
the desired replica count from Resource metrics (cpu or memory, Utilization or AverageValue targets) of the
simulated metrics source, applies the 10% tolerance, the scale-up limit, min/max clamping and the 5-minute
scale-down stabilisation window (on the cluster clock), scales the target and writes status with the
conditions AbleToScale / ScalingActive / ScalingLimited in the real reasons and messages.

Differences from the real controller, on purpose: metrics of the simulation do not change over time, so a
sync runs when the HPA, its target or pods in its namespace change (and on each tick, for the stabilisation
window), instead of every 15 s; and an HPA's status (with the events that go with it) is written only when it
changes, so the warnings the real controller repeats every 15 s are recorded once per change. The CPU
initialisation period (a freshly started pod's CPU samples ignored) is left out: a Ready pod counts.
HPAs stored as autoscaling/v1 (targetCPUUtilizationPercentage) get v1 status fields, without conditions.
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from typing import Any

from ..cluster import metrics as sim_metrics
from ..cluster import quantity
from . import _base as b

MANAGER = b.MANAGER
COMPONENT = "horizontal-pod-autoscaler"
GROUP, RESOURCE = "autoscaling", "horizontalpodautoscalers"
TOLERANCE = 0.1
SCALE_UP_LIMIT_FACTOR, SCALE_UP_LIMIT_MINIMUM = 2.0, 4.0
DOWNSCALE_STABILISATION = 300.0  # --horizontal-pod-autoscaler-downscale-stabilization
DEFAULT_CPU_UTILIZATION = 80

# scaleTargetRef (group, kind) → (group, resource) of the kinds with a built-in scale subresource
SCALABLE = {("apps", "Deployment"): ("apps", "deployments"), ("apps", "ReplicaSet"): ("apps", "replicasets"),
            ("apps", "StatefulSet"): ("apps", "statefulsets"),
            ("", "ReplicationController"): ("", "replicationcontrollers")}
_WATCHED_TARGETS = {resource: kind for (_, kind), resource in SCALABLE.items()}


class MetricError(Exception):
    """A metric that could not be computed, with the condition reason the real controller records."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


def format_milli(milli: int) -> str:
    """resource.NewMilliQuantity(milli, DecimalSI).String(): canonical decimal-SI text."""
    if milli == 0:
        return "0"
    if milli % 1000:
        return f"{milli}m"
    value, suffixes = milli // 1000, ["", "k", "M", "G", "T", "P", "E"]
    index = 0
    while value % 1000 == 0 and index < len(suffixes) - 1:
        value //= 1000
        index += 1
    return f"{value}{suffixes[index]}"


def _milli(text: Any) -> int:
    """Quantity.MilliValue(): rounded up to a whole milli-unit."""
    return int(math.ceil(quantity.parse(text) * Decimal(1000)))


def _set_condition(conditions: list[dict], type_: str, status: str, reason: str, message: str, at: str) -> None:
    """setConditionInList: a new type is appended; lastTransitionTime moves only when the status changes."""
    current = next((c for c in conditions if c.get("type") == type_), None)
    if current is None:
        current = {"type": type_}
        conditions.append(current)
    if current.get("status") != status:
        current["lastTransitionTime"] = at
    current["status"] = status
    current.pop("reason", None)
    current.pop("message", None)
    current["reason"] = reason
    current["message"] = message
    # the wire order of HorizontalPodAutoscalerCondition
    ordered = {k: current[k] for k in ("type", "status", "lastTransitionTime", "reason", "message") if k in current}
    current.clear()
    current.update(ordered)


class HorizontalPodAutoscalerController:
    name = "horizontal-pod-autoscaler"
    watches = ((GROUP, RESOURCE), ("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"),
               ("", "replicationcontrollers"), ("", "pods"))

    def __init__(self) -> None:
        # key → [(recommendation, cluster-clock seconds)], as the controller's in-memory recommendations
        self.recommendations: dict[tuple[str, str], list[list[float]]] = {}
        # key → [(replicas added or removed, cluster-clock seconds)]: the rescales behavior policies count
        self.scale_ups: dict[tuple[str, str], list[tuple[int, float]]] = {}
        self.scale_downs: dict[tuple[str, str], list[tuple[int, float]]] = {}

    # ------------------------------------------------------------------ triggers
    def reconcile(self, cluster, event) -> None:
        obj = event.object
        namespace = b.ns_of(obj)
        if (event.group, event.resource) == (GROUP, RESOURCE):
            if event.type == "DELETED":
                for memory in (self.recommendations, self.scale_ups, self.scale_downs):
                    memory.pop((namespace, b.name_of(obj)), None)
            else:
                self.sync(cluster, namespace, b.name_of(obj))
            return
        kind = _WATCHED_TARGETS.get(event.resource)
        for hpa in cluster.list(GROUP, RESOURCE, namespace):
            ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
            if kind is None or (ref.get("kind") == kind and ref.get("name") == b.name_of(obj)):
                self.sync(cluster, namespace, b.name_of(hpa))

    def tick(self, cluster) -> None:
        for hpa in cluster.list(GROUP, RESOURCE):
            self.sync(cluster, b.ns_of(hpa), b.name_of(hpa))

    # ------------------------------------------------------------------ one sync
    def sync(self, cluster, namespace: str, name: str) -> None:
        hpa = cluster.get(GROUP, RESOURCE, namespace, name)
        if hpa is None or b.deleting(hpa):
            return
        spec = hpa.get("spec") or {}
        v1 = "metrics" not in spec and ("targetCPUUtilizationPercentage" in spec or hpa.get("apiVersion") == "autoscaling/v1")
        status = copy.deepcopy(hpa.get("status") or {})
        conditions: list[dict] = copy.deepcopy(status.get("conditions") or [])
        at = b.stamp(cluster)
        events: list[tuple[str, str, str]] = []
        key = (namespace, name)

        def condition(type_: str, state: str, reason: str, message: str) -> None:
            _set_condition(conditions, type_, state, reason, message, at)

        ref = spec.get("scaleTargetRef") or {}
        target, error = self._target(cluster, namespace, ref)
        if target is None:
            events.append(("Warning", "FailedGetScale", error))
            condition("AbleToScale", "False", "FailedGetScale",
                      f"the HPA controller was unable to get the target's current scale: {error}")
            self._write(cluster, hpa, _status(int(status.get("currentReplicas") or 0),
                                              int(status.get("desiredReplicas") or 0), status.get("lastScaleTime"),
                                              status.get("currentMetrics"), conditions), events, v1)
            return
        target_spec = target.get("spec") or {}
        condition("AbleToScale", "True", "SucceededGetScale",
                  "the HPA controller was able to get the target's current scale")
        current = int(target_spec.get("replicas", 1) if target_spec.get("replicas") is not None else 1)
        self.recommendations.setdefault(key, [[current, cluster.clock.now()]])
        min_replicas = int(spec["minReplicas"]) if spec.get("minReplicas") is not None else 1
        max_replicas = int(spec.get("maxReplicas") or 0)
        metric_statuses: list[dict] | None = None
        rescale, reason, desired = True, "", 0
        if current == 0 and min_replicas != 0:
            desired, rescale = 0, False
            condition("ScalingActive", "False", "ScalingDisabled",
                      "scaling is disabled since the replica count of the target is zero")
        elif current > max_replicas:
            reason, desired = "Current number of replicas above Spec.MaxReplicas", max_replicas
        elif current < min_replicas:
            reason, desired = "Current number of replicas below Spec.MinReplicas", min_replicas
        else:
            proposal, metric_name, metric_statuses, failure = self._replicas_for_metrics(
                cluster, hpa, target, current, _metric_specs(spec), condition, events)
            if proposal < 0:
                new_status = _status(current, status.get("desiredReplicas", 0), status.get("lastScaleTime"),
                                     metric_statuses, conditions)
                events.append(("Warning", "FailedComputeMetricsReplicas", failure))
                self._write(cluster, hpa, new_status, events, v1)
                return
            desired = max(proposal, 0)
            if desired > current:
                reason = f"{metric_name} above target"
            elif desired < current:
                reason = "All metrics below target"
            behavior = spec.get("behavior")
            if behavior is None:
                desired = self._normalise(cluster, key, current, desired, min_replicas, max_replicas, condition)
            else:
                desired = self._normalise_with_behavior(cluster, key, _behavior(behavior), current, desired,
                                                        min_replicas, max_replicas, condition)
            rescale = desired != current
        last_scale = status.get("lastScaleTime")
        if rescale:
            self._scale(cluster, target, ref, desired)
            if spec.get("behavior") is not None:  # storeScaleEvent: only HPAs with a behavior keep them
                events_of = self.scale_ups if desired > current else self.scale_downs
                events_of.setdefault(key, []).append((abs(desired - current), cluster.clock.now()))
            condition("AbleToScale", "True", "SucceededRescale",
                      f"the HPA controller was able to update the target scale to {desired}")
            events.append(("Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}"))
            last_scale = at
        else:
            desired = current
        self._write(cluster, hpa, _status(current, desired, last_scale, metric_statuses, conditions), events, v1)

    # ------------------------------------------------------------------ target and scale
    def _target(self, cluster, namespace: str, ref: dict) -> tuple[dict | None, str]:
        api_version = ref.get("apiVersion", "")
        group = api_version.split("/", 1)[0] if "/" in api_version else ""
        kind = ref.get("kind", "")
        mapped = SCALABLE.get((group, kind))
        if mapped is None:
            return None, f'no matches for kind "{kind}" in group "{group}"'
        obj = cluster.get(mapped[0], mapped[1], namespace, ref.get("name", ""))
        if obj is None:
            qualified = f"{mapped[1]}.{mapped[0]}" if mapped[0] else mapped[1]
            return None, f'{qualified} "{ref.get("name", "")}" not found'
        return obj, ""

    def _scale(self, cluster, target: dict, ref: dict, replicas: int) -> None:
        group = (ref.get("apiVersion", "").split("/", 1)[0]) if "/" in ref.get("apiVersion", "") else ""
        group, resource = SCALABLE[(group, ref.get("kind", ""))]

        def change(current: dict) -> dict:
            current.setdefault("spec", {})["replicas"] = replicas
            return current

        cluster.store.mutate(cluster.info(group, resource), b.ns_of(target), b.name_of(target), change,
                             field_manager=MANAGER, subresource="scale")

    # ------------------------------------------------------------------ metrics → replicas
    def _replicas_for_metrics(self, cluster, hpa: dict, target: dict, current: int, specs: list[dict], condition,
                              events: list) -> tuple[int, str, list[dict], str]:
        """computeReplicasForMetrics: (replicas or -1, metric name, statuses, error text)."""
        statuses: list[dict] = [{"type": ""} for _ in specs]
        replicas, metric = 0, ""
        invalid, first_error, first_condition = 0, "", ("", "")
        pods = _selected_pods(cluster, target)
        for i, spec in enumerate(specs):
            try:
                proposal, name, statuses[i] = self._replicas_for_metric(cluster, spec, current, pods)
            except MetricError as exc:
                # getUnableComputeReplicaCountCondition records an event for every metric that fails
                events.append(("Warning", exc.reason, str(exc)))
                if invalid == 0:
                    first_condition = (exc.reason, f"the HPA was unable to compute the replica count: {exc}")
                    first_error = _wrapped(spec, str(exc))
                invalid += 1
                continue
            if replicas == 0 or proposal > replicas:
                replicas, metric = proposal, name
        error = f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: {first_error}" if invalid else ""
        if invalid >= len(specs) or (invalid and replicas < current):
            condition("ScalingActive", "False", *first_condition)
            return -1, "", statuses, error
        condition("ScalingActive", "True", "ValidMetricFound",
                  f"the HPA was able to successfully calculate a replica count from {metric}")
        return replicas, metric, statuses, error

    def _replicas_for_metric(self, cluster, spec: dict, current: int, pods: list[dict]) -> tuple[int, str, dict]:
        kind = spec.get("type", "")
        if kind != "Resource":
            if kind in ("Pods", "Object", "External", "ContainerResource"):
                # the simulation serves no custom, external or per-container metrics
                raise MetricError(f"unable to get {kind} metric: no metrics API of the simulated cluster serves it",
                                  f"FailedGet{kind}Metric")
            raise MetricError(f"unknown metric source type \"{kind}\"", "InvalidMetricSourceType")
        source = spec.get("resource") or {}
        resource, target = source.get("name", ""), source.get("target") or {}
        if target.get("averageValue") is None and target.get("averageUtilization") is None:
            raise MetricError("invalid resource metric source: neither an average utilization target nor an "
                              "average value (usage) target was set", "FailedGetResourceMetric")
        what = "usage" if target.get("averageValue") is not None else "utilization"
        try:
            samples = _pod_samples(cluster, pods, resource)
            if target.get("averageValue") is not None:
                proposal, usage = _raw_replicas(current, _milli(target["averageValue"]), resource, pods, samples)
                value = {"averageValue": format_milli(usage)}
                name = f"{resource} resource"
            else:
                proposal, utilisation, raw = _utilisation_replicas(current, int(target["averageUtilization"]),
                                                                   resource, pods, samples)
                value = {"averageValue": format_milli(raw), "averageUtilization": utilisation}
                name = f"{resource} resource utilization (percentage of request)"
        except MetricError as exc:
            raise MetricError(f"failed to get {resource} {what}: {exc}", "FailedGetResourceMetric") from None
        return proposal, name, {"type": "Resource", "resource": {"name": resource, "current": value}}

    # ------------------------------------------------------------------ normalisation (no behavior field)
    def _normalise(self, cluster, key, current: int, desired: int, min_replicas: int, max_replicas: int,
                   condition) -> int:
        stabilised = self._stabilise(cluster, key, desired)
        if stabilised != desired:
            condition("AbleToScale", "True", "ScaleDownStabilized",
                      "recent recommendations were higher than current one, applying the highest recent "
                      "recommendation")
        else:
            condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size")
        scale_up_limit = int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))
        if max_replicas > scale_up_limit:
            allowed_max, limit_reason, limit_message = scale_up_limit, "ScaleUpLimit", \
                "the desired replica count is increasing faster than the maximum scale rate"
        else:
            allowed_max, limit_reason, limit_message = max_replicas, "TooManyReplicas", \
                "the desired replica count is more than the maximum replica count"
        if stabilised < min_replicas:
            result, limit_reason, limit_message = min_replicas, "TooFewReplicas", \
                "the desired replica count is less than the minimum replica count"
        elif stabilised > allowed_max:
            result = allowed_max
        else:
            result, limit_reason, limit_message = stabilised, "DesiredWithinRange", \
                "the desired count is within the acceptable range"
        condition("ScalingLimited", "False" if result == stabilised else "True", limit_reason, limit_message)
        return result

    def _normalise_with_behavior(self, cluster, key, behavior: dict, current: int, desired: int, min_replicas: int,
                                 max_replicas: int, condition) -> int:
        """normalizeDesiredReplicasWithBehaviors: stabilisation windows both ways, then the rate policies."""
        up, down = behavior["scaleUp"], behavior["scaleDown"]
        now = cluster.clock.now()
        up_cutoff, down_cutoff = now - up["stabilizationWindowSeconds"], now - down["stabilizationWindowSeconds"]
        up_rec = down_rec = desired
        samples = self.recommendations.setdefault(key, [])
        old_index = None
        for i, (recommendation, stamp) in enumerate(samples):
            if stamp > up_cutoff:
                up_rec = min(int(recommendation), up_rec)
            if stamp > down_cutoff:
                down_rec = max(int(recommendation), down_rec)
            if stamp < up_cutoff and stamp < down_cutoff:
                old_index = i
        stabilised = min(max(current, up_rec), down_rec)
        if old_index is not None:
            samples[old_index] = [desired, now]
        else:
            samples.append([desired, now])
        if stabilised != desired:
            if desired >= current:
                condition("AbleToScale", "True", "ScaleUpStabilized", "recent recommendations were lower than "
                          "current one, applying the lowest recent recommendation")
            else:
                condition("AbleToScale", "True", "ScaleDownStabilized", "recent recommendations were higher than "
                          "current one, applying the highest recent recommendation")
        else:
            condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size")
        result, reason, message = stabilised, "DesiredWithinRange", "the desired count is within the acceptable range"
        ups, downs = self.scale_ups.get(key, []), self.scale_downs.get(key, [])
        if stabilised > current:
            limit = max(_rate_limit(current, ups, downs, up, now, scale_up=True), current)
            if max_replicas > limit:
                allowed, why, text = limit, "ScaleUpLimit", \
                    "the desired replica count is increasing faster than the maximum scale rate"
            else:
                allowed, why, text = max_replicas, "TooManyReplicas", \
                    "the desired replica count is more than the maximum replica count"
            if stabilised > allowed:
                result, reason, message = allowed, why, text
        elif stabilised < current:
            limit = min(_rate_limit(current, ups, downs, down, now, scale_up=False), current)
            if min_replicas < limit:
                allowed, why, text = limit, "ScaleDownLimit", \
                    "the desired replica count is decreasing faster than the maximum scale rate"
            else:
                allowed, why, text = min_replicas, "TooFewReplicas", \
                    "the desired replica count is less than the minimum replica count"
            if stabilised < allowed:
                result, reason, message = allowed, why, text
        condition("ScalingLimited", "False" if result == stabilised else "True", reason, message)
        return result

    def _stabilise(self, cluster, key, desired: int) -> int:
        now = cluster.clock.now()
        cutoff = now - DOWNSCALE_STABILISATION
        samples = self.recommendations.setdefault(key, [])
        highest, old_index = desired, None
        for i, (recommendation, stamp) in enumerate(samples):
            if stamp < cutoff:
                old_index = i
            elif recommendation > highest:
                highest = int(recommendation)
        if old_index is not None:
            samples[old_index] = [desired, now]
        else:
            samples.append([desired, now])
        return highest

    # ------------------------------------------------------------------ writing
    def _write(self, cluster, hpa: dict, status: dict, events: list[tuple[str, str, str]], v1: bool) -> None:
        if v1:
            status = _v1_status(status)
        if status == (hpa.get("status") or {}):
            return

        def change(current: dict) -> None:
            current["status"] = status

        updated = cluster.mutate(GROUP, RESOURCE, b.ns_of(hpa), b.name_of(hpa), change, status=True, manager=MANAGER)
        for type_, reason, message in events:
            cluster.record_event(updated or hpa, type_, reason, message, COMPONENT)


def _behavior(behavior: dict) -> dict:
    """The behavior with the apiserver's defaults (GenerateHPAScaleUpRules/ScaleDownRules) and the
    controller's 300 s scale-down window where none is given."""
    up = dict(behavior.get("scaleUp") or {})
    down = dict(behavior.get("scaleDown") or {})
    up.setdefault("selectPolicy", "Max")
    if up.get("policies") is None:
        up["policies"] = [{"type": "Pods", "value": 4, "periodSeconds": 15},
                          {"type": "Percent", "value": 100, "periodSeconds": 15}]
    if up.get("stabilizationWindowSeconds") is None:
        up["stabilizationWindowSeconds"] = 0
    down.setdefault("selectPolicy", "Max")
    if down.get("policies") is None:
        down["policies"] = [{"type": "Percent", "value": 100, "periodSeconds": 15}]
    if down.get("stabilizationWindowSeconds") is None:
        down["stabilizationWindowSeconds"] = int(DOWNSCALE_STABILISATION)
    return {"scaleUp": up, "scaleDown": down}


def _changed_within(period: float, events: list[tuple[int, float]], now: float) -> int:
    """getReplicasChangePerPeriod: replicas added (or removed) by the rescales of the last `period` seconds."""
    return sum(change for change, stamp in events if stamp > now - period)


def _rate_limit(current: int, ups: list, downs: list, rules: dict, now: float, *, scale_up: bool) -> int:
    """calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors."""
    select = rules.get("selectPolicy")
    if select == "Disabled":
        return current
    # scaling up, Max picks the largest proposal; scaling down, Max picks the smallest (the largest change)
    pick = (max if select != "Min" else min) if scale_up else (min if select != "Min" else max)
    result = None
    for policy in rules.get("policies") or []:
        period = float(policy.get("periodSeconds") or 0)
        start = current - _changed_within(period, ups, now) + _changed_within(period, downs, now)
        value = int(policy.get("value") or 0)
        if policy.get("type") == "Pods":
            proposed = start + value if scale_up else start - value
        elif scale_up:
            proposed = int(math.ceil(start * (1 + value / 100)))
        else:
            proposed = int(start * (1 - value / 100))
        result = proposed if result is None else pick(result, proposed)
    if result is None:  # no policies: Go's starting value for the chosen comparison
        lowest, highest = -(2**31), 2**31 - 1
        return (lowest if select != "Min" else highest) if scale_up else (highest if select != "Min" else lowest)
    return result


def _metric_specs(spec: dict) -> list[dict]:
    if "metrics" in spec:
        return list(spec.get("metrics") or [])
    target = spec.get("targetCPUUtilizationPercentage", DEFAULT_CPU_UTILIZATION)
    return [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                      "averageUtilization": target}}}]


def _status(current: int, desired: int, last_scale: str | None, metric_statuses: list[dict] | None,
            conditions: list[dict]) -> dict:
    """HorizontalPodAutoscalerStatus in its wire order; currentReplicas and currentMetrics are omitempty."""
    status: dict = {}
    if last_scale:
        status["lastScaleTime"] = last_scale
    if current:
        status["currentReplicas"] = current
    status["desiredReplicas"] = desired
    if metric_statuses:
        status["currentMetrics"] = metric_statuses
    if conditions:
        status["conditions"] = conditions
    return status


def _v1_status(status: dict) -> dict:
    out: dict = {}
    for key in ("lastScaleTime", "currentReplicas", "desiredReplicas"):
        if key in status:
            out[key] = status[key]
    for metric in status.get("currentMetrics") or []:
        current = (metric.get("resource") or {}).get("current") or {}
        if (metric.get("resource") or {}).get("name") == "cpu" and "averageUtilization" in current:
            out["currentCPUUtilizationPercentage"] = current["averageUtilization"]
    return out


def _wrapped(spec: dict, text: str) -> str:
    """computeReplicasForMetric's wrapping of a resource metric's error."""
    if spec.get("type") == "Resource":
        return f"failed to get {(spec.get('resource') or {}).get('name', '')} resource metric value: {text}"
    return text


# ------------------------------------------------------------------------------------ the replica calculator


def _selected_pods(cluster, target: dict) -> list[dict]:
    selector = (target.get("spec") or {}).get("selector")
    plain = target.get("kind") == "ReplicationController"
    match = b.map_selector_matches if plain else b.selector_matches
    return [p for p in cluster.list("", "pods", b.ns_of(target)) if match(selector, b.labels_of(p))]


def _pod_samples(cluster, pods: list[dict], resource: str) -> dict[str, int]:
    """metrics-server's answer for the selected pods: pod name → summed container usage in milli-units."""
    samples: dict[str, int] = {}
    for pod in pods:
        record = sim_metrics.pod_metrics(cluster, pod)
        if record is None:
            continue
        total, missing = 0, not record["containers"]
        for container in record["containers"]:
            value = (container.get("usage") or {}).get(resource)
            if value is None:
                missing = True
                break
            total += _milli(value)
        if not missing:
            samples[b.name_of(pod)] = total
    if not samples:
        raise MetricError(f"unable to get metrics for resource {resource}: no metrics returned from resource "
                          "metrics API")
    return samples


def _group_pods(pods: list[dict], samples: dict[str, int], resource: str) -> tuple[int, set[str], set[str], set[str]]:
    ready, unready, missing, ignored = 0, set(), set(), set()
    for pod in pods:
        name = b.name_of(pod)
        phase = b.pod_phase(pod)
        if b.deleting(pod) or phase == "Failed":
            ignored.add(name)
        elif phase == "Pending":
            unready.add(name)
        elif name not in samples:
            missing.add(name)
        elif resource == "cpu" and _cpu_unready(pod):
            unready.add(name)
        else:
            ready += 1
    return ready, unready, missing, ignored


def _cpu_unready(pod: dict) -> bool:
    """groupPods for cpu, past the initialisation period: no Ready condition or start time, or not Ready and
    never Ready since it started (its last transition within 30 s of the start)."""
    ready = b._condition(pod, "Ready")
    started = b.parse_time((pod.get("status") or {}).get("startTime"))
    if ready is None or started is None:
        return True
    since = b.parse_time(ready.get("lastTransitionTime"))
    return ready.get("status") == "False" and since is not None and (since - started).total_seconds() < 30


def _requests(pods: list[dict], resource: str) -> dict[str, int]:
    requests: dict[str, int] = {}
    for pod in pods:
        spec = pod.get("spec") or {}
        containers = list(spec.get("containers") or []) + [
            c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
        total = 0
        for container in containers:
            wanted = ((container.get("resources") or {}).get("requests") or {})
            if resource not in wanted:
                raise MetricError(f"missing request for {resource} in container {container.get('name', '')} of "
                                  f"Pod {b.name_of(pod)}")
            total += _milli(wanted[resource])
        requests[b.name_of(pod)] = total
    return requests


def _utilisation_ratio(samples: dict[str, int], requests: dict[str, int], target: int) -> tuple[float, int, int]:
    total_usage = total_request = entries = 0
    for name, value in samples.items():
        if name not in requests:
            continue
        total_usage += value
        total_request += requests[name]
        entries += 1
    if total_request == 0:
        raise MetricError("no metrics returned matched known pods")
    utilisation = (total_usage * 100) // total_request
    return utilisation / target, utilisation, total_usage // entries


def _utilisation_replicas(current: int, target: int, resource: str, pods: list[dict],
                          samples: dict[str, int]) -> tuple[int, int, int]:
    """GetResourceReplicas: (replicas, utilisation %, raw average in milli-units)."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = _group_pods(pods, samples, resource)
    samples = {k: v for k, v in samples.items() if k not in ignored and k not in unready}
    if not samples:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    requests = _requests(pods, resource)
    ratio, utilisation, raw = _utilisation_ratio(samples, requests, target)
    up_with_unready = bool(unready) and ratio > 1.0
    if not up_with_unready and not missing:
        if abs(1.0 - ratio) <= TOLERANCE:
            return current, utilisation, raw
        return int(math.ceil(ratio * ready)), utilisation, raw
    if missing:
        if ratio < 1.0:
            fallback = max(100, target)
            for name in missing:
                samples[name] = requests[name] * fallback // 100
        elif ratio > 1.0:
            for name in missing:
                samples[name] = 0
    if up_with_unready:
        for name in unready:
            samples[name] = 0
    new_ratio, _, _ = _utilisation_ratio(samples, requests, target)
    if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (new_ratio < 1.0 < ratio):
        return current, utilisation, raw
    proposal = int(math.ceil(new_ratio * len(samples)))
    if (new_ratio < 1.0 and proposal > current) or (new_ratio > 1.0 and proposal < current):
        return current, utilisation, raw
    return proposal, utilisation, raw


def _raw_replicas(current: int, target: int, resource: str, pods: list[dict],
                  samples: dict[str, int]) -> tuple[int, int]:
    """GetRawResourceReplicas / calcPlainMetricReplicas: (replicas, average usage in milli-units)."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = _group_pods(pods, samples, resource)
    samples = {k: v for k, v in samples.items() if k not in ignored and k not in unready}
    if not samples:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")

    def ratio_of(values: dict[str, int]) -> tuple[float, int]:
        usage = sum(values.values()) // len(values)
        return usage / target, usage

    ratio, usage = ratio_of(samples)
    up_with_unready = bool(unready) and ratio > 1.0
    if not up_with_unready and not missing:
        if abs(1.0 - ratio) <= TOLERANCE:
            return current, usage
        return int(math.ceil(ratio * ready)), usage
    for name in missing:
        samples[name] = target if ratio < 1.0 else 0
    if up_with_unready:
        for name in unready:
            samples[name] = 0
    new_ratio, _ = ratio_of(samples)
    if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (new_ratio < 1.0 < ratio):
        return current, usage
    proposal = int(math.ceil(new_ratio * len(samples)))
    if (new_ratio < 1.0 and proposal > current) or (new_ratio > 1.0 and proposal < current):
        return current, usage
    return proposal, usage
