"""The simulated container runtime: one `Container` per (pod, container, attempt) with its log, its process or
in-process server, and the loopback address of each port it serves.

SAFETY: generic images (busybox, alpine, anything not nginx/redis) run their `command`/`args` as LOCAL
SUBPROCESSES of the server, in a per-container sandbox directory (a plain temp dir: no isolation). nginx and
redis are emulated in-process and listen on 127.0.0.1 only.

Other parts use: `runtime.container(namespace, pod, name)` (the current attempt) and `.previous(...)`,
`Container.log` (a `ContainerLog`: entries with timestamps, `wait_for_more`), `Container.sandbox` (the
directory exec runs in), `Container.env`, `runtime.exec_process(...)` (a local process in the sandbox, with a
pty for tty requests) and `runtime.port_address(namespace, pod, port)` → ("127.0.0.1", N) for port-forward.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import images

MAX_LOG_ENTRIES = 20000


@dataclass
class LogEntry:
    time: float  # epoch seconds on the cluster clock
    stream: str  # "stdout" or "stderr"
    data: bytes  # one line, newline included (a last partial line has none)


class ContainerLog:
    """What the container wrote, line by line with timestamps; followers wait on `wait_for_more`."""

    def __init__(self) -> None:
        self.entries: list[LogEntry] = []
        self._cond = threading.Condition()
        self.closed = False  # the container has ended: no more lines will come

    def write(self, stream: str, data: bytes, at: float) -> None:
        with self._cond:
            self.entries.append(LogEntry(at, stream, data))
            if len(self.entries) > MAX_LOG_ENTRIES:
                del self.entries[: len(self.entries) - MAX_LOG_ENTRIES]
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def snapshot(self, start: int = 0) -> tuple[list[LogEntry], bool]:
        with self._cond:
            return self.entries[start:], self.closed

    def wait_for_more(self, count: int, timeout: float) -> bool:
        """Wait until there are more than `count` entries or the log is closed; True if either happened."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.entries) > count or self.closed, timeout)


@dataclass
class Container:
    namespace: str
    pod: str
    pod_uid: str
    name: str
    image: str
    attempt: int
    container_id: str
    sandbox: str
    env: dict[str, str]
    log: ContainerLog = field(default_factory=ContainerLog)
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int | None = None
    reason: str = ""
    message: str = ""
    process: subprocess.Popen | None = None
    server: Any = None  # an in-process server (nginx, redis) with .close()
    ports: dict[int, tuple[str, int]] = field(default_factory=dict)  # containerPort -> loopback address
    stdin_pipe: Any = None

    @property
    def running(self) -> bool:
        return self.started_at > 0 and self.exit_code is None


