"""RestClient: the one place that sends requests to the API server (retries, warnings, -v logging, errors)."""

from __future__ import annotations

import json as jsonlib
import logging
import re
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import quote_plus, urlsplit

import httpx

from pykubectl.client import auth as auth_module
from pykubectl.client.status import error_from_response
from pykubectl.client.transport import (
    DISCOVERY_TIMEOUT,
    Transport,
    build_transport,
    format_go_duration,
    impersonation_headers,
    is_tls,
    parse_timeout,
)
from pykubectl.config.resolve import ConnectionSettings
from pykubectl.errors import (
    ApiError,
    ConfigError,
    ExecPluginError,
    Expired,
    KubectlError,
    TransportError,
    WarningsAsErrors,
)

log = logging.getLogger("pykubectl.client.rest")

MAX_RETRIES = 10  # client-go's default maxRetries for Retry-After answers
_WARNING = re.compile(r'\s*(\d{3})\s+(\S+)\s+"((?:[^"\\]|\\.)*)"(?:\s+"[^"]*")?\s*(?:,|$)')

Params = Mapping[str, Any] | list[tuple[str, Any]] | None


def command_headers(command_path: str) -> list[tuple[str, str]]:
    """kubectl's Kubectl-Command / Kubectl-Session headers (KEP 859), off when KUBECTL_COMMAND_HEADERS is
    "false" or "0"."""
    import os
    import uuid

    if not command_path or os.environ.get("KUBECTL_COMMAND_HEADERS") in ("false", "0"):
        return []
    return [("Kubectl-Command", command_path), ("Kubectl-Session", str(uuid.uuid4()))]


def verbosity() -> int:
    return int(getattr(logging.getLogger("pykubectl"), "verbosity", 0) or 0)


def encode_query(params: Params) -> str:
    """Go's url.Values.Encode(): keys sorted, QueryEscape on keys and values, repeated keys kept."""
    if not params:
        return ""
    items = params.items() if isinstance(params, Mapping) else params
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, bool):
                item = "true" if item else "false"
            pairs.append((str(key), str(item)))
    pairs.sort(key=lambda kv: kv[0])  # stable: values keep their order within a key
    return "&".join(f"{quote_plus(k, safe='')}={quote_plus(v, safe='')}" for k, v in pairs)


def parse_warnings(values: list[str]) -> list[str]:
    """The texts of `Warning: 299 - "text"` headers (client-go ParseWarningHeaders; code 299 only)."""
    texts: list[str] = []
    for header in values:
        pos = 0
        while pos < len(header):
            match = _WARNING.match(header, pos)
            if not match:
                break
            if match.group(1) == "299":
                texts.append(re.sub(r"\\(.)", r"\1", match.group(3)))
            pos = match.end()
    return texts


def resource_of(path: str) -> tuple[str, str, str]:
    """(resource, group, name) of an API path, for client-go's "(get pods x)" error suffix."""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if len(parts) >= 2 and parts[0] == "api":
        group, rest = "", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, rest = parts[1], parts[3:]
    else:
        return "", "", ""
    if len(rest) >= 3 and rest[0] == "namespaces":
        rest = rest[2:]
    if not rest:
        return "", "", ""
    return rest[0], group, rest[1] if len(rest) > 1 else ""


class WarningPrinter:
    """client-go's WarningWriter with Deduplicate: each distinct text once per process."""

    def __init__(self, out: TextIO | None, colour: bool = False):
        self.out = out
        self.colour = colour
        self.seen: set[str] = set()
        self.count = 0

    def handle(self, texts: list[str]) -> None:
        for text in texts:
            if text in self.seen:
                continue
            self.seen.add(text)
            self.count += 1
            if self.out is not None:
                prefix = "\x1b[33;1mWarning:\x1b[0m" if self.colour else "Warning:"
                self.out.write(f"{prefix} {text}\n")
                self.out.flush()


@dataclass(frozen=True)
class StreamConnection:
    """RestClient.connection_settings(): one upgraded connection's URL, TLS, headers, proxy and timeout."""

    url: str  # https://host:port/path?query
    host: str  # host:port, for Go-style dial errors
    ssl_context: ssl.SSLContext | None  # None for plain http
    server_hostname: str | None  # --tls-server-name, when set
    headers: tuple[tuple[str, str], ...]  # Authorization, Impersonate-*, Kubectl-Command/-Session
    proxy: str | None  # proxy URL (proxy-url or the environment), None for a direct connection
    timeout: float | None  # --request-timeout, None when unset
    user_agent: str


