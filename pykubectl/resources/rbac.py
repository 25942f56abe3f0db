"""RBAC policy rules as kubectl handles them: breakdown, compaction, coverage, and reconciliation.

Ports of kubectl pkg/util/rbac (BreakdownRule, CompactRules, the Go String() sort key),
component-helpers auth/rbac/validation (Covers) and auth/rbac/reconciliation (computeReconciledRole,
computeReconciledRoleBinding). Rules and subjects are plain dicts as they are on the wire.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

_RULE_FIELDS = ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")
AUTO_UPDATE = "rbac.authorization.kubernetes.io/autoupdate"


def go_list(values) -> str:
    """fmt's %v of a []string: `[a b]`, `[]` for nil or empty."""
    return "[" + " ".join(values or ()) + "]"


def policy_rule_string(rule: dict) -> str:
    """The generated PolicyRule.String(), which kubectl sorts rules by."""
    return (f"&PolicyRule{{Verbs:{go_list(rule.get('verbs'))},APIGroups:{go_list(rule.get('apiGroups'))},"
            f"Resources:{go_list(rule.get('resources'))},ResourceNames:{go_list(rule.get('resourceNames'))},"
            f"NonResourceURLs:{go_list(rule.get('nonResourceURLs'))},}}")


def go_rule(rule: dict) -> str:
    """fmt's %+v of an rbacv1.PolicyRule."""
    return (f"{{Verbs:{go_list(rule.get('verbs'))} APIGroups:{go_list(rule.get('apiGroups'))} "
            f"Resources:{go_list(rule.get('resources'))} ResourceNames:{go_list(rule.get('resourceNames'))} "
            f"NonResourceURLs:{go_list(rule.get('nonResourceURLs'))}}}")


def go_subject(subject: dict) -> str:
    """fmt's %+v of an rbacv1.Subject."""
    return (f"{{Kind:{subject.get('kind', '')} APIGroup:{subject.get('apiGroup', '')} "
            f"Name:{subject.get('name', '')} Namespace:{subject.get('namespace', '')}}}")


def breakdown_rule(rule: dict) -> list[dict]:
    """Rules of one verb, one group, one resource and at most one name (or one URL and one verb) each."""
    subrules: list[dict] = []
    names = rule.get("resourceNames") or []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in rule.get("verbs") or []:
                if names:
                    subrules.extend({"apiGroups": [group], "resources": [resource], "verbs": [verb],
                                     "resourceNames": [name]} for name in names)
                else:
                    subrules.append({"apiGroups": [group], "resources": [resource], "verbs": [verb]})
    for url in rule.get("nonResourceURLs") or []:
        for verb in rule.get("verbs") or []:
            subrules.append({"nonResourceURLs": [url], "verbs": [verb]})
    return subrules


def _simple_key(rule: dict) -> tuple | None:
    names = rule.get("resourceNames") or []
    if len(names) > 1 or rule.get("nonResourceURLs"):
        return None
    groups, resources = rule.get("apiGroups") or [], rule.get("resources") or []
    if len(groups) != 1 or len(resources) != 1:
        return None
    return (groups[0], resources[0], bool(names), names[0] if names else "")


def compact_rules(rules: list[dict]) -> list[dict]:
    """Rules naming one group and resource (and at most one name) that differ only by verb become one rule."""
    compacted: list[dict] = []
    simple: dict[tuple, dict] = {}
    for rule in rules:
        key = _simple_key(rule)
        if key is None:
            compacted.append(rule)
        elif key in simple:
            verbs = simple[key].setdefault("verbs", [])
            known = set(verbs)
            verbs.extend(v for v in rule.get("verbs") or [] if v not in known)
        else:
            simple[key] = copy.deepcopy(rule)
            simple[key]["verbs"] = list(rule.get("verbs") or [])
    return compacted + list(simple.values())


# -- coverage (validation.Covers) ---------------------------------------------------------------------------

def _has_all(owner, wanted) -> bool:
    owned = set(owner or ())
    return all(w in owned for w in wanted or ())


def _resources_cover(owner: list[str], wanted: list[str]) -> bool:
    if "*" in owner or _has_all(owner, wanted):
        return True
    for path in wanted:
        if path in owner:
            continue
        if "/" not in path:
            return False
        if "*/" + path.split("/", 1)[1] not in owner:
            return False
    return True


def _url_covers(owner: str, path: str) -> bool:
    return owner == path or (owner.endswith("*") and path.startswith(owner.rstrip("*")))


def _rule_covers(owner: dict, sub: dict) -> bool:
    verbs = "*" in (owner.get("verbs") or ()) or _has_all(owner.get("verbs"), sub.get("verbs"))
    groups = "*" in (owner.get("apiGroups") or ()) or _has_all(owner.get("apiGroups"), sub.get("apiGroups"))
    resources = _resources_cover(owner.get("resources") or [], sub.get("resources") or [])
    urls = all(any(_url_covers(o, p) for o in owner.get("nonResourceURLs") or ())
               for p in sub.get("nonResourceURLs") or ())
    owner_names = owner.get("resourceNames") or []
    if not sub.get("resourceNames"):
        names = not owner_names
    else:
        names = not owner_names or _has_all(owner_names, sub.get("resourceNames"))
    return verbs and groups and resources and names and urls


def covers(owner_rules: list[dict], servant_rules: list[dict]) -> tuple[bool, list[dict]]:
    """Whether owner_rules allow everything servant_rules do, and the broken-down rules they do not."""
    uncovered = [sub for rule in servant_rules for sub in breakdown_rule(rule)
                 if not any(_rule_covers(owner, sub) for owner in owner_rules)]
    return not uncovered, uncovered