def container_id(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


class Runtime:
    """Starts and stops containers; calls `on_exit(container)` on the cluster worker when one ends."""

    def __init__(self, cluster: Any):
        self.cluster = cluster
        self._lock = threading.RLock()
        self._containers: dict[tuple[str, str, str], list[Container]] = {}  # (ns, pod uid, name) -> attempts
        self._by_pod: dict[tuple[str, str], str] = {}  # (ns, pod name) -> pod uid (latest)
        self._root: str | None = None  # made on the first container
        self.pulled: dict[str, set[str]] = {}  # node -> images present

    # ------------------------------------------------------------------ lookups
    def attempts(self, namespace: str, pod: str, name: str) -> list[Container]:
        with self._lock:
            uid = self._by_pod.get((namespace, pod))
            return list(self._containers.get((namespace, uid or "", name), []))

    def container(self, namespace: str, pod: str, name: str) -> Container | None:
        found = self.attempts(namespace, pod, name)
        return found[-1] if found else None

    def previous(self, namespace: str, pod: str, name: str) -> Container | None:
        found = self.attempts(namespace, pod, name)
        return found[-2] if len(found) > 1 else None

    def port_address(self, namespace: str, pod: str, port: int) -> tuple[str, int] | None:
        """The loopback address a pod port is served on (port-forward connects there), or None."""
        with self._lock:
            uid = self._by_pod.get((namespace, pod))
            for (ns, puid, _), attempts in self._containers.items():
                if ns == namespace and puid == uid and attempts and attempts[-1].running:
                    address = attempts[-1].ports.get(port)
                    if address is not None:
                        return address
        return None

    def running_containers(self) -> list[Container]:
        with self._lock:
            return [a[-1] for a in self._containers.values() if a and a[-1].running]

    def exec_process(self, namespace: str, pod: str, container: str, argv: list[str], *, tty: bool = False,
                     stdin: bool = False, size: tuple[int, int] | None = None) -> tuple[subprocess.Popen, int | None]:
        """Start `argv` as a local process in a running container's sandbox, with its environment.

        Returns (process, pty master fd or None). With `tty` the process gets a pseudo-terminal as its stdin,
        stdout and stderr (read and write the master fd; stderr is merged as on a real terminal); otherwise its
        stdout/stderr are pipes and stdin a pipe when `stdin`. Raises FileNotFoundError for an unknown command
        (the kubelet's `exec: "x": executable file not found in $PATH`) and LookupError when the container is
        not running. `size` (width, height) sets the pty's window size before the process starts."""
        record = self.container(namespace, pod, container)
        if record is None or not record.running:
            raise LookupError(f"container {container} is not running")
        env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "HOME": record.sandbox,
               **record.env}
        if tty:
            import pty

            master, slave = pty.openpty()
            if size is not None:  # (width, height): the terminal size the client asked for, before the process starts
                import fcntl
                import struct
                import termios

                fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            env.setdefault("TERM", "xterm")
            try:
                process = subprocess.Popen(argv, cwd=record.sandbox, env=env, stdin=slave, stdout=slave,
                                           stderr=slave, start_new_session=True)
            except BaseException:
                os.close(master)  # an unknown command: nobody will read this terminal
                raise
            finally:
                os.close(slave)
            return process, master
        process = subprocess.Popen(argv, cwd=record.sandbox, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE,
                                   stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, start_new_session=True)
        return process, None

    # ------------------------------------------------------------------ life cycle
    def start(self, pod: dict, spec: dict, attempt: int, on_exit: Callable[[Container], None],
              env: dict[str, str]) -> Container:
        """Start one container of `pod` (its spec dict `spec`); raises images.StartError when it cannot run."""
        meta = pod["metadata"]
        namespace, uid, name = meta.get("namespace", ""), meta["uid"], spec["name"]
        if self._root is None:
            self._root = tempfile.mkdtemp(prefix="pykubectl-sandboxes-")
        sandbox = os.path.join(self._root, namespace, meta["name"] + "-" + uid[:8], name)
        os.makedirs(sandbox, exist_ok=True)
        record = Container(namespace, meta["name"], uid, name, spec.get("image", ""), attempt,
                           container_id(f"{uid}/{name}/{attempt}/{time.time_ns()}"), sandbox, env)
        with self._lock:
            self._by_pod[(namespace, meta["name"])] = uid
            self._containers.setdefault((namespace, uid, name), []).append(record)
        record.started_at = self.cluster.clock.now()
        try:
            images.launch(self, record, pod, spec, lambda: self._exited(record, on_exit))
        except images.StartError as exc:
            record.exit_code, record.reason, record.message = 128, "StartError", str(exc)
            record.finished_at = record.started_at
            record.log.close()
            raise
        return record

    def write_log(self, record: Container, stream: str, data: bytes) -> None:
        record.log.write(stream, data, self.cluster.clock.now())

    def _exited(self, record: Container, on_exit: Callable[[Container], None]) -> None:
        """Called from the process-watching thread (or a server's close) when the container's main process ends."""
        if record.exit_code is None:
            code = record.process.returncode if record.process is not None else 0
            if code is not None and code < 0:  # killed by a signal: a shell's 128+N
                code = 128 - code
            record.exit_code = code if code is not None else 0
            record.reason = "Completed" if record.exit_code == 0 else "Error"
            record.finished_at = self.cluster.clock.now()
        record.log.close()
        self.cluster.submit(lambda: on_exit(record))

    def stop(self, record: Container, grace: float = 0.0, reason: str = "") -> None:
        """SIGTERM (then SIGKILL after `grace` cluster seconds) or close the emulated server."""
        if not record.running:
            return
        if record.server is not None:
            record.exit_code = 0
            record.reason = reason or "Completed"
            record.finished_at = self.cluster.clock.now()
            record.server.close()
            record.log.close()
            return
        process = record.process
        if process is None or process.poll() is not None:
            return
        _signal_group(process, signal.SIGTERM)
        if grace <= 0:
            _signal_group(process, signal.SIGKILL)
            return

        def kill() -> None:
            if process.poll() is None:
                _signal_group(process, signal.SIGKILL)

        self.cluster.after(grace, kill)

    def remove_pod(self, namespace: str, uid: str) -> None:
        """Forget every container of a pod (after it is deleted) and its sandbox."""
        with self._lock:
            keys = [k for k in self._containers if k[0] == namespace and k[1] == uid]
            records = [r for k in keys for r in self._containers.pop(k)]
            for pod_key, pod_uid in list(self._by_pod.items()):
                if pod_uid == uid:
                    del self._by_pod[pod_key]
        for record in records:
            self._force_stop(record)
        if records:
            shutil.rmtree(os.path.dirname(records[0].sandbox), ignore_errors=True)

    def _force_stop(self, record: Container) -> None:
        if record.server is not None:
            record.server.close()
        if record.process is not None and record.process.poll() is None:
            _signal_group(record.process, signal.SIGKILL)
        record.log.close()

    def stop_all(self) -> None:
        with self._lock:
            records = [r for attempts in self._containers.values() for r in attempts]
            self._containers.clear()
            self._by_pod.clear()
        for record in records:
            self._force_stop(record)
        for record in records:
            if record.process is not None:
                try:
                    record.process.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    pass
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
        self.pulled.clear()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        try:
            process.send_signal(signum)
        except ProcessLookupError:
            pass
