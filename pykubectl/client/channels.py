"""exec/attach streams: the websocket channel protocol (PROTOCOLS.md §6) and SPDY/3.1 (client-go remotecommand).

Connections carry what every REST call carries (`RestClient.connection_settings()`): the TLS context (CA, client
certificate incl. an exec plugin's, insecure, tls-server-name), the credential (token, token file, basic, exec
plugin, oidc), Impersonate-* headers, the proxy (an http:// proxy-url or the environment, by CONNECT) and the
request timeout for the handshakes (HANDSHAKE_TIMEOUT without one).

API:

* `connect(rest, path, params, protocols=EXEC_PROTOCOLS)`: kubectl's executor choice. SPDY when
  KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false; else a websocket GET offering `protocols` in order, and SPDY (a POST
  with `Upgrade: SPDY/3.1`) when the server answers that upgrade with anything but 101, as client-go's
  FallbackExecutor does. A refused upgrade raises the error kubectl prints for it (`ApiError` for a Status
  body, else `unable to upgrade connection: <body>`); a failed dial raises `TransportError`.
* `ChannelConnection` (websocket) and `SpdyConnection` share one interface: `.protocol` (the negotiated one),
  `.can_close_channels`, `send(channel, data)` (thread-safe), `close_channel(channel)` (v5's `ff <channel>`,
  SPDY's FIN), `receive() -> (channel, payload) | None` (None once the server is done), `close()`.
* `stream(conn, stdin=None, stdout=None, stderr=None, tty=False, sizes=None) -> None`: kubectl's
  StreamOptions over one connection. `stdin` is a binary reader (`read1`/`read` or a file descriptor number)
  pumped in its own thread and half-closed at EOF; `stdout`/`stderr` are binary writers (flushed per frame);
  `sizes` yields `(width, height)` tuples sent on the resize channel. Returns on success; raises
  `RemoteExitError(code)` for NonZeroExitCode and `KubectlError(message)` for any other failure status.
* `binary_writer(text_stream)`, `binary_reader(text_stream)`: the byte side of an IOStreams member.

Both transports read in one thread and write in others; over TLS that goes through `SerializedTLSSocket`,
which keeps OpenSSL calls on one connection from overlapping (see its docstring: overlapping calls lost the
upgrade request when TLS 1.3 session tickets arrived with it).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from pykubectl.errors import KubectlError, RemoteExitError

if TYPE_CHECKING:
    from pykubectl.client.rest import Params, RestClient

log = logging.getLogger("pykubectl.client.channels")

STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"
EXEC_PROTOCOLS = (V5, V4, "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io")
PING_INTERVAL = 5.0  # client-go's pingPeriod
PING_TIMEOUT = 61.0  # client-go's pingReadDeadline
READ_SIZE = 32 * 1024
HANDSHAKE_TIMEOUT = 30.0  # without --request-timeout: how long the TCP, TLS and upgrade handshakes may take
_ACCEPTS_LEGACY: bool | None = None


class UpgradeError(KubectlError):
    """The server would not upgrade the connection: kubectl's `unable to upgrade connection: ...`."""

    def __init__(self, message: str, status_code: int = 0):
        super().__init__(message)
        self.status_code = status_code


class ChannelConnection:
    def __init__(self, ws: Any, protocol: str):
        self.ws = ws
        self.protocol = protocol or "channel.k8s.io"
        self.base64 = "base64" in self.protocol
        self._send_lock = threading.Lock()

    @property
    def can_close_channels(self) -> bool:
        return self.protocol.startswith("v5.")

    @property
    def structured_status(self) -> bool:
        return self.protocol.startswith(("v4.", "v5."))

    def send(self, channel: int, data: bytes) -> None:
        with self._send_lock:
            if self.base64:
                self.ws.send(chr(ord("0") + channel) + base64.b64encode(data).decode())
            else:
                self.ws.send(bytes([channel]) + data)

    def close_channel(self, channel: int) -> None:
        if self.can_close_channels:
            with self._send_lock:
                self.ws.send(bytes([CLOSE, channel]))

    def receive(self) -> tuple[int, bytes] | None:
        from websockets.exceptions import ConnectionClosed

        while True:
            try:
                message = self.ws.recv()
            except ConnectionClosed as exc:
                if exc.rcvd is not None and exc.rcvd.code not in (1000, 1001, 1005) and exc.rcvd_then_sent is not None:
                    log.debug("websocket closed: %s", exc)
                return None
            except (OSError, EOFError):
                return None
            if isinstance(message, str):
                if not self.base64:
                    raise KubectlError("unexpected text message on a binary channel protocol")
                if not message:
                    continue
                data = bytes([ord(message[0]) - ord("0")]) + base64.b64decode(message[1:])
            else:
                data = message
            if not data:
                continue
            return data[0], data[1:]

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing a broken connection must not fail the command
            pass


