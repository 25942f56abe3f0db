"""SPDY/3.1 framing and a small asyncio session, as the kubelet and kube-apiserver speak it to kubectl.

kubectl 1.32 uses SPDY/3.1 (github.com/moby/spdystream) for `port-forward` (tunnelled inside a websocket
whose subprotocol is `SPDY/3.1+portforward.k8s.io`) and for `exec`/`attach` when the websocket upgrade fails
(a POST with `Upgrade: SPDY/3.1`). Standard library only (zlib with the SPDY/3 header dictionary).

Layers, usable separately:

* Frames: `DataFrame`, `SynStream`, `SynReply`, `RstStream`, `Settings`, `Ping`, `GoAway`, `HeadersFrame`,
  `WindowUpdate` (plain dataclasses). Header blocks are `dict[str, list[str]]` with lower-case names.
* `FrameEncoder().encode(frame) -> bytes` and `FrameDecoder().feed(data) -> list[frame]` (incremental: give
  it bytes as they arrive). Each holds one zlib stream for the header blocks of one direction, so use one
  encoder and one decoder per connection.
* `SpdySession(write, is_server=True)`: the connection state. Push received bytes with `feed(data)`, call
  `feed_eof()` when the transport ends; it calls `write(bytes)` to send. A peer's SYN_STREAM becomes a
  `SpdyStream` on `await session.accept()` (a SYN_REPLY is sent first, as spdystream's `SendReply` would
  when the handler accepts it). PINGs are answered, WINDOW_UPDATE and SETTINGS are accepted and ignored
  (spdystream implements no flow control), GOAWAY and transport EOF end every stream.
* `SpdyStream`: `.id`, `.headers`, `await read()` (b"" at the peer's FIN or a reset), `write(data)`,
  `close()` (our FIN: half-close), `reset(status)`.
* `UpgradedParser(session)`: a feed_data/feed_eof object for aiohttp's `request.protocol.set_parser`, so the
  bytes after a `101 Switching Protocols` reach the session.
"""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

VERSION = 3

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN = 0x01
FLAG_UNIDIRECTIONAL = 0x02

# RST_STREAM status codes
PROTOCOL_ERROR, INVALID_STREAM, REFUSED_STREAM, UNSUPPORTED_VERSION, CANCEL, INTERNAL_ERROR = 1, 2, 3, 4, 5, 6
FLOW_CONTROL_ERROR, STREAM_IN_USE, STREAM_ALREADY_CLOSED = 7, 8, 9

MAX_DATA_LENGTH = 0xFFFFFF


def _dictionary() -> bytes:
    """The SPDY/3 header-compression dictionary (draft 3, section 2.6.10.1): length-prefixed words, then text."""
    words = (
        "options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges "
        "age allow authorization cache-control connection content-base content-encoding content-language "
        "content-length content-location content-md5 content-range content-type date etag expect expires from "
        "host if-match if-modified-since if-none-match if-range if-unmodified-since last-modified location "
        "max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after server te trailer "
        "transfer-encoding upgrade user-agent vary via warning www-authenticate method get status"
    ).split()
    words += ["200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin"]
    text = (
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
        "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
        "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
        "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
        "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
        "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
    )
    return b"".join(struct.pack(">I", len(w)) + w.encode() for w in words) + text.encode()


DICTIONARY = _dictionary()

Headers = dict[str, list[str]]


# ------------------------------------------------------------------------------------------------ frames


@dataclass
class DataFrame:
    stream_id: int
    data: bytes = b""
    flags: int = 0


@dataclass
class SynStream:
    stream_id: int
    headers: Headers = field(default_factory=dict)
    flags: int = 0
    associated_id: int = 0
    priority: int = 0
    slot: int = 0


@dataclass
class SynReply:
    stream_id: int
    headers: Headers = field(default_factory=dict)
    flags: int = 0


@dataclass
class RstStream:
    stream_id: int
    status: int = CANCEL
    flags: int = 0


@dataclass
class Settings:
    entries: list[tuple[int, int, int]] = field(default_factory=list)  # (flags, id, value)
    flags: int = 0


@dataclass
class Ping:
    ping_id: int
    flags: int = 0


