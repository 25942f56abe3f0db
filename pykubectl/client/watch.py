"""Watch streams: split a chunked JSON body into events, however the chunks fall (json.Encoder framing)."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pykubectl.errors import KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient


def iter_events(chunks: Iterable[bytes]) -> Iterator[dict]:
    """Each `{"type": ..., "object": ...}` in the byte stream, decoded incrementally."""
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer = ""
    for chunk in chunks:
        buffer += text.decode(chunk)
        while True:
            stripped = buffer.lstrip()
            if not stripped:
                buffer = ""
                break
            try:
                event, end = decoder.raw_decode(stripped)
            except ValueError:
                buffer = stripped  # an incomplete object: wait for more bytes
                break
            buffer = stripped[end:]
            if not isinstance(event, dict):
                raise KubectlError(f"unexpected watch event: {event!r}")
            yield event
    buffer = (buffer + text.decode(b"", final=True)).strip()
    if buffer:
        raise KubectlError("unexpected EOF in the middle of a watch event")


def watch(client: RestClient, path: str, params: Mapping[str, Any] | None = None,
          headers: Mapping[str, str] | None = None) -> Iterator[dict]:
    """GET path?watch=true and yield its events until the server closes the stream."""
    query = dict(params or {})
    query["watch"] = "true"
    with client.stream("GET", path, query, headers=headers) as response:
        yield from iter_events(response.iter_bytes())