# ------------------------------------------------------------------------------------------------ connect


class SerializedTLSSocket:
    """An ssl.SSLSocket whose OpenSSL calls never overlap, for python-websockets' sync client.

    That client reads in a background thread (select, then recv) while other threads send. On one SSLSocket this
    runs SSL_read and SSL_write at the same time on one OpenSSL SSL object, which OpenSSL does not allow. With
    TLS 1.3 the server's NewSessionTicket records arrive just as the upgrade request is written: the reader
    thread is inside SSL_read (consuming the tickets, then blocked for the next record) while the caller's
    SSL_write sends the request, and the request is lost: the server never sees it and the client waits for a
    response that never comes (`timed out while waiting for handshake response`). Here the socket is
    non-blocking, every SSL call holds one lock, and waiting for the network happens outside it."""

    def __init__(self, sock: Any):
        self._sock = sock
        self._lock = threading.Lock()
        self._timeout: float | None = None
        sock.setblocking(False)

    def fileno(self) -> int:
        return self._sock.fileno()

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def gettimeout(self) -> float | None:
        return self._timeout

    def _wait(self, readable: bool, deadline: float | None) -> None:
        import select
        import time

        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError("timed out")
        fd = self._sock.fileno()
        if fd < 0:
            raise OSError("socket is closed")
        poller = select.poll()
        poller.register(fd, select.POLLIN if readable else select.POLLOUT)
        # in slices: another thread may close the socket meanwhile (and its number be reused)
        poller.poll(int(min(0.5 if left is None else left, 0.5) * 1000))

    def _deadline(self) -> float | None:
        import time

        return None if self._timeout is None else time.monotonic() + self._timeout

    def recv(self, size: int) -> bytes:
        import ssl

        deadline = self._deadline()
        while True:
            readable = True
            with self._lock:
                try:
                    data = self._sock.recv(size)
                    while data and len(data) < size and self._sock.pending():
                        data += self._sock.recv(min(size - len(data), self._sock.pending()))
                    return data
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLWantWriteError:
                    readable = False
                except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                    return b""
            self._wait(readable, deadline)

    def send(self, data: Any) -> int:
        import ssl

        deadline = self._deadline()
        while True:
            readable = False
            with self._lock:
                try:
                    return self._sock.send(data)
                except ssl.SSLWantWriteError:
                    pass
                except ssl.SSLWantReadError:
                    readable = True
            self._wait(readable, deadline)

    def sendall(self, data: Any) -> None:
        with memoryview(data) as view, view.cast("B") as octets:
            sent = 0
            while sent < len(octets):
                sent += self.send(octets[sent:])

    def shutdown(self, how: int) -> None:
        import socket

        socket.socket.shutdown(self._sock, how)  # the TCP half-close only: no TLS alert from a second thread

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def connect(rest: RestClient, path: str, params: Params = None,
            protocols: Iterable[str] = EXEC_PROTOCOLS) -> ChannelConnection | SpdyConnection:
    """kubectl's executor choice: SPDY when KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false, else a websocket, falling
    back to SPDY when the server answers the websocket upgrade with anything but 101 (client-go's
    FallbackExecutor on an UpgradeFailureError); the SPDY attempt's error is then the one reported."""
    if websockets_disabled():
        return connect_spdy(rest, path, params)
    try:
        return connect_websocket(rest, path, params, protocols)
    except _WebSocketRefused as refused:
        log.debug("websocket upgrade refused (%s): falling back to SPDY", refused)
        return connect_spdy(rest, path, params)


class _WebSocketRefused(Exception):
    pass