@dataclass
class GoAway:
    last_good_stream_id: int = 0
    status: int = 0
    flags: int = 0


@dataclass
class HeadersFrame:
    stream_id: int
    headers: Headers = field(default_factory=dict)
    flags: int = 0


@dataclass
class WindowUpdate:
    stream_id: int
    delta: int
    flags: int = 0


class ProtocolError(Exception):
    pass


def _encode_block(headers: Headers) -> bytes:
    parts = [struct.pack(">I", len(headers))]
    for name, values in headers.items():
        key = name.lower().encode()
        value = b"\x00".join(v.encode() for v in (values if isinstance(values, list | tuple) else [values]))
        parts += [struct.pack(">I", len(key)), key, struct.pack(">I", len(value)), value]
    return b"".join(parts)


def _decode_block(raw: bytes) -> Headers:
    headers: Headers = {}
    try:
        (count,) = struct.unpack_from(">I", raw, 0)
        pos = 4
        for _ in range(count):
            (size,) = struct.unpack_from(">I", raw, pos)
            name = raw[pos + 4: pos + 4 + size].decode("utf-8", "replace")
            pos += 4 + size
            (size,) = struct.unpack_from(">I", raw, pos)
            value = raw[pos + 4: pos + 4 + size]
            pos += 4 + size
            headers.setdefault(name.lower(), []).extend(v.decode("utf-8", "replace") for v in value.split(b"\x00"))
    except struct.error:
        raise ProtocolError("truncated header block") from None
    return headers


class FrameEncoder:
    """Frames → bytes; header blocks share one zlib stream (sync-flushed per block), as SPDY requires."""

    def __init__(self) -> None:
        self._zlib = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)

    def _block(self, headers: Headers) -> bytes:
        return self._zlib.compress(_encode_block(headers)) + self._zlib.flush(zlib.Z_SYNC_FLUSH)

    @staticmethod
    def _control(kind: int, flags: int, payload: bytes) -> bytes:
        return struct.pack(">HHI", 0x8000 | VERSION, kind, (flags << 24) | len(payload)) + payload

    def encode(self, frame) -> bytes:
        if isinstance(frame, DataFrame):
            if len(frame.data) > MAX_DATA_LENGTH:
                return b"".join(self.encode(DataFrame(frame.stream_id, frame.data[i:i + MAX_DATA_LENGTH],
                                                      frame.flags if i + MAX_DATA_LENGTH >= len(frame.data) else 0))
                                for i in range(0, len(frame.data), MAX_DATA_LENGTH))
            return struct.pack(">II", frame.stream_id & 0x7FFFFFFF, (frame.flags << 24) | len(frame.data)) + frame.data
        if isinstance(frame, SynStream):
            payload = struct.pack(">IIBB", frame.stream_id, frame.associated_id, (frame.priority & 7) << 5,
                                  frame.slot) + self._block(frame.headers)
            return self._control(SYN_STREAM, frame.flags, payload)
        if isinstance(frame, SynReply):
            return self._control(SYN_REPLY, frame.flags, struct.pack(">I", frame.stream_id) + self._block(frame.headers))
        if isinstance(frame, HeadersFrame):
            return self._control(HEADERS, frame.flags, struct.pack(">I", frame.stream_id) + self._block(frame.headers))
        if isinstance(frame, RstStream):
            return self._control(RST_STREAM, frame.flags, struct.pack(">II", frame.stream_id, frame.status))
        if isinstance(frame, Settings):
            body = struct.pack(">I", len(frame.entries)) + b"".join(
                struct.pack(">II", (f << 24) | ident, value) for f, ident, value in frame.entries)
            return self._control(SETTINGS, frame.flags, body)
        if isinstance(frame, Ping):
            return self._control(PING, frame.flags, struct.pack(">I", frame.ping_id))
        if isinstance(frame, GoAway):
            return self._control(GOAWAY, frame.flags, struct.pack(">II", frame.last_good_stream_id, frame.status))
        if isinstance(frame, WindowUpdate):
            return self._control(WINDOW_UPDATE, frame.flags, struct.pack(">II", frame.stream_id, frame.delta))
        raise TypeError(f"not a SPDY frame: {frame!r}")


