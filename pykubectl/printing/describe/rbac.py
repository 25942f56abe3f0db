"""describe for RBAC: Roles and ClusterRoles (rules broken down and compacted as kubectl does) and bindings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    annotations_multiline,
    labels_multiline,
    meta,
    tabbed,
)

_FIELDS = ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")


def _go_list(values) -> str:
    return "[" + " ".join(values or []) + "]"


def breakdown_rule(rule: Mapping) -> list[dict]:
    """rbac.BreakdownRule: one verb, one resource and at most one resource name per rule."""
    out: list[dict] = []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in rule.get("verbs") or []:
                if rule.get("resourceNames"):
                    out.extend({"apiGroups": [group], "resources": [resource], "verbs": [verb],
                                "resourceNames": [name]} for name in rule["resourceNames"])
                else:
                    out.append({"apiGroups": [group], "resources": [resource], "verbs": [verb]})
    for url in rule.get("nonResourceURLs") or []:
        out.extend({"nonResourceURLs": [url], "verbs": [verb]} for verb in rule.get("verbs") or [])
    return out


def compact_rules(rules: list[dict]) -> list[dict]:
    """rbac.CompactRules: simple rules on one group/resource/name merge their verbs."""
    compacted: list[dict] = []
    simple: dict[tuple, dict] = {}
    for rule in rules:
        is_simple = (len(rule.get("resourceNames") or []) <= 1 and not rule.get("nonResourceURLs")
                     and len(rule.get("apiGroups") or []) == 1 and len(rule.get("resources") or []) == 1)
        if not is_simple:
            compacted.append(rule)
            continue
        names = rule.get("resourceNames") or []
        key = (rule["apiGroups"][0], rule["resources"][0], bool(names), names[0] if names else "")
        if key in simple:
            verbs = simple[key].setdefault("verbs", [])
            verbs.extend(v for v in rule.get("verbs") or [] if v not in verbs)
        else:
            simple[key] = {k: list(v) for k, v in rule.items()}
    return compacted + list(simple.values())


def _rule_string(rule: Mapping) -> str:
    # PolicyRule.String(), the sort key kubectl uses
    return ("&PolicyRule{" + "".join(f"{name}:{_go_list(rule.get(key))}," for name, key in (
        ("Verbs", "verbs"), ("APIGroups", "apiGroups"), ("Resources", "resources"),
        ("ResourceNames", "resourceNames"), ("NonResourceURLs", "nonResourceURLs"))) + "}")


def combine_resource_group(resources: list | None, groups: list | None) -> str:
    if not resources:
        return ""
    resource, slash, sub = resources[0].partition("/")
    combined = resource
    if groups and groups[0]:
        combined += "." + groups[0]
    return combined + (f"/{sub}" if slash else "")


def describe_role(role: Mapping, related: Mapping, now: datetime) -> str:
    rules = compact_rules([r for rule in role.get("rules") or [] for r in breakdown_rule(rule)])
    rules.sort(key=_rule_string)

    def render(w) -> None:
        m = meta(role)
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, "PolicyRule:\n")
        w.write(LEVEL_1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        w.write(LEVEL_1, "---------\t-----------------\t--------------\t-----\n")
        for r in rules:
            w.write(LEVEL_1, f"{combine_resource_group(r.get('resources'), r.get('apiGroups'))}\t"
                             f"{_go_list(r.get('nonResourceURLs'))}\t{_go_list(r.get('resourceNames'))}\t"
                             f"{_go_list(r.get('verbs'))}\n")

    return tabbed(render)


def describe_binding(binding: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, ref = meta(binding), binding.get("roleRef") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, "Role:\n")
        w.write(LEVEL_1, f"Kind:\t{ref.get('kind', '')}\n")
        w.write(LEVEL_1, f"Name:\t{ref.get('name', '')}\n")
        w.write(LEVEL_0, "Subjects:\n")
        w.write(LEVEL_1, "Kind\tName\tNamespace\n")
        w.write(LEVEL_1, "----\t----\t---------\n")
        for s in binding.get("subjects") or []:
            w.write(LEVEL_1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n")

    return tabbed(render)
