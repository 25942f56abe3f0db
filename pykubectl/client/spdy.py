"""SPDY/3.1 framing for the client end of a port-forward tunnel (PROTOCOLS.md §7.1), standard library only.

What kubectl's spdystream client needs and no more: SYN_STREAM out (odd stream ids), SYN_REPLY, DATA,
RST_STREAM, PING, GOAWAY in; SETTINGS, WINDOW_UPDATE and HEADERS read and ignored (spdystream has no flow
control). Header blocks are zlib streams primed with the SPDY/3 dictionary, one context per direction, so
frames must be encoded in the order they are sent and decoded in the order they arrive.

(The test server has its own SPDY module: client and server share no code, so a shared bug cannot pass.)
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN = 0x01
CANCEL = 5
MAX_DATA = 0xFFFFFF

_WORDS = ("options head post put delete trace accept accept-charset accept-encoding accept-language "
          "accept-ranges age allow authorization cache-control connection content-base content-encoding "
          "content-language content-length content-location content-md5 content-range content-type date etag "
          "expect expires from host if-match if-modified-since if-none-match if-range if-unmodified-since "
          "last-modified location max-forwards pragma proxy-authenticate proxy-authorization range referer "
          "retry-after server te trailer transfer-encoding upgrade user-agent vary via warning www-authenticate "
          "method get status").split() + ["200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie",
                                          "keep-alive", "origin"]
_TEXT = ("100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
         "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
         "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
         "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
         "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
         "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.")
DICTIONARY = b"".join(struct.pack(">I", len(w)) + w.encode() for w in _WORDS) + _TEXT.encode()


@dataclass
class Frame:
    kind: str  # "data", "syn_reply", "rst", "ping", "goaway"
    stream_id: int = 0
    flags: int = 0
    payload: bytes = b""
    headers: dict[str, str] | None = None
    status: int = 0


class ProtocolError(Exception):
    pass


class Codec:
    def __init__(self) -> None:
        self._deflate = zlib.compressobj(zdict=DICTIONARY)
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._buffer = bytearray()

    # -- encoding
    @staticmethod
    def _control(kind: int, flags: int, body: bytes) -> bytes:
        return struct.pack(">HHI", 0x8000 | 3, kind, (flags << 24) | len(body)) + body

    def _block(self, headers: dict[str, str]) -> bytes:
        raw = [struct.pack(">I", len(headers))]
        for name, value in headers.items():
            key, val = name.lower().encode(), value.encode()
            raw += [struct.pack(">I", len(key)), key, struct.pack(">I", len(val)), val]
        return self._deflate.compress(b"".join(raw)) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    def syn_stream(self, stream_id: int, headers: dict[str, str], fin: bool = False) -> bytes:
        body = struct.pack(">IIBB", stream_id, 0, 0, 0) + self._block(headers)
        return self._control(SYN_STREAM, FLAG_FIN if fin else 0, body)

    @staticmethod
    def data(stream_id: int, payload: bytes, fin: bool = False) -> bytes:
        if not payload:
            return struct.pack(">II", stream_id, (FLAG_FIN if fin else 0) << 24)
        out = []
        for start in range(0, len(payload), MAX_DATA):
            chunk = payload[start:start + MAX_DATA]
            last = start + MAX_DATA >= len(payload)
            out.append(struct.pack(">II", stream_id, ((FLAG_FIN if fin and last else 0) << 24) | len(chunk)) + chunk)
        return b"".join(out)

    def rst(self, stream_id: int, status: int = CANCEL) -> bytes:
        return self._control(RST_STREAM, 0, struct.pack(">II", stream_id, status))

    def ping(self, ping_id: int) -> bytes:
        return self._control(PING, 0, struct.pack(">I", ping_id))

    # -- decoding
    def _headers(self, block: bytes) -> dict[str, str]:
        raw = self._inflate.decompress(block)
        try:
            (count,) = struct.unpack_from(">I", raw, 0)
            pos, headers = 4, {}
            for _ in range(count):
                (size,) = struct.unpack_from(">I", raw, pos)
                name = raw[pos + 4:pos + 4 + size].decode("utf-8", "replace").lower()
                pos += 4 + size
                (size,) = struct.unpack_from(">I", raw, pos)
                headers[name] = raw[pos + 4:pos + 4 + size].decode("utf-8", "replace")
                pos += 4 + size
        except struct.error:
            raise ProtocolError("truncated header block") from None
        return headers

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames = []
        buffer, pos, end = self._buffer, 0, len(self._buffer)
        view = memoryview(buffer)
        try:
            while end - pos >= 8:
                first, second = struct.unpack_from(">II", buffer, pos)
                length = second & 0xFFFFFF
                if end - pos < 8 + length:
                    break
                body = bytes(view[pos + 8:pos + 8 + length])
                pos += 8 + length
                self._frame(frames, first, second, body)
        finally:
            view.release()
            del buffer[:pos]  # once per feed: frames are cut out by offset, not by moving the rest each time
        return frames

    def _frame(self, frames: list[Frame], first: int, second: int, body: bytes) -> None:
        flags = second >> 24
        if not first & 0x80000000:
            frames.append(Frame("data", first & 0x7FFFFFFF, flags, body))
            return
        kind = first & 0xFFFF
        if kind == SYN_REPLY:
            frames.append(Frame("syn_reply", struct.unpack_from(">I", body, 0)[0] & 0x7FFFFFFF, flags,
                                headers=self._headers(body[4:])))
        elif kind == SYN_STREAM:  # the server opens none for port-forward; keep the inflate context in step
            self._headers(body[10:])
            frames.append(Frame("rst_needed", struct.unpack_from(">I", body, 0)[0] & 0x7FFFFFFF))
        elif kind == HEADERS:
            self._headers(body[4:])
        elif kind == RST_STREAM:
            stream_id, status = struct.unpack_from(">II", body, 0)
            frames.append(Frame("rst", stream_id & 0x7FFFFFFF, status=status))
        elif kind == PING:
            frames.append(Frame("ping", payload=body[:4]))
        elif kind == GOAWAY:
            frames.append(Frame("goaway"))
