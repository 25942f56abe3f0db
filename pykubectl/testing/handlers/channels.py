"""pods/exec and pods/attach: the websocket and SPDY stream endpoints (PROTOCOLS.md §6).

What a 1.32 kube-apiserver plus kubelet do, as kubectl sees it:

* Before any upgrade (plain HTTP Status answers): the pod must exist (404), the container must be named when
  the pod has several and must be one of its containers (400, the apiserver's validateContainer texts), and
  the pod must have a node (400 `pod x does not have a host assigned`).
* A websocket offering `v5.channel.k8s.io` is what the apiserver's stream translator serves: it upgrades first
  and reports every later failure (container not running, executable not found) as a Status on channel 3.
  Without v5 the kubelet answers directly and speaks `v4.channel.k8s.io`, `v4.base64.channel.k8s.io`,
  `channel.k8s.io` or `base64.channel.k8s.io` (the first offered it knows; none → 400); its failures before
  the upgrade are plain-text 500s, as are SPDY's.
* After the upgrade: a readiness frame (one empty message on stdout, else stderr, else the error channel),
  stdout/stderr frames as the process writes, stdin frames to the process, v5's `ff 00` closes stdin, a
  resize on channel 4 sets the pty's window size, and at the end the exit status on channel 3 (v4/v5: a
  metav1.Status, Success or NonZeroExitCode with an ExitCode cause; older: plain text), then close 1000.
* SPDY/3.1 (a POST or GET with `Upgrade: SPDY/3.1`, what kubectl falls back to): 101 with the chosen
  `X-Stream-Protocol-Version`; the client opens error/stdin/stdout/stderr/resize streams (header
  `streamtype`), the same data flows over them and the status goes on the error stream.

A test may set `cluster.exec_websockets = False`: websocket upgrades are then refused with a plain 400, as by
a server or proxy that cannot upgrade them, and kubectl falls back to SPDY.

Exec runs `runtime.exec_process(...)` (a local process in the container's sandbox; a pty with tty=true).
Attach joins the container's main process: its log from now on (stdout), its stdin pipe when the container
has `stdin: true`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import signal
import struct
import termios
import threading
from typing import Any

from aiohttp import WSMsgType, web

from .. import spdy, status
from ..status import StatusError

log = logging.getLogger("pykubectl.testing.channels")

STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
V5, V4, V4_BASE64 = "v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io"
V1, V1_BASE64 = "channel.k8s.io", "base64.channel.k8s.io"
KUBELET_WS_PROTOCOLS = (V4, V4_BASE64, V1, V1_BASE64)
SPDY_PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
                  "channel.k8s.io")
READ_SIZE = 64 * 1024
ATTACH_POLL = 0.05
FIRST_RESIZE_WAIT = 1.0


def add_routes(app: web.Application, cluster: Any) -> None:
    handler = StreamHandler(cluster)
    for sub in ("exec", "attach"):
        path = f"/api/v1/namespaces/{{namespace}}/pods/{{name}}/{sub}"
        app.router.add_route("GET", path, handler.handle)
        app.router.add_route("POST", path, handler.handle)


def _truthy(query, name: str) -> bool:
    return (query.get(name) or "").lower() in ("true", "1", "t")


class Failure(Exception):
    """A failure after the request was accepted: reported in the channel protocol (or as text before SPDY)."""

    def __init__(self, message: str, *, internal: bool = True, code: int = 500):
        super().__init__(message)
        self.internal = internal
        self.code = code


# ------------------------------------------------------------------------------------------------ transports


class Channels:
    """The channel side of one session, whatever carries it (websocket protocol or SPDY streams)."""

    protocol = V5

    async def ready(self) -> None: ...

    async def send(self, channel: int, data: bytes) -> None: ...

    async def receive(self) -> tuple[int, bytes] | None:
        """(channel, payload) from the client; (CLOSE, b"\\x00") for a stdin close; None when it goes away."""
        raise NotImplementedError

    async def status(self, body: dict | None, text: str) -> None: ...

    async def close(self) -> None: ...

    @property
    def structured_status(self) -> bool:
        return self.protocol in (V5, V4, V4_BASE64) or self.protocol.startswith(("v4.", "v5."))


class WebSocketChannels(Channels):
    def __init__(self, ws: web.WebSocketResponse, protocol: str, wants: dict[int, bool]):
        self.ws = ws
        self.protocol = protocol
        self.base64 = "base64" in protocol
        self.wants = wants

    async def _raw(self, channel: int, data: bytes) -> None:
        if self.base64:
            await self.ws.send_str(chr(ord("0") + channel) + base64.b64encode(data).decode())
        else:
            await self.ws.send_bytes(bytes([channel]) + data)

    async def ready(self) -> None:
        for channel in (STDOUT, STDERR, ERROR):
            if self.wants.get(channel, channel == ERROR):
                await self._raw(channel, b"")
                return

    async def send(self, channel: int, data: bytes) -> None:
        await self._raw(channel, data)

    async def receive(self) -> tuple[int, bytes] | None:
        while True:
            msg = await self.ws.receive()
            if msg.type == WSMsgType.BINARY and not self.base64:
                data = msg.data
            elif msg.type == WSMsgType.TEXT and self.base64:
                text = msg.data
                if not text:
                    continue
                try:
                    data = bytes([ord(text[0]) - ord("0")]) + base64.b64decode(text[1:])
                except ValueError:
                    continue
            elif msg.type in (WSMsgType.BINARY, WSMsgType.TEXT):
                continue
            else:
                return None
            if not data:
                continue
            return data[0], data[1:]

    async def status(self, body: dict | None, text: str) -> None:
        if self.structured_status:
            payload = json.dumps(body or {"metadata": {}, "status": "Success"}, separators=(",", ":")).encode()
        else:
            payload = text.encode()
            if not payload:
                return
        await self._raw(ERROR, payload)

    async def close(self) -> None:
        await self.ws.close(code=1000)


class SpdyChannels(Channels):
    STREAM_CHANNELS = {"stdin": STDIN, "stdout": STDOUT, "stderr": STDERR, "error": ERROR, "resize": RESIZE}

    def __init__(self, session: spdy.SpdySession, protocol: str, transport):
        self.session = session
        self.protocol = protocol
        self.transport = transport
        self.streams: dict[int, spdy.SpdyStream] = {}
        self._queue: asyncio.Queue[tuple[int, bytes] | None] = asyncio.Queue()
        self._pumps: list[asyncio.Task] = []

    async def accept_streams(self, wanted: set[int], timeout: float = 30.0) -> None:
        async def collect() -> None:
            while not wanted <= set(self.streams):
                stream = await self.session.accept()
                if stream is None:
                    raise ConnectionError("connection closed before the streams were opened")
                channel = self.STREAM_CHANNELS.get(stream.header("streamtype"))
                if channel is None:
                    stream.reset(spdy.PROTOCOL_ERROR)
                    continue
                self.streams[channel] = stream

        await asyncio.wait_for(collect(), timeout)
        for channel in (STDIN, RESIZE):
            if channel in self.streams:
                self._pumps.append(asyncio.ensure_future(self._pump(channel, self.streams[channel])))
        # the client is gone only when the connection ends (not when it opened no input streams)
        self.session.on_close.append(lambda: self._queue.put_nowait(None))
        if self.session.closed:
            self._queue.put_nowait(None)

    async def _pump(self, channel: int, stream: spdy.SpdyStream) -> None:
        while True:
            data = await stream.read()
            if not data:
                break
            self._queue.put_nowait((channel, data))
        if channel == STDIN:
            self._queue.put_nowait((CLOSE, b"\x00"))

    async def send(self, channel: int, data: bytes) -> None:
        stream = self.streams.get(channel)
        if stream is not None and data:
            stream.write(data)
            await self._drain()

    async def _drain(self) -> None:
        transport = self.transport
        while transport is not None and not transport.is_closing() and transport.get_write_buffer_size() > 4 * READ_SIZE:
            await asyncio.sleep(0.001)

    async def receive(self) -> tuple[int, bytes] | None:
        return await self._queue.get()

    async def status(self, body: dict | None, text: str) -> None:
        stream = self.streams.get(ERROR)
        if stream is None:
            return
        if self.structured_status:
            if body is not None:
                stream.write(json.dumps(body, separators=(",", ":")).encode())
        elif text:
            stream.write(text.encode())

    async def close(self) -> None:
        for stream in self.streams.values():
            stream.close()
        for task in self._pumps:
            task.cancel()
        await self._drain()
        if self.transport is not None:
            self.transport.close()


# ------------------------------------------------------------------------------------------------ statuses


def exit_status(code: int, command: list[str]) -> tuple[dict, str]:
    """The kubelet's status for an exec that ended: Success, or NonZeroExitCode with the code as a cause."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}, ""
    text = f"command terminated with non-zero exit code: error executing command [{' '.join(command)}], exit code {code}"
    body = {"metadata": {}, "status": "Failure", "message": text, "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}
    return body, text


def internal_status(message: str) -> dict:
    body = status.internal_error(message)
    return {k: v for k, v in body.items() if k not in ("kind", "apiVersion")} | {"metadata": {}}


async def _on_thread(function, name: str):
    """`function()` on a thread of its own, awaited: blocking work (starting a process, waiting for one, writing
    to a pipe nobody may read) must neither stall the server's one event loop nor hold a shared executor
    thread that other requests would then queue behind."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future = loop.create_future()

    def settle(outcome: tuple[bool, Any]) -> None:
        if done.done():
            return
        if outcome[0]:
            done.set_result(outcome[1])
        else:
            done.set_exception(outcome[1])

    def run() -> None:
        try:
            outcome: tuple[bool, Any] = (True, function())
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
            outcome = (False, exc)
        with contextlib.suppress(RuntimeError):  # the loop closed at server shutdown
            loop.call_soon_threadsafe(settle, outcome)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await done


async def _wait_process(process) -> int:
    """The exit code (a long exec must not hold a shared executor thread)."""
    return await _on_thread(process.wait, "exec-wait")


# ------------------------------------------------------------------------------------------------ handler


class StreamHandler:
    def __init__(self, cluster: Any):
        self.cluster = cluster

    # -- checks before the upgrade (apiserver)

    def _pod_and_container(self, request: web.Request) -> tuple[dict, str]:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        pod = self.cluster.get("", "pods", namespace, name)
        if pod is None:
            raise StatusError(status.not_found("pods", "", name))
        spec = pod.get("spec") or {}
        containers = [c.get("name", "") for c in spec.get("containers") or []]
        inits = [c.get("name", "") for c in spec.get("initContainers") or []]
        ephemeral = [c.get("name", "") for c in spec.get("ephemeralContainers") or []]
        wanted = request.query.get("container", "")
        if not wanted:
            if len(containers) == 1:
                wanted = containers[0]
            elif not containers:
                raise StatusError(status.bad_request(f"pod {name} does not have a host assigned"))
            else:
                message = f"a container name must be specified for pod {name}, choose one of: [{' '.join(containers)}]"
                if inits:
                    message += f" or one of the init containers: [{' '.join(inits)}]"
                if ephemeral:
                    message += f" or one of the ephemeral containers: [{' '.join(ephemeral)}]"
                raise StatusError(status.bad_request(message))
        elif wanted not in containers + inits + ephemeral:
            raise StatusError(status.bad_request(f"container {wanted} is not valid for pod {name}"))
        if not spec.get("nodeName"):
            raise StatusError(status.bad_request(f"pod {name} does not have a host assigned"))
        return pod, wanted

    # -- entry

    async def handle(self, request: web.Request) -> web.StreamResponse:
        pod, container = self._pod_and_container(request)
        query = request.query
        wants = {STDIN: _truthy(query, "stdin"), STDOUT: _truthy(query, "stdout"),
                 STDERR: _truthy(query, "stderr"), RESIZE: _truthy(query, "tty")}
        tty = wants[RESIZE]
        if tty:
            wants[STDERR] = False  # a terminal merges stderr into stdout
        attach = request.path.endswith("/attach")
        command = query.getall("command", [])
        if not attach and not command:
            raise StatusError(status.bad_request("you must specify at least one command for the container"))
        if not (wants[STDIN] or wants[STDOUT] or wants[STDERR]):
            raise StatusError(status.bad_request("you must specify at least 1 of stdin, stdout, stderr"))
        upgrade = request.headers.get("Upgrade", "").lower()
        connection = request.headers.get("Connection", "").lower()
        if "upgrade" not in connection or not upgrade:
            raise StatusError(status.bad_request("Upgrade request required"))
        session = _Session(self.cluster, pod, container, command, attach, wants, tty)
        if upgrade == "websocket":
            if not getattr(self.cluster, "exec_websockets", True):
                # a server (or a proxy before it) that cannot upgrade these to websockets: kubectl falls back to SPDY
                return web.Response(status=400, text="websocket upgrades are not supported here\n")
            return await self._websocket(request, session)
        if upgrade.startswith("spdy/3.1"):
            return await self._spdy(request, session)
        raise StatusError(status.bad_request("Upgrade request required"))

    async def _websocket(self, request: web.Request, session: _Session) -> web.StreamResponse:
        offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        if V5 in offered:
            chosen = V5  # the apiserver's stream translator
        else:
            known = [p for p in offered if p in KUBELET_WS_PROTOCOLS]
            if offered and not known:
                return web.Response(status=400, text=(f"requested protocol(s) are not supported: {offered}; "
                                                      f"supports {list(KUBELET_WS_PROTOCOLS)}\n"))
            chosen = known[0] if known else V1
            problem = session.check()  # the kubelet refuses before upgrading
            if problem is not None:
                return web.Response(status=problem.code, text=str(problem), content_type="text/plain")
        ws = web.WebSocketResponse(protocols=(chosen,) if offered else (), autoping=True, max_msg_size=0,
                                   compress=False)
        await ws.prepare(request)
        channels = WebSocketChannels(ws, chosen, session.wants)
        try:
            await session.run(channels)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            session.cleanup()
            if not ws.closed:
                with contextlib.suppress(Exception):
                    await ws.close(code=1000)
        return ws

    async def _spdy(self, request: web.Request, session: _Session) -> web.StreamResponse:
        offered = [v.strip() for header in request.headers.getall("X-Stream-Protocol-Version", [])
                   for v in header.split(",") if v.strip()]
        chosen = next((p for p in offered if p in SPDY_PROTOCOLS), None)
        if offered and chosen is None:
            return web.Response(status=403, text=(f"unable to upgrade: unable to negotiate protocol: client "
                                                  f"supports {offered}, server supports {list(SPDY_PROTOCOLS)}"))
        problem = session.check()
        if problem is not None:
            return web.Response(status=problem.code, text=str(problem), content_type="text/plain")
        response = web.StreamResponse(status=101, headers={"Connection": "Upgrade", "Upgrade": "SPDY/3.1",
                                                           "X-Stream-Protocol-Version": chosen or V1})
        await response.prepare(request)
        transport = request.transport
        spdy_session = spdy.SpdySession(lambda data: transport.write(data) if not transport.is_closing() else None)
        request.protocol.set_parser(spdy.UpgradedParser(spdy_session))
        channels = SpdyChannels(spdy_session, chosen or V1, transport)
        wanted = {ERROR} | {c for c in (STDIN, STDOUT, STDERR) if session.wants[c]}
        if session.tty and (chosen or V1) not in ("v2.channel.k8s.io", "channel.k8s.io"):
            wanted.add(RESIZE)
        try:
            await channels.accept_streams(wanted)
            await session.run(channels, readiness=False)
        except (ConnectionError, TimeoutError, asyncio.CancelledError):
            pass
        finally:
            session.cleanup()
            with contextlib.suppress(Exception):
                await channels.close()
        response.force_close()
        return response


class _Session:
    """One exec or attach: the process side, joined to a Channels."""

    def __init__(self, cluster, pod: dict, container: str, command: list[str], attach: bool,
                 wants: dict[int, bool], tty: bool):
        self.cluster = cluster
        self.runtime = cluster.runtime
        self.pod = pod
        self.namespace = pod["metadata"].get("namespace", "")
        self.name = pod["metadata"]["name"]
        self.container = container
        self.command = command
        self.attach = attach
        self.wants = wants
        self.tty = tty
        self.process = None
        self.master: int | None = None
        self._fds: list[int] = []
        self._tasks: list[asyncio.Task] = []
        self._initial_size = b""
        self._pending: list[tuple[int, bytes]] = []

    def check(self) -> Failure | None:
        record = self.runtime.container(self.namespace, self.name, self.container)
        if record is None or not record.running:
            return Failure(f'container not found ("{self.container}")')
        return None

    def _exec_id(self) -> str:
        return hashlib.sha256(f"{self.namespace}/{self.name}/{self.container}/{os.getpid()}/{id(self)}".encode()
                              ).hexdigest()

    async def _start(self) -> None:
        record = self.runtime.container(self.namespace, self.name, self.container)
        if record is None or not record.running:
            raise Failure(f'unable to upgrade connection: container not found ("{self.container}")')
        if self.attach:
            self.record = record
            return
        try:  # fork and exec (and the pty) off the event loop: under load they take a good part of a second
            self.process, self.master = await _on_thread(
                lambda: self.runtime.exec_process(self.namespace, self.name, self.container, list(self.command),
                                                  tty=self.tty, stdin=self.wants[STDIN], size=self._size()),
                "exec-start")
        except LookupError:
            raise Failure(f'unable to upgrade connection: container not found ("{self.container}")') from None
        except (FileNotFoundError, PermissionError) as exc:
            what = "executable file not found in $PATH" if isinstance(exc, FileNotFoundError) else "permission denied"
            raise Failure(f'error executing command in container: failed to exec in container: failed to start exec '
                          f'"{self._exec_id()}": OCI runtime exec failed: exec failed: unable to start container '
                          f'process: exec: "{self.command[0]}": {what}: unknown') from None

    async def run(self, channels: Channels, readiness: bool = True) -> None:
        if self.tty and not self.attach:
            # client-go sends the terminal size first: give the process a terminal of that size from the start
            # (its first `stty size` must not see 0 0)
            if readiness:
                await channels.ready()
                readiness = False
            try:
                first = await asyncio.wait_for(channels.receive(), FIRST_RESIZE_WAIT)
            except TimeoutError:
                first = None
            if first is not None and first[0] == RESIZE:
                self._initial_size = first[1]
            elif first is not None:
                self._pending.append(first)
        try:
            await self._start()
        except Failure as failure:
            if readiness:
                await channels.ready()
            await channels.status(internal_status(str(failure)), str(failure))
            await channels.close()
            return
        if readiness:
            await channels.ready()
        if self.attach:
            code = await self._run_attach(channels)
        else:
            code = await self._run_exec(channels)
        body, text = exit_status(code, self.command)
        await channels.status(body, text)
        await channels.close()

    # -- exec

    async def _run_exec(self, channels: Channels) -> int:
        process = self.process
        outputs: list[tuple[int, int]] = []
        stdin_fd: int | None = None
        if self.master is not None:
            outputs.append((STDOUT, self.master))
            if self.wants[STDIN]:
                stdin_fd = os.dup(self.master)
                self._fds.append(stdin_fd)
            self._fds.append(self.master)
        else:
            outputs.append((STDOUT, process.stdout.fileno()))
            outputs.append((STDERR, process.stderr.fileno()))
            if process.stdin is not None:
                stdin_fd = process.stdin.fileno()
        readers = [asyncio.ensure_future(self._pump_out(channels, ch, fd)) for ch, fd in outputs]
        input_task = asyncio.ensure_future(self._pump_in(channels, stdin_fd))
        self._tasks = [*readers, input_task]
        code = await _wait_process(process)
        if self.master is not None:
            # the pty may still hold output the process wrote just before it ended
            await asyncio.wait(readers, timeout=2)
        else:
            await asyncio.wait(readers, timeout=10)
        input_task.cancel()
        if code < 0:
            code = 128 - code
        return code

    async def _pump_out(self, channels: Channels, channel: int, fd: int) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        os.set_blocking(fd, False)
        done = asyncio.Event()

        def readable() -> None:
            try:
                data = os.read(fd, READ_SIZE)
            except BlockingIOError:
                return
            except OSError:  # EIO: the pty's other side is gone
                data = b""
            if not data:
                loop.remove_reader(fd)
                done.set()
            queue.put_nowait(data)
            if queue.qsize() > 8:
                loop.remove_reader(fd)
                paused.set()

        paused = asyncio.Event()
        loop.add_reader(fd, readable)
        try:
            while True:
                data = await queue.get()
                if not data:
                    return
                if self.wants.get(channel) or (channel == STDOUT and self.tty):
                    await channels.send(channel, data)
                if paused.is_set() and queue.qsize() < 2 and not done.is_set():
                    paused.clear()
                    loop.add_reader(fd, readable)
        finally:
            with contextlib.suppress(Exception):
                loop.remove_reader(fd)

    async def _pump_in(self, channels: Channels, stdin_fd: int | None) -> None:
        loop = asyncio.get_running_loop()
        if stdin_fd is not None:
            os.set_blocking(stdin_fd, False)
        while True:
            message = self._pending.pop(0) if self._pending else await channels.receive()
            if message is None:  # the client went away: so does its process, as when its terminal hangs up
                self._close_stdin(stdin_fd)
                if self.process is not None and self.process.poll() is None:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(self.process.pid, signal.SIGHUP)
                return
            channel, data = message
            if channel == STDIN and stdin_fd is not None:
                view = memoryview(data)
                while view:
                    try:
                        written = os.write(stdin_fd, view)
                        view = view[written:]
                    except BlockingIOError:
                        writable = loop.create_future()
                        loop.add_writer(stdin_fd, lambda f=writable: f.done() or f.set_result(None))
                        try:
                            await writable
                        finally:
                            loop.remove_writer(stdin_fd)
                    except OSError:  # the process closed its stdin
                        break
            elif channel == RESIZE:
                self._resize(data)
            elif channel == CLOSE and data[:1] == bytes([STDIN]):
                if self.master is None:
                    self._close_stdin(stdin_fd)
                    stdin_fd = None
                elif stdin_fd is not None:
                    with contextlib.suppress(OSError):
                        os.write(stdin_fd, b"\x04")  # a terminal's EOF

    def _close_stdin(self, stdin_fd: int | None) -> None:
        if self.process is not None and self.process.stdin is not None and self.master is None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()

    def _size(self) -> tuple[int, int] | None:
        try:
            size = json.loads(self._initial_size.decode() or "null")
            width, height = int(size.get("Width", 0)), int(size.get("Height", 0))
        except (ValueError, AttributeError):
            return None
        return (width, height) if width > 0 and height > 0 else None

    def _resize(self, data: bytes) -> None:
        try:
            size = json.loads(data.decode() or "{}")
            width, height = int(size.get("Width", 0)), int(size.get("Height", 0))
        except (ValueError, AttributeError):
            return
        if self.master is not None and width > 0 and height > 0:
            with contextlib.suppress(OSError):
                fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    # -- attach

    async def _run_attach(self, channels: Channels) -> int:
        record = self.record
        input_task = asyncio.ensure_future(self._attach_input(channels, record))
        self._tasks = [input_task]
        seen = len(record.log.snapshot()[0])
        try:
            while True:
                more, closed = record.log.snapshot(seen)
                seen += len(more)
                for entry in more:
                    channel = STDOUT if entry.stream == "stdout" or self.tty else STDERR
                    if self.wants.get(channel):
                        await channels.send(channel, entry.data)
                if closed and not more:
                    break
                if input_task.done():
                    break  # the client went away
                await asyncio.sleep(ATTACH_POLL)
        finally:
            input_task.cancel()
        return 0

    async def _attach_input(self, channels: Channels, record) -> None:
        pipe = getattr(record, "stdin_pipe", None)
        while True:
            message = await channels.receive()
            if message is None:
                return
            channel, data = message
            if channel == STDIN and pipe is not None and self.wants[STDIN]:
                def write(chunk=data, target=pipe) -> None:
                    target.write(chunk)
                    target.flush()

                try:
                    await _on_thread(write, "attach-stdin")
                except (OSError, ValueError):
                    pipe = None
            elif channel == CLOSE and data[:1] == bytes([STDIN]):
                spec = next((c for c in (self.pod.get("spec") or {}).get("containers") or []
                             if c.get("name") == self.container), {})
                if spec.get("stdinOnce") and pipe is not None:
                    with contextlib.suppress(OSError, ValueError):
                        pipe.close()

    def cleanup(self) -> None:
        for task in self._tasks:
            with contextlib.suppress(RuntimeError):  # the loop is already closed at server shutdown
                task.cancel()
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds = []
        process = self.process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, 9)
        if process is not None:
            for stream in (process.stdout, process.stderr, process.stdin):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
