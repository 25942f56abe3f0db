"""Node taints as `kubectl taint` reads and changes them (kubectl pkg/cmd/taint/utils.go), as plain dicts.

API:

* `split_taint_args(args) -> (resources, specs)`: resource words first, then taint changes (a word holding
  `=` or `:` or ending in `-`); a resource word after a change is kubectl's error.
* `parse_taints(specs) -> (to_add, to_remove)`: `KEY[=VALUE]:EFFECT` adds, `KEY[:EFFECT]-` removes; raises
  `TaintSpecError` (a usage error in kubectl) with its exact words.
* `conflicts(to_add, to_remove) -> list[str]`: the `key=effect` of removals that clash with an addition.
* `existing_clashes(current, to_add) -> str`: keys of taints already on the node with the same effect.
* `reorganize(current, overwrite, to_add, to_remove) -> (operation, taints, errors)`: the new list (added
  first, then untouched old ones), "tainted" / "untainted" / "modified", and `taint "k" not found` errors.
* `taint_string(taint)`: corev1 Taint.ToString.

A taint is a dict with `key`, and `value` / `effect` only when set.
"""

from __future__ import annotations

import re

from pykubectl.client.status import go_quote
from pykubectl.errors import KubectlError

MODIFIED, TAINTED, UNTAINTED = "modified", "tainted", "untainted"
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")

_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_DNS1123_SUBDOMAIN_FMT = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_LABEL_VALUE_FMT = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"


class TaintSpecError(KubectlError):
    """A taint argument kubectl rejects while parsing (reported with the verb's usage hint)."""


def _regex_error(message: str, fmt: str, *examples: str) -> str:
    """apimachinery's validation.RegexError."""
    if examples:
        message += " (e.g. " + " or ".join(f"'{e}', " for e in examples)
        return message + f"regex used for validation is '{fmt}')"
    return message + f" (regex used for validation is '{fmt}')"