def connect_websocket(rest: RestClient, path: str, params: Params = None,
                      protocols: Iterable[str] = EXEC_PROTOCOLS) -> ChannelConnection:
    from urllib.parse import urlsplit

    from websockets.exceptions import InvalidHandshake, InvalidStatus
    from websockets.sync.client import connect as ws_connect

    from pykubectl.client.rest import go_error_text
    from pykubectl.errors import TransportError

    global _ACCEPTS_LEGACY
    if _ACCEPTS_LEGACY is None:
        import inspect

        _ACCEPTS_LEGACY = "legacy" in inspect.signature(ws_connect).parameters
    target = rest.connection_settings("GET", path, params)
    url = target.url
    split = urlsplit(url)
    port = split.port or (443 if split.scheme == "https" else 80)
    host = f"[{split.hostname}]" if ":" in (split.hostname or "") else split.hostname
    # the TLS (and any proxy) is ours: websockets gets a connected socket and a plain ws:// URL for the request
    ws_url = f"ws://{host}:{port}{split.path}" + (f"?{split.query}" if split.query else "")
    options: dict[str, Any] = {}
    if _ACCEPTS_LEGACY:  # websockets >= 16: the connection itself, not a context manager
        options["legacy"] = True
    timeout = target.timeout or HANDSHAKE_TIMEOUT
    try:
        sock = _dial(target, timeout)
        if target.ssl_context is not None:
            sock = SerializedTLSSocket(sock)
        else:
            sock.settimeout(None)
        ws = ws_connect(ws_url, sock=sock, additional_headers=list(target.headers), subprotocols=list(protocols),
                        compression=None, user_agent_header=target.user_agent, open_timeout=timeout,
                        ping_interval=PING_INTERVAL, ping_timeout=PING_TIMEOUT, close_timeout=5, max_size=None,
                        **options)
    except InvalidStatus as exc:
        raise _WebSocketRefused(exc.response.status_code) from None
    except InvalidHandshake as exc:
        raise UpgradeError(f"unable to upgrade connection: {exc}") from None
    except (OSError, TimeoutError, EOFError) as exc:
        raise TransportError("GET", url, go_error_text(exc, split.netloc, rest.timeout), split.netloc) from None
    return ChannelConnection(ws, ws.subprotocol or "")


# ------------------------------------------------------------------------------------------------ SPDY


SPDY_PROTOCOLS = (V5, V4, "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io")
_STREAM_TYPES = {ERROR: "error", STDIN: "stdin", STDOUT: "stdout", STDERR: "stderr", RESIZE: "resize"}


def websockets_disabled(environ: Mapping[str, str] | None = None) -> bool:
    """kubectl's RemoteCommandWebsockets feature gate: KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false turns it off."""
    return (environ if environ is not None else os.environ).get("KUBECTL_REMOTE_COMMAND_WEBSOCKETS",
                                                                 "").lower() == "false"


class SpdyConnection:
    """exec/attach over SPDY/3.1 (client-go tools/remotecommand/spdy.go, v2-v5 stream protocols): one SPDY
    stream per channel, named by its `streamType` header, with the same interface as ChannelConnection."""

    def __init__(self, sock: Any, protocol: str, channels: Iterable[int], leftover: bytes = b""):
        from pykubectl.client.spdy import Codec

        self.sock = sock
        self.protocol = protocol or "channel.k8s.io"
        self.codec = Codec()
        self._send_lock = threading.Lock()
        self._leftover = leftover
        self._ids: dict[int, int] = {}  # channel -> stream id
        self._channels: dict[int, int] = {}  # stream id -> channel
        self._open: set[int] = set()  # stream ids the server may still write to
        self._pending: list[tuple[int, bytes]] = []
        self._closed = False
        next_id = 1
        with self._send_lock:
            for channel in channels:  # client-go's order: error, stdin, stdout, stderr, resize
                self._ids[channel], self._channels[next_id] = next_id, channel
                if channel != STDIN and channel != RESIZE:
                    self._open.add(next_id)
                self.sock.sendall(self.codec.syn_stream(next_id, {"streamtype": _STREAM_TYPES[channel]}))
                next_id += 2

    can_close_channels = True  # a SPDY stream half-closes (FIN) on every protocol version

    @property
    def structured_status(self) -> bool:
        return self.protocol.startswith(("v4.", "v5."))

    def send(self, channel: int, data: bytes) -> None:
        stream_id = self._ids.get(channel)
        if stream_id is not None and data:
            with self._send_lock:
                self.sock.sendall(self.codec.data(stream_id, data))

    def close_channel(self, channel: int) -> None:
        stream_id = self._ids.get(channel)
        if stream_id is not None:
            with self._send_lock:
                self.sock.sendall(self.codec.data(stream_id, b"", fin=True))

    def receive(self) -> tuple[int, bytes] | None:
        while not self._pending:
            if not self._open or self._closed:
                return None
            if self._leftover:
                data, self._leftover = self._leftover, b""
            else:
                try:
                    data = self.sock.recv(READ_SIZE)
                except (OSError, ValueError):
                    data = b""
            if not data:
                self._closed = True
                return None
            for frame in self.codec.feed(data):
                self._frame(frame)
        return self._pending.pop(0)

    def _frame(self, frame: Any) -> None:
        if frame.kind == "data":
            channel = self._channels.get(frame.stream_id)
            if channel is not None and frame.stream_id in self._open:
                if frame.payload:
                    self._pending.append((channel, frame.payload))
                if frame.flags & 0x01:
                    self._open.discard(frame.stream_id)
        elif frame.kind == "rst":
            self._open.discard(frame.stream_id)
        elif frame.kind == "ping":
            with self._send_lock:
                self.sock.sendall(self.codec._control(6, 0, frame.payload))
        elif frame.kind == "rst_needed":  # the server opens no streams on an exec connection
            with self._send_lock:
                self.sock.sendall(self.codec.rst(frame.stream_id))
        elif frame.kind == "goaway":
            self._closed = True

    def close(self) -> None:
        self._closed = True
        import socket

        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


