"""In-memory object store: identity, resourceVersion, generation, finalizers, garbage collection, watch bus.

Plain Python with no HTTP in it (STYLE C14): every failure is a `StoreError` carrying the Status body the
wire layer writes. One re-entrant lock owns all state, so handlers on the event loop and tests seeding
objects from another thread can both call in.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import json
import random
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import admission, status
from .status import StatusError


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON tree (dicts, lists, scalars): stored objects are nothing else, and this is
    several times faster than copy.deepcopy, which dominates large lists."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value


class StoreError(StatusError):
    """A store failure; `body` is the v1 Status to send."""


def _fail(body: dict) -> StoreError:
    return StoreError(body)


def now_rfc3339() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
CRD_GROUP, CRD_RESOURCE = "apiextensions.k8s.io", "customresourcedefinitions"
NS_KEY = ("", "namespaces")
HISTORY = 2000  # watch events kept for resuming; older resourceVersions get 410 Expired


@dataclass
class Event:
    type: str  # ADDED, MODIFIED, DELETED
    object: dict
    rv: int
    group: str
    resource: str
    namespace: str


@dataclass
class Subscription:
    """A watcher: `deliver(event)` is called (under the store lock) for each matching event."""

    group: str
    resource: str
    namespace: str | None
    deliver: Callable[[Event], None]
    store: Store | None = field(default=None, repr=False)

    def matches(self, event: Event) -> bool:
        return (event.group, event.resource) == (self.group, self.resource) and (
            self.namespace is None or self.namespace == event.namespace)

    def close(self) -> None:
        if self.store is not None:
            self.store._unsubscribe(self)
            self.store = None


@dataclass(frozen=True)
class ListResult:
    items: list[dict]
    resource_version: str
    continue_token: str
    remaining: int | None


def _meta(obj: dict) -> dict:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    return meta


def _spec_part(obj: dict) -> dict:
    """What `generation` tracks: everything but metadata and status."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def _comparable(obj: dict) -> dict:
    out = json_copy(obj)
    meta = out.get("metadata", {})
    for key in ("resourceVersion", "managedFields"):
        meta.pop(key, None)
    return out


_GENERATION_GROUPS = {"apps", "batch", "apiextensions.k8s.io", "admissionregistration.k8s.io"}
_GENERATION_RESOURCES = {("", "replicationcontrollers"), ("policy", "poddisruptionbudgets"),
                         ("autoscaling", "horizontalpodautoscalers"), ("networking.k8s.io", "networkpolicies"),
                         ("networking.k8s.io", "ingresses"), ("flowcontrol.apiserver.k8s.io", "flowschemas")}


def _tracks_generation(info) -> bool:
    """Whether the registry strategy stamps metadata.generation (workloads, CRDs, custom objects; not pods)."""
    return (info.group in _GENERATION_GROUPS or (info.group, info.resource) in _GENERATION_RESOURCES
            or bool(getattr(info, "crd_name", None)))


class _NotifyingLock:
    """The store's re-entrant lock; when its outermost holder lets go, the changes committed meanwhile go to the
    store's listeners (`Store.add_listener`), in commit order, outside the lock."""

    def __init__(self, store: Store):
        self._lock = threading.RLock()
        self._depth = threading.local()
        self._store = store

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not self._lock.acquire(blocking, timeout):
            return False
        self._depth.n = getattr(self._depth, "n", 0) + 1
        return True

    def release(self) -> None:
        self._depth.n -= 1
        pending: list[Event] = []
        if self._depth.n == 0 and self._store._pending:
            pending, self._store._pending = self._store._pending, []
        self._lock.release()
        for event in pending:
            for listener in list(self._store._listeners):
                listener(event)

    def __enter__(self) -> _NotifyingLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.release()


def _graceful_pod(info, meta: dict) -> bool:
    """A pod its kubelet is still stopping (graceful deletion): writes do not remove it."""
    return (info.group, info.resource) == ("", "pods") and bool(meta.get("deletionGracePeriodSeconds")) \
        and not meta.get("finalizers")


def _name_suffix() -> str:
    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))


