"""ResourceQuota: the status controller (pkg/controller/resourcequota) and the admission check
(plugin/pkg/admission/resourcequota), with the usage evaluators of pkg/quota/v1/evaluator/core.

status.hard mirrors spec.hard; status.used holds, for each resource named in hard that an evaluator knows,
the namespace's current usage: object counts (`pods`, `services`, `configmaps`, `secrets`,
`persistentvolumeclaims`, `replicationcontrollers`, `resourcequotas`, `count/<resource>[.<group>]`),
compute requests and limits of non-terminal pods (`requests.cpu`, `cpu`, `limits.memory`, …),
`services.loadbalancers`, `services.nodeports` and `requests.storage` of claims. Quota scopes (BestEffort,
NotBestEffort, Terminating, NotTerminating) narrow which pods count.

`admit(store, info, obj)` is called by the store before a create is stored: a new object that would take a
namespace past a quota's hard limit is refused with the apiserver's 403 ("exceeded quota: …"), and a pod
without the requests or limits a quota tracks with "failed quota: …: must specify …". Usage is counted afresh
from the store, so the check does not depend on the controller having caught up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..cluster import quantity as q
from . import _base as b

MANAGER = b.MANAGER
GROUP, RESOURCE = "", "resourcequotas"

# evaluators of plain object counts: resource → the names a quota may use for it
_CORE_COUNTS = {"services": "services", "configmaps": "configmaps", "secrets": "secrets",
                "persistentvolumeclaims": "persistentvolumeclaims",
                "replicationcontrollers": "replicationcontrollers", "resourcequotas": "resourcequotas"}
_POD_COMPUTE = {"requests.cpu": ("requests", "cpu"), "cpu": ("requests", "cpu"),
                "requests.memory": ("requests", "memory"), "memory": ("requests", "memory"),
                "requests.ephemeral-storage": ("requests", "ephemeral-storage"),
                "ephemeral-storage": ("requests", "ephemeral-storage"),
                "limits.cpu": ("limits", "cpu"), "limits.memory": ("limits", "memory"),
                "limits.ephemeral-storage": ("limits", "ephemeral-storage")}
# what a BestEffort/NotBestEffort/Terminating/NotTerminating-scoped quota may track
_SCOPE_RESOURCES = {"BestEffort": {"pods", "count/pods"}}


# ------------------------------------------------------------------------------------------------ quantities


class Quantity:
    """A resource.Quantity reduced to what quota arithmetic needs: a value and the format its text keeps."""

    __slots__ = ("value", "format")

    def __init__(self, value: Decimal | int = 0, fmt: str = "DecimalSI"):
        self.value, self.format = Decimal(value), fmt

    @classmethod
    def parse(cls, text: Any) -> Quantity:
        raw = str(text if text is not None else "").strip()
        fmt = "BinarySI" if raw.endswith(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")) else \
            "DecimalExponent" if "e" in raw.lower() else "DecimalSI"
        return cls(q.parse(raw), fmt)

    def add(self, other: Quantity) -> Quantity:
        """Quantity.Add: a zero receiver takes the other's format."""
        return Quantity(self.value + other.value, other.format if self.value == 0 else self.format)

    def __str__(self) -> str:
        return format_quantity(self.value, self.format)


def _nano_round_up(value: Decimal) -> Decimal:
    scaled = value * Decimal(10**9)
    integral = scaled.to_integral_value(rounding="ROUND_CEILING")
    return integral / Decimal(10**9)


def format_quantity(value: Decimal, fmt: str = "DecimalSI") -> str:
    """Quantity.String() in canonical form (values below a nano-unit round up, as Go's do)."""
    value = _nano_round_up(Decimal(value))
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if fmt == "BinarySI" and value >= 1024 and value == value.to_integral_value():
        number = int(value)
        suffix = ""
        for name in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"):
            if number % 1024:
                break
            number //= 1024
            suffix = name
        if suffix:
            return f"{sign}{number}{suffix}"
        return f"{sign}{number}"
    # DecimalSI: the largest exponent (a multiple of 3, from nano up) that keeps the mantissa whole
    mantissa, exponent = int(value * Decimal(10**9)), -9
    while mantissa % 1000 == 0 and exponent < 18:
        mantissa //= 1000
        exponent += 3
    suffix = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}[exponent]
    return f"{sign}{mantissa}{suffix}"


