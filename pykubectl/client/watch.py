"""Watch streams: GET ?watch=true decoded into events, resumed from the last resourceVersion.

The body is a sequence of JSON objects `{"type": ..., "object": ...}` (json.Encoder framing, usually
one per line, but chunk boundaries fall anywhere), decoded incrementally. BOOKMARK events only move
the resourceVersion on. An ERROR event carries a metav1.Status and ends the watch with the matching
ApiError; 410 Gone/Expired raises errors.Expired, the caller's signal to list again. When the server
closes the stream (its timeoutSeconds) or the connection drops, `watch` opens a new one from the last
resourceVersion it saw, as client-go's RetryWatcher does.
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from pykubectl.errors import ApiError, KubectlError, TransportError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

__all__ = ["WatchEvent", "iter_events", "decode_event", "watch", "watch_once", "EVENT_TYPES"]

ADDED, MODIFIED, DELETED, BOOKMARK, ERROR = "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"
EVENT_TYPES = (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR)


class WatchStreamError(KubectlError):
    """The stream broke off inside an event or carried something that is not an event."""


@dataclass(frozen=True)
class WatchEvent:
    type: str
    object: dict

    @property
    def resource_version(self) -> str:
        """metadata.resourceVersion of the object (a Table's list metadata for Table watches)."""
        meta = self.object.get("metadata") if isinstance(self.object, Mapping) else None
        return str((meta or {}).get("resourceVersion") or "")


def iter_events(chunks: Iterable[bytes]) -> Iterator[dict]:
    """Each `{"type": ..., "object": ...}` in the byte stream, decoded incrementally."""
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer = ""
    for chunk in chunks:
        buffer += text.decode(chunk)
        start = 0
        while True:
            while start < len(buffer) and buffer[start] in " \t\r\n":
                start += 1
            if start >= len(buffer):
                buffer, start = "", 0
                break
            try:
                event, end = decoder.raw_decode(buffer, start)
            except ValueError:
                break  # an incomplete object: wait for more bytes
            start = end
            if not isinstance(event, dict):
                raise WatchStreamError(f"unexpected watch event: {event!r}")
            yield event
        buffer = buffer[start:]
    buffer = (buffer + text.decode(b"", final=True)).strip()
    if buffer:
        raise WatchStreamError("unexpected EOF in the middle of a watch event")


def decode_event(raw: Mapping) -> WatchEvent:
    """A raw event as a WatchEvent; an ERROR event raises its Status as an ApiError."""
    event_type = raw.get("type")
    obj = raw.get("object")
    if event_type not in EVENT_TYPES:
        raise WatchStreamError(f"got invalid watch event type: {event_type}")
    if not isinstance(obj, dict):
        obj = {}
    if event_type == ERROR:
        raise error_from_status(obj)
    return WatchEvent(event_type, obj)


def error_from_status(obj: Mapping) -> ApiError:
    """client-go's errors.FromObject for the object of an ERROR event."""
    from pykubectl.client.status import error_class

    if obj.get("kind") == "Status":
        code = int(obj.get("code") or 0)
        return error_class(str(obj.get("reason") or ""), code)(dict(obj), code)
    return ApiError({"message": f"unexpected watch error object: {json.dumps(obj, sort_keys=True)}",
                     "code": 500}, 500)


def _query(params: Mapping[str, Any] | None, resource_version: str | None, bookmarks: bool,
           timeout_seconds: int | None) -> dict:
    query = {k: v for k, v in (params or {}).items() if k not in ("watch", "resourceVersion")}
    query["watch"] = "true"
    if resource_version:
        query["resourceVersion"] = resource_version
    if bookmarks:
        query["allowWatchBookmarks"] = "true"
    if timeout_seconds is not None:
        query["timeoutSeconds"] = str(timeout_seconds)
    return query


def watch_once(client: RestClient, path: str, params: Mapping[str, Any] | None = None,
               resource_version: str | None = None, *, headers: Mapping[str, str] | None = None,
               bookmarks: bool = False, timeout_seconds: int | None = None) -> Iterator[WatchEvent]:
    """One watch request: every event (bookmarks included) until the server closes the stream."""
    query = _query(params, resource_version, bookmarks, timeout_seconds)
    with client.stream("GET", path, query, headers=headers) as response:
        for raw in iter_events(response.iter_bytes()):
            yield decode_event(raw)


_DROPPED = (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, WatchStreamError)


def watch(client: RestClient, path: str, params: Mapping[str, Any] | None = None,
          resource_version: str | None = None, *, headers: Mapping[str, str] | None = None,
          bookmarks: bool = True, timeout_seconds: int | None = None, reconnect: bool = True,
          yield_bookmarks: bool = False, max_retries: int = 5,
          sleep: Callable[[float], None] = time.sleep) -> Iterator[WatchEvent]:
    """Events from `path` after `resource_version`, across as many requests as it takes.

    With reconnect (the default), a stream the server ends or a connection that drops is opened
    again from the last resourceVersion seen (events, or bookmarks, which are asked for by default
    and only yielded with yield_bookmarks). Without a resourceVersion to resume from the watch ends,
    since a fresh watch would replay every object as ADDED. Failures to reconnect are retried up to
    max_retries times in a row, with a short growing pause; then the last error is raised.
    """
    rv = resource_version or None
    failures = 0
    while True:
        progressed = False
        try:
            for event in watch_once(client, path, params, rv, headers=headers, bookmarks=bookmarks,
                                    timeout_seconds=timeout_seconds):
                failures = 0
                progressed = True
                if event.resource_version:
                    rv = event.resource_version
                if event.type == BOOKMARK and not yield_bookmarks:
                    continue
                yield event
        except _DROPPED as exc:
            if not reconnect or rv is None:
                if isinstance(exc, WatchStreamError):
                    raise
                raise TransportError("GET", client.url(path, _query(params, rv, bookmarks, timeout_seconds)),
                                     str(exc) or type(exc).__name__, getattr(client, "host", "")) from None
            failures = 0 if progressed else failures + 1
            if failures > max_retries:
                raise
            sleep(min(0.1 * 2 ** failures, 2.0))
            continue
        except TransportError:
            if not reconnect or rv is None:
                raise
            failures += 1
            if failures > max_retries:
                raise
            sleep(min(0.1 * 2 ** failures, 2.0))
            continue
        if not reconnect or rv is None:
            return
