"""kubectl proxy's server (kubectl pkg/proxy/proxy_server.go): a local HTTP server that forwards API requests
with the session's credentials, behind kubectl's request filter, and optionally serves static files.

Routing is Go's ServeMux over two subtree patterns, the API prefix and (with `www`) the static prefix: the
longest matching prefix wins, `/prefix` without its slash is redirected, anything else is `404 page not
found`. An API prefix that does not start with `/api` is stripped before the filter and the upstream request
(stripLeaveSlash). The filter rejects by path, then method, then accepts by path and Host (without its port)
with `403 Forbidden`. Upstream responses are streamed back as they arrive (chunked when they have no
length), so watches work through the proxy. Connection upgrades (exec/attach over the proxy) are not proxied.

Each client connection is served on its own thread (ThreadingHTTPServer).
"""

from __future__ import annotations

import html
import logging
import mimetypes
import os
import posixpath
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pykubectl.errors import KubectlError

log = logging.getLogger("pykubectl.proxy")

DEFAULT_HOST_ACCEPT = r"^localhost$,^127\.0\.0\.1$,^\[::1\]$"
DEFAULT_PATH_ACCEPT = r"^.*"
DEFAULT_PATH_REJECT = r"^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach"
DEFAULT_METHOD_REJECT = r"^$"

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
              "proxy-authenticate", "proxy-authorization"}
CHUNK = 32 * 1024


def compile_list(text: str) -> list[re.Pattern]:
    """MakeRegexpArray: comma-separated regular expressions; "" → none."""
    if text == "":
        return []
    patterns = []
    for part in text.split(","):
        try:
            patterns.append(re.compile(part))
        except re.error as exc:
            raise KubectlError(f"error parsing regexp: {exc}: `{part}`") from None
    return patterns


@dataclass
class RequestFilter:
    accept_paths: list[re.Pattern] = field(default_factory=list)
    reject_paths: list[re.Pattern] = field(default_factory=list)
    accept_hosts: list[re.Pattern] = field(default_factory=list)
    reject_methods: list[re.Pattern] = field(default_factory=list)

    @staticmethod
    def _matches(text: str, patterns: list[re.Pattern]) -> bool:
        return any(p.search(text) for p in patterns)

    def accept(self, method: str, path: str, host: str) -> bool:
        if self._matches(path, self.reject_paths) or self._matches(method, self.reject_methods):
            return False
        return self._matches(path, self.accept_paths) and self._matches(host, self.accept_hosts)


def extract_host(header: str) -> str:
    """net.SplitHostPort's host, or the whole header when it has no port ("[::1]:8001" → "::1")."""
    match = re.fullmatch(r"\[([^\]]*)\]:(\d*)", header)
    if match:
        return match.group(1)
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header


@dataclass
class ProxyConfig:
    api_prefix: str = "/"
    static_dir: str = ""
    static_prefix: str = "/static/"
    filter: RequestFilter | None = None
    append_server_path: bool = False


class ApiProxy:
    """The upstream half: one httpx.Client with the session's TLS and credentials."""

    def __init__(self, rest_client: Any, append_server_path: bool):
        self.rest = rest_client
        self.target = urlsplit(rest_client.settings.server)
        self.append_server_path = append_server_path
        self._lock = threading.Lock()

    def _http(self):
        with self._lock:
            return self.rest.http_client()

    def url(self, path: str, query: str) -> str:
        base_path = self.target.path.rstrip("/") if self.append_server_path else ""
        url = f"{self.target.scheme}://{self.target.netloc}{base_path}{path}"
        return url + (f"?{query}" if query else "")

    def forward(self, handler: BaseHTTPRequestHandler, path: str, query: str) -> None:
        import httpx

        headers = [(k, v) for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}]
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length > 0 else None
        client = self._http()
        request = client.build_request(handler.command, self.url(path, query), headers=headers, content=body)
        if "accept-encoding" not in {k.lower() for k, _ in headers}:
            request.headers.pop("accept-encoding", None)
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            message = f"{exc}"
            log.error("Error while proxying request: %s", message)
            send_plain(handler, 500, message + "\n")
            return
        try:
            handler.send_response_only(response.status_code, response.reason_phrase)
            chunked = "content-length" not in response.headers
            # Go writes a handler's headers sorted by name, then adds Date when the handler set none.
            copied = sorted(((_canonical(k), v) for k, v in response.headers.multi_items()
                             if k.lower() not in HOP_BY_HOP), key=lambda item: item[0])
            for name, value in copied:
                handler.send_header(name, value)
            if not any(name == "Date" for name, _ in copied):
                handler.send_header("Date", handler.date_time_string())
            if chunked:
                handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            handler.wfile.flush()
            for data in response.iter_raw(CHUNK):
                if not data:
                    continue
                if chunked:
                    handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                else:
                    handler.wfile.write(data)
                handler.wfile.flush()
            if chunked:
                handler.wfile.write(b"0\r\n\r\n")
                handler.wfile.flush()
        except (httpx.HTTPError, OSError):
            handler.close_connection = True
        finally:
            response.close()


def _content_type(path: str, body: bytes) -> str:
    """Go's mime.TypeByExtension, else http.DetectContentType's text/binary guess."""
    kind = {".json": "application/json", ".txt": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8",
            ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}.get(
        os.path.splitext(path)[1].lower()) or mimetypes.guess_type(path)[0]
    if kind:
        return kind
    try:
        body[:512].decode("utf-8")
        return "text/plain; charset=utf-8"
    except UnicodeDecodeError:
        return "application/octet-stream"


