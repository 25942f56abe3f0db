"""Pod templates inside workloads, as kubectl's set/run/expose see them: validation of images and env names,
finding the pod spec of an object (polymorphichelpers.updatePodSpecForObject), container selection."""

from __future__ import annotations

import fnmatch
import re

# github.com/distribution/reference's grammar, anchored.
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|{_IPV6})(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"^({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def image_reference_valid(image: str) -> bool:
    return bool(_REFERENCE.match(image))


def env_name_valid(name: str) -> bool:
    return bool(_ENV_NAME.match(name))


# kinds whose pod template kubectl's set verbs can change, and where it lives
_TEMPLATE_PATHS = {
    "Pod": ("spec",),
    "ReplicationController": ("spec", "template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_TEMPLATE_GROUPS = {
    "Pod": ("",), "ReplicationController": ("",), "Deployment": ("apps", "extensions"),
    "DaemonSet": ("apps", "extensions"), "ReplicaSet": ("apps", "extensions"), "StatefulSet": ("apps",),
    "Job": ("batch",), "CronJob": ("batch",),
}


def pod_spec_of(obj: dict, create: bool = True) -> dict | None:
    """The object's pod spec (creating the intermediate maps), or None when kubectl has no pod template for it."""
    kind = str(obj.get("kind") or "")
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    path = _TEMPLATE_PATHS.get(kind)
    if path is None or group not in _TEMPLATE_GROUPS[kind]:
        return None
    node = obj
    for key in path:
        child = node.get(key)
        if not isinstance(child, dict):
            if not create:
                return None
            child = node[key] = {}
        node = child
    return node


def select_containers(containers: list, pattern: str) -> tuple[list, list]:
    """selectContainers: (matching, the rest), with shell-style wildcards in the name pattern."""
    matched, rest = [], []
    for container in containers:
        (matched if fnmatch.fnmatchcase(str(container.get("name") or ""), pattern) else rest).append(container)
    return matched, rest


def _template_defaults(template: dict) -> None:
    template.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    spec = template.setdefault("spec", {})
    _pod_spec_defaults(spec)


def _pod_spec_defaults(spec: dict) -> None:
    for key in ("initContainers", "containers"):
        for container in spec.get(key) or ():
            if isinstance(container, dict):
                container.setdefault("resources", {})
    spec.setdefault("containers", None)


# status fields without omitempty: a typed object prints them as 0
_STATUS_COUNTERS = {"StatefulSet": ("replicas", "availableReplicas"), "ReplicaSet": ("replicas",),
                    "ReplicationController": ("replicas",)}
_STRATEGY_FIELD = {"Deployment": "strategy", "DaemonSet": "updateStrategy", "StatefulSet": "updateStrategy"}


def typed_defaults(obj: dict) -> dict:
    """What encoding a typed object adds to a manifest: the struct fields without omitempty
    (creationTimestamp: null, resources: {}, status: {}, a deployment's strategy: {}…)."""
    import copy

    obj = copy.deepcopy(obj)
    kind = str(obj.get("kind") or "")
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    if kind == "List" or not kind:
        return obj
    obj.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    if kind in _TEMPLATE_PATHS and group in _TEMPLATE_GROUPS[kind]:
        spec = obj.setdefault("spec", {})
        if kind == "Pod":
            _pod_spec_defaults(spec)
        elif kind == "CronJob":
            job = spec.setdefault("jobTemplate", {})
            job.setdefault("metadata", {}).setdefault("creationTimestamp", None)
            _template_defaults(job.setdefault("spec", {}).setdefault("template", {}))
        else:
            _template_defaults(spec.setdefault("template", {}))
            if kind in _STRATEGY_FIELD:
                spec.setdefault(_STRATEGY_FIELD[kind], {})
        if kind == "StatefulSet":
            spec.setdefault("serviceName", "")
        if kind == "DaemonSet":
            obj.setdefault("status", {}).update({k: v for k, v in (
                ("currentNumberScheduled", 0), ("numberMisscheduled", 0), ("desiredNumberScheduled", 0),
                ("numberReady", 0)) if k not in obj.get("status", {})})
        status = obj.setdefault("status", {})
        for key in _STATUS_COUNTERS.get(kind, ()):
            status.setdefault(key, 0)
    elif kind == "Service" and group == "":
        obj.setdefault("spec", {})
        obj.setdefault("status", {}).setdefault("loadBalancer", {})
    return obj


class QuantityError(ValueError):
    pass


_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


def canonical_quantity(text: str) -> str:
    """resource.Quantity's canonical string for the common forms (plain, decimal and binary suffixes)."""
    from decimal import Decimal, InvalidOperation
    from fractions import Fraction

    match = _QUANTITY.match(text)
    if not match:
        raise QuantityError("quantities must match the regular expression "
                            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    number, suffix = match.groups()
    try:
        value = Fraction(Decimal(number))
    except InvalidOperation:
        raise QuantityError("unable to parse quantity's suffix") from None
    if suffix in _BINARY:
        value *= 1024 ** _BINARY[suffix]
        if value.denominator == 1 and value >= 1024:
            exponent = 0
            while exponent < 6 and value % (1024 ** (exponent + 1)) == 0:
                exponent += 1
            suffixes = {v: k for k, v in _BINARY.items()}
            return f"{int(value / 1024 ** exponent)}{suffixes.get(exponent, '')}"
    elif suffix in _DECIMAL:
        value *= Fraction(10) ** _DECIMAL[suffix]
    else:
        return text
    # decimal form: the largest power of 1000 that keeps the number whole (down to nano)
    best = -9
    for exponent in (18, 15, 12, 9, 6, 3, 0, -3, -6, -9):
        scaled = value / Fraction(10) ** exponent
        if scaled.denominator == 1:
            best = exponent
            break
    scaled = value / Fraction(10) ** best
    if scaled.denominator != 1:  # finer than nano: round up as Quantity does
        scaled = Fraction(-(-scaled.numerator // scaled.denominator))
    names = {v: k for k, v in _DECIMAL.items()}
    return f"{int(scaled)}{names[best]}"
