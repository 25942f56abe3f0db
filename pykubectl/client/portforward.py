"""Port forwarding with client-go's PortForwarder rules, over either wire protocol the apiserver offers.

Concurrency: one asyncio event loop (in the calling thread) runs every listener and every forwarded
connection.

* Tunnel (preferred, `tunnel_dialer`): SPDY/3.1 inside one websocket (`SPDY/3.1+portforward.k8s.io`,
  PROTOCOLS.md §7.1), opened before listening as kubectl 1.31+ does. Each local connection is a pair of SPDY
  streams (error, half-closed at once, and data) sharing a requestid; the pod's FIN ends the connection, the
  data stream is reset and the error stream read out. If the tunnel's websocket closes, the command ends
  with `lost connection to pod`. The framing is `pykubectl.client.spdy`.
* Plain websocket (`websocket_dialer`, the fallback when the server refuses the tunnel): each accepted local
  connection gets its own websocket, `GET …/pods/<pod>/portforward?ports=<remote>` with subprotocol
  `v4.channel.k8s.io` (§7.2): channel 0 carries data both ways, channel 1 the server's error text, and the
  first message on each is the channel byte plus the port, little-endian. This protocol has no half-close:
  when the local side ends its writes, the websocket stays open until the pod has sent nothing for `LINGER`
  seconds, then closes.

`PortForwarder.run(stop)` prints kubectl's `Forwarding from …` lines once the listeners are up and
`Handling connection for N` per connection; it returns when `stop` is set (Ctrl-C) and raises
`LostConnection` when the server reports an error for a connection, as kubectl ends then too.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TextIO

from pykubectl.errors import KubectlError

log = logging.getLogger("pykubectl.portforward")

SUBPROTOCOL = "v4.channel.k8s.io"
TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io"
READ_SIZE = 256 * 1024
LINGER = 1.0  # seconds the websocket stays open for the pod's answer after the local side stopped writing
DATA_CHANNEL, ERROR_CHANNEL = 0, 1


class LostConnection(KubectlError):
    def __init__(self) -> None:
        super().__init__("lost connection to pod")


@dataclass
class ForwardedPort:
    local: int
    remote: int


@dataclass(frozen=True)
class ListenAddress:
    address: str
    family: int
    failure_mode: str  # "all": fine if any "all" address binds (localhost); "any": every one must bind


def parse_ports(specs: list[str]) -> list[ForwardedPort]:
    """client-go's parsePorts: `5000`, `8888:5000`, `:5000` / `0:5000` (a random local port)."""
    ports = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) == 1:
            local, remote = parts[0], parts[0]
        elif len(parts) == 2:
            local, remote = parts[0] or "0", parts[1]
        else:
            raise KubectlError(f"invalid port format '{spec}'")
        local_port = _parse_uint16(local, "local")
        remote_port = _parse_uint16(remote, "remote")
        if remote_port == 0:
            raise KubectlError("remote port must be > 0")
        ports.append(ForwardedPort(local_port, remote_port))
    return ports


def _parse_uint16(text: str, which: str) -> int:
    """strconv.ParseUint(text, 10, 16) with client-go's wrapping of its errors."""
    reason = None
    if not text or not text.isascii() or not text.isdigit():
        reason = "invalid syntax"
    elif int(text) > 0xFFFF:
        reason = "value out of range"
    if reason:
        raise KubectlError(f"error parsing {which} port '{text}': strconv.ParseUint: parsing \"{text}\": {reason}")
    return int(text)


def parse_addresses(values: list[str]) -> list[ListenAddress]:
    """client-go's parseAddresses: `localhost` is 127.0.0.1 and ::1 (either may fail); sorted by text."""
    parsed: dict[str, ListenAddress] = {}
    for value in values:
        if value == "localhost":
            parsed.setdefault("127.0.0.1", ListenAddress("127.0.0.1", socket.AF_INET, "all"))
            parsed.setdefault("::1", ListenAddress("::1", socket.AF_INET6, "all"))
            continue
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            raise KubectlError(f"{value} is not a valid IP") from None
        family = socket.AF_INET if ip.version == 4 else socket.AF_INET6
        parsed[value] = ListenAddress(value, family, "any")
    return sorted(parsed.values(), key=lambda a: a.address)