def _canonical(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def respond(handler: BaseHTTPRequestHandler, code: int, headers: dict[str, str], body: bytes) -> None:
    """A whole answer as Go's server writes it: the handler's headers sorted, then Date and Content-Length."""
    handler.send_response_only(code)
    for name in sorted(headers):
        handler.send_header(name, headers[name])
    handler.send_header("Date", handler.date_time_string())
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def send_plain(handler: BaseHTTPRequestHandler, code: int, text: str) -> None:
    """Go's http.Error (and NotFound): plain text, nosniff."""
    respond(handler, code, {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"},
            text.encode())


class ProxyServer:
    def __init__(self, config: ProxyConfig, upstream: ApiProxy):
        self.config = config
        self.upstream = upstream
        self.httpd: ThreadingHTTPServer | None = None

    # -- routing
    def route(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        path, query = split.path or "/", split.query
        patterns = [self.config.api_prefix]
        if self.config.static_dir:
            patterns.append(self.config.static_prefix)
        matched = max((p for p in patterns if path.startswith(p)), key=len, default=None)
        if matched is None:
            redirect = next((p for p in patterns if path + "/" == p), None)
            if redirect is not None:
                target = redirect + (f"?{query}" if query else "")
                body = f'<a href="{html.escape(target)}">Moved Permanently</a>.\n\n' if handler.command == "GET" else ""
                respond(handler, 301, {"Location": target, "Content-Type": "text/html; charset=utf-8"},
                        body.encode())
                return
            send_plain(handler, 404, "404 page not found\n")
            return
        if matched == self.config.api_prefix and (not self.config.static_dir
                                                   or matched != self.config.static_prefix):
            self._api(handler, path, query)
        else:
            self._static(handler, path[len(self.config.static_prefix):])

    def _api(self, handler: BaseHTTPRequestHandler, path: str, query: str) -> None:
        prefix = self.config.api_prefix
        if not prefix.startswith("/api"):
            stripped = path[len(prefix):] if path.startswith(prefix) else path
            if len(stripped) >= len(path):
                send_plain(handler, 404, "404 page not found\n")
                return
            if stripped and not stripped.startswith("/"):
                stripped = "/" + stripped
            path = stripped
        check = self.config.filter
        if check is not None:
            host = extract_host(handler.headers.get("Host", ""))
            if not check.accept(handler.command, path, host):
                send_plain(handler, 403, "Forbidden\n")
                return
        self.upstream.forward(handler, path, query)

    def _static(self, handler: BaseHTTPRequestHandler, rest: str) -> None:
        """http.FileServer(http.Dir(base)) under the stripped prefix: files, index.html, listings."""
        from email.utils import formatdate

        name = posixpath.normpath("/" + unquote(rest))
        full = os.path.join(self.config.static_dir, name.lstrip("/"))
        try:
            info = os.stat(full)
        except OSError:
            send_plain(handler, 404, "404 page not found\n")
            return
        modified = formatdate(info.st_mtime, usegmt=True)
        if os.path.isdir(full):
            if not handler.path.split("?")[0].endswith("/"):
                respond(handler, 301, {"Location": posixpath.basename(name.rstrip("/")) + "/"}, b"")
                return
            index = os.path.join(full, "index.html")
            if not os.path.isfile(index):
                lines = []
                for entry in sorted(os.listdir(full)):
                    shown = entry + ("/" if os.path.isdir(os.path.join(full, entry)) else "")
                    lines.append(f'<a href="{quote(shown)}">{html.escape(shown)}</a>\n')
                body = ('<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n'
                        + "".join(lines) + "</pre>\n").encode()
                respond(handler, 200, {"Content-Type": "text/html; charset=utf-8", "Last-Modified": modified}, body)
                return
            full = index
            modified = formatdate(os.stat(full).st_mtime, usegmt=True)
        try:
            with open(full, "rb") as handle:
                body = handle.read()
        except OSError:
            send_plain(handler, 404, "404 page not found\n")
            return
        kind = _content_type(full, body)
        respond(handler, 200, {"Accept-Ranges": "bytes", "Content-Length": str(len(body)), "Content-Type": kind,
                               "Last-Modified": modified}, body)

    # -- serving
    def listen(self, address: str, port: int) -> str:
        """Bind (as net.Listen("tcp", "address:port")); returns the address kubectl prints."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = ""
            sys_version = ""

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
                log.debug(format, *args)

            def _serve(self) -> None:
                try:
                    server.route(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        family_host = address
        import socket

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True
            address_family = socket.AF_INET6 if ":" in family_host else socket.AF_INET

        self.httpd = Server((address, port), Handler)
        host, bound = self.httpd.server_address[:2]
        return f"[{host}]:{bound}" if ":" in host else f"{host}:{bound}"

    def listen_unix(self, path: str) -> str:
        """ListenUnix: a stale socket file is removed; the socket is made under umask 077."""
        import socketserver
        import stat

        try:
            if stat.S_ISSOCK(os.stat(path).st_mode):
                os.remove(path)
        except OSError:
            pass
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def address_string(self) -> str:
                return "@"

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
                log.debug(format, *args)

            def _serve(self) -> None:
                try:
                    server.route(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        class Server(socketserver.ThreadingUnixStreamServer):
            daemon_threads = True

        old = os.umask(0o077)
        try:
            self.httpd = Server(path, Handler)  # type: ignore[assignment]
        finally:
            os.umask(old)
        return path

    def serve_forever(self) -> None:
        assert self.httpd is not None
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.httpd.server_close()

    def shutdown(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
