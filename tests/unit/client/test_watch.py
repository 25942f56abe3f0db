"""Watch event framing: events may span chunks, and chunks may hold several events."""

from __future__ import annotations

import httpx
import pytest

from pykubectl.client.watch import iter_events, watch
from pykubectl.errors import KubectlError
from tests.unit.client.test_rest import make_client

EVENTS = b'{"type":"ADDED","object":{"metadata":{"name":"caf\xc3\xa9"}}}\n{"type":"DELETED","object":{}}\n'


@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_events_across_any_chunking(size):
    chunks = [EVENTS[i:i + size] for i in range(0, len(EVENTS), size)]
    events = list(iter_events(chunks))
    assert [e["type"] for e in events] == ["ADDED", "DELETED"]
    assert events[0]["object"]["metadata"]["name"] == "café"


def test_truncated_stream_is_an_error():
    with pytest.raises(KubectlError):
        list(iter_events([b'{"type":"ADDED","obj']))


def test_watch_sends_watch_true():
    seen = []

    def handler(request):
        seen.append(dict(request.url.params))
        return httpx.Response(200, content=EVENTS)

    events = list(watch(make_client(handler), "/api/v1/namespaces/default/pods", {"resourceVersion": "5"}))
    assert len(events) == 2
    assert seen == [{"resourceVersion": "5", "watch": "true"}]