# ------------------------------------------------------------------------------------------------ usage


def _terminal(pod: dict) -> bool:
    """QuotaV1Pod: a pod no longer counts once it succeeded or failed (or its grace period ran out)."""
    return b.pod_phase(pod) in ("Succeeded", "Failed")


def _best_effort(pod: dict) -> bool:
    for container in ((pod.get("spec") or {}).get("containers") or []) + \
            ((pod.get("spec") or {}).get("initContainers") or []):
        resources = container.get("resources") or {}
        if resources.get("requests") or resources.get("limits"):
            return False
    return True


def pod_matches_scopes(pod: dict, scopes: list[str]) -> bool:
    spec = pod.get("spec") or {}
    for scope in scopes:
        if scope == "BestEffort" and not _best_effort(pod):
            return False
        if scope == "NotBestEffort" and _best_effort(pod):
            return False
        if scope == "Terminating" and spec.get("activeDeadlineSeconds") is None:
            return False
        if scope == "NotTerminating" and spec.get("activeDeadlineSeconds") is not None:
            return False
    return True


def pod_compute(pod: dict, kind: str, resource: str) -> Quantity:
    """resourcehelper.PodRequests/PodLimits for one resource: the sum over containers, or the largest init
    container if that is more."""
    spec = pod.get("spec") or {}
    total = Quantity()
    for container in spec.get("containers") or []:
        value = ((container.get("resources") or {}).get(kind) or {}).get(resource)
        if value is not None:
            total = total.add(Quantity.parse(value))
    for container in spec.get("initContainers") or []:
        value = ((container.get("resources") or {}).get(kind) or {}).get(resource)
        if value is not None:
            init = Quantity.parse(value)
            if container.get("restartPolicy") == "Always":
                total = total.add(init)
            elif init.value > total.value:
                total = init
    overhead = (spec.get("overhead") or {}).get(resource)
    if overhead is not None and total.value:
        total = total.add(Quantity.parse(overhead))
    return total


def _count_resource(name: str) -> tuple[str, str] | None:
    """`count/deployments.apps` → ("apps", "deployments"); `count/pods` → ("", "pods")."""
    if not name.startswith("count/"):
        return None
    resource, _, group = name[len("count/"):].partition(".")
    return group, resource


