"""Container behaviour by image.

* `nginx*`: an HTTP server on 127.0.0.1 (one port per declared containerPort, and 80) answering the nginx
  welcome page, with the docker entrypoint's start-up lines and one access-log line per request.
* `redis*`: a RESP server (PING, ECHO, SET, GET, DEL, EXISTS, QUIT) on 127.0.0.1 for 6379 (and declared ports).
* anything else: `command` + `args` run as a LOCAL SUBPROCESS in the container's sandbox directory; stdout and
  stderr become the container log. Without a command, shell images (busybox, alpine, ...) run `sh`, which ends
  at once as it would with no stdin; other images idle like a server that logs nothing.

Image names that say they cannot exist (`doesnotexist`, `no-such-image`, `nonexistent`, `invalid`, `bogus`,
`bad-image`, ...) fail to pull with containerd's NotFound / access-denied texts.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import os
import re
import shlex
import socketserver
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SHELL_IMAGES = ("busybox", "alpine", "ubuntu", "debian", "centos", "fedora", "python", "bash", "curlimages/curl")
_MISSING = re.compile(r"does-?not-?exist|non-?existent|no-?such|not-?found|bogus|invalid|bad-?image|missing"
                      r"|fake-?image|typo")
NGINX_PAGE = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
NGINX_VERSION = "1.27.3"


class StartError(Exception):
    """The runtime could not start the container (exit code 128, reason StartError)."""


# ------------------------------------------------------------------ names


def split(image: str) -> tuple[str, str, str]:
    """(registry-qualified repository, tag, digest) as containerd normalises them."""
    digest = ""
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = ""
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        image, tag = image.rsplit(":", 1)
    parts = image.split("/")
    if len(parts) == 1:
        repo = f"docker.io/library/{image}"
    elif "." in parts[0] or ":" in parts[0] or parts[0] == "localhost":
        repo = image
    else:
        repo = f"docker.io/{image}"
    if not tag and not digest:
        tag = "latest"
    return repo, tag, digest


def full_reference(image: str) -> str:
    repo, tag, digest = split(image)
    return f"{repo}:{tag}" if tag else f"{repo}@{digest}"


def image_id(image: str) -> str:
    repo, _, digest = split(image)
    if digest:
        return f"{repo}@{digest}"
    return f"{repo}@sha256:{hashlib.sha256(full_reference(image).encode()).hexdigest()}"


def image_size(image: str) -> int:
    kind = kind_of(image)
    base = {"nginx": 72_188_133, "redis": 45_122_020}.get(kind, 2_160_000 if "busybox" in image else 3_650_000)
    return base + int(hashlib.md5(image.encode()).hexdigest()[:4], 16)


def pull_seconds(image: str) -> float:
    """The nominal time a pull takes (reported in the Pulled event; slept only in realistic mode)."""
    return 0.6 + (int(hashlib.md5(image.encode()).hexdigest()[:4], 16) % 2000) / 1000


def base_name(image: str) -> str:
    repo, _, _ = split(image)
    return repo.rsplit("/", 1)[-1]


def kind_of(image: str) -> str:
    name = base_name(image)
    if name.startswith("nginx"):
        return "nginx"
    if name.startswith("redis"):
        return "redis"
    return "generic"


def is_shell_image(image: str) -> bool:
    repo, _, _ = split(image)
    return any(repo.endswith("/" + s) or repo.endswith("/library/" + s) for s in SHELL_IMAGES)


def pull_error(image: str) -> str | None:
    """containerd's error for an image that cannot be pulled, or None."""
    if not image or image != image.strip() or any(c.isupper() for c in image.split("@")[0].rsplit(":", 1)[0]):
        return None  # invalid names are rejected before any pull (InvalidImageName), not handled here
    repo, tag, _ = split(image)
    ref = full_reference(image)
    if _MISSING.search(tag or ""):
        return (f"rpc error: code = NotFound desc = failed to pull and unpack image \"{ref}\": failed to resolve "
                f"reference \"{ref}\": {ref}: not found")
    if _MISSING.search(repo.split("/", 1)[-1]):
        return (f"rpc error: code = Unknown desc = failed to pull and unpack image \"{ref}\": failed to resolve "
                f"reference \"{ref}\": pull access denied, repository does not exist or may require "
                "authorization: server message: insufficient_scope: authorization failed")
    return None


# ------------------------------------------------------------------ launching


def _ports(spec: dict, default: int) -> list[int]:
    ports = [p.get("containerPort") for p in spec.get("ports") or [] if isinstance(p.get("containerPort"), int)]
    if default not in ports:
        ports.append(default)
    return ports