# -- reconciliation ---------------------------------------------------------------------------------------

CREATE, UPDATE, RECREATE, NONE = "create", "update", "recreate", "none"


@dataclass
class Reconciled:
    """What reconciling one object needs: the object to write, the operation and the differences found."""

    obj: dict
    operation: str
    protected: bool = False
    missing_rules: list[dict] = field(default_factory=list)
    extra_rules: list[dict] = field(default_factory=list)
    missing_subjects: list[dict] = field(default_factory=list)
    extra_subjects: list[dict] = field(default_factory=list)


def _merge(*maps) -> dict | None:
    out = None
    for m in maps:
        if m is None:
            continue
        if out is None:
            out = {}
        out.update(m)
    return out


def _merge_metadata(result: dict, existing: dict, expected: dict) -> bool:
    """Expected labels and annotations over the existing ones (existing values win). True when changed."""
    changed = False
    meta, old, new = result.setdefault("metadata", {}), existing.get("metadata") or {}, expected.get("metadata") or {}
    for key in ("annotations", "labels"):
        merged = _merge(new.get(key), old.get(key))
        if merged:
            meta[key] = merged
        if (merged or None) != (old.get(key) or None):
            changed = True
    return changed


def _selectors_missing(owner: dict | None, servant: dict | None) -> list[dict]:
    if servant is None:
        return []
    if owner is None:
        return list(servant.get("clusterRoleSelectors") or [])
    owned = owner.get("clusterRoleSelectors") or []
    return [s for s in servant.get("clusterRoleSelectors") or [] if s not in owned]


def reconcile_role(existing: dict | None, expected: dict, remove_extra: bool) -> Reconciled:
    """computeReconciledRole (Role and ClusterRole alike); None for existing means it must be created."""
    if existing is None:
        return Reconciled(copy.deepcopy(expected), CREATE, missing_rules=list(expected.get("rules") or []))
    result = Reconciled(copy.deepcopy(existing), NONE)
    result.protected = ((existing.get("metadata") or {}).get("annotations") or {}).get(AUTO_UPDATE) == "false"
    if _merge_metadata(result.obj, existing, expected):
        result.operation = UPDATE
    expected_rules, existing_rules = expected.get("rules") or [], existing.get("rules") or []
    expected_aggregation, existing_aggregation = expected.get("aggregationRule"), existing.get("aggregationRule")
    if expected_aggregation is None or existing_aggregation is None:
        result.extra_rules = covers(expected_rules, existing_rules)[1]
    result.missing_rules = covers(existing_rules, expected_rules)[1]
    if not remove_extra and result.missing_rules:
        result.obj["rules"] = [*existing_rules, *result.missing_rules]
        result.operation = UPDATE
    elif remove_extra and (result.missing_rules or result.extra_rules):
        result.obj["rules"] = copy.deepcopy(expected_rules)
        result.operation = UPDATE
    extra_selectors = _selectors_missing(expected_aggregation, existing_aggregation)
    missing_selectors = _selectors_missing(existing_aggregation, expected_aggregation)
    if expected_aggregation is None and existing_aggregation is not None:
        result.obj.pop("aggregationRule", None)
        result.operation = UPDATE
    elif not remove_extra and missing_selectors:
        aggregation = result.obj.setdefault("aggregationRule", {})
        aggregation["clusterRoleSelectors"] = [*(aggregation.get("clusterRoleSelectors") or []),
                                               *missing_selectors]
        result.operation = UPDATE
    elif remove_extra and (missing_selectors or extra_selectors):
        result.obj["aggregationRule"] = copy.deepcopy(expected_aggregation)
        result.operation = UPDATE
    return result


def _subject_key(subject: dict) -> tuple:
    return tuple(subject.get(k, "") for k in ("kind", "apiGroup", "name", "namespace"))


def _only_in(first: list[dict], second: list[dict]) -> list[dict]:
    others = {_subject_key(s) for s in second}
    out: list[dict] = []
    for subject in first:
        if _subject_key(subject) not in others and _subject_key(subject) not in {_subject_key(s) for s in out}:
            out.append(subject)
    return out


def _role_ref_key(binding: dict) -> tuple:
    ref = binding.get("roleRef") or {}
    return tuple(ref.get(k, "") for k in ("apiGroup", "kind", "name"))


def reconcile_binding(existing: dict | None, expected: dict, remove_extra: bool) -> Reconciled:
    """computeReconciledRoleBinding (RoleBinding and ClusterRoleBinding alike)."""
    expected_subjects = expected.get("subjects") or []
    if existing is None:
        return Reconciled(copy.deepcopy(expected), CREATE, missing_subjects=list(expected_subjects))
    protected = ((existing.get("metadata") or {}).get("annotations") or {}).get(AUTO_UPDATE) == "false"
    if _role_ref_key(existing) != _role_ref_key(expected):
        return Reconciled(copy.deepcopy(expected), RECREATE, protected=protected)
    result = Reconciled(copy.deepcopy(existing), NONE, protected=protected)
    if _merge_metadata(result.obj, existing, expected):
        result.operation = UPDATE
    existing_subjects = existing.get("subjects") or []
    result.missing_subjects = _only_in(expected_subjects, existing_subjects)
    result.extra_subjects = _only_in(existing_subjects, expected_subjects)
    if not remove_extra and result.missing_subjects:
        result.obj["subjects"] = [*existing_subjects, *result.missing_subjects]
        result.operation = UPDATE
    elif remove_extra and (result.missing_subjects or result.extra_subjects):
        result.obj["subjects"] = copy.deepcopy(expected_subjects)
        result.operation = UPDATE
    return result
