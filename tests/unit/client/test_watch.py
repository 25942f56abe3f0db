"""Watch event decoding and the resume logic, over a mock transport."""

from __future__ import annotations

import json

import httpx
import pytest

from pykubectl.client.watch import WatchEvent, decode_event, iter_events, watch, watch_once
from pykubectl.errors import ApiError, Expired, KubectlError, NotFound, TransportError
from tests.unit.client.test_rest import make_client, status

EVENTS = b'{"type":"ADDED","object":{"metadata":{"name":"caf\xc3\xa9"}}}\n{"type":"DELETED","object":{}}\n'


def _line(event_type: str, name: str, rv: int | None) -> bytes:
    meta = {"name": name}
    if rv is not None:
        meta["resourceVersion"] = str(rv)
    return (json.dumps({"type": event_type, "object": {"kind": "ConfigMap", "metadata": meta}}) + "\n").encode()


@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_events_across_any_chunking(size):
    chunks = [EVENTS[i:i + size] for i in range(0, len(EVENTS), size)]
    events = list(iter_events(chunks))
    assert [e["type"] for e in events] == ["ADDED", "DELETED"]
    assert events[0]["object"]["metadata"]["name"] == "café"


def test_several_events_in_one_chunk_without_newlines():
    body = b'{"type":"ADDED","object":{}}{"type":"MODIFIED","object":{}} \r\n{"type":"DELETED","object":{}}'
    assert [e["type"] for e in iter_events([body])] == ["ADDED", "MODIFIED", "DELETED"]


def test_a_large_event_split_across_many_chunks_is_decoded_once():
    big = {"type": "ADDED", "object": {"data": {"k": "x" * 100_000}}}
    body = json.dumps(big).encode()
    events = list(iter_events(body[i:i + 4096] for i in range(0, len(body), 4096)))
    assert events == [big]


def test_truncated_stream_is_an_error():
    with pytest.raises(KubectlError):
        list(iter_events([b'{"type":"ADDED","obj']))


def test_non_object_is_an_error():
    with pytest.raises(KubectlError, match="unexpected watch event"):
        list(iter_events([b"[1]"]))


def test_decode_event_types_and_errors():
    assert decode_event({"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "9"}}}) == \
        WatchEvent("BOOKMARK", {"metadata": {"resourceVersion": "9"}})
    with pytest.raises(KubectlError, match="got invalid watch event type: BOGUS"):
        decode_event({"type": "BOGUS", "object": {}})
    with pytest.raises(Expired) as expired:
        decode_event({"type": "ERROR", "object": status(410, "Expired", "too old resource version: 1 (5)")})
    assert expired.value.code == 410 and str(expired.value) == "too old resource version: 1 (5)"
    with pytest.raises(NotFound):
        decode_event({"type": "ERROR", "object": status(404, "NotFound", "gone")})
    with pytest.raises(ApiError) as odd:
        decode_event({"type": "ERROR", "object": {"kind": "Pod"}})
    assert odd.value.code == 500


def test_event_resource_version():
    assert WatchEvent("ADDED", {"metadata": {"resourceVersion": "12"}}).resource_version == "12"
    assert WatchEvent("ADDED", {}).resource_version == ""


def test_watch_once_sends_watch_true_and_bookmarks():
    seen = []

    def handler(request):
        seen.append(dict(request.url.params))
        return httpx.Response(200, content=EVENTS)

    events = list(watch_once(make_client(handler), "/api/v1/namespaces/default/pods", {"labelSelector": "a=b"},
                             "5", bookmarks=True, timeout_seconds=30))
    assert [e.type for e in events] == ["ADDED", "DELETED"]
    assert seen == [{"labelSelector": "a=b", "resourceVersion": "5", "watch": "true", "allowWatchBookmarks": "true",
                     "timeoutSeconds": "30"}]


def test_watch_resumes_from_the_last_resource_version_and_skips_bookmarks():
    bodies = [
        _line("ADDED", "a", 11) + _line("BOOKMARK", "", 15),
        _line("MODIFIED", "a", 17),
        httpx.Response(200, content=_line("ERROR", "", None).replace(
            b'{"kind": "ConfigMap", "metadata": {"name": ""}}',
            json.dumps(status(410, "Expired", "too old resource version: 17 (20)")).encode())),
    ]
    seen = []

    def handler(request):
        seen.append(request.url.params.get("resourceVersion"))
        body = bodies[len(seen) - 1]
        return body if isinstance(body, httpx.Response) else httpx.Response(200, content=body)

    events = []
    with pytest.raises(Expired):
        for event in watch(make_client(handler), "/api/v1/configmaps", resource_version="10"):
            events.append((event.type, event.resource_version))
    assert events == [("ADDED", "11"), ("MODIFIED", "17")]
    assert seen == ["10", "15", "17"]


def test_watch_yields_bookmarks_on_request_and_stops_without_reconnect():
    calls = []

    def handler(request):
        calls.append(request.url.params.get("resourceVersion"))
        return httpx.Response(200, content=_line("BOOKMARK", "", 3))

    events = list(watch(make_client(handler), "/api/v1/pods", resource_version="1", reconnect=False,
                        yield_bookmarks=True))
    assert [(e.type, e.resource_version) for e in events] == [("BOOKMARK", "3")]
    assert calls == ["1"]


def test_watch_without_a_resource_version_does_not_replay_on_reconnect():
    calls = []

    def handler(request):
        calls.append(request.url.params.get("resourceVersion"))
        return httpx.Response(200, content=b"")

    assert list(watch(make_client(handler), "/api/v1/pods")) == []
    assert calls == [None]


class _DroppingStream(httpx.SyncByteStream):
    def __init__(self, first: bytes):
        self.first = first

    def __iter__(self):
        yield self.first
        raise httpx.ReadError("connection reset by peer")


def test_watch_reconnects_after_a_dropped_connection():
    calls = []

    def handler(request):
        calls.append(request.url.params.get("resourceVersion"))
        if len(calls) == 1:
            return httpx.Response(200, stream=_DroppingStream(_line("ADDED", "a", 21) + b'{"type":"MOD'))
        if len(calls) == 2:
            return httpx.Response(200, content=_line("DELETED", "a", 22))
        return httpx.Response(200, content=b"")

    sleeps = []
    client = make_client(handler)
    events = []
    for event in watch(client, "/api/v1/configmaps", resource_version="20", sleep=sleeps.append):
        events.append((event.type, event.resource_version))
        if len(events) == 2:
            break
    assert events == [("ADDED", "21"), ("DELETED", "22")]
    assert calls == ["20", "21"]
    assert len(sleeps) == 1


def test_dropped_connection_without_reconnect_is_a_transport_error():
    def handler(request):
        return httpx.Response(200, stream=_DroppingStream(_line("ADDED", "a", 21)))

    events = []
    with pytest.raises(TransportError):
        for event in watch(make_client(handler), "/api/v1/configmaps", resource_version="20", reconnect=False):
            events.append(event.type)
    assert events == ["ADDED"]


def test_watch_request_errors_surface_as_api_errors():
    def handler(request):
        return httpx.Response(403, json=status(403, "Forbidden", 'configmaps is forbidden: User "x" cannot watch'))

    with pytest.raises(ApiError) as raised:
        list(watch(make_client(handler), "/api/v1/configmaps", resource_version="1"))
    assert raised.value.code == 403