def _uses_image_behaviour(spec: dict, kind: str) -> bool:
    command = spec.get("command") or []
    if kind == "generic":
        return False
    if not command:
        return True
    first = os.path.basename(str(command[0]))
    return first in ("nginx", "redis-server", "docker-entrypoint.sh")


def launch(runtime: Any, record: Any, pod: dict, spec: dict, on_exit: Callable[[], None]) -> None:
    kind = kind_of(record.image)
    if _uses_image_behaviour(spec, kind):
        if kind == "nginx":
            _NginxServer(runtime, record, _ports(spec, 80), on_exit)
        else:
            _RedisServer(runtime, record, _ports(spec, 6379), on_exit)
        return
    argv = [str(a) for a in (spec.get("command") or [])] + [str(a) for a in (spec.get("args") or [])]
    if not argv:
        # No command and no args: the image's CMD. Shell images' CMD is `sh`, which ends at once without stdin;
        # for other images we cannot know it, so they idle like a quiet server.
        argv = ["sh"] if is_shell_image(record.image) else ["sleep", "infinity"]
    _run_process(runtime, record, argv, spec, on_exit)


def _run_process(runtime: Any, record: Any, argv: list[str], spec: dict, on_exit: Callable[[], None]) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "HOME": record.sandbox,
           **record.env}
    workdir = record.sandbox
    try:
        # stderr shares stdout's pipe: the log keeps the exact order of what the command wrote (the alpha
        # `stream` log option, which would need them apart, is off in 1.32).
        process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.PIPE if spec.get("stdin") else subprocess.DEVNULL,
                                   start_new_session=True)
    except FileNotFoundError:
        raise StartError(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
            f"failed: unable to start container process: error during container init: exec: \"{argv[0]}\": "
            "executable file not found in $PATH: unknown") from None
    except PermissionError:
        raise StartError(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
            f"failed: unable to start container process: error during container init: exec: \"{argv[0]}\": "
            "permission denied: unknown") from None
    record.process = process
    record.stdin_pipe = process.stdin
    readers = [threading.Thread(target=_pump, args=(runtime, record, process.stdout, "stdout"), daemon=True)]
    for reader in readers:
        reader.start()

    def wait() -> None:
        process.wait()
        for reader in readers:
            reader.join(timeout=2)
        on_exit()

    threading.Thread(target=wait, name=f"container-{record.name}", daemon=True).start()


def _pump(runtime: Any, record: Any, stream: Any, name: str) -> None:
    for line in iter(stream.readline, b""):
        runtime.write_log(record, name, line)
    stream.close()


# ------------------------------------------------------------------ nginx


def _nginx_time(runtime: Any) -> str:
    return _dt.datetime.fromtimestamp(runtime.cluster.clock.now(), _dt.UTC).strftime("%Y/%m/%d %H:%M:%S")


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _NginxServer:
    def __init__(self, runtime: Any, record: Any, ports: list[int], on_exit: Callable[[], None]):
        self.runtime, self.record, self._on_exit = runtime, record, on_exit
        self.servers: list[Any] = []
        out = [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
            "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
        ]
        for line in out:
            runtime.write_log(record, "stdout", (line + "\n").encode())
        stamp = _nginx_time(runtime)
        for line in ('using the "epoll" event method', f"nginx/{NGINX_VERSION}",
                     "built by gcc 12.2.0 (Debian 12.2.0-14) ", "OS: Linux 6.8.0-45-generic",
                     "getrlimit(RLIMIT_NOFILE): 1048576:1048576", "start worker processes",
                     "start worker process 29"):
            runtime.write_log(record, "stderr", f"{stamp} [notice] 1#1: {line}\n".encode())
        handler = self._handler_class()
        for port in ports:
            server = _ThreadingServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
            self.servers.append(server)
            record.ports[port] = server.server_address[:2]
        record.server = self

    def _handler_class(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            server_version = f"nginx/{NGINX_VERSION}"
            sys_version = ""
            protocol_version = "HTTP/1.1"

            def version_string(self) -> str:
                return f"nginx/{NGINX_VERSION}"

            def _answer(self, with_body: bool) -> None:
                path = self.path.split("?", 1)[0]
                if path in ("/", "/index.html"):
                    code, body, ctype = 200, NGINX_PAGE.encode(), "text/html"
                else:
                    code, ctype = 404, "text/html"
                    body = ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not "
                            f"Found</h1></center>\r\n<hr><center>nginx/{NGINX_VERSION}</center>\r\n</body>\r\n"
                            "</html>\r\n").encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "keep-alive")
                self.end_headers()
                if with_body:
                    self.wfile.write(body)
                agent = html.unescape(self.headers.get("User-Agent", "-"))
                referer = self.headers.get("Referer", "-")
                stamp = _dt.datetime.fromtimestamp(outer.runtime.cluster.clock.now(), _dt.UTC).strftime(
                    "%d/%b/%Y:%H:%M:%S +0000")
                line = (f'127.0.0.1 - - [{stamp}] "{self.requestline}" {code} {len(body) if with_body else 0} '
                        f'"{referer}" "{agent}" "-"\n')
                outer.runtime.write_log(outer.record, "stdout", line.encode())

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self._answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(False)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler

    def close(self) -> None:
        stamp = _nginx_time(self.runtime)
        for line in ("signal 3 (SIGQUIT) received, shutting down", "gracefully shutting down",
                     "exiting", "exit"):
            self.runtime.write_log(self.record, "stderr", f"{stamp} [notice] 1#1: {line}\n".encode())
        for server in self.servers:
            threading.Thread(target=server.shutdown, daemon=True).start()
            server.server_close()
        self.servers = []