class RestClient:
    def __init__(self, settings: ConnectionSettings, warnings: TextIO | None = None,
                 warnings_as_errors: bool = False, stdin: TextIO | None = None,
                 stdin_is_terminal: Callable[[], bool] | None = None,
                 command_path: str = "",
                 sleep: Callable[[float], None] = time.sleep,
                 transport_factory: Callable[..., Transport] = build_transport):
        self.settings = settings
        self.timeout = parse_timeout(settings.request_timeout)  # a bad --request-timeout fails here, early
        if is_tls(settings) and settings.insecure_skip_tls_verify and (settings.ca_file or settings.ca_data):
            raise ConfigError("specifying a root certificates file with the insecure flag is not allowed")
        self.base_url = settings.server.rstrip("/")
        self.host = urlsplit(settings.server).netloc
        colour = False
        if warnings is not None:
            try:
                colour = warnings.isatty()
            except (AttributeError, ValueError):
                colour = False
        self.warning_printer = WarningPrinter(warnings, colour)
        self.warnings_as_errors = warnings_as_errors
        self._sleep = sleep
        self._transport_factory = transport_factory
        self._exec = None
        self._static_auth = None
        tls = is_tls(settings)
        if tls:  # credentials only over https (clientcmd IsConfigTransportTLS)
            self._static_auth = auth_module.static_auth(settings)
            if self._static_auth is None and settings.exec_config:
                from pykubectl.client.exec_plugin import ExecAuth, ExecProvider, exec_cluster

                provider = ExecProvider(settings.exec_config, exec_cluster(settings), stdin=stdin,
                                        stderr=warnings, stdin_is_terminal=stdin_is_terminal)
                self._exec = ExecAuth(provider)
        self._client_cert: tuple[bytes, bytes] | None = None
        self._transport: Transport | None = None
        self._extra_headers = impersonation_headers(settings) + command_headers(command_path)

    # -- plumbing -------------------------------------------------------------------------------------

    @property
    def exec_provider(self):
        return self._exec.provider if self._exec is not None else None

    def _current_transport(self) -> Transport:
        cert = self._client_cert
        if self._exec is not None:
            # Go asks the plugin again when a TLS handshake wants the client certificate (a new
            # connection); later requests only look at the cached credential, which may have rotated.
            if self._transport is None:
                cert = self._exec.provider.credential().certificate_pair
            elif self._exec.provider.cached is not None:
                cert = self._exec.provider.cached.certificate_pair
        if self._transport is None or cert != self._client_cert:
            if self._transport is not None:
                self._transport.client.close()
            self._client_cert = cert
            self._transport = self._transport_factory(self.settings, client_cert=cert,
                                                      auth=self._static_auth or self._exec)
        return self._transport

    def http_client(self):
        """The httpx client of the current transport (TLS, credentials), for `proxy`, which forwards requests
        of any shape rather than API calls."""
        return self._current_transport().client

    def _transport_for(self, method: str, url: str) -> Transport:
        try:
            return self._current_transport()
        except ExecPluginError as exc:
            if verbosity() >= 6:
                log.info("%s %s  in 0 milliseconds", method, url)
            raise TransportError(method, url, f"getting credentials: {exc}", self.host) from None

    def connection_settings(self, method: str, path: str, params: Params = None, *,
                            tls: bool = True) -> StreamConnection:
        """What an upgraded connection (websocket, SPDY) to `path?params` needs to look like a REST call of this
        client: the URL, the TLS context (CA, client certificate incl. an exec plugin's, insecure), the server
        name to verify, the headers (credential, Impersonate-*, Kubectl-Command), the proxy and the request
        timeout. A failing credential plugin raises TransportError, as a REST call would. `tls=False` leaves the
        TLS context out (None), for a caller that keeps one from an earlier call."""
        from pykubectl.client.transport import build_ssl_context, proxy_for, user_agent

        url = self.url(path, params)
        auth = self._static_auth or self._exec
        try:
            cert = self._exec.provider.credential().certificate_pair if self._exec is not None else None
            headers: list[tuple[str, str]] = []
            if auth is not None:
                flow = auth.sync_auth_flow(httpx.Request(method, url))
                prepared = next(flow)
                flow.close()
                headers += [(k, v) for k, v in prepared.headers.multi_items() if k.lower() == "authorization"]
        except ExecPluginError as exc:
            raise TransportError(method, url, f"getting credentials: {exc}", self.host) from None
        secure = is_tls(self.settings)
        return StreamConnection(
            url=url, host=self.host, ssl_context=build_ssl_context(self.settings, cert) if tls and secure else None,
            server_hostname=(self.settings.tls_server_name or None) if secure else None,
            headers=tuple(headers + list(self._extra_headers)), proxy=proxy_for(self.settings),
            timeout=self.timeout, user_agent=user_agent())

    def url(self, path: str, params: Params = None) -> str:
        query = encode_query(params)
        return self.base_url + path + (f"?{query}" if query else "")

    def close(self) -> None:
        if self._transport is not None:
            self._transport.client.close()
            self._transport = None

    def warnings_error(self) -> KubectlError | None:
        """--warnings-as-errors: kubectl's error once the command has finished (cmd.go PostRunE)."""
        count = self.warning_printer.count
        if not self.warnings_as_errors or count == 0:
            return None
        return WarningsAsErrors(f"{count} warning received" if count == 1 else f"{count} warnings received")

    # -- sending --------------------------------------------------------------------------------------

    def request(self, method: str, path: str, params: Params = None, json: Any = None,
                content: bytes | str | None = None, headers: Mapping[str, str] | None = None,
                *, discovery: bool = False, raw: bool = False, stream: bool = False,
                raise_for_status: bool = True, resource_suffix: bool = True) -> httpx.Response:
        """Send one request (with client-go's retries) and return the 2xx response, else raise ApiError.

        `discovery` marks discovery and /version calls, which default to client-go's 32 s timeout.
        `raw` (implied by `discovery`) is client-go's Result.Raw(): errors never decode a Status body.
        `get --raw` is not that: kubectl streams it, which does decode a Status; pass resource_suffix=False
        there, since a RequestURI request names no resource for the "(get pods x)" suffix."""
        if json is not None:
            content = jsonlib.dumps(json, separators=(",", ":")).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        if isinstance(content, str):
            content = content.encode()
        timeout = self.timeout
        if discovery and timeout is None:
            timeout = DISCOVERY_TIMEOUT
        query: list[tuple[str, Any]] = list(params.items() if isinstance(params, Mapping) else (params or []))
        if timeout is not None and not any(k == "timeout" for k, _ in query):
            query.append(("timeout", format_go_duration(timeout)))
        url = self.url(path, query)
        all_headers: list[tuple[str, str]] = [("Accept", "application/json, */*" if discovery else "application/json")]
        overridden = {k.lower() for k in (headers or {})}
        all_headers = [h for h in all_headers if h[0].lower() not in overridden]
        all_headers += list((headers or {}).items()) + self._extra_headers
        transport = self._transport_for(method, url)
        attempts = 0
        while True:
            response = self._send_once(transport, method, url, all_headers, content, timeout, stream)
            wait = self._retry_after(response, method)
            if wait is None or attempts >= MAX_RETRIES:
                break
            attempts += 1
            log.info("Got a Retry-After %ss response for attempt %d to %s", wait, attempts, url) \
                if verbosity() >= 4 else None
            response.close()
            self._sleep(wait)
            transport = self._transport_for(method, url)
        self.warning_printer.handle(parse_warnings(response.headers.get_list("Warning")))
        if raise_for_status and not 200 <= response.status_code <= 206:
            body = response.read()
            raw = raw or discovery
            resource, group, name = ("", "", "") if raw or not resource_suffix else resource_of(path)
            retry = response.headers.get("Retry-After", "")
            raise error_from_response(response.status_code, body, response.headers.get("Content-Type"), method,
                                      resource, group, name, int(retry) if retry.isdigit() else 0, raw=raw)
        return response

    @staticmethod
    def _retry_after(response: httpx.Response, method: str) -> float | None:
        code = response.status_code
        if code != 429 and code < 500:
            return None
        value = response.headers.get("Retry-After")
        if value is None or not value.strip().lstrip("-").isdigit():
            return None
        return max(0, int(value.strip()))

    def _send_once(self, transport: Transport, method: str, url: str, headers: list[tuple[str, str]],
                   content: bytes | None, timeout: float | None, stream: bool) -> httpx.Response:
        client = transport.client
        request = client.build_request(method, url, headers=headers, content=content,
                                       extensions={**transport.extensions,
                                                   "timeout": httpx.Timeout(timeout).as_dict()})
        level = verbosity()
        if level >= 8:
            log.info('"Request Body" body=%s', _klog_value(content or b""))
        if level >= 7:
            log.info("%s %s", method, url)
            log.info("Request Headers:")
            for name, value in _visible_headers(request, self._static_auth or self._exec):
                log.info("    %s: %s", name, auth_module.mask_header(name, value))
        started = time.monotonic()
        retried_reset = False
        while True:
            try:
                response = client.send(request, stream=True)
                break
            except ExecPluginError as exc:
                self._log_response(level, method, url, "", started, None)
                raise TransportError(method, url, f"getting credentials: {exc}", self.host) from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # client-go retries a GET once the connection was reset or closed early (probable EOF).
                if method == "GET" and not retried_reset:
                    retried_reset = True
                    self._sleep(1.0)
                    continue
                self._log_response(level, method, url, "", started, None)
                raise self._transport_error(method, url, exc, timeout) from None
            except httpx.HTTPError as exc:
                self._log_response(level, method, url, "", started, None)
                raise self._transport_error(method, url, exc, timeout) from None
        status_text = f"{response.status_code} {response.reason_phrase}".rstrip()
        self._log_response(level, method, url, status_text, started, response)
        if not stream or not 200 <= response.status_code <= 206:
            response.read()
            if level >= 8:
                log.info('"Response Body" body=%s', _klog_value(response.content))
        return response

    def _transport_error(self, method: str, url: str, exc: Exception, timeout: float | None) -> KubectlError:
        import os

        from pykubectl.client.transport import proxy_for

        detail = go_error_text(exc, self.host, timeout, proxy=proxy_for(self.settings, os.environ))
        if "certificate is valid for other names" in detail:
            from pykubectl.client.transport import describe_hostname_mismatch

            detail = describe_hostname_mismatch(self.settings) or detail
        return TransportError(method, url, detail, self.host)

    @staticmethod
    def _log_response(level: int, method: str, url: str, status: str, started: float,
                      response: httpx.Response | None) -> None:
        millis = int((time.monotonic() - started) * 1000)
        if level >= 7:
            log.info("Response Status: %s in %d milliseconds", status, millis)
            if level >= 8:
                log.info("Response Headers:")
                if response is not None:
                    for name, value in response.headers.multi_items():
                        log.info("    %s: %s", _canonical(name), value)
        elif level >= 6:
            log.info("%s %s %s in %d milliseconds", method, url, status, millis)

    # -- conveniences ---------------------------------------------------------------------------------

    def get_json(self, path: str, params: Params = None, *, discovery: bool | None = None,
                 headers: Mapping[str, str] | None = None) -> Any:
        if discovery is None:
            discovery = path == "/version" or path in ("/api", "/apis") or _is_group_version_path(path)
        response = self.request("GET", path, params, headers=headers, discovery=discovery)
        return _decode_json(response)

    def request_json(self, method: str, path: str, params: Params = None, json: Any = None,
                     content: bytes | str | None = None, headers: Mapping[str, str] | None = None) -> Any:
        response = self.request(method, path, params, json=json, content=content, headers=headers)
        return _decode_json(response) if response.content else None

    @contextmanager
    def stream(self, method: str, path: str, params: Params = None,
               headers: Mapping[str, str] | None = None) -> Iterator[httpx.Response]:
        """A streaming response (watch, logs -f); errors are raised before the body is read."""
        response = self.request(method, path, params, headers=headers, stream=True)
        try:
            yield response
        finally:
            response.close()

    def list_pages(self, path: str, params: Params = None, chunk_size: int = 500,
                   headers: Mapping[str, str] | None = None, restart_on_expired: bool = True) -> Iterator[dict]:
        """Each page of a list (limit/continue). An expired continue token restarts as one full list,
        as client-go's pager does with FullListIfExpired."""
        base = dict(params.items() if isinstance(params, Mapping) else (params or []))
        token = ""
        while True:
            query = dict(base)
            if chunk_size > 0:
                query["limit"] = chunk_size
            if token:
                query["continue"] = token
            try:
                page = _decode_json(self.request("GET", path, query, headers=headers))
            except Expired:
                if not token or not restart_on_expired:
                    raise
                yield _decode_json(self.request("GET", path, base, headers=headers))
                return
            yield page
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token or chunk_size <= 0:
                return