def _wanted_channels(params: Params, protocol: str) -> list[int]:
    """The streams client-go opens, in its order: error, stdin, stdout, stderr (not with a tty), resize (a tty,
    from v3 on)."""
    items = params.items() if isinstance(params, Mapping) else (params or [])
    flags = {str(k): str(v).lower() in ("true", "1") for k, v in items if k in ("stdin", "stdout", "stderr", "tty")}
    channels = [ERROR]
    channels += [c for c, name in ((STDIN, "stdin"), (STDOUT, "stdout")) if flags.get(name)]
    if flags.get("stderr") and not flags.get("tty"):
        channels.append(STDERR)
    if flags.get("tty") and protocol not in ("", "channel.k8s.io", "v2.channel.k8s.io"):
        channels.append(RESIZE)
    return channels


def _dial(target: Any, timeout: float | None) -> Any:
    """A socket to the server of `target` (a StreamConnection), through its proxy if any (http:// by CONNECT,
    socks5://), with TLS on top when the server is https."""
    import socket
    from urllib.parse import unquote, urlsplit

    server = urlsplit(target.url)
    port = server.port or (443 if server.scheme == "https" else 80)
    host = server.hostname or ""
    proxy = urlsplit(target.proxy) if target.proxy else None
    if proxy is not None and proxy.scheme in ("socks5", "socks5h"):
        sock = socket.create_connection((proxy.hostname, proxy.port or 1080), timeout=timeout)
        try:
            _socks5_connect(sock, host, port, unquote(proxy.username or ""), unquote(proxy.password or ""))
        except BaseException:
            sock.close()
            raise
    elif proxy is not None:
        if proxy.scheme != "http":
            raise KubectlError(f"unable to upgrade connection: proxy scheme {proxy.scheme!r} is not supported")
        sock = socket.create_connection((proxy.hostname, proxy.port or 80), timeout=timeout)
        authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
        if proxy.username:
            credential = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
            lines.append("Proxy-Authorization: Basic " + base64.b64encode(credential.encode()).decode())
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head, _ = _read_head(sock)
        if not head.split(b" ", 2)[1:2] == [b"200"]:
            sock.close()
            raise KubectlError(f"unable to upgrade connection: proxy refused: {head.splitlines()[0].decode('latin-1')}")
    else:
        sock = socket.create_connection((host, port), timeout=timeout)
    if target.ssl_context is not None:
        sock = target.ssl_context.wrap_socket(sock, server_hostname=target.server_hostname or host)
    return sock


def _recv_exactly(sock: Any, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError("proxy closed the connection")
        data += chunk
    return data


def _socks5_connect(sock: Any, host: str, port: int, username: str, password: str) -> None:
    """RFC 1928 CONNECT (with RFC 1929 username/password when the proxy URL has them); names resolve remotely."""
    import ipaddress

    methods = b"\x00\x02" if username else b"\x00"
    sock.sendall(b"\x05" + bytes([len(methods)]) + methods)
    _, method = _recv_exactly(sock, 2)
    if method == 2:
        user, secret = username.encode(), password.encode()
        sock.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(secret)]) + secret)
        if _recv_exactly(sock, 2)[1] != 0:
            raise KubectlError("unable to upgrade connection: socks5 proxy: username/password authentication failed")
    elif method != 0:
        raise KubectlError("unable to upgrade connection: socks5 proxy: no acceptable authentication methods")
    try:
        address = ipaddress.ip_address(host)
        target = (b"\x01" if address.version == 4 else b"\x04") + address.packed
    except ValueError:
        target = b"\x03" + bytes([len(host.encode())]) + host.encode()
    sock.sendall(b"\x05\x01\x00" + target + port.to_bytes(2, "big"))
    reply = _recv_exactly(sock, 4)
    if reply[1] != 0:
        raise KubectlError(f"unable to upgrade connection: socks5 proxy: connect failed (reply {reply[1]})")
    kind = reply[3]
    _recv_exactly(sock, (4 if kind == 1 else 16 if kind == 4 else _recv_exactly(sock, 1)[0]) + 2)


