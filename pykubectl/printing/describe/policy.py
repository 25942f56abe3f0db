"""describe for PodDisruptionBudgets and PriorityClasses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.workloads import format_labels
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_2,
    describe_events,
    format_label_selector,
    go_str,
    meta,
    tabbed,
)


def describe_pdb(pdb: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec, status = meta(pdb), pdb.get("spec") or {}, pdb.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        if spec.get("minAvailable") is not None:
            w.write(LEVEL_0, f"Min available:\t{go_str(spec['minAvailable'])}\n")
        elif spec.get("maxUnavailable") is not None:
            w.write(LEVEL_0, f"Max unavailable:\t{go_str(spec['maxUnavailable'])}\n")
        if spec.get("selector") is not None:
            w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec['selector'])}\n")
        else:
            w.write(LEVEL_0, "Selector:\t<unset>\n")
        w.write(LEVEL_0, "Status:\n")
        w.write(LEVEL_2, f"Allowed disruptions:\t{status.get('disruptionsAllowed', 0)}\n")
        w.write(LEVEL_2, f"Current:\t{status.get('currentHealthy', 0)}\n")
        w.write(LEVEL_2, f"Desired:\t{status.get('desiredHealthy', 0)}\n")
        w.write(LEVEL_2, f"Total:\t{status.get('expectedPods', 0)}\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def describe_priority_class(pc: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m = meta(pc)
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Value:\t{pc.get('value', 0)}\n")
        w.write(LEVEL_0, f"GlobalDefault:\t{go_str(bool(pc.get('globalDefault')))}\n")
        w.write(LEVEL_0, f"PreemptionPolicy:\t{pc.get('preemptionPolicy', '')}\n")
        w.write(LEVEL_0, f"Description:\t{pc.get('description', '')}\n")
        w.write(LEVEL_0, f"Annotations:\t{format_labels(m.get('annotations'))}\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)