# ------------------------------------------------------------------ redis


class _RedisServer:
    def __init__(self, runtime: Any, record: Any, ports: list[int], on_exit: Callable[[], None]):
        self.runtime, self.record = runtime, record
        self.data: dict[bytes, bytes] = {}
        self.servers: list[Any] = []
        stamp = _dt.datetime.fromtimestamp(runtime.cluster.clock.now(), _dt.UTC).strftime("%d %b %Y %H:%M:%S.000")
        for line in (f"1:C {stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
                     f"1:C {stamp} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started",
                     f"1:C {stamp} # Warning: no config file specified, using the default config. In order to "
                     "specify a config file use redis-server /path/to/redis.conf",
                     f"1:M {stamp} * monotonic clock: POSIX clock_gettime",
                     f"1:M {stamp} * Running mode=standalone, port=6379.",
                     f"1:M {stamp} * Server initialized",
                     f"1:M {stamp} * Ready to accept connections tcp"):
            runtime.write_log(record, "stdout", (line + "\n").encode())
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                while True:
                    try:
                        command = _read_command(self.rfile)
                    except (OSError, ValueError):
                        return
                    if command is None:
                        return
                    reply, close = outer.execute(command)
                    try:
                        self.wfile.write(reply)
                        self.wfile.flush()
                    except OSError:
                        return
                    if close:
                        return

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        for port in ports:
            server = Server(("127.0.0.1", 0), Handler)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
            self.servers.append(server)
            record.ports[port] = server.server_address[:2]
        record.server = self

    def execute(self, command: list[bytes]) -> tuple[bytes, bool]:
        if not command:
            return b"", False
        name = command[0].upper()
        args = command[1:]
        if name == b"PING":
            return (b"+PONG\r\n" if not args else _bulk(args[0])), False
        if name == b"ECHO" and len(args) == 1:
            return _bulk(args[0]), False
        if name == b"SET" and len(args) >= 2:
            self.data[args[0]] = args[1]
            return b"+OK\r\n", False
        if name == b"GET" and len(args) == 1:
            value = self.data.get(args[0])
            return (b"$-1\r\n" if value is None else _bulk(value)), False
        if name == b"DEL" and args:
            removed = sum(1 for key in args if self.data.pop(key, None) is not None)
            return f":{removed}\r\n".encode(), False
        if name == b"EXISTS" and args:
            return f":{sum(1 for key in args if key in self.data)}\r\n".encode(), False
        if name == b"QUIT":
            return b"+OK\r\n", True
        if name in (b"PING", b"ECHO", b"SET", b"GET", b"DEL", b"EXISTS"):
            return (f"-ERR wrong number of arguments for '{name.decode().lower()}' command\r\n").encode(), False
        shown = " ".join(f"'{a.decode(errors='replace')}'" for a in args)
        return (f"-ERR unknown command '{command[0].decode(errors='replace')}', with args beginning with: "
                f"{shown + ' ' if shown else ''}\r\n").encode(), False

    def close(self) -> None:
        for server in self.servers:
            threading.Thread(target=server.shutdown, daemon=True).start()
            server.server_close()
        self.servers = []


def _bulk(value: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(value), value)


def _read_command(rfile: Any) -> list[bytes] | None:
    line = rfile.readline()
    if not line:
        return None
    if line.startswith(b"*"):
        count = int(line[1:].strip())
        items = []
        for _ in range(count):
            header = rfile.readline()
            if not header.startswith(b"$"):
                raise ValueError("protocol error")
            size = int(header[1:].strip())
            items.append(rfile.read(size + 2)[:size])
        return items
    return [part.encode() for part in shlex.split(line.decode(errors="replace"))]  # inline command