class _Usage:
    """Usage of one namespace, listed lazily from a `lister(group, resource, namespace)`."""

    def __init__(self, lister, namespace: str):
        self.lister, self.namespace = lister, namespace
        self._cache: dict[tuple[str, str], list[dict]] = {}

    def objects(self, group: str, resource: str) -> list[dict] | None:
        key = (group, resource)
        if key not in self._cache:
            try:
                self._cache[key] = self.lister(group, resource, self.namespace)
            except KeyError:
                return None
        return self._cache[key]

    def pods(self, scopes: list[str]) -> list[dict]:
        return [p for p in self.objects("", "pods") or [] if not _terminal(p) and pod_matches_scopes(p, scopes)]

    def used(self, name: str, scopes: list[str]) -> Quantity | None:
        """The usage of one quota resource, or None when no evaluator knows it."""
        if "BestEffort" in scopes and name not in _SCOPE_RESOURCES["BestEffort"]:
            return None
        if name in ("pods", "count/pods"):
            return Quantity(len(self.pods(scopes)))
        if name in _POD_COMPUTE:
            kind, resource = _POD_COMPUTE[name]
            total = Quantity()
            for pod in self.pods(scopes):
                total = total.add(pod_compute(pod, kind, resource))
            return total
        if name in _CORE_COUNTS:
            return Quantity(len(self.objects("", _CORE_COUNTS[name]) or []))
        if name == "services.loadbalancers":
            return Quantity(sum(1 for s in self.objects("", "services") or []
                                if (s.get("spec") or {}).get("type") == "LoadBalancer"))
        if name == "services.nodeports":
            return Quantity(sum(len((s.get("spec") or {}).get("ports") or []) for s in self.objects("", "services") or []
                                if (s.get("spec") or {}).get("type") in ("NodePort", "LoadBalancer")))
        if name == "requests.storage":
            total = Quantity()
            for claim in self.objects("", "persistentvolumeclaims") or []:
                value = (((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
                if value is not None:
                    total = total.add(Quantity.parse(value))
            return total
        counted = _count_resource(name)
        if counted is not None:
            found = self.objects(*counted)
            return None if found is None else Quantity(len(found))
        return None


def quota_status(quota: dict, usage: _Usage) -> dict:
    """ResourceQuotaStatus: hard = spec.hard (canonical), used = usage of each resource in hard (sorted keys)."""
    spec = quota.get("spec") or {}
    hard_spec = spec.get("hard") or {}
    scopes = list(spec.get("scopes") or [])
    hard = {name: str(Quantity.parse(hard_spec[name])) for name in sorted(hard_spec)}
    used = {}
    for name in sorted(hard_spec):
        value = usage.used(name, scopes)
        if value is not None:
            used[name] = str(value)
    status: dict = {}
    if hard:
        status["hard"] = hard
    if used:
        status["used"] = used
    return status


# ------------------------------------------------------------------------------------------------ controller


class ResourceQuotaController:
    name = "resourcequota-controller"
    watches = ((GROUP, RESOURCE), ("", "pods"), ("", "services"), ("", "configmaps"), ("", "secrets"),
               ("", "persistentvolumeclaims"), ("", "replicationcontrollers"))

    def reconcile(self, cluster, event) -> None:
        namespace = b.ns_of(event.object)
        if (event.group, event.resource) == (GROUP, RESOURCE):
            if event.type != "DELETED":
                self.sync(cluster, namespace, b.name_of(event.object))
            return
        for quota in cluster.list(GROUP, RESOURCE, namespace):
            self.sync(cluster, namespace, b.name_of(quota))

    def tick(self, cluster) -> None:
        # count/<resource>.<group> may name any type; those changes are picked up here
        for quota in cluster.list(GROUP, RESOURCE):
            if any(k.startswith("count/") for k in ((quota.get("spec") or {}).get("hard") or {})):
                self.sync(cluster, b.ns_of(quota), b.name_of(quota))

    def sync(self, cluster, namespace: str, name: str) -> None:
        quota = cluster.get(GROUP, RESOURCE, namespace, name)
        if quota is None or b.deleting(quota):
            return
        status = quota_status(quota, _Usage(lambda g, r, ns: cluster.list(g, r, ns), namespace))
        if status == (quota.get("status") or {}):
            return

        def change(current: dict) -> None:
            current["status"] = status

        cluster.mutate(GROUP, RESOURCE, namespace, name, change, status=True, manager=MANAGER)


# ------------------------------------------------------------------------------------------------ admission


class QuotaExceeded(Exception):
    pass


def _pretty(values: dict[str, str]) -> str:
    return ",".join(f"{k}={values[k]}" for k in sorted(values))


def _lister(store):
    def list_(group: str, resource: str, namespace: str) -> list[dict]:
        info = None
        versions = [store.catalog.preferred_version(group)] if group else ["v1"]
        for version in versions:
            if version:
                info = store.catalog.lookup(group, version, resource)
        if info is None:
            raise KeyError(resource)
        return store.list(info, namespace).items
    return list_


def _requested(info, obj: dict) -> dict[str, Quantity]:
    """What creating `obj` adds to each quota resource its evaluators know."""
    group, resource = info.group, info.resource
    count_name = f"count/{resource}" if not group else f"count/{resource}.{group}"
    added: dict[str, Quantity] = {count_name: Quantity(1)}
    if not group and resource in _CORE_COUNTS:
        added[resource] = Quantity(1)
    if (group, resource) == ("", "pods"):
        if _terminal(obj):
            return {}
        added["pods"] = Quantity(1)
        for name, (kind, res) in _POD_COMPUTE.items():
            added[name] = pod_compute(obj, kind, res)
    elif (group, resource) == ("", "services"):
        spec = obj.get("spec") or {}
        added["services.loadbalancers"] = Quantity(1 if spec.get("type") == "LoadBalancer" else 0)
        added["services.nodeports"] = Quantity(len(spec.get("ports") or [])
                                               if spec.get("type") in ("NodePort", "LoadBalancer") else 0)
    elif (group, resource) == ("", "persistentvolumeclaims"):
        value = (((obj.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
        added["requests.storage"] = Quantity.parse(value) if value is not None else Quantity()
    return added


_VALIDATION_SET = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


def _container_compute(container: dict) -> set[str]:
    """podComputeUsageHelper's resource names for one container."""
    resources = container.get("resources") or {}
    names = set()
    for res in ("cpu", "memory"):
        if res in (resources.get("requests") or {}):
            names |= {res, f"requests.{res}"}
        if res in (resources.get("limits") or {}):
            names.add(f"limits.{res}")
    return names


def _missing_compute(obj: dict, tracked: list[str]) -> list[str]:
    """The pod evaluator's Constraints: each container must set every cpu/memory request or limit a quota
    tracks; `requests.cpu for: a,b` per missing resource, sorted."""
    required = set(tracked) & set(_VALIDATION_SET)
    missing: dict[str, set[str]] = {}
    spec = obj.get("spec") or {}
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        for name in required - _container_compute(container):
            missing.setdefault(name, set()).add(container.get("name", ""))
    return [f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing)]


def admit(store, info, obj: dict) -> None:
    """Refuse a create that a ResourceQuota of its namespace does not allow (a 403 with the plugin's text)."""
    namespace = b.ns_of(obj)
    if not info.namespaced or not namespace or (info.group, info.resource) == ("", "events"):
        return
    quota_info = store.catalog.lookup("", "v1", RESOURCE)
    quotas = store.list(quota_info, namespace).items
    if not quotas:
        return
    requested = _requested(info, obj)
    if not requested:
        return
    usage = _Usage(_lister(store), namespace)
    is_pod = (info.group, info.resource) == ("", "pods")
    interesting = []
    for quota in sorted(quotas, key=b.name_of):
        spec = quota.get("spec") or {}
        scopes = list(spec.get("scopes") or [])
        if is_pod and not pod_matches_scopes(obj, scopes):
            continue
        hard = spec.get("hard") or {}
        tracked = [name for name in sorted(hard) if name in requested]
        if is_pod and "BestEffort" in scopes:
            tracked = [n for n in tracked if n in _SCOPE_RESOURCES["BestEffort"]]
        if is_pod:
            problems = _missing_compute(obj, tracked)
            if problems:
                _forbid(info, obj, f"failed quota: {b.name_of(quota)}: must specify {'; '.join(problems)}")
        interesting.append((quota, scopes, hard, tracked))
    for quota, scopes, hard, tracked in interesting:
        exceeded_req, exceeded_used, exceeded_hard = {}, {}, {}
        for name in tracked:
            want = requested[name]
            if want.value == 0:
                continue
            used = usage.used(name, scopes) or Quantity()
            limit = Quantity.parse(hard[name])
            if used.value + want.value > limit.value:
                exceeded_req[name], exceeded_used[name], exceeded_hard[name] = str(want), str(used), str(limit)
        if exceeded_req:
            _forbid(info, obj, f"exceeded quota: {b.name_of(quota)}, requested: {_pretty(exceeded_req)}, "
                               f"used: {_pretty(exceeded_used)}, limited: {_pretty(exceeded_hard)}")


def _forbid(info, obj: dict, message: str) -> None:
    from .. import status
    from ..status import StatusError

    raise StatusError(status.forbidden(info.resource, info.group, b.name_of(obj), message))
