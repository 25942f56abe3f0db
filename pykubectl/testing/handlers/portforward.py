"""/api/v1/namespaces/{ns}/pods/{name}/portforward: forwarding TCP to a simulated pod's ports (PROTOCOLS.md §7).

Two wire protocols, both ending at `cluster.runtime.port_address(ns, pod, port)`:

* the plain websocket protocol (§7.2), what a kubelet serves: `GET …?ports=80&ports=6379` with subprotocol
  `v4.channel.k8s.io` (or `v4.base64.channel.k8s.io`, or none). Port i has data channel 2i and error
  channel 2i+1; the first message on every channel is the channel byte plus the port, little-endian; then
  `[2i] + bytes` both ways. All ports are dialled as soon as the socket opens; the socket closes when every
  pod connection has ended.
* SPDY/3.1 tunnelled over a websocket (§7.1), what kubectl 1.31+ sends: subprotocol
  `SPDY/3.1+portforward.k8s.io`, no ports in the query. The binary messages carry one SPDY byte stream; each
  forwarded connection is a pair of streams (`streamtype: error` and `streamtype: data`, sharing a
  `requestid` and a `port` header). When the pair is complete the pod port is dialled; the pod's bytes go
  back as DATA frames, its EOF as FIN on the data stream and then on the error stream; a failure is written
  on the error stream as the kubelet words it.

SPDY framing and stream state come from `pykubectl.testing.spdy`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import struct
from typing import Any

from aiohttp import WSMsgType, web

from .. import spdy, status
from ..status import StatusError

log = logging.getLogger("pykubectl.testing.portforward")

PATH = "/api/v1/namespaces/{namespace}/pods/{name}/portforward"
TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io"
SPDY_PROTOCOL = "portforward.k8s.io"
POD_POLL = 0.2  # seconds between looks at whether the forwarded pod still runs
V4_BINARY = "v4.channel.k8s.io"
V4_BASE64 = "v4.base64.channel.k8s.io"
READ_SIZE = 64 * 1024

OUTBOX_LIMIT = 4 * 1024 * 1024  # bytes queued for the websocket before a pod reader waits


def add_routes(app: web.Application, cluster: Any) -> None:
    handler = PortForwardHandler(cluster)
    app.router.add_route("GET", PATH, handler.handle)
    app.router.add_route("POST", PATH, handler.handle)


def _offered_protocols(request: web.Request) -> list[str]:
    offered: list[str] = []
    for value in request.headers.getall("Sec-WebSocket-Protocol", []):
        offered.extend(p.strip() for p in value.split(",") if p.strip())
    return offered


def _is_websocket(request: web.Request) -> bool:
    return (request.headers.get("Upgrade", "").lower() == "websocket"
            and "upgrade" in request.headers.get("Connection", "").lower())


class PortForwardHandler:
    def __init__(self, cluster: Any):
        self.cluster = cluster

    def _pod(self, namespace: str, name: str) -> dict:
        pod = self.cluster.get("", "pods", namespace, name)
        if pod is None:
            raise StatusError(status.not_found("pods", "", name))
        if not (pod.get("spec") or {}).get("nodeName"):
            raise StatusError(status.bad_request(f"pod {name} does not have a host assigned"))
        return pod

    async def handle(self, request: web.Request) -> web.StreamResponse:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        try:
            pod = self._pod(namespace, name)
            if request.headers.get("Upgrade", "").lower() == "spdy/3.1":
                return await self._spdy(request, pod)
            if not _is_websocket(request):
                raise StatusError(status.bad_request("Upgrade request required"))
            offered = _offered_protocols(request)
            if TUNNEL_PROTOCOL in offered:
                return await self._tunnel(request, pod)
            ports = self._ports(request)
        except StatusError as exc:
            return web.Response(text=json.dumps(exc.body), status=exc.code, content_type="application/json")
        return await self._websocket(request, pod, ports, offered)

    @staticmethod
    def _ports(request: web.Request) -> list[int]:
        values = request.query.getall("ports", [])
        if not values:
            raise StatusError(status.bad_request('query parameter "port" is required'))
        ports = []
        for value in values:
            if not value:
                raise StatusError(status.bad_request('query parameter "port" cannot be empty'))
            for part in value.split(","):
                try:
                    port = int(part)
                    if not 0 <= port <= 65535:
                        raise ValueError
                except ValueError:
                    raise StatusError(status.bad_request(
                        f'unable to parse "{value}" as a port: strconv.ParseUint: parsing "{part}": invalid syntax'
                    )) from None
                if port < 1:
                    raise StatusError(status.bad_request(f'port "{value}" must be > 0'))
                ports.append(port)
        return ports

    @staticmethod
    def _sandbox(pod: dict) -> str:
        return hashlib.sha256(("sandbox/" + pod["metadata"].get("uid", "")).encode()).hexdigest()

    def _failure(self, pod: dict, port: int, reason: str) -> str:
        """The kubelet's wording (containerd names the pod by its sandbox and leaves the uid empty)."""
        return f"error forwarding port {port} to pod {self._sandbox(pod)}, uid : {reason}"

    async def _dial(self, pod: dict, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Connect to the pod's port; raises OSError with containerd's wording when nothing listens."""
        meta = pod["metadata"]
        address = self.cluster.runtime.port_address(meta.get("namespace", ""), meta["name"], port)
        sandbox = self._sandbox(pod)
        netns = f"/var/run/netns/cni-{sandbox[:8]}-{sandbox[8:12]}-{sandbox[12:16]}-{sandbox[16:20]}-{sandbox[20:32]}"
        refused = (f'failed to execute portforward in network namespace "{netns}": failed to connect to '
                   f'localhost:{port} inside namespace "{sandbox}", IPv4: dial tcp4 127.0.0.1:{port}: connect: '
                   f"connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused ")
        if address is None:
            raise OSError(refused)
        try:
            return await asyncio.open_connection(address[0], address[1])
        except OSError:
            raise OSError(refused) from None

    # ------------------------------------------------------------------ plain websocket (v4)
    async def _websocket(self, request: web.Request, pod: dict, ports: list[int],
                         offered: list[str]) -> web.StreamResponse:
        ws = web.WebSocketResponse(protocols=(V4_BINARY, V4_BASE64), autoping=True, max_msg_size=0)
        await ws.prepare(request)
        b64 = ws.ws_protocol == V4_BASE64
        lock = asyncio.Lock()

        async def send(channel: int, payload: bytes) -> None:
            async with lock:
                if ws.closed:
                    return
                if b64:
                    await ws.send_str(chr(ord("0") + channel) + base64.b64encode(payload).decode())
                else:
                    await ws.send_bytes(bytes([channel]) + payload)

        for index, port in enumerate(ports):
            prefix = struct.pack("<H", port)
            await send(2 * index, prefix)
            await send(2 * index + 1, prefix)
        writers: dict[int, asyncio.StreamWriter] = {}
        pumps = []

        async def pump(index: int, port: int) -> None:
            try:
                reader, writer = await self._dial(pod, port)
            except OSError as exc:
                await send(2 * index + 1, self._failure(pod, port, str(exc)).encode())
                return
            writers[index] = writer
            try:
                while data := await reader.read(READ_SIZE):
                    await send(2 * index, data)
            except (OSError, ConnectionError):
                pass
            finally:
                writer.close()

        for index, port in enumerate(ports):
            pumps.append(asyncio.ensure_future(pump(index, port)))
        everything = asyncio.ensure_future(asyncio.gather(*pumps))
        reading = asyncio.ensure_future(self._read_v4(ws, writers, b64))
        watching = asyncio.ensure_future(self._until_pod_ends(pod))
        await asyncio.wait({everything, reading, watching}, return_when=asyncio.FIRST_COMPLETED)
        for task in (reading, watching):
            if not task.done():
                task.cancel()
        for writer in writers.values():
            writer.close()
        if not everything.done():
            for task in pumps:
                task.cancel()
        with contextlib.suppress(BaseException):
            await everything
        await ws.close()
        return ws

    @staticmethod
    async def _read_v4(ws: web.WebSocketResponse, writers: dict[int, asyncio.StreamWriter], b64: bool) -> None:
        async for message in ws:
            if message.type == WSMsgType.BINARY and not b64:
                data = message.data
                channel, payload = (data[0], data[1:]) if data else (None, b"")
            elif message.type == WSMsgType.TEXT and b64:
                text = message.data
                if not text:
                    continue
                channel, payload = ord(text[0]) - ord("0"), base64.b64decode(text[1:])
            else:
                continue
            if channel is None or channel % 2 or not payload:
                continue
            writer = writers.get(channel // 2)
            if writer is None:
                for _ in range(100):  # the pod connection is still being dialled
                    await asyncio.sleep(0.01)
                    writer = writers.get(channel // 2)
                    if writer is not None:
                        break
            if writer is not None and not writer.is_closing():
                writer.write(payload)
                await writer.drain()

    # ------------------------------------------------------------------ SPDY/3.1 over a websocket
    async def _tunnel(self, request: web.Request, pod: dict) -> web.StreamResponse:
        ws = web.WebSocketResponse(protocols=(TUNNEL_PROTOCOL,), autoping=True, max_msg_size=0)
        await ws.prepare(request)
        outbox = _Outbox()
        session = spdy.SpdySession(outbox.put, is_server=True)
        sender = asyncio.ensure_future(outbox.pump(ws))
        serving = asyncio.ensure_future(self._serve_streams(session, pod, outbox.room))
        watching = asyncio.ensure_future(self._until_pod_ends(pod))
        watching.add_done_callback(lambda _t: asyncio.ensure_future(ws.close()) if not ws.closed else None)
        try:
            async for message in ws:
                if message.type == WSMsgType.BINARY:
                    session.feed(message.data)
                    if session.closed:
                        break
        finally:
            session.feed_eof()
            for task in (serving, watching):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            outbox.close()
            with contextlib.suppress(BaseException):
                await sender
            with contextlib.suppress(Exception):
                await ws.close()
        return ws

    async def _spdy(self, request: web.Request, pod: dict) -> web.StreamResponse:
        """The plain SPDY upgrade kubectl falls back to (KUBECTL_PORT_FORWARD_WEBSOCKETS=false)."""
        offered = [v.strip() for header in request.headers.getall("X-Stream-Protocol-Version", [])
                   for v in header.split(",") if v.strip()]
        if offered and SPDY_PROTOCOL not in offered:
            return web.Response(status=403, text=(f"unable to upgrade: unable to negotiate protocol: client "
                                                  f"supports {offered}, server supports [{SPDY_PROTOCOL}]"))
        response = web.StreamResponse(status=101, headers={"Connection": "Upgrade", "Upgrade": "SPDY/3.1",
                                                           "X-Stream-Protocol-Version": SPDY_PROTOCOL})
        await response.prepare(request)
        transport = request.transport
        session = spdy.SpdySession(lambda data: transport.write(data) if not transport.is_closing() else None)
        request.protocol.set_parser(spdy.UpgradedParser(session))

        async def room() -> None:
            while not transport.is_closing() and transport.get_write_buffer_size() > OUTBOX_LIMIT:
                await asyncio.sleep(0.005)

        serving = asyncio.ensure_future(self._serve_streams(session, pod, room))
        watching = asyncio.ensure_future(self._until_pod_ends(pod))
        closed = asyncio.get_running_loop().create_future()
        session.on_close.append(lambda: closed.done() or closed.set_result(None))
        try:
            await asyncio.wait({closed, watching}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (serving, watching):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            transport.close()
        response.force_close()
        return response

    async def _until_pod_ends(self, pod: dict) -> None:
        """Returns when the pod is gone, replaced or no longer running: the kubelet then drops the connection."""
        meta = pod["metadata"]
        while True:
            await asyncio.sleep(POD_POLL)
            current = self.cluster.get("", "pods", meta.get("namespace"), meta["name"])
            if (current is None or current["metadata"].get("uid") != meta.get("uid")
                    or (current.get("status") or {}).get("phase") != "Running"
                    or current["metadata"].get("deletionTimestamp")):
                return

    async def _serve_streams(self, session: spdy.SpdySession, pod: dict, room) -> None:
        """Pair each connection's error and data streams by requestid; forward every complete pair."""
        waiting: dict[str, dict[str, spdy.SpdyStream]] = {}
        tasks: set[asyncio.Task] = set()
        try:
            while (stream := await session.accept()) is not None:
                pair = waiting.setdefault(stream.header("requestid"), {})
                pair[stream.header("streamtype")] = stream
                if "data" in pair and "error" in pair:
                    del waiting[stream.header("requestid")]
                    task = asyncio.ensure_future(self._forward(pair["data"], pair["error"], pod, room))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
        finally:
            for task in list(tasks):
                task.cancel()

    async def _forward(self, data: spdy.SpdyStream, error: spdy.SpdyStream, pod: dict, room) -> None:
        try:
            port = int(data.header("port"))
        except ValueError:
            port = 0
        try:
            reader, writer = await self._dial(pod, port)
        except OSError as exc:
            error.write(self._failure(pod, port, str(exc)).encode())
            error.close()
            data.close()
            return

        async def upstream() -> None:  # client → pod, until the client's FIN or reset
            try:
                while chunk := await data.read():
                    writer.write(chunk)
                    await writer.drain()
                if writer.can_write_eof() and not writer.is_closing():
                    writer.write_eof()
            except (OSError, ConnectionError):
                pass

        sending = asyncio.ensure_future(upstream())
        try:
            while chunk := await reader.read(READ_SIZE):
                data.write(chunk)
                await room()
        except (OSError, ConnectionError):
            pass
        finally:
            data.close()
            error.close()
            writer.close()
            if not sending.done():
                # the pod is gone: what the client still sends has nowhere to go
                sending.cancel()
            with contextlib.suppress(BaseException):
                await sending


class _Outbox:
    """SPDY bytes waiting for the websocket: queued synchronously by the session, sent by one task, coalesced
    into one message per turn (message boundaries mean nothing in the tunnel)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self._ready = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._closed = False

    def put(self, data: bytes) -> None:
        if self._closed:
            raise ConnectionError("the tunnel is closed")
        self._chunks.append(data)
        self._size += len(data)
        self._ready.set()
        if self._size > OUTBOX_LIMIT:
            self._drained.clear()

    async def room(self) -> None:
        await self._drained.wait()

    def close(self) -> None:
        self._closed = True
        self._ready.set()
        self._drained.set()

    async def pump(self, ws: web.WebSocketResponse) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            if self._chunks:
                chunks, self._chunks, self._size = self._chunks, [], 0
                self._drained.set()
                try:
                    await ws.send_bytes(b"".join(chunks))
                except (ConnectionError, RuntimeError):
                    self.close()
                    return
            if self._closed and not self._chunks:
                return