class FrameDecoder:
    """Bytes (in any pieces) → frames. Unknown control frame types are skipped, as the spec asks."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(15, DICTIONARY)
        self._buffer = bytearray()

    def _block(self, raw: bytes) -> Headers:
        try:
            return _decode_block(self._zlib.decompress(raw))
        except zlib.error as exc:
            raise ProtocolError(f"header block: {exc}") from None

    def feed(self, data: bytes) -> list:
        self._buffer += data
        frames = []
        while len(self._buffer) >= 8:
            first, second = struct.unpack_from(">II", self._buffer, 0)
            length = second & 0xFFFFFF
            if len(self._buffer) < 8 + length:
                break
            flags = second >> 24
            payload = bytes(self._buffer[8:8 + length])
            del self._buffer[:8 + length]
            if not first & 0x80000000:
                frames.append(DataFrame(first, payload, flags))
                continue
            version, kind = (first >> 16) & 0x7FFF, first & 0xFFFF
            if version != VERSION:
                raise ProtocolError(f"unsupported SPDY version {version}")
            frame = self._control(kind, flags, payload)
            if frame is not None:
                frames.append(frame)
        return frames

    def _control(self, kind: int, flags: int, payload: bytes):
        try:
            if kind == SYN_STREAM:
                stream_id, associated, priority, slot = struct.unpack_from(">IIBB", payload, 0)
                return SynStream(stream_id & 0x7FFFFFFF, self._block(payload[10:]), flags, associated & 0x7FFFFFFF,
                                 priority >> 5, slot)
            if kind in (SYN_REPLY, HEADERS):
                (stream_id,) = struct.unpack_from(">I", payload, 0)
                cls = SynReply if kind == SYN_REPLY else HeadersFrame
                return cls(stream_id & 0x7FFFFFFF, self._block(payload[4:]), flags)
            if kind == RST_STREAM:
                stream_id, code = struct.unpack_from(">II", payload, 0)
                return RstStream(stream_id & 0x7FFFFFFF, code, flags)
            if kind == SETTINGS:
                (count,) = struct.unpack_from(">I", payload, 0)
                entries = []
                for index in range(count):
                    head, value = struct.unpack_from(">II", payload, 4 + 8 * index)
                    entries.append((head >> 24, head & 0xFFFFFF, value))
                return Settings(entries, flags)
            if kind == PING:
                return Ping(struct.unpack_from(">I", payload, 0)[0], flags)
            if kind == GOAWAY:
                last, code = struct.unpack_from(">II", payload, 0)
                return GoAway(last & 0x7FFFFFFF, code, flags)
            if kind == WINDOW_UPDATE:
                stream_id, delta = struct.unpack_from(">II", payload, 0)
                return WindowUpdate(stream_id & 0x7FFFFFFF, delta & 0x7FFFFFFF, flags)
        except struct.error:
            raise ProtocolError(f"truncated control frame of type {kind}") from None
        return None


# ------------------------------------------------------------------------------------------------ session


class SpdyStream:
    def __init__(self, session: SpdySession, stream_id: int, headers: Headers):
        self.session = session
        self.id = stream_id
        self.headers = headers
        self._chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self.remote_closed = False  # the peer sent FIN (or reset)
        self.local_closed = False
        self.reset_status: int | None = None

    def header(self, name: str, default: str = "") -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else default

    def _deliver(self, data: bytes) -> None:
        if data and not self.remote_closed:
            self._chunks.put_nowait(data)

    def _end(self) -> None:
        if not self.remote_closed:
            self.remote_closed = True
            self._chunks.put_nowait(b"")

    async def read(self) -> bytes:
        """The next piece of data; b"" once the peer has half-closed (FIN) or reset the stream."""
        if self.remote_closed and self._chunks.empty():
            return b""
        chunk = await self._chunks.get()
        if not chunk:
            self._chunks.put_nowait(b"")  # every later read sees the end too
        return chunk

    def write(self, data: bytes, fin: bool = False) -> None:
        if self.local_closed or self.reset_status is not None:
            return
        if data or fin:
            self.session._send(DataFrame(self.id, data, FLAG_FIN if fin else 0))
        if fin:
            self.local_closed = True

    def close(self) -> None:
        """Half-close: a zero-length DATA frame with FIN."""
        self.write(b"", fin=True)

    def reset(self, status: int = CANCEL) -> None:
        if self.reset_status is None:
            self.reset_status = status
            self.session._send(RstStream(self.id, status))
        self._end()


class SpdySession:
    def __init__(self, write: Callable[[bytes], None], is_server: bool = True):
        self._write = write
        self.is_server = is_server
        self._encoder = FrameEncoder()
        self._decoder = FrameDecoder()
        self.streams: dict[int, SpdyStream] = {}
        self._incoming: asyncio.Queue[SpdyStream | None] = asyncio.Queue()
        self._next_id = 2 if is_server else 1
        self._next_ping = 2 if is_server else 1
        self.closed = False
        self.on_close: list[Callable[[], None]] = []

    def _send(self, frame) -> None:
        if not self.closed:
            try:
                self._write(self._encoder.encode(frame))
            except (ConnectionError, RuntimeError):
                self._shutdown()

    def feed(self, data: bytes) -> None:
        try:
            frames = self._decoder.feed(data)
        except ProtocolError:
            self._send(GoAway(0, PROTOCOL_ERROR))
            self._shutdown()
            return
        for frame in frames:
            self._handle(frame)

    def feed_eof(self) -> None:
        self._shutdown()

    def _handle(self, frame) -> None:
        if isinstance(frame, DataFrame):
            stream = self.streams.get(frame.stream_id)
            if stream is None:
                self._send(RstStream(frame.stream_id, INVALID_STREAM))
                return
            stream._deliver(frame.data)
            if frame.flags & FLAG_FIN:
                stream._end()
        elif isinstance(frame, SynStream):
            stream = SpdyStream(self, frame.stream_id, frame.headers)
            self.streams[frame.stream_id] = stream
            self._send(SynReply(frame.stream_id, {}))
            if frame.flags & FLAG_FIN:
                stream._end()
            self._incoming.put_nowait(stream)
        elif isinstance(frame, SynReply | HeadersFrame):
            stream = self.streams.get(frame.stream_id)
            if stream is not None:
                stream.headers.update(frame.headers)
                if frame.flags & FLAG_FIN:
                    stream._end()
        elif isinstance(frame, RstStream):
            stream = self.streams.get(frame.stream_id)
            if stream is not None:
                stream.reset_status = frame.status
                stream._end()
        elif isinstance(frame, Ping):
            if (frame.ping_id % 2 == 1) == self.is_server:  # the peer's ping: echo it
                self._send(Ping(frame.ping_id))
        elif isinstance(frame, GoAway):
            self._shutdown()

    def open_stream(self, headers: Headers, fin: bool = False) -> SpdyStream:
        """A stream we start (SYN_STREAM); the peer's SYN_REPLY headers are merged into `.headers` later."""
        stream = SpdyStream(self, self._next_id, dict(headers))
        self._next_id += 2
        self.streams[stream.id] = stream
        self._send(SynStream(stream.id, headers, FLAG_FIN if fin else 0))
        if fin:
            stream.local_closed = True
        return stream

    async def accept(self) -> SpdyStream | None:
        """The next stream the peer opened, or None once the connection has ended."""
        if self.closed and self._incoming.empty():
            return None
        stream = await self._incoming.get()
        if stream is None:
            self._incoming.put_nowait(None)
        return stream

    def go_away(self) -> None:
        self._send(GoAway(max([i for i in self.streams if (i % 2 == 1) == self.is_server] or [0])))

    def _shutdown(self) -> None:
        if self.closed:
            return
        self.closed = True
        for stream in self.streams.values():
            stream._end()
        self._incoming.put_nowait(None)
        for callback in self.on_close:
            callback()


class UpgradedParser:
    """For aiohttp's `request.protocol.set_parser(...)`: raw bytes after the 101 go to a SpdySession."""

    def __init__(self, session: SpdySession):
        self.session = session

    def feed_data(self, data: bytes):
        self.session.feed(bytes(data))
        return False, b""

    def feed_eof(self) -> None:
        self.session.feed_eof()
