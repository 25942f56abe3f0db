"""watch=true: newline-delimited JSON events over a chunked response (apiserver handlers/watch.go).

With the Table Accept header every event carries a one-row Table, and only the first one has
columnDefinitions, as the real server's watchEmbeddedEncoder does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web

from .. import status, tables
from ..status import StatusError

DEFAULT_TIMEOUT = 1800.0
BOOKMARK_INTERVAL = 60.0


def _line(event_type: str, obj: Any) -> bytes:
    from .objects import wire_order

    return (json.dumps({"type": event_type, "object": wire_order(obj)}, separators=(",", ":")) + "\n").encode()


async def serve(handlers, request: web.Request, target) -> web.StreamResponse:
    from .objects import negotiate  # the same Accept rules as the other verbs

    info = target.info
    store = handlers.store
    output = negotiate(request)
    predicate = handlers._selectors(request, info)
    query = request.query
    rv_text = query.get("resourceVersion", "")
    try:
        timeout = float(query.get("timeoutSeconds") or DEFAULT_TIMEOUT)
    except ValueError:
        raise StatusError(status.bad_request(f"invalid timeoutSeconds {query.get('timeoutSeconds')!r}")) from None
    # A test knob: `store.max_watch_seconds` ends every watch that soon, as an apiserver's request timeout
    # (--min-request-timeout) does, so that clients' resumption can be tested.
    max_watch = getattr(store, "max_watch_seconds", None)
    if max_watch is not None:
        timeout = min(timeout, float(max_watch))
    bookmarks = query.get("allowWatchBookmarks", "").lower() in ("true", "1")
    initial_events = query.get("sendInitialEvents", "").lower() in ("true", "1")
    since: int | None = None
    if rv_text and rv_text != "0" and not initial_events:
        try:
            since = int(rv_text)
        except ValueError:
            raise StatusError(status.bad_request(f'Invalid value: "{rv_text}": invalid resource version')) from None

    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    def deliver(event) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, event)

    crd = handlers.catalog.crd_for(info) if hasattr(handlers.catalog, "crd_for") else None
    state = {"first": True}

    def encode_object(obj: dict) -> Any:
        if output.kind == "table":
            table = tables.build_table(info, [obj], include_object=query.get("includeObject", ""),
                                       api_version=output.group_version,
                                       list_meta={"resourceVersion": obj.get("metadata", {}).get("resourceVersion", "")},
                                       crd=crd, with_columns=state["first"])
            state["first"] = False
            return table
        if output.kind in ("partial", "partial-list"):
            return tables.partial_metadata(obj, output.group_version)
        return obj

    # A test knob: while `store.watch_gate` (a threading.Event) is clear, a watch that resumes from a
    # resourceVersion waits before it starts (counted in `store.watch_gate_waiting`), so that a test can change
    # things while a client is between two watch requests.
    gate = getattr(store, "watch_gate", None)
    if gate is not None and since is not None:
        store.watch_gate_waiting = getattr(store, "watch_gate_waiting", 0) + 1
        try:
            while not gate.is_set():
                await asyncio.sleep(0.01)
        finally:
            store.watch_gate_waiting -= 1
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json",
                                                       "Cache-Control": "no-cache, private"})
    response.enable_chunked_encoding()
    initial: list[dict] = []
    expired: dict | None = None
    with store.lock:
        try:
            subscription, backlog = store.subscribe(info, target.namespace, since, deliver)
        except StatusError as exc:
            expired = exc.body
            subscription, backlog = None, []
        if since is None and expired is None:
            initial = store.list(info, target.namespace, predicate).items
            list_rv = store.resource_version()
        selective = bool(query.get("labelSelector") or query.get("fieldSelector"))
        seen_before: list[dict] = []
        if since is not None and expired is None and selective:
            # What the selector sees now stands in for what it saw at `since`: a change to such an object
            # stays MODIFIED instead of reading as ADDED.
            seen_before = store.list(info, target.namespace, predicate).items
    await response.prepare(request)
    visible: set[tuple[str, str]] = {(o.get("metadata", {}).get("namespace", ""), o.get("metadata", {}).get("name", ""))
                                     for o in seen_before}
    try:
        if expired is not None:
            await response.write(_line("ERROR", expired))
            return response
        for obj in initial:
            meta = obj.get("metadata", {})
            visible.add((meta.get("namespace", ""), meta.get("name", "")))
            await response.write(_line("ADDED", encode_object(obj)))
        if since is None and bookmarks and initial_events:
            await response.write(_line("BOOKMARK", _bookmark(info, list_rv, initial_end=True)))
        for event in backlog:
            queue.put_nowait(event)
        deadline = loop.time() + timeout
        next_bookmark = loop.time() + BOOKMARK_INTERVAL
        last_rv = since or 0
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                # Wake up every second: aiohttp does not cancel a handler whose client went away.
                event = await asyncio.wait_for(queue.get(), min(remaining, 1.0))
            except TimeoutError:
                if request.transport is None or request.transport.is_closing():
                    break
                if bookmarks and loop.time() >= next_bookmark:
                    next_bookmark = loop.time() + BOOKMARK_INTERVAL
                    await response.write(_line("BOOKMARK", _bookmark(info, max(last_rv, store.resource_version()))))
                continue
            last_rv = event.rv
            obj = dict(event.object)
            obj["apiVersion"] = info.api_version
            obj.setdefault("kind", info.kind)
            meta = obj.get("metadata", {})
            key = (meta.get("namespace", ""), meta.get("name", ""))
            matches = predicate(obj)
            event_type = event.type
            if not selective:  # without a selector every object matches: the store's event type stands
                await response.write(_line(event_type, encode_object(obj)))
                continue
            if event_type == "DELETED":
                if key not in visible and not matches:
                    continue
                visible.discard(key)
            elif matches:
                if key not in visible:
                    event_type = "ADDED"
                visible.add(key)
            elif key in visible:
                visible.discard(key)
                event_type = "DELETED"
            else:
                continue
            await response.write(_line(event_type, encode_object(obj)))
    except ConnectionResetError:
        return response
    finally:
        if subscription is not None:
            subscription.close()
    with contextlib.suppress(ConnectionResetError, RuntimeError):
        await response.write_eof()
    return response


def _bookmark(info, rv: int, initial_end: bool = False) -> dict:
    meta: dict = {"resourceVersion": str(rv)}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"kind": info.kind, "apiVersion": info.api_version, "metadata": meta}
