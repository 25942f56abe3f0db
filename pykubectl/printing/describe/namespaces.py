"""describe for Namespaces (with their quotas and limit ranges), ResourceQuotas and LimitRanges."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.quantity import Quantity, canonical
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    annotations_multiline,
    get,
    labels_multiline,
    meta,
    rfc1123z,
    tabbed,
)

_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a "
                   "node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long "
                      "running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best "
                  "effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a "
                     "burstable or guaranteed quality of service.",
}


def _q(value) -> str:
    return str(Quantity.parse(value))


def describe_namespace(obj: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m = meta(obj)
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Status:\t{get(obj, 'status', 'phase', default='')}\n")
        conditions = get(obj, "status", "conditions", default=[])
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(LEVEL_1, f"{c.get('type', '')}\t{c.get('status', '')}\t"
                                 f"{rfc1123z(c.get('lastTransitionTime'))}\t{c.get('reason', '')}\t"
                                 f"{c.get('message', '')}\n")
        if related.get("quotas") is not None:
            w.write(LEVEL_0, "\n")
            resource_quotas(w, related["quotas"])
        if related.get("limits") is not None:
            w.write(LEVEL_0, "\n")
            limit_ranges(w, related["limits"])

    return tabbed(render)


def _limit_range_spec(w, spec: Mapping, prefix: str) -> None:
    for item in spec.get("limits") or []:
        columns = [item.get(k) or {} for k in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")]
        names: list[str] = []
        for source in (item.get("max") or {}, item.get("min") or {}, item.get("default") or {},
                       item.get("defaultRequest") or {}, item.get("maxLimitRequestRatio") or {}):
            names.extend(n for n in source if n not in names)
        # Go ranges over a map here; the order is random in kubectl, insertion order in ours.
        for name in names:
            values = "\t".join(_q(c[name]) if name in c else "-" for c in columns)
            w.write(LEVEL_0, f"{prefix}{item.get('type', '')}\t{name}\t{values}\n")


def limit_ranges(w, items: list[Mapping]) -> None:
    if not items:
        w.write(LEVEL_0, "No LimitRange resource.\n")
        return
    w.write(LEVEL_0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
                     "Max Limit/Request Ratio\n")
    w.write(LEVEL_0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for item in items:
        _limit_range_spec(w, item.get("spec") or {}, " ")


def resource_quotas(w, quotas: list[Mapping]) -> None:
    if not quotas:
        w.write(LEVEL_0, "No resource quota.\n")
        return
    w.write(LEVEL_0, "Resource Quotas\n")
    for quota in sorted(quotas, key=lambda q: meta(q).get("name", "")):
        w.write(LEVEL_1, f"Name:\t{meta(quota).get('name', '')}\n")
        scopes = sorted(get(quota, "spec", "scopes", default=[]))
        if scopes:
            w.write(LEVEL_1, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in _SCOPE_HELP:
                    w.write(LEVEL_1, f"* {_SCOPE_HELP[scope]}\n")
        w.write(LEVEL_1, "Resource\tUsed\tHard\n")
        w.write(LEVEL_1, "--------\t---\t---\n")
        hard = get(quota, "status", "hard", default={})
        used = get(quota, "status", "used", default={})
        for name in sorted(hard):
            w.write(LEVEL_1, f"{name}\t{_q(used.get(name, '0'))}\t{_q(hard[name])}\n")


def describe_limit_range(obj: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        w.write(LEVEL_0, f"Name:\t{meta(obj).get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta(obj).get('namespace', '')}\n")
        w.write(LEVEL_0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
        w.write(LEVEL_0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
        _limit_range_spec(w, obj.get("spec") or {}, "")

    return tabbed(render)


def describe_resource_quota(obj: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        w.write(LEVEL_0, f"Name:\t{meta(obj).get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta(obj).get('namespace', '')}\n")
        scopes = sorted(get(obj, "spec", "scopes", default=[]))
        if scopes:
            w.write(LEVEL_0, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in _SCOPE_HELP:
                    w.write(LEVEL_0, f" * {_SCOPE_HELP[scope]}\n")
        w.write(LEVEL_0, "Resource\tUsed\tHard\n")
        w.write(LEVEL_0, "--------\t----\t----\n")
        hard = get(obj, "status", "hard", default={})
        used = get(obj, "status", "used", default={})
        for name in sorted(hard):
            hard_q = Quantity.parse(hard[name])
            used_q = Quantity.parse(used.get(name, "0"))
            if hard_q.format != used_q.format:
                used_text = canonical(used_q.value.__ceil__(), hard_q.format)
            else:
                used_text = str(used_q)
            w.write(LEVEL_0, f"{name}\t{used_text}\t{hard_q}\n")

    return tabbed(render)