class Store:
    def __init__(self, catalog: Any, history: int = HISTORY):
        self.catalog = catalog
        self.graceful_pods = False  # set by the simulated cluster, whose kubelet finishes pod deletion
        self._listeners: list[Callable[[Event], None]] = []
        self._pending: list[Event] = []
        self._lock = _NotifyingLock(self)
        self._objects: dict[tuple[str, str], dict[tuple[str, str], dict]] = {}
        self._rv = 0
        self._history: deque[Event] = deque(maxlen=history)
        self._subscribers: list[Subscription] = []
        network = ipaddress.ip_network("10.96.0.0/12")
        self._next_ip = int(network.network_address) + 1
        self._used_ips: set[str] = set()
        for name in SYSTEM_NAMESPACES:
            self._insert_system_namespace(name)
        self._insert_default_service()
        from . import rbac

        rbac.seed(self)  # the bootstrap RBAC policy, and the clusterrole-aggregation controller

    # ----------------------------------------------------------------- lookups and helpers

    @property
    def lock(self) -> _NotifyingLock:
        return self._lock

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        """Call `listener(event)` after each committed change, in commit order, outside the store lock."""
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[Event], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def resource_version(self) -> int:
        return self._rv

    def info(self, group: str, version: str, resource: str):
        return self.catalog.lookup(group, version, resource)

    def _bucket(self, info) -> dict[tuple[str, str], dict]:
        return self._objects.setdefault((info.group, info.resource), {})

    def _next_rv(self) -> int:
        self._rv += 1
        return self._rv

    def oldest_rv(self) -> int:
        with self._lock:
            full = len(self._history) == self._history.maxlen
            return self._history[0].rv - 1 if full and self._history else 0

    def allocate_cluster_ip(self, wanted: str | None = None) -> str:
        with self._lock:
            if wanted:
                if wanted in self._used_ips:
                    raise _fail(status.invalid("Service", "", "", [{
                        "reason": "FieldValueInvalid", "field": "spec.clusterIPs",
                        "message": f'Invalid value: []string{{"{wanted}"}}: failed to allocate IP {wanted}: '
                                   "provided IP is already allocated"}]))
                self._used_ips.add(wanted)
                return wanted
            while True:
                ip = str(ipaddress.ip_address(self._next_ip))
                self._next_ip += 1
                if ip not in self._used_ips:
                    self._used_ips.add(ip)
                    return ip

    def release_cluster_ips(self, obj: dict) -> None:
        for ip in (obj.get("spec") or {}).get("clusterIPs") or []:
            self._used_ips.discard(ip)

    def namespace_exists(self, name: str) -> bool:
        return (("", name) in self._objects.get(NS_KEY, {}))

    def _insert_system_namespace(self, name: str) -> None:
        obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        admission.default_namespace(obj)
        self._stamp_new(obj, "kube-apiserver", "v1")
        obj["metadata"]["resourceVersion"] = str(self._next_rv())
        self._objects.setdefault(NS_KEY, {})[("", name)] = obj

    def _insert_default_service(self) -> None:
        ip = self.allocate_cluster_ip("10.96.0.1")
        obj = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "kubernetes", "namespace": "default",
                            "labels": {"component": "apiserver", "provider": "kubernetes"}},
               "spec": {"clusterIP": ip, "clusterIPs": [ip], "internalTrafficPolicy": "Cluster",
                        "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                        "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                        "sessionAffinity": "None", "type": "ClusterIP"},
               "status": {"loadBalancer": {}}}
        self._stamp_new(obj, "kube-apiserver", "v1")
        obj["metadata"]["resourceVersion"] = str(self._next_rv())
        self._objects.setdefault(("", "services"), {})[("default", "kubernetes")] = obj

    def insert_bootstrap(self, info, obj: dict) -> None:
        """Store an object as an apiserver post-start hook creates it at start: stamped already, no event."""
        with self._lock:
            obj["metadata"]["resourceVersion"] = str(self._next_rv())
            self._bucket(info)[(self._key_ns(info, obj["metadata"].get("namespace")), obj["metadata"]["name"])] = obj

    def _stamp_new(self, obj: dict, manager: str | None, api_version: str, operation: str = "Update",
                   subresource: str = "") -> None:
        meta = _meta(obj)
        meta["uid"] = meta.get("uid") or str(uuid.uuid4())
        meta["creationTimestamp"] = now_rfc3339()
        meta.pop("deletionTimestamp", None)
        meta.pop("deletionGracePeriodSeconds", None)
        meta.pop("selfLink", None)
        if manager:
            from . import patching
            patching.record_update(None, obj, manager, api_version, operation, subresource)
        else:
            meta.pop("managedFields", None)

    def _publish(self, info, etype: str, obj: dict, rv: int) -> None:
        event = Event(etype, json_copy(obj), rv, info.group, info.resource,
                      obj.get("metadata", {}).get("namespace", ""))
        self._history.append(event)
        if self._listeners:
            self._pending.append(event)
        for sub in list(self._subscribers):
            if sub.matches(event):
                sub.deliver(event)

    def _key_ns(self, info, namespace: str | None) -> str:
        return (namespace or "") if info.namespaced else ""

    def _require(self, info, namespace: str | None, name: str) -> dict:
        obj = self._bucket(info).get((self._key_ns(info, namespace), name))
        if obj is None:
            raise _fail(status.not_found(info.resource, info.group, name))
        return obj

    def _present(self, info, obj: dict) -> dict:
        out = json_copy(obj)
        out["apiVersion"] = info.api_version
        return out

    # ----------------------------------------------------------------- reads

    def get(self, info, namespace: str | None, name: str) -> dict:
        with self._lock:
            return self._present(info, self._require(info, namespace, name))

    def exists(self, info, namespace: str | None, name: str) -> bool:
        with self._lock:
            return (self._key_ns(info, namespace), name) in self._bucket(info)

    def list(self, info, namespace: str | None, predicate: Callable[[dict], bool] | None = None,
             limit: int = 0, continue_token: str = "") -> ListResult:
        with self._lock:
            start_after: tuple[str, str] | None = None
            list_rv = self._rv
            if continue_token:
                start_after, token_rv = _decode_continue(continue_token)
                if token_rv < self.oldest_rv():
                    raise _fail(status.expired(status.CONTINUE_EXPIRED))
                list_rv = token_rv
            keys = sorted(self._bucket(info))
            selected: list[dict] = []
            for key in keys:
                if namespace and info.namespaced and key[0] != namespace:
                    continue
                if start_after is not None and key <= start_after:
                    continue
                obj = self._bucket(info)[key]
                if predicate is None or predicate(obj):
                    selected.append((key, obj))
            token, remaining = "", None
            if limit and len(selected) > limit:
                remaining = len(selected) - limit
                selected = selected[:limit]
                token = _encode_continue(selected[-1][0], list_rv)
            return ListResult([self._present(info, obj) for _, obj in selected], str(list_rv), token, remaining)

    # ----------------------------------------------------------------- writes

    def create(self, info, namespace: str | None, obj: dict, *, dry_run: bool = False,
               field_manager: str | None = None, operation: str = "Update") -> dict:
        with self._lock:
            obj = json_copy(obj)
            meta = _meta(obj)
            obj["apiVersion"] = info.api_version
            obj.setdefault("kind", info.kind)
            ns = self._key_ns(info, namespace or meta.get("namespace"))
            if info.namespaced:
                meta["namespace"] = ns
            else:
                meta.pop("namespace", None)
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + _name_suffix()
            if not meta.get("name"):
                raise _fail(status.invalid(info.kind, info.group, "", [{
                    "reason": "FieldValueRequired", "message": "name or generateName is required",
                    "field": "metadata.name"}]))
            name = meta["name"]
            if info.namespaced:
                ns_obj = self._objects.get(NS_KEY, {}).get(("", ns))
                if ns_obj is None:
                    raise _fail(status.not_found("namespaces", "", ns))
                if ns_obj.get("metadata", {}).get("deletionTimestamp"):
                    raise _fail(status.forbidden(info.resource, info.group, name,
                                                 f"unable to create new content in namespace {ns} "
                                                 "because it is being terminated"))
            for key in ("resourceVersion", "uid", "creationTimestamp", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "generation", "selfLink"):
                meta.pop(key, None)
            # The uid exists before admission, as in the apiserver (a Job's generated selector names it).
            meta["uid"] = str(uuid.uuid4())
            admission.admit(self, info, obj, None, dry_run=dry_run)
            from .controllers import resourcequota  # the ResourceQuota admission plugin

            resourcequota.admit(self, info, obj)
            if (ns, name) in self._bucket(info):
                raise _fail(status.already_exists(info.resource, info.group, name))
            if info.group == CRD_GROUP and info.resource == CRD_RESOURCE:
                admission.check_crd_conflicts(self, obj)
            if _tracks_generation(info):
                meta["generation"] = 1
            keep_managed = operation == "Apply"
            managed = meta.get("managedFields") if keep_managed else None
            self._stamp_new(obj, None if keep_managed else field_manager, info.api_version)
            if keep_managed:
                meta["managedFields"] = managed
            if dry_run:
                return self._present(info, obj)
            rv = self._next_rv()
            meta["resourceVersion"] = str(rv)
            self._bucket(info)[(ns, name)] = obj
            self._publish(info, "ADDED", obj, rv)
            if info.group == CRD_GROUP and info.resource == CRD_RESOURCE:
                self._crd_established(obj)
            return self._present(info, obj)

    def update(self, info, namespace: str | None, name: str, obj: dict, *, dry_run: bool = False,
               field_manager: str | None = None, subresource: str = "", operation: str = "Update",
               check_rv: bool = True) -> dict:
        with self._lock:
            current = self._require(info, namespace, name)
            return self._replace(info, current, json_copy(obj), dry_run=dry_run,
                                 field_manager=field_manager, subresource=subresource,
                                 operation=operation, check_rv=check_rv)

    def mutate(self, info, namespace: str | None, name: str, change: Callable[[dict], dict], *,
               dry_run: bool = False, field_manager: str | None = None, subresource: str = "",
               operation: str = "Update") -> dict:
        """Read-modify-write under the lock: `change(current_copy)` returns the new object (patches)."""
        with self._lock:
            current = self._require(info, namespace, name)
            new = change(self._present(info, current))
            return self._replace(info, current, new, dry_run=dry_run, field_manager=field_manager,
                                 subresource=subresource, operation=operation, check_rv=True)

    def _replace(self, info, current: dict, new: dict, *, dry_run: bool, field_manager: str | None,
                 subresource: str, operation: str, check_rv: bool) -> dict:
        cur_meta = current["metadata"]
        name = cur_meta["name"]
        meta = _meta(new)
        if meta.get("name") not in (None, name):
            raise _fail(status.bad_request(
                f'the name of the object ({meta.get("name")}) does not match the name on the URL ({name})'))
        wanted_rv = meta.get("resourceVersion")
        if check_rv and wanted_rv and wanted_rv != cur_meta.get("resourceVersion"):
            raise _fail(status.conflict(info.resource, info.group, name))
        new["apiVersion"] = info.api_version
        new["kind"] = current.get("kind", info.kind)
        meta["name"] = name
        if info.namespaced:
            meta["namespace"] = cur_meta.get("namespace", "")
        for key in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
            if key in cur_meta:
                meta[key] = cur_meta[key]
            else:
                meta.pop(key, None)
        has_status = "status" in (info.subresources or ())
        if subresource in ("status", "approval"):
            # Only status may change through /status (and CSR /approval); the rest comes from the live object.
            merged = json_copy(current)
            if "status" in new:
                merged["status"] = new["status"]
            else:
                merged.pop("status", None)
            merged["metadata"]["managedFields"] = meta.get("managedFields", cur_meta.get("managedFields"))
            new, meta = merged, merged["metadata"]
        elif subresource in ("scale", "binding"):
            pass  # handlers build the full object
        elif has_status:
            if "status" in current:
                new["status"] = json_copy(current["status"])
            else:
                new.pop("status", None)
        if subresource in ("", "scale"):
            admission.admit(self, info, new, current, dry_run=dry_run)
        if _tracks_generation(info):
            generation = cur_meta.get("generation", 1)
            if _spec_part(new) != _spec_part(current) and subresource != "status":
                generation += 1
            meta["generation"] = generation
        else:
            meta.pop("generation", None)
        if field_manager and operation != "Apply":
            from . import patching
            patching.record_update(current, new, field_manager, info.api_version, operation, subresource)
        meta["resourceVersion"] = cur_meta.get("resourceVersion")
        if _comparable(new) == _comparable(current) and meta.get("managedFields") == cur_meta.get("managedFields"):
            return self._present(info, current)  # a no-op write keeps the resourceVersion
        if dry_run:
            return self._present(info, new)
        rv = self._next_rv()
        meta["resourceVersion"] = str(rv)
        key = (self._key_ns(info, meta.get("namespace")), name)
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and not _graceful_pod(info, cur_meta):
            self._bucket(info).pop(key, None)
            self._publish(info, "DELETED", new, rv)
            self._after_removal(info, new)
            return self._present(info, new)
        self._bucket(info)[key] = new
        self._publish(info, "MODIFIED", new, rv)
        return self._present(info, new)

    # ----------------------------------------------------------------- deletes

    def delete(self, info, namespace: str | None, name: str, *, propagation: str | None = None,
               dry_run: bool = False, preconditions: dict | None = None,
               grace_period: int | None = None) -> tuple[dict, bool]:
        """Returns (object, gone): gone is False while finalizers hold the object."""
        with self._lock:
            current = self._require(info, namespace, name)
            meta = current["metadata"]
            pre = preconditions or {}
            if pre.get("uid") and pre["uid"] != meta.get("uid"):
                raise _fail(status.conflict(info.resource, info.group, name,
                                            f"Precondition failed: UID in precondition: {pre['uid']}, "
                                            f"UID in object meta: {meta.get('uid')}"))
            if pre.get("resourceVersion") and pre["resourceVersion"] != meta.get("resourceVersion"):
                raise _fail(status.conflict(info.resource, info.group, name,
                                            "Precondition failed: ResourceVersion in precondition: "
                                            f"{pre['resourceVersion']}, ResourceVersion in object meta: "
                                            f"{meta.get('resourceVersion')}"))
            if dry_run:
                return self._present(info, current), True
            policy = propagation or self._default_propagation(info)
            key = (self._key_ns(info, namespace), name)
            if info.group == "" and info.resource == "namespaces":
                return self._delete_namespace(info, current)
            if info.group == "" and info.resource == "pods" and self.graceful_pods:
                graceful = self._graceful_pod_delete(info, key, current, grace_period)
                if graceful is not None:
                    return graceful
            if policy == "Orphan":
                self._orphan_dependents(meta.get("uid"))
            finalizers = list(meta.get("finalizers") or [])
            if policy == "Foreground" and self._has_dependents(meta.get("uid")):
                if meta.get("deletionTimestamp") is None:
                    updated = json_copy(current)
                    umeta = updated["metadata"]
                    umeta["deletionTimestamp"] = now_rfc3339()
                    umeta["deletionGracePeriodSeconds"] = 0
                    umeta["finalizers"] = finalizers + ["foregroundDeletion"]
                    rv = self._next_rv()
                    umeta["resourceVersion"] = str(rv)
                    self._bucket(info)[key] = updated
                    self._publish(info, "MODIFIED", updated, rv)
                    response = self._present(info, updated)
                    self._delete_dependents(meta.get("uid"))
                    # Dependents are gone at once here, so foreground deletion completes immediately.
                    self._finish_finalizer(info, key, "foregroundDeletion")
                    return response, not finalizers
            if finalizers:
                if meta.get("deletionTimestamp") is None:
                    updated = json_copy(current)
                    updated["metadata"]["deletionTimestamp"] = now_rfc3339()
                    updated["metadata"]["deletionGracePeriodSeconds"] = 0
                    rv = self._next_rv()
                    updated["metadata"]["resourceVersion"] = str(rv)
                    self._bucket(info)[key] = updated
                    self._publish(info, "MODIFIED", updated, rv)
                    return self._present(info, updated), False
                return self._present(info, current), False
            self._bucket(info).pop(key, None)
            rv = self._next_rv()
            gone = json_copy(current)
            gone["metadata"]["resourceVersion"] = str(rv)
            self._publish(info, "DELETED", gone, rv)
            self._after_removal(info, gone, policy)
            return self._present(info, current), True

    def _graceful_pod_delete(self, info, key, current: dict, grace_period: int | None) -> tuple[dict, bool] | None:
        """A pod on a node is only marked (deletionTimestamp = now + grace): its kubelet stops the containers and
        removes it. None: delete at once (grace 0, not scheduled, or already finished)."""
        spec, meta = current.get("spec") or {}, current["metadata"]
        grace = grace_period if grace_period is not None else spec.get("terminationGracePeriodSeconds", 30)
        if (grace is None or grace <= 0 or not spec.get("nodeName")
                or (current.get("status") or {}).get("phase") in ("Succeeded", "Failed")):
            return None
        if meta.get("deletionTimestamp") and meta.get("deletionGracePeriodSeconds", grace) <= grace:
            return self._present(info, current), False
        updated = json_copy(current)
        at = _dt.datetime.now(_dt.UTC) + _dt.timedelta(seconds=grace)
        updated["metadata"]["deletionTimestamp"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        updated["metadata"]["deletionGracePeriodSeconds"] = grace
        rv = self._next_rv()
        updated["metadata"]["resourceVersion"] = str(rv)
        self._bucket(info)[key] = updated
        self._publish(info, "MODIFIED", updated, rv)
        return self._present(info, updated), False

    def _default_propagation(self, info) -> str:
        # Older group-versions default to Orphan; everything kubectl 1.32 talks to defaults to Background.
        return "Background"

    def _finish_finalizer(self, info, key, finalizer: str) -> None:
        obj = self._bucket(info).get(key)
        if obj is None:
            return
        updated = json_copy(obj)
        updated["metadata"]["finalizers"] = [f for f in updated["metadata"].get("finalizers", []) if f != finalizer]
        if not updated["metadata"]["finalizers"]:
            updated["metadata"].pop("finalizers")
        rv = self._next_rv()
        updated["metadata"]["resourceVersion"] = str(rv)
        if not updated["metadata"].get("finalizers"):
            self._bucket(info).pop(key, None)
            self._publish(info, "DELETED", updated, rv)
            self._after_removal(info, updated)
        else:
            self._bucket(info)[key] = updated
            self._publish(info, "MODIFIED", updated, rv)

    def _all_objects(self) -> Iterable[tuple[Any, tuple[str, str], dict]]:
        for (group, resource), bucket in list(self._objects.items()):
            info = self._info_for(group, resource)
            if info is None:
                continue
            for key, obj in list(bucket.items()):
                yield info, key, obj

    def _info_for(self, group: str, resource: str):
        for info in self.catalog.all():
            if info.group == group and info.resource == resource and "/" not in info.resource:
                return info
        return None

    def _has_dependents(self, uid: str | None) -> bool:
        return any(uid and any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or [])
                   for _, _, obj in self._all_objects())

    def _orphan_dependents(self, uid: str | None) -> None:
        for info, key, obj in self._all_objects():
            refs = obj["metadata"].get("ownerReferences") or []
            if uid and any(ref.get("uid") == uid for ref in refs):
                updated = json_copy(obj)
                kept = [ref for ref in refs if ref.get("uid") != uid]
                if kept:
                    updated["metadata"]["ownerReferences"] = kept
                else:
                    updated["metadata"].pop("ownerReferences")
                rv = self._next_rv()
                updated["metadata"]["resourceVersion"] = str(rv)
                self._bucket(info)[key] = updated
                self._publish(info, "MODIFIED", updated, rv)

    def _delete_dependents(self, uid: str | None) -> None:
        for info, key, obj in self._all_objects():
            refs = obj["metadata"].get("ownerReferences") or []
            if uid and any(ref.get("uid") == uid for ref in refs) and key in self._bucket(info):
                try:
                    self.delete(info, key[0] or None, key[1], propagation="Background")
                except StoreError:
                    pass

    def _after_removal(self, info, obj: dict, policy: str = "Background") -> None:
        meta = obj.get("metadata", {})
        if info.group == "" and info.resource == "services":
            self.release_cluster_ips(obj)
        if info.group == CRD_GROUP and info.resource == CRD_RESOURCE:
            self._crd_removed(obj)
        if policy != "Orphan":
            self._delete_dependents(meta.get("uid"))
        ns = meta.get("namespace")
        if ns:
            self._maybe_finish_namespace(ns)

    def _delete_namespace(self, info, current: dict) -> tuple[dict, bool]:
        name = current["metadata"]["name"]
        key = ("", name)
        terminating = json_copy(current)
        terminating["metadata"].setdefault("deletionTimestamp", now_rfc3339())
        terminating["status"] = {"phase": "Terminating"}
        rv = self._next_rv()
        terminating["metadata"]["resourceVersion"] = str(rv)
        self._bucket(info)[key] = terminating
        self._publish(info, "MODIFIED", terminating, rv)
        response = self._present(info, terminating)
        for oinfo, okey, _obj in self._all_objects():
            if oinfo.namespaced and okey[0] == name and okey in self._bucket(oinfo):
                try:
                    self.delete(oinfo, name, okey[1])
                except StoreError:
                    pass
        gone = self._maybe_finish_namespace(name)
        return response, gone

    def _maybe_finish_namespace(self, name: str) -> bool:
        ns_bucket = self._objects.get(NS_KEY, {})
        ns_obj = ns_bucket.get(("", name))
        if ns_obj is None:
            return True
        if not ns_obj["metadata"].get("deletionTimestamp") or ns_obj["metadata"].get("finalizers"):
            return False
        for (group, resource), bucket in self._objects.items():
            if (group, resource) != NS_KEY and any(k[0] == name for k in bucket):
                return False
        ns_bucket.pop(("", name), None)
        rv = self._next_rv()
        gone = json_copy(ns_obj)
        gone["metadata"]["resourceVersion"] = str(rv)
        info = self._info_for("", "namespaces")
        if info is not None:
            self._publish(info, "DELETED", gone, rv)
        return True

    def delete_collection(self, info, namespace: str | None, predicate: Callable[[dict], bool] | None = None,
                          *, propagation: str | None = None, dry_run: bool = False) -> list[dict]:
        with self._lock:
            result = self.list(info, namespace, predicate)
            deleted = []
            for obj in result.items:
                meta = obj["metadata"]
                try:
                    gone, _ = self.delete(info, meta.get("namespace"), meta["name"], propagation=propagation,
                                          dry_run=dry_run)
                    deleted.append(gone)
                except StoreError:
                    pass
            return deleted

    # ----------------------------------------------------------------- CRDs

    def _crd_established(self, crd: dict) -> None:
        key = ("", crd["metadata"]["name"])
        stored = self._objects[(CRD_GROUP, CRD_RESOURCE)][key]
        spec = stored.get("spec", {})
        names = dict(spec.get("names", {}))
        names.setdefault("singular", names.get("kind", "").lower())
        names.setdefault("listKind", names.get("kind", "") + "List")
        stamp = now_rfc3339()
        stored["status"] = {
            "acceptedNames": names,
            "conditions": [
                {"lastTransitionTime": stamp, "message": "no conflicts found", "reason": "NoConflicts",
                 "status": "True", "type": "NamesAccepted"},
                {"lastTransitionTime": stamp, "message": "the initial names have been accepted",
                 "reason": "InitialNamesAccepted", "status": "True", "type": "Established"}],
            "storedVersions": [v["name"] for v in spec.get("versions", []) if v.get("storage")]}
        rv = self._next_rv()
        stored["metadata"]["resourceVersion"] = str(rv)
        info = self._info_for(CRD_GROUP, CRD_RESOURCE)
        self.catalog.add_crd(json_copy(stored))
        if info is not None:
            self._publish(info, "MODIFIED", stored, rv)

    def _crd_removed(self, crd: dict) -> None:
        spec = crd.get("spec", {})
        self._objects.pop((spec.get("group", ""), spec.get("names", {}).get("plural", "")), None)
        self.catalog.remove_crd(crd)

    # ----------------------------------------------------------------- watch

    def subscribe(self, info, namespace: str | None, since_rv: int | None,
                  deliver: Callable[[Event], None]) -> tuple[Subscription, list[Event]]:
        """Register a watcher; returns it and the backlog: events after `since_rv` (None: none).

        Raises StoreError (410 Expired) when `since_rv` is older than the kept history.
        """
        with self._lock:
            sub = Subscription(info.group, info.resource, namespace if info.namespaced else None, deliver, self)
            backlog: list[Event] = []
            if since_rv is not None:
                if since_rv < self.oldest_rv():
                    raise _fail(status.too_old_resource_version(since_rv, self.oldest_rv() + 1))
                backlog = [e for e in self._history if e.rv > since_rv and sub.matches(e)]
            self._subscribers.append(sub)
            return sub, backlog

    def _unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)


def _encode_continue(after: tuple[str, str], rv: int) -> str:
    import base64
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": f"{after[0]}/{after[1]}"},
                     separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_continue(token: str) -> tuple[tuple[str, str], int]:
    import base64
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        ns, _, name = data["start"].partition("/")
        return (ns, name), int(data["rv"])
    except (ValueError, KeyError, TypeError):
        raise _fail(status.bad_request("continue key is not valid: illegal base64 data at input byte 0")) from None