def _read_head(sock: Any) -> tuple[bytes, bytes]:
    """The HTTP response head (up to the blank line) and whatever came after it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(READ_SIZE)
        if not chunk:
            raise EOFError("connection closed before the response")
        data += chunk
        if len(data) > 1 << 20:
            raise EOFError("response head too large")
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _read_body(sock: Any, headers: Mapping[str, str], rest: bytes) -> bytes:
    length = headers.get("content-length")
    body = rest
    if length is not None and length.isdigit():
        while len(body) < int(length):
            chunk = sock.recv(READ_SIZE)
            if not chunk:
                break
            body += chunk
        return body[:int(length)]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while not body.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(READ_SIZE)
            if not chunk:
                break
            body += chunk
        out, pos = b"", 0
        while True:
            end = body.find(b"\r\n", pos)
            if end < 0:
                break
            size = int(body[pos:end].split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out += body[end + 2:end + 2 + size]
            pos = end + 2 + size + 2
        return out
    while True:
        chunk = sock.recv(READ_SIZE)
        if not chunk:
            return body
        body += chunk


def connect_spdy(rest: RestClient, path: str, params: Params = None) -> SpdyConnection:
    """POST `path?params` upgraded to SPDY/3.1 (client-go's SPDY executor), its streams opened as the params ask
    (error, stdin, stdout, stderr, resize). A refused upgrade raises what kubectl prints for it."""
    from urllib.parse import urlsplit

    from pykubectl.client.rest import go_error_text
    from pykubectl.errors import TransportError

    target = rest.connection_settings("POST", path, params)
    url = target.url
    split = urlsplit(url)
    request = [f"POST {split.path}{'?' + split.query if split.query else ''} HTTP/1.1", f"Host: {split.netloc}",
               f"User-Agent: {target.user_agent}", "Content-Length: 0"]
    request += [f"X-Stream-Protocol-Version: {p}" for p in SPDY_PROTOCOLS]
    request += [f"{k}: {v}" for k, v in target.headers]
    request += ["Connection: Upgrade", "Upgrade: SPDY/3.1"]
    timeout = target.timeout or HANDSHAKE_TIMEOUT
    try:
        sock = _dial(target, timeout)
        try:
            sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode())
            head, rest_bytes = _read_head(sock)
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ", 2)
            code = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if (code != 101 or "upgrade" not in headers.get("connection", "").lower()
                    or "spdy/3.1" not in headers.get("upgrade", "").lower()):
                body = _read_body(sock, headers, rest_bytes)
                sock.close()
                raise upgrade_failure(code, body, headers.get("content-type"), parts[2] if len(parts) > 2 else "")
            sock.settimeout(None)
            if target.ssl_context is not None:  # read here, written by the stdin thread: SSL calls in turn
                sock = SerializedTLSSocket(sock)
        except BaseException:
            with contextlib.suppress(OSError):
                sock.close()
            raise
    except (OSError, EOFError) as exc:
        host = split.netloc
        raise TransportError("POST", url, go_error_text(exc, host, rest.timeout), host) from None
    protocol = headers.get("x-stream-protocol-version", "")
    try:
        return SpdyConnection(sock, protocol, _wanted_channels(params, protocol), rest_bytes)
    except OSError as exc:
        sock.close()
        raise TransportError("POST", url, go_error_text(exc, split.netloc, rest.timeout), split.netloc) from None


def upgrade_failure(code: int, body: bytes, content_type: str | None, reason: str = "") -> KubectlError:
    """client-go's answer to a refused upgrade (spdy.NewConnection): a Status body is that API error, anything
    else `unable to upgrade connection: <body>`."""
    from pykubectl.client.status import decode_status, error_from_response

    if decode_status(body, content_type) is not None:
        return error_from_response(code, body, content_type, "GET", "", "", "")
    text = body.decode("utf-8", "replace").strip() or reason
    return UpgradeError(f"unable to upgrade connection: {text}", status_code=code)


# ------------------------------------------------------------------------------------------------ streaming


def binary_writer(stream: TextIO | BinaryIO | None) -> Callable[[bytes], None] | None:
    if stream is None:
        return None
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        def write(data: bytes) -> None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        return write
    import io

    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        def write_bytes(data: bytes) -> None:
            stream.write(data)
            stream.flush()
        return write_bytes

    def write_text(data: bytes) -> None:
        stream.write(data.decode("utf-8", "replace"))
        stream.flush()
    return write_text


def binary_reader(stream: Any) -> Callable[[], bytes] | None:
    """A function returning the next chunk of input (b"" at EOF), reading no more than is there."""
    if stream is None:
        return None
    if isinstance(stream, int):
        return lambda: os.read(stream, READ_SIZE)
    buffer = getattr(stream, "buffer", stream)
    read1 = getattr(buffer, "read1", None)
    if read1 is not None:  # at most one read of the file: what is there, without waiting for a full chunk
        return lambda: read1(READ_SIZE)
    try:
        fd = buffer.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is not None:
        return lambda: os.read(fd, READ_SIZE)

    def read_any() -> bytes:
        chunk = buffer.read(READ_SIZE)
        return chunk.encode() if isinstance(chunk, str) else chunk
    return read_any


def decode_status(conn: ChannelConnection, payload: bytes) -> KubectlError | None:
    """client-go's error decoders: v4/v5 a metav1.Status, older protocols a plain text message."""
    if not conn.structured_status:
        text = payload.decode("utf-8", "replace")
        return KubectlError(text) if text else None
    try:
        status = json.loads(payload)
    except ValueError as exc:
        return KubectlError(f"error stream protocol error: {exc} in {payload.decode('utf-8', 'replace')!r}")
    if not isinstance(status, Mapping):
        return KubectlError("error stream protocol error: unknown error")
    state = status.get("status")
    if state == "Success":
        return None
    if state != "Failure":
        return KubectlError("error stream protocol error: unknown error")
    if status.get("reason") == "NonZeroExitCode":
        for cause in ((status.get("details") or {}).get("causes") or []):
            if cause.get("reason") != "ExitCode":
                continue
            text = str(cause.get("message") or "")
            if text.isdigit() and int(text) <= 255:
                return RemoteExitError(int(text))
            return KubectlError(f'error stream protocol error: invalid exit code value "{text}"')
        return KubectlError("error stream protocol error: no exit code value")
    return KubectlError(str(status.get("message") or ""))


def stream(conn: ChannelConnection, stdin: Any = None, stdout: Any = None, stderr: Any = None,
           tty: bool = False, sizes: Iterable[tuple[int, int]] | None = None) -> None:
    """Run one exec/attach session to its end (see the module docstring)."""
    out = binary_writer(stdout)
    err = binary_writer(stderr)
    read = binary_reader(stdin)
    threads: list[threading.Thread] = []
    if read is not None:
        def pump_stdin() -> None:
            try:
                while True:
                    chunk = read()
                    if not chunk:
                        break
                    conn.send(STDIN, chunk)
                conn.close_channel(STDIN)
            except Exception as exc:  # noqa: BLE001 - the session may already be over
                log.debug("stdin: %s", exc)

        threads.append(threading.Thread(target=pump_stdin, name="exec-stdin", daemon=True))
    if tty and sizes is not None:
        def pump_sizes() -> None:
            try:
                for width, height in sizes:
                    conn.send(RESIZE, json.dumps({"Width": width, "Height": height}).encode() + b"\n")
            except Exception as exc:  # noqa: BLE001
                log.debug("resize: %s", exc)

        threads.append(threading.Thread(target=pump_sizes, name="exec-resize", daemon=True))
    for thread in threads:
        thread.start()
    failure: KubectlError | None = None
    try:
        while True:
            message = conn.receive()
            if message is None:
                break
            channel, payload = message
            if channel == STDOUT:
                if out is not None and payload:
                    out(payload)
            elif channel == STDERR:
                if err is not None and payload and not tty:
                    err(payload)
            elif channel == ERROR:
                if payload:
                    failure = decode_status(conn, payload)
            else:
                log.debug("Unknown stream id %d, discarding message", channel)
    finally:
        conn.close()
    if failure is not None:
        raise failure
