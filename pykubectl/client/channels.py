"""The websocket channel protocol of pods/exec, pods/attach (and a base for port-forward), PROTOCOLS.md §6.

Built on python-websockets' sync client, with the same connection settings as every REST call: the TLS
context of `client.transport.build_ssl_context` (CA, client certificate, insecure, tls-server-name), the
credential the RestClient would send (token, token file, basic, exec plugin, oidc), impersonation headers,
the proxy (proxy-url or the environment) and the request timeout for the handshake.

API:

* `connect(rest, path, params, protocols=EXEC_PROTOCOLS) -> ChannelConnection`: GET `path?params` upgraded
  to a websocket offering `protocols` in order. A refused upgrade raises the error kubectl prints for it
  (`ApiError` for a Status body, else `unable to upgrade connection: <body>`); a failed dial raises
  `TransportError`.
* `ChannelConnection`: `.protocol` (the negotiated one), `.can_close_channels` (v5), `send(channel, data)`
  (thread-safe), `close_channel(channel)` (v5's `ff <channel>`), `receive() -> (channel, payload) | None`
  (None once the server closed; base64 protocols decoded), `close()`.
* `stream(conn, stdin=None, stdout=None, stderr=None, tty=False, sizes=None) -> None`: kubectl's
  StreamOptions over one connection. `stdin` is a binary reader (`read1`/`read` or a file descriptor number)
  pumped in its own thread and half-closed at EOF on v5; `stdout`/`stderr` are binary writers (flushed per
  frame); `sizes` yields `(width, height)` tuples sent on the resize channel. Returns on success; raises
  `RemoteExitError(code)` for NonZeroExitCode and `KubectlError(message)` for any other failure status.
* `binary_writer(text_stream)`, `binary_reader(text_stream)`: the byte side of an IOStreams member.
"""

from __future__ import annotations

import base64
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
HANDSHAKE_TIMEOUT = 20.0  # without --request-timeout: how long one upgrade may take before it is tried again
_ACCEPTS_LEGACY: bool | None = None


class UpgradeError(KubectlError):
    """The server would not upgrade the connection: kubectl's `unable to upgrade connection: ...`."""


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


def _auth_headers(rest: RestClient, url: str) -> list[tuple[str, str]]:
    import httpx

    headers: list[tuple[str, str]] = []
    auth = getattr(rest, "_static_auth", None) or getattr(rest, "_exec", None)
    if auth is not None:
        probe = httpx.Request("GET", url)
        flow = auth.sync_auth_flow(probe)
        prepared = next(flow)
        flow.close()
        if "authorization" in prepared.headers:
            headers.append(("Authorization", prepared.headers["authorization"]))
    return headers + list(getattr(rest, "_extra_headers", []))


def _client_cert(rest: RestClient) -> tuple[bytes, bytes] | None:
    exec_auth = getattr(rest, "_exec", None)
    if exec_auth is not None:
        return exec_auth.provider.credential().certificate_pair
    return None


def connect(rest: RestClient, path: str, params: Params = None,
            protocols: Iterable[str] = EXEC_PROTOCOLS) -> ChannelConnection:
    from urllib.parse import urlsplit

    from websockets.exceptions import InvalidHandshake, InvalidStatus
    from websockets.sync.client import connect as ws_connect

    from pykubectl.client.rest import go_error_text
    from pykubectl.client.status import error_from_response
    from pykubectl.client.transport import build_ssl_context, is_tls, proxy_for, user_agent
    from pykubectl.errors import ExecPluginError, TransportError

    global _ACCEPTS_LEGACY
    if _ACCEPTS_LEGACY is None:
        import inspect

        _ACCEPTS_LEGACY = "legacy" in inspect.signature(ws_connect).parameters
    settings = rest.settings
    url = rest.url(path, params)
    ws_url = "wss" + url[len("https"):] if url.startswith("https") else "ws" + url[len("http"):]
    try:
        headers = _auth_headers(rest, url)
        cert = _client_cert(rest)
    except ExecPluginError as exc:
        raise TransportError("GET", url, f"getting credentials: {exc}", rest.host) from None
    options: dict[str, Any] = {}
    if is_tls(settings):
        options["ssl"] = build_ssl_context(settings, cert)
        if settings.tls_server_name:
            options["server_hostname"] = settings.tls_server_name
    proxy = proxy_for(settings)
    try:
        if _ACCEPTS_LEGACY:  # websockets >= 16: the connection itself, not a context manager
            options["legacy"] = True
        attempts = 1 if rest.timeout else 2
        for attempt in range(attempts):
            try:
                ws = ws_connect(ws_url, additional_headers=headers, subprotocols=list(protocols), compression=None,
                                user_agent_header=user_agent(), proxy=proxy,
                                open_timeout=rest.timeout or HANDSHAKE_TIMEOUT, ping_interval=PING_INTERVAL,
                                ping_timeout=PING_TIMEOUT, close_timeout=5, max_size=None, **options)
                break
            except TimeoutError:
                # an upgrade answer that never comes: ask once more on a new connection before giving up
                if attempt + 1 >= attempts:
                    raise
    except InvalidStatus as exc:
        response = exc.response
        body = response.body or b""
        content_type = response.headers.get("Content-Type")
        from pykubectl.client.status import decode_status

        if decode_status(body, content_type) is not None:
            resource, group, name = "", "", ""
            raise error_from_response(response.status_code, body, content_type, "GET", resource, group,
                                      name) from None
        text = body.decode("utf-8", "replace").strip() or response.reason_phrase
        raise UpgradeError(f"unable to upgrade connection: {text}") from None
    except ImportError as exc:  # a socks5 proxy needs python-socks, which pykubectl does not ship
        raise KubectlError(f"unable to upgrade connection: {exc}") from None
    except InvalidHandshake as exc:
        raise UpgradeError(f"unable to upgrade connection: {exc}") from None
    except (OSError, TimeoutError) as exc:
        host = urlsplit(url).netloc
        raise TransportError("GET", url, go_error_text(exc, host, rest.timeout), host) from None
    return ChannelConnection(ws, ws.subprotocol or "")


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
