"""describe for HorizontalPodAutoscalers (autoscaling/v2, and v1 objects)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.quantity import Quantity
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    annotations_multiline,
    describe_events,
    get,
    labels_multiline,
    meta,
    rfc1123z,
    tabbed,
)


def _q(value) -> str:
    """Quantity.String() of a *Quantity: '<nil>' when unset."""
    return "<nil>" if value is None else str(Quantity.parse(value))


def _current(hpa: Mapping, index: int, kind: str) -> Mapping | None:
    current = get(hpa, "status", "currentMetrics", default=[])
    if len(current) > index and current[index].get(kind) is not None:
        return current[index][kind].get("current") or {}
    return None


def _metric(w, hpa: Mapping, i: int, metric: Mapping) -> None:
    kind = metric.get("type", "")
    if kind == "External":
        source = metric.get("external") or {}
        name, target = json.dumps(get(source, "metric", "name", default="")), source.get("target") or {}
        current = _current(hpa, i, "external")
        if target.get("averageValue") is not None:
            now = _q(current.get("averageValue")) if current and current.get("averageValue") is not None else "<unknown>"
            w.write(LEVEL_1, f"{name} (target average value):\t{now} / {_q(target['averageValue'])}\n")
        else:
            now = _q(current.get("value")) if current is not None else "<unknown>"
            w.write(LEVEL_1, f"{name} (target value):\t{now} / {_q(target.get('value'))}\n")
    elif kind == "Pods":
        source = metric.get("pods") or {}
        current = _current(hpa, i, "pods")
        now = _q(current.get("averageValue")) if current is not None else "<unknown>"
        w.write(LEVEL_1, f"{json.dumps(get(source, 'metric', 'name', default=''))} on pods:\t{now} / "
                         f"{_q(get(source, 'target', 'averageValue'))}\n")
    elif kind == "Object":
        source = metric.get("object") or {}
        described = source.get("describedObject") or {}
        w.write(LEVEL_1, f"\"{get(source, 'metric', 'name', default='')}\" on {described.get('kind', '')}/"
                         f"{described.get('name', '')} ")
        target = source.get("target") or {}
        current = _current(hpa, i, "object")
        if target.get("type") == "AverageValue":
            now = _q(current.get("averageValue")) if current is not None else "<unknown>"
            w.write(LEVEL_0, f"(target average value):\t{now} / {_q(target.get('averageValue'))}\n")
        else:
            now = _q(current.get("value")) if current is not None else "<unknown>"
            w.write(LEVEL_0, f"(target value):\t{now} / {_q(target.get('value'))}\n")
    elif kind in ("Resource", "ContainerResource"):
        key = "resource" if kind == "Resource" else "containerResource"
        source = metric.get(key) or {}
        if kind == "Resource":
            w.write(LEVEL_1, f"resource {source.get('name', '')} on pods")
        else:
            w.write(LEVEL_1, f"resource {source.get('name', '')} of container \"{source.get('container', '')}\" on pods")
        target = source.get("target") or {}
        current = _current(hpa, i, key)
        if target.get("averageValue") is not None:
            now = _q(current.get("averageValue")) if current is not None else "<unknown>"
            w.write(LEVEL_0, f":\t{now} / {_q(target['averageValue'])}\n")
        else:
            now = "<unknown>"
            if current is not None and current.get("averageUtilization") is not None:
                now = f"{current['averageUtilization']}% ({_q(current.get('averageValue'))})"
            goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
            w.write(LEVEL_1, f"(as a percentage of request):\t{now} / {goal}\n")
    else:
        w.write(LEVEL_1, f"<unknown metric type {json.dumps(kind)}>\n")


def _direction(w, title: str, rules: Mapping | None) -> None:
    if rules is None:
        return
    w.write(LEVEL_1, f"{title}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(LEVEL_2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    if rules.get("policies"):
        w.write(LEVEL_2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(LEVEL_2, "Policies:\n")
        for p in rules["policies"]:
            w.write(LEVEL_3, f"- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\tPeriod: "
                             f"{p.get('periodSeconds', 0)} seconds\n")


def describe_hpa(hpa: Mapping, related: Mapping, now: datetime) -> str:
    v1 = hpa.get("apiVersion") == "autoscaling/v1"

    def render(w) -> None:
        m, spec, status = meta(hpa), hpa.get("spec") or {}, hpa.get("status") or {}
        ref = spec.get("scaleTargetRef") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
        w.write(LEVEL_0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
        if v1:
            if spec.get("targetCPUUtilizationPercentage") is not None:
                w.write(LEVEL_0, f"Target CPU utilization:\t{spec['targetCPUUtilizationPercentage']}%\n")
                current = status.get("currentCPUUtilizationPercentage")
                w.write(LEVEL_0, f"Current CPU utilization:\t{current if current is not None else '<unknown>'}%\n")
        else:
            w.write(LEVEL_0, "Metrics:\t( current / target )\n")
            for i, metric in enumerate(spec.get("metrics") or []):
                _metric(w, hpa, i, metric)
        minimum = spec.get("minReplicas")
        w.write(LEVEL_0, f"Min replicas:\t{minimum if minimum is not None else '<unset>'}\n")
        w.write(LEVEL_0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
        if not v1 and spec.get("behavior") is not None:
            w.write(LEVEL_0, "Behavior:\n")
            _direction(w, "Scale Up", spec["behavior"].get("scaleUp"))
            _direction(w, "Scale Down", spec["behavior"].get("scaleDown"))
        w.write(LEVEL_0, f"{ref.get('kind', '')} pods:\t")
        w.write(LEVEL_0, f"{status.get('currentReplicas', 0)} current / {status.get('desiredReplicas', 0)} desired\n")
        if not v1 and status.get("conditions"):
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------\t-------\n")
            for c in status["conditions"]:
                w.write(LEVEL_1, f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t"
                                 f"{c.get('message', '')}\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)