def qualified_name_errors(value: str) -> list[str]:
    """validation.IsQualifiedName."""
    parts = value.split("/")
    errors: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + e for e in _dns1123_subdomain_errors(prefix))
    else:
        return [_regex_error("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
                             "start and end with an alphanumeric character", _QUALIFIED_NAME_FMT, "MyName",
                             "my.name", "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. "
                "'example.com/MyName')"]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    if not re.fullmatch(_QUALIFIED_NAME_FMT, name):
        errors.append("name part " + _regex_error(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
            "character", _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"))
    return errors


def _dns1123_subdomain_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not re.fullmatch(_DNS1123_SUBDOMAIN_FMT, value):
        errors.append(_regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                   "characters, '-' or '.', and must start and end with an alphanumeric character",
                                   _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


def label_value_errors(value: str) -> list[str]:
    """validation.IsValidLabelValue."""
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not re.fullmatch(_LABEL_VALUE_FMT, value):
        errors.append(_regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                                   "'-', '_' or '.', and must start and end with an alphanumeric character",
                                   _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errors


def is_taint_arg(arg: str) -> bool:
    return "=" in arg or ":" in arg or arg.endswith("-")


def split_taint_args(args) -> tuple[list[str], list[str]]:
    resources: list[str] = []
    specs: list[str] = []
    for arg in args:
        if is_taint_arg(arg):
            specs.append(arg)
        elif specs:
            raise KubectlError(f"all resources must be specified before taint changes: {arg}")
        else:
            resources.append(arg)
    return resources, specs


def _taint(key: str, value: str = "", effect: str = "") -> dict:
    taint = {"key": key}
    if value:
        taint["value"] = value
    if effect:
        taint["effect"] = effect
    return taint


def parse_taint(spec: str) -> dict:
    """'<key>=<value>:<effect>', '<key>:<effect>' or '<key>'."""
    parts = spec.split(":")
    value = effect = ""
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in EFFECTS:
            raise TaintSpecError(f"invalid taint effect: {effect}, unsupported taint effect")
        key_value = parts[0].split("=")
        if len(key_value) > 2:
            raise TaintSpecError(f"invalid taint spec: {spec}")
        key = key_value[0]
        if len(key_value) == 2:
            value = key_value[1]
            errors = label_value_errors(value)
            if errors:
                raise TaintSpecError(f"invalid taint spec: {spec}, {'; '.join(errors)}")
    else:
        raise TaintSpecError(f"invalid taint spec: {spec}")
    errors = qualified_name_errors(key)
    if errors:
        raise TaintSpecError(f"invalid taint spec: {spec}, {'; '.join(errors)}")
    return _taint(key, value, effect)


def parse_taints(specs) -> tuple[list[dict], list[dict]]:
    to_add: list[dict] = []
    to_remove: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.endswith("-"):
            taint = parse_taint(spec[:-1])
            to_remove.append(_taint(taint["key"], effect=taint.get("effect", "")))
            continue
        taint = parse_taint(spec)
        if not taint.get("effect"):
            raise TaintSpecError(f"invalid taint spec: {spec}")
        identity = (taint["effect"], taint["key"])
        if identity in seen:
            # %v of a corev1.Taint value: {Key Value Effect TimeAdded}
            raise TaintSpecError("duplicated taints with the same key and effect: "
                                 f"{{{taint['key']} {taint.get('value', '')} {taint['effect']} <nil>}}")
        seen.add(identity)
        to_add.append(taint)
    return to_add, to_remove


def conflicts(to_add: list[dict], to_remove: list[dict]) -> list[str]:
    out = []
    for added in to_add:
        for removed in to_remove:
            if added["key"] != removed["key"]:
                continue
            if not removed.get("effect") or added.get("effect") == removed.get("effect"):
                out.append(f"{removed['key']}={removed.get('effect', '')}")
    return out


def _matches(a: dict, b: dict) -> bool:
    """Taint.MatchTaint: same key and effect."""
    return a.get("key") == b.get("key") and (a.get("effect") or "") == (b.get("effect") or "")


def existing_clashes(current: list[dict], to_add: list[dict]) -> str:
    return ",".join(taint["key"] for taint in to_add for old in current if _matches(taint, old))


def taint_string(taint: dict) -> str:
    key, value, effect = taint.get("key", ""), taint.get("value") or "", taint.get("effect") or ""
    if not effect:
        return f"{key}={value}:" if value else key
    return f"{key}={value}:{effect}" if value else f"{key}:{effect}"


def reorganize(current: list[dict], overwrite: bool, to_add: list[dict],
               to_remove: list[dict]) -> tuple[str, list[dict], list[str]]:
    new = [dict(t) for t in to_add]
    for old in current:
        if not any(_matches(t, old) for t in new):
            new.append(old)
    added = len(current) != len(new)
    errors: list[str] = []
    removed = False
    for taint in to_remove:
        before = len(new)
        if taint.get("effect"):
            new = [t for t in new if not _matches(taint, t)]
        else:
            new = [t for t in new if t.get("key") != taint["key"]]
        removed = len(new) != before  # kubectl keeps only the last removal's outcome
        if not removed:
            errors.append(f"taint {go_quote(taint_string(taint))} not found")
    if (added and removed) or overwrite:
        return MODIFIED, new, errors
    return (TAINTED if added else UNTAINTED), new, errors




# -- the typed Node kubectl decodes (its JSON keeps Go struct order) ---------------------------------------

_META = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
         "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
         "managedFields")
_ORDERS: dict[str, tuple[str, ...]] = {
    "node": ("kind", "apiVersion", "metadata", "spec", "status"),
    "metadata": _META,
    "managedFields": ("manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"),
    "ownerReferences": ("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"),
    "spec": ("podCIDR", "podCIDRs", "providerID", "unschedulable", "taints", "configSource", "externalID"),
    "taints": ("key", "value", "effect", "timeAdded"),
    "status": ("capacity", "allocatable", "phase", "conditions", "addresses", "daemonEndpoints", "nodeInfo", "images",
               "volumesInUse", "volumesAttached", "config", "runtimeHandlers", "features"),
    "conditions": ("type", "status", "lastHeartbeatTime", "lastTransitionTime", "reason", "message"),
    "addresses": ("type", "address"),
    "nodeInfo": ("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
                 "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture", "swap"),
    "images": ("names", "sizeBytes"),
    "volumesAttached": ("name", "devicePath"),
}
_MAPS = {"labels", "annotations", "capacity", "allocatable", "fieldsV1"}


def typed_node(obj: dict) -> dict:
    """A Node as kubectl's typed object marshals it: fields in struct order, maps with sorted keys."""
    return _order(obj, "node")


def _order(value, field: str):
    if isinstance(value, list):
        return [_order(item, field) for item in value]
    if not isinstance(value, dict):
        return value
    if field in _MAPS:
        return _sorted_deep(value)
    order = _ORDERS.get(field)
    if order is None:
        return _sorted_deep(value)
    known = [key for key in order if key in value]
    rest = sorted(key for key in value if key not in order)
    return {key: _order(value[key], key) for key in known + rest}


def _sorted_deep(value):
    if isinstance(value, dict):
        return {key: _sorted_deep(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_deep(item) for item in value]
    return value
