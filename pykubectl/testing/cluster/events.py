"""core/v1 Events as the real components write them.

Two shapes exist on a real cluster. The legacy recorder (kubelet, most controllers) fills source,
firstTimestamp/lastTimestamp/count and names the event `<object>.<hex unix nanos>`; identical repeats are
aggregated by bumping count and lastTimestamp. The events.k8s.io recorder (the scheduler) sets eventTime,
action and reportingInstance and leaves source empty and the timestamps null.
"""

from __future__ import annotations

import time
from typing import Any

from ..status import StatusError


def _involved(obj: dict, field_path: str | None) -> dict:
    meta = obj.get("metadata") or {}
    ref = {"apiVersion": obj.get("apiVersion", "v1"), "kind": obj.get("kind", "")}
    if field_path:
        ref["fieldPath"] = field_path
    ref["name"] = meta.get("name", "")
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if meta.get("uid"):
        ref["uid"] = meta["uid"]
    return ref


def record(cluster: Any, obj: dict, type_: str, reason: str, message: str, component: str,
           host: str | None = None, *, field_path: str | None = None, action: str | None = None,
           new_api: bool = False) -> dict | None:
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace") or "default"
    involved = _involved(obj, field_path)
    cache: dict = cluster.__dict__.setdefault("_event_keys", {})
    key = (component, host or "", involved.get("uid", involved["name"]), field_path or "", type_, reason, message)
    stamp = cluster.clock.rfc3339()
    existing = cache.get(key)
    if existing is not None and not new_api:
        ns, name = existing

        def bump(event: dict) -> None:
            event["count"] = int(event.get("count") or 1) + 1
            event["lastTimestamp"] = stamp

        try:
            updated = cluster.mutate("", "events", ns, name, bump)
        except StatusError:
            updated = None
        if updated is not None:
            return updated
    nanos = int(cluster.clock.now() * 1e9) + (time.perf_counter_ns() % 1000)
    event: dict = {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": f"{involved['name']}.{nanos:x}", "namespace": namespace},
        "involvedObject": involved, "reason": reason, "message": message, "type": type_,
    }
    if new_api:
        event.update({"source": {}, "firstTimestamp": None, "lastTimestamp": None,
                      "eventTime": cluster.clock.rfc3339_micro(), "reportingComponent": component,
                      "reportingInstance": f"{component}-{host}" if host else component})
        if action:
            event["action"] = action
    else:
        source = {"component": component}
        if host:
            source["host"] = host
        event.update({"source": source, "firstTimestamp": stamp, "lastTimestamp": stamp, "count": 1,
                      "eventTime": None, "reportingComponent": component, "reportingInstance": host or ""})
        if action:
            event["action"] = action
    try:
        created = cluster.create("", "events", event)
    except StatusError:  # the namespace is going away: the real recorder drops the event too
        return None
    cache[key] = (namespace, created["metadata"]["name"])
    return created