def _decode_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise KubectlError(f"couldn't decode the server's answer as JSON: {exc}") from None


def _is_group_version_path(path: str) -> bool:
    parts = [p for p in path.split("/") if p]
    return (len(parts) == 2 and parts[0] == "api") or (len(parts) == 3 and parts[0] == "apis")


def _canonical(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def _visible_headers(request: httpx.Request, auth) -> list[tuple[str, str]]:
    """The headers as the server will see them, including what the auth flow is going to add."""
    items = [(k, v) for k, v in request.headers.multi_items()
             if k.lower() not in ("host", "accept-encoding", "content-length")]
    if auth is not None and "authorization" not in request.headers:
        probe = httpx.Request(request.method, request.url)
        try:
            flow = auth.sync_auth_flow(probe)
            prepared = next(flow)
            flow.close()
            if "authorization" in prepared.headers:
                items.append(("Authorization", prepared.headers["authorization"]))
        except Exception:  # noqa: BLE001 - logging must never fail a request
            pass
    return [(_canonical(k), v) for k, v in items]


def _klog_value(content: bytes) -> str:
    """klog's rendering of a string value: Go-quoted, or `<` + tab-indented lines + ` >` when multi-line."""
    from pykubectl.client.status import go_quote

    text = content[:10240].decode("utf-8", "replace")
    if "\n" not in text:
        return go_quote(text)
    return "<\n" + "".join(f"\t{line}\n" for line in text.split("\n")) + " >"


def go_error_text(exc: Exception, host: str, timeout: float | None = None, proxy: str | None = None) -> str:
    """The Go net/http error text kubectl would show for a failure of ours.

    With a proxy, a refused connection is the proxy's: Go says `proxyconnect tcp: dial tcp PROXY: ...`
    (for http, https and socks5 proxies alike).
    """
    text = str(exc)
    cause = exc.__cause__ or exc.__context__
    chain = f"{text} {cause!r}" if cause else text
    tcp_host = host if ":" in host.rsplit("]", 1)[-1] else host
    if isinstance(exc, httpx.TimeoutException):
        # Go races http.Client.Timeout against the request context; these are the usual winners.
        if isinstance(exc, httpx.ConnectTimeout):
            if "handshake" in chain.lower():
                return "context deadline exceeded"
            return f"dial tcp {tcp_host}: i/o timeout"
        if isinstance(exc, httpx.ReadTimeout):
            return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
        return "context deadline exceeded"
    if "CERTIFICATE_VERIFY_FAILED" in chain or "certificate verify failed" in chain:
        if "Hostname mismatch" in chain or "IP address mismatch" in chain:
            return f"tls: failed to verify certificate: x509: certificate is valid for other names, not {_hostname(host)}"
        if "certificate has expired" in chain:
            return "tls: failed to verify certificate: x509: certificate has expired or is not yet valid"
        return "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    if "Connection refused" in chain or "ECONNREFUSED" in chain or "[Errno 111]" in chain:
        if proxy:
            from urllib.parse import urlsplit

            return f"proxyconnect tcp: dial tcp {_dialled_address(urlsplit(proxy).netloc)}: connect: connection refused"
        return f"dial tcp {_dialled_address(host)}: connect: connection refused"
    if "Name or service not known" in chain or "nodename nor servname" in chain or "[Errno -2]" in chain \
            or "[Errno -3]" in chain or "[Errno -5]" in chain:
        return f"dial tcp: lookup {_hostname(host)}{_resolver_suffix()}: no such host"
    if "WRONG_VERSION_NUMBER" in chain or "wrong version number" in chain:
        return "tls: first record does not look like a TLS handshake"
    if "CERTIFICATE_REQUIRED" in chain or "certificate required" in chain:
        return "remote error: tls: certificate required"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return "EOF"
    return text or type(exc).__name__


def _dialled_address(host: str) -> str:
    """Go reports the address it dialled, so a host name shows as its (first, IPv4-preferred) address."""
    import socket
    from ipaddress import ip_address

    name, _, port = host.rpartition(":") if host.count(":") == 1 or host.startswith("[") else (host, "", "")
    name = name.strip("[]")
    try:
        ip_address(name)
        return host
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, int(port) if port.isdigit() else None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return host
    addresses = [info[4][0] for info in infos]
    chosen = next((a for a in addresses if ":" not in a), addresses[0] if addresses else None)
    if chosen is None:
        return host
    return f"[{chosen}]:{port}" if ":" in chosen else f"{chosen}:{port}"


def _resolver_suffix() -> str:
    """Go's resolver names the DNS server it asked: " on 10.0.0.53:53"."""
    try:
        with open("/etc/resolv.conf", encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    server = parts[1]
                    return f" on [{server}]:53" if ":" in server else f" on {server}:53"
    except OSError:
        pass
    return ""


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[1:].split("]")[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


__all__ = ["ApiError", "RestClient", "encode_query", "parse_warnings", "resource_of"]