def join_host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


Dial = Callable[[int], Awaitable[Any]]  # remote port → an open websocket (websockets' asyncio connection)


class PortForwarder:
    def __init__(self, dial: Dial, addresses: list[ListenAddress], ports: list[ForwardedPort],
                 out: TextIO, err: TextIO, tunnel: TunnelDial | None = None):
        self.dial = dial
        self.tunnel_dial = tunnel
        self._tunnel: _Tunnel | None = None
        self._stopping = False
        self.addresses = addresses
        self.ports = ports
        self.out = out
        self.err = err
        self._servers: list[asyncio.base_events.Server] = []
        self._connections: set[asyncio.Task] = set()
        self._failure: asyncio.Future | None = None

    def _say(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    async def run(self, stop: asyncio.Event) -> None:
        self._failure = asyncio.get_running_loop().create_future()
        reading = None
        try:
            if self.tunnel_dial is not None:
                ws = await self.tunnel_dial()  # None: the server does not tunnel; one websocket per connection
                if ws is not None:
                    self._tunnel = _Tunnel(ws)
                    reading = asyncio.ensure_future(self._tunnel.run())
                    reading.add_done_callback(self._tunnel_ended)
            await self._listen_all()
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({stopping, self._failure}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if self._failure.done():
                self._failure.result()
        finally:
            self._stopping = True
            await self.close()
            if self._tunnel is not None:
                await self._tunnel.close()
            if reading is not None:
                reading.cancel()

    def _tunnel_ended(self, _task: asyncio.Task) -> None:
        """The tunnel's websocket closed: kubectl's ErrLostConnectionToPod."""
        if self._failure is not None and not self._failure.done() and not self._stopping:
            self._failure.set_exception(LostConnection())

    async def close(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=2)
        for server in self._servers:
            try:
                await asyncio.wait_for(server.wait_closed(), 1)
            except TimeoutError:
                pass
        self._servers.clear()

    async def _listen_all(self) -> None:
        success = False
        for port in self.ports:
            try:
                await self._listen_on_port(port)
                success = True
            except OSError as exc:
                self.err.write(f"Unable to listen on port {port.local}: {exc}\n")
                self.err.flush()
        if not success:
            text = " ".join(f"{{{p.local} {p.remote}}}" for p in self.ports)
            raise KubectlError(f"unable to listen on any of the requested ports: [{text}]")

    async def _listen_on_port(self, port: ForwardedPort) -> None:
        errors: list[str] = []
        failed = {"all": 0, "any": 0}
        succeeded = {"all": 0, "any": 0}
        for address in self.addresses:
            try:
                await self._listen(port, address)
                succeeded[address.failure_mode] += 1
            except OSError as exc:
                errors.append(f"unable to create listener: Error listen {_network(address)} "
                              f"{join_host_port(address.address, port.local)}: {_go_socket_error(exc)}")
                failed[address.failure_mode] += 1
        if (succeeded["all"] == 0 and failed["all"] > 0) or failed["any"] > 0:
            raise OSError(f"Listeners failed to create with the following errors: [{' '.join(errors)}]")

    async def _listen(self, port: ForwardedPort, address: ListenAddress) -> None:
        sock = socket.socket(address.family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Go's net.Listen does
            if address.family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind((address.address, port.local))
            sock.listen(socket.SOMAXCONN)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        port.local = sock.getsockname()[1]
        forwarded = port

        async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            # The work runs in its own task, so that close() cancels it and not asyncio's callback task
            # (whose cancellation asyncio would report as an unhandled error).
            task = asyncio.ensure_future(self._handle(reader, writer, forwarded))
            self._connections.add(task)
            try:
                await task
            except asyncio.CancelledError:
                writer.close()
            finally:
                self._connections.discard(task)

        server = await asyncio.start_server(accepted, sock=sock)
        self._servers.append(server)
        self._say(f"Forwarding from {join_host_port(address.address, port.local)} -> {port.remote}\n")

    def _report(self, port: ForwardedPort, text: str) -> None:
        """client-go's runtime.HandleError line; klog's header carries the time, so tests compare the rest."""
        import datetime
        import os

        now = datetime.datetime.now()
        header = f"E{now:%m%d %H:%M:%S}.{now.microsecond:06d} {os.getpid():>7} portforward.go:424]"
        self.err.write(f'{header} "Unhandled Error" err="{_go_escape(text)}"\n')
        self.err.flush()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      port: ForwardedPort) -> None:
        self._say(f"Handling connection for {port.local}\n")
        if self._tunnel is not None:
            try:
                await self._handle_tunnelled(self._tunnel, reader, writer, port)
            finally:
                writer.close()
            return
        ws = None
        try:
            try:
                ws = await self.dial(port.remote)
            except KubectlError as exc:
                self._report(port, f"error creating error stream for port {port.local} -> {port.remote}: "
                                   f"{exc.render().removeprefix('error: ').rstrip()}")
                return
            except Exception as exc:  # noqa: BLE001 - the dial's failure ends this connection only
                self._report(port, f"error creating error stream for port {port.local} -> {port.remote}: {exc}")
                return
            await self._pump(ws, reader, writer, port)
        finally:
            writer.close()
            if ws is not None:
                await ws.close()

    async def _handle_tunnelled(self, tunnel: _Tunnel, reader: asyncio.StreamReader,
                                writer: asyncio.StreamWriter, port: ForwardedPort) -> None:
        """client-go's handleConnection: an error stream (half-closed at once) and a data stream per connection;
        copy both ways until the pod's side ends, reset the data stream, then read the error stream out."""
        request_id = tunnel.next_request_id()
        headers = {"streamtype": "error", "port": str(port.remote), "requestid": str(request_id)}
        try:
            error_stream = await tunnel.open(headers)
            await tunnel.send(error_stream, b"", fin=True)
            data_stream = await tunnel.open({**headers, "streamtype": "data"})
        except (ConnectionError, OSError) as exc:
            self._report(port, f"error creating error stream for port {port.local} -> {port.remote}: {exc}")
            return

        async def upstream() -> None:  # local → pod, then FIN
            try:
                while data := await reader.read(READ_SIZE):
                    await tunnel.send(data_stream, data)
            except Exception:  # noqa: BLE001 - a reset local socket: the pod's side still ends the connection
                pass
            with contextlib.suppress(Exception):
                await tunnel.send(data_stream, b"", fin=True)

        sending = asyncio.ensure_future(upstream())
        try:
            while chunk := await data_stream.read():
                writer.write(chunk)
                await writer.drain()
        except (OSError, ConnectionError):
            pass
        finally:
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)
            await tunnel.reset(data_stream)
        message = b""
        while chunk := await error_stream.read():
            message += chunk
        tunnel.forget(error_stream, data_stream)
        if message:
            self._report(port, f"an error occurred forwarding {port.local} -> {port.remote}: "
                               f"{message.decode('utf-8', 'replace')}")
            await tunnel.close()

    async def _pump(self, ws: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    port: ForwardedPort) -> None:
        loop = asyncio.get_running_loop()
        local_done = asyncio.Event()
        last_message = [loop.time()]

        async def upstream() -> None:  # local → pod
            try:
                while data := await reader.read(READ_SIZE):
                    await ws.send(b"\x00" + data)
            except Exception:  # noqa: BLE001 - a reset local socket or a closed websocket: downstream ends too
                pass
            local_done.set()

        async def linger() -> None:  # no half-close in this protocol: wait for the pod's answer, then close
            await local_done.wait()
            while (idle := loop.time() - last_message[0]) < LINGER:
                await asyncio.sleep(LINGER - idle)
            await ws.close()

        helpers = [asyncio.ensure_future(upstream()), asyncio.ensure_future(linger())]
        seen = {DATA_CHANNEL: False, ERROR_CHANNEL: False}
        error_text = b""
        try:
            async for message in ws:  # pod → local, until the websocket closes
                last_message[0] = loop.time()
                if isinstance(message, str) or not message or message[0] not in seen:
                    continue
                channel, payload = message[0], message[1:]
                if not seen[channel]:  # the port prefix the server sends first on each channel
                    seen[channel] = True
                    if len(payload) != 2 or struct.unpack("<H", payload)[0] != port.remote:
                        error_text = b"unexpected port prefix on the websocket"
                        break
                    continue
                if channel == DATA_CHANNEL:
                    writer.write(payload)
                    await writer.drain()
                else:
                    error_text += payload
        except Exception:  # noqa: BLE001 - the local socket or the websocket failed: this connection ends
            pass
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
        if error_text:
            self._report(port, f"an error occurred forwarding {port.local} -> {port.remote}: "
                               f"{error_text.decode('utf-8', 'replace')}")
            if self._failure is not None and not self._failure.done():
                self._failure.set_exception(LostConnection())


TunnelDial = Callable[[], Awaitable[Any]]  # → the tunnel's websocket, or None when the server refuses it


class _TunnelStream:
    def __init__(self, stream_id: int):
        self.id = stream_id
        self.chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self.ended = False
        self.local_closed = False

    def deliver(self, data: bytes) -> None:
        if data and not self.ended:
            self.chunks.put_nowait(data)

    def end(self) -> None:
        if not self.ended:
            self.ended = True
            self.chunks.put_nowait(b"")

    async def read(self) -> bytes:
        chunk = await self.chunks.get()
        if not chunk:
            self.chunks.put_nowait(b"")
        return chunk


class _Tunnel:
    """One SPDY/3.1 connection inside a websocket (`SPDY/3.1+portforward.k8s.io`), as kubectl 1.31+ opens."""

    def __init__(self, ws: Any):
        from pykubectl.client.spdy import Codec

        self.ws = ws
        self.codec = Codec()
        self.streams: dict[int, _TunnelStream] = {}
        self._next_stream = 1
        self._next_request = 0
        self._lock = asyncio.Lock()  # header compression is stateful: encode and send in one order
        self.closed = False

    def next_request_id(self) -> int:
        value = self._next_request
        self._next_request += 1
        return value

    async def _send(self, frame: bytes) -> None:
        if self.closed:
            raise ConnectionError("lost connection to pod")
        await self.ws.send(frame)

    async def open(self, headers: dict[str, str]) -> _TunnelStream:
        async with self._lock:
            stream = _TunnelStream(self._next_stream)
            self._next_stream += 2
            self.streams[stream.id] = stream
            await self._send(self.codec.syn_stream(stream.id, headers))
        return stream

    async def send(self, stream: _TunnelStream, data: bytes, fin: bool = False) -> None:
        if stream.local_closed:
            return
        if fin:
            stream.local_closed = True
        await self._send(self.codec.data(stream.id, data, fin))

    async def reset(self, stream: _TunnelStream) -> None:
        stream.local_closed = True
        if not stream.ended:
            with contextlib.suppress(Exception):
                await self._send(self.codec.rst(stream.id))
        stream.end()

    def forget(self, *streams: _TunnelStream) -> None:
        for stream in streams:
            self.streams.pop(stream.id, None)

    async def run(self) -> None:
        """Read frames until the websocket closes; every stream then ends."""
        try:
            async for message in self.ws:
                if isinstance(message, str):
                    break
                for frame in self.codec.feed(message):
                    stream = self.streams.get(frame.stream_id)
                    if frame.kind == "data" and stream is not None:
                        stream.deliver(frame.payload)
                        if frame.flags & 0x01:
                            stream.end()
                    elif frame.kind == "rst" and stream is not None:
                        stream.end()
                    elif frame.kind == "rst_needed":
                        await self._send(self.codec.rst(frame.stream_id, 3))  # REFUSED_STREAM
                    elif frame.kind == "ping":
                        await self._send(self.codec.ping(int.from_bytes(frame.payload, "big")))
                    elif frame.kind == "goaway":
                        return
        except Exception as exc:  # noqa: BLE001 - a broken websocket ends the tunnel like a closed one
            log.debug("tunnel: %s", exc)
        finally:
            self.closed = True
            for stream in list(self.streams.values()):
                stream.end()

    async def close(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            await self.ws.close()
        for stream in list(self.streams.values()):
            stream.end()


def _network(address: ListenAddress) -> str:
    return "tcp4" if address.family == socket.AF_INET else "tcp6"


def _go_socket_error(exc: OSError) -> str:
    """Go's syscall text for the common bind failures."""
    import errno

    return {errno.EADDRINUSE: "bind: address already in use",
            errno.EADDRNOTAVAIL: "bind: cannot assign requested address",
            errno.EACCES: "bind: permission denied"}.get(exc.errno or 0, (exc.strerror or str(exc)).lower())


def _go_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _connector(client: Any, namespace: str, pod: str):
    """`connect(query, protocol)` for `pods/<pod>/portforward` through `client` (a RestClient): the same server,
    TLS, credentials, impersonation and User-Agent as its REST calls."""
    from urllib.parse import quote, urlsplit

    import websockets.asyncio.client

    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/portforward"
    first = client.connection_settings("GET", path)  # the TLS context, once; credentials per connection
    base = urlsplit(first.url)
    scheme = "wss" if base.scheme == "https" else "ws"
    ssl_context = first.ssl_context

    def headers() -> list[tuple[str, str]]:  # an exec plugin's token may have been renewed since
        return list(client.connection_settings("GET", path, tls=False).headers)

    async def connect(query: str, protocol: str) -> Any:
        url = f"{scheme}://{base.netloc}{base.path}" + (f"?{query}" if query else "")
        kwargs: dict[str, Any] = {}
        subprotocols: list[str] | None = [protocol]
        if not _is_token(protocol):  # "SPDY/3.1+portforward.k8s.io" is no RFC 7230 token: offer it ourselves
            kwargs["create_connection"] = _any_subprotocol_connection(protocol)
            subprotocols = None
        if ssl_context is not None:
            kwargs["ssl"] = ssl_context
            if first.server_hostname:
                kwargs["server_hostname"] = first.server_hostname
        return await websockets.asyncio.client.connect(
            url, subprotocols=subprotocols, additional_headers=headers(), proxy=first.proxy,
            user_agent_header=first.user_agent, compression=None, max_size=None, ping_interval=None,
            open_timeout=30, **kwargs)

    return connect


def _is_token(text: str) -> bool:
    import re

    return re.fullmatch(r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+", text) is not None


def _any_subprotocol_connection(protocol: str):
    """A websockets ClientConnection that offers `protocol` verbatim and accepts it back: websockets only
    handles token-shaped subprotocols, and the apiserver's tunnelling one has a slash."""
    from websockets.asyncio.client import ClientConnection
    from websockets.exceptions import NegotiationError

    def chosen(headers) -> str | None:
        values = headers.get_all("Sec-WebSocket-Protocol")
        if not values:
            return None
        if values != [protocol]:
            raise NegotiationError(f"unsupported subprotocol: {', '.join(values)}")
        return protocol

    class Connection(ClientConnection):
        def __init__(self, sans_io, **kwargs):
            sans_io.available_subprotocols = [protocol]  # joined into the request header, not validated there
            sans_io.process_subprotocol = chosen
            super().__init__(sans_io, **kwargs)

    return Connection


def websocket_dialer(client: Any, namespace: str, pod: str) -> Dial:
    """A Dial for the plain protocol: one websocket per connection, `ports=<remote>`."""
    import websockets.exceptions

    connect = _connector(client, namespace, pod)

    async def dial(remote: int) -> Any:
        try:
            return await connect(f"ports={remote}", SUBPROTOCOL)
        except websockets.exceptions.InvalidStatus as exc:
            body = (exc.response.body or b"").decode("utf-8", "replace")
            raise KubectlError(f"unable to upgrade connection: {_status_message(body)}") from None

    return dial


def tunnel_dialer(client: Any, namespace: str, pod: str) -> TunnelDial:
    """A TunnelDial: the SPDY tunnel's websocket, None when the upgrade is refused (kubectl's fallback case),
    else kubectl's `error upgrading connection: …`."""
    import websockets.exceptions

    connect = _connector(client, namespace, pod)

    async def dial() -> Any:
        try:
            ws = await connect("", TUNNEL_PROTOCOL)
        except (websockets.exceptions.InvalidStatus, websockets.exceptions.InvalidHandshake) as exc:
            log.info("port-forward tunnel refused (%s); one websocket per connection instead", exc)
            return None
        except OSError as exc:
            raise KubectlError(f"error upgrading connection: {exc}") from None
        if ws.subprotocol != TUNNEL_PROTOCOL:
            await ws.close()
            return None
        return ws

    return dial


def _status_message(body: str) -> str:
    import json

    try:
        return json.loads(body).get("message") or body
    except (ValueError, AttributeError):
        return body
