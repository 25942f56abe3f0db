"""ConnectionSettings → one httpx.Client: TLS, proxy, compression, user agent, timeouts, impersonation."""

from __future__ import annotations

import os
import platform
import re
import ssl
import sys
from dataclasses import dataclass
from ipaddress import ip_address
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from pykubectl import KUBECTL_COMPAT_VERSION
from pykubectl.config.resolve import ConnectionSettings
from pykubectl.errors import ConfigError, KubectlError

if TYPE_CHECKING:  # loaded where a client is built: shell completion reads its TLS helpers without it
    import httpx

# client-go's discovery client uses this timeout (and `timeout=32s`) when --request-timeout is unset.
DISCOVERY_TIMEOUT = 32.0

_TIMEOUT_ERROR = ("Invalid timeout value. Timeout must be a single integer in seconds, "
                  "or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)")


def user_agent() -> str:
    """kubectl's User-Agent shape, `<binary>/<version> (<os>/<arch>) kubernetes/<commit>`.

    The commit slot says `pykubectl`, so server logs can tell us apart from the Go binary."""
    machine = {"x86_64": "amd64", "aarch64": "arm64", "AMD64": "amd64"}.get(platform.machine(), platform.machine())
    system = {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux")
    return f"kubectl/{KUBECTL_COMPAT_VERSION} ({system}/{machine}) kubernetes/pykubectl"


# ---------------------------------------------------------------------------------------------------------
# Durations (Go's time.ParseDuration / Duration.String, and clientcmd's ParseTimeout)

_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.S)
_UNITS_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
             "m": 60_000_000_000, "h": 3_600_000_000_000}
_DURATION_PART = re.compile(r"(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds. Raises ValueError."""
    s = text
    sign = 1
    if s[:1] in "+-" and s:
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError(text)
    total = 0.0
    pos = 0
    while pos < len(s):
        match = _DURATION_PART.match(s, pos)
        if not match or match.group(1) in ("", "."):
            raise ValueError(text)
        total += float(match.group(1)) * _UNITS_NS[match.group(2)]
        pos = match.end()
    return sign * int(round(total))


def parse_timeout(text: str | None) -> float | None:
    """clientcmd's ParseTimeout: "5" means seconds, otherwise a Go duration. None/0 mean no timeout."""
    if text is None or text == "":
        return None
    if text.isdigit():
        seconds = int(text)
        return float(seconds) if seconds else None
    try:
        ns = parse_go_duration(text)
    except ValueError:
        raise KubectlError(_TIMEOUT_ERROR) from None
    return ns / 1e9 if ns > 0 else None


def format_go_duration(seconds: float) -> str:
    """Go's Duration.String(): 5s, 1m30s, 2m0s, 1h0m0s, 1.5s, 500ms."""
    ns = int(round(seconds * 1e9))
    if ns == 0:
        return "0s"
    neg = ns < 0
    ns = abs(ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return ("-" if neg else "") + _trim_fraction(ns, size) + unit
    hours, rest = divmod(ns, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    text = _trim_fraction(rest, 1_000_000_000) + "s"
    if hours or minutes:
        text = f"{minutes}m" + text
    if hours:
        text = f"{hours}h" + text
    return ("-" if neg else "") + text


def _trim_fraction(value: int, unit: int) -> str:
    whole, frac = divmod(value, unit)
    if not frac:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{str(frac).rjust(digits, '0').rstrip('0')}"


# ---------------------------------------------------------------------------------------------------------
# TLS


def fetch_url(url: str) -> tuple[int, str, str]:
    """GET a manifest from a URL (`-f https://...`), redirects followed: (status, reason, text)."""
    import httpx

    from pykubectl.errors import TransportError

    host = urlsplit(url).netloc
    try:
        response = httpx.get(url, follow_redirects=True, timeout=30)
    except httpx.ConnectError as exc:
        detail = f"dial tcp {host}: connect: connection refused" if "refused" in str(exc) else str(exc)
        raise TransportError("GET", url, detail, host) from None
    except httpx.HTTPError as exc:
        raise TransportError("GET", url, str(exc) or type(exc).__name__, host) from None
    return response.status_code, response.reason_phrase, response.text


def is_tls(settings: ConnectionSettings) -> bool:
    return urlsplit(settings.server).scheme == "https"


def build_ssl_context(settings: ConnectionSettings, client_cert: tuple[bytes, bytes] | None = None) -> ssl.SSLContext:
    """The TLS configuration client-go derives from a rest.Config (transport/transport.go TLSConfigFor)."""
    has_ca = bool(settings.ca_file or settings.ca_data)
    if settings.insecure_skip_tls_verify and has_ca:
        raise ConfigError("specifying a root certificates file with the insecure flag is not allowed")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    if settings.insecure_skip_tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        context.verify_mode = ssl.CERT_REQUIRED
        context.check_hostname = True
        ca = _read_pem(settings.ca_file, settings.ca_data)
        if ca:
            # Go's AppendCertsFromPEM: take every CERTIFICATE block, ignore the rest; none → an empty pool.
            blocks = _PEM_CERT.findall(ca.decode("utf-8", "replace"))
            for block in blocks:
                try:
                    context.load_verify_locations(cadata=block)
                except (ssl.SSLError, ValueError):
                    continue
        else:
            context.load_default_certs()
    cert = client_cert
    if cert is None and (settings.client_certificate_file or settings.client_certificate_data):
        cert = (_read_pem(settings.client_certificate_file, settings.client_certificate_data),
                _read_pem(settings.client_key_file, settings.client_key_data))
    if cert is not None:
        load_client_certificate(context, *cert)
    return context


def _read_pem(path: str | None, data: bytes | None) -> bytes:
    if data:
        return data
    if not path:
        return b""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ConfigError(f"open {path}: {(exc.strerror or str(exc)).lower()}") from None


def load_client_certificate(context: ssl.SSLContext, cert_pem: bytes, key_pem: bytes) -> None:
    """ssl wants files: write both PEMs to private temporary files and delete them straight after."""
    paths = []
    try:
        for pem in (cert_pem, key_pem):
            import tempfile

            fd, path = tempfile.mkstemp(prefix="pykubectl-", suffix=".pem")
            paths.append(path)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
        context.load_cert_chain(paths[0], paths[1])
    except ssl.SSLError:
        raise ConfigError("tls: failed to find any PEM data in certificate input") from None
    finally:
        for path in paths:
            try:
                os.unlink(path)
            except OSError:
                pass


def describe_hostname_mismatch(settings: ConnectionSettings) -> str | None:
    """Go's x509.HostnameError text, "certificate is valid for A, B, not C": Python's ssl error does not
    name the certificate's SANs, so look at the (chain-verified) certificate once more to list them."""
    import socket
    from ipaddress import ip_address as parse_ip

    parts = urlsplit(settings.server)
    wanted = settings.tls_server_name or parts.hostname or ""
    try:
        context = build_ssl_context(settings)
        context.check_hostname = False
        with socket.create_connection((parts.hostname, parts.port or 443), timeout=5) as sock:
            with context.wrap_socket(sock, server_hostname=wanted) as tls:
                cert = tls.getpeercert() or {}
    except (OSError, ssl.SSLError, KubectlError):
        return None
    sans = cert.get("subjectAltName") or ()
    try:
        parse_ip(wanted)
        wanted_is_ip = True
    except ValueError:
        wanted_is_ip = False
    if wanted_is_ip:
        ips = [str(parse_ip(value.strip())) for kind, value in sans if kind == "IP Address"]
        if not ips:
            return (f"tls: failed to verify certificate: x509: cannot validate certificate for {wanted} "
                    "because it doesn't contain any IP SANs")
        valid = ", ".join(ips)
    else:
        valid = ", ".join(value for kind, value in sans if kind == "DNS")
    if not valid:
        return ("tls: failed to verify certificate: x509: certificate is not valid for any names, "
                f"but wanted to match {wanted}")
    return f"tls: failed to verify certificate: x509: certificate is valid for {valid}, not {wanted}"


# ---------------------------------------------------------------------------------------------------------
# Proxies


def proxy_for(settings: ConnectionSettings, environ: dict[str, str] | None = None) -> str | None:
    """proxy-url, else Go's ProxyFromEnvironment (which never proxies localhost or loopback IPs)."""
    if settings.proxy_url:
        scheme = urlsplit(settings.proxy_url).scheme
        if scheme not in ("http", "https", "socks5"):
            raise ConfigError(f'unsupported scheme "{scheme}", must be http, https, or socks5')
        return settings.proxy_url
    env = os.environ if environ is None else environ
    parts = urlsplit(settings.server)
    host = parts.hostname or ""
    if host == "localhost" or _is_loopback(host):
        return None
    if parts.scheme == "https":
        proxy = env.get("HTTPS_PROXY") or env.get("https_proxy")
    else:
        proxy = env.get("HTTP_PROXY") or env.get("http_proxy")
    if not proxy:
        return None
    no_proxy = env.get("NO_PROXY") or env.get("no_proxy") or ""
    if _excluded(host, parts.port, no_proxy):
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    return proxy


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _excluded(host: str, port: int | None, no_proxy: str) -> bool:
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        entry_host, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and port is not None and entry_port != str(port):
            continue
        entry_host = entry_host or entry
        if "/" in entry_host:
            from ipaddress import ip_network

            try:
                if ip_address(host) in ip_network(entry_host, strict=False):
                    return True
            except ValueError:
                pass
            continue
        bare = entry_host.lstrip("*").lstrip(".")
        if host.lower() == bare or host.lower().endswith("." + bare):
            return True
    return False


# ---------------------------------------------------------------------------------------------------------
# Headers


def impersonation_headers(settings: ConnectionSettings) -> list[tuple[str, str]]:
    """client-go's impersonatingRoundTripper: one header per group and per extra value."""
    headers: list[tuple[str, str]] = []
    if settings.impersonate_user:
        headers.append(("Impersonate-User", settings.impersonate_user))
    if settings.impersonate_uid:
        headers.append(("Impersonate-Uid", settings.impersonate_uid))
    for group in settings.impersonate_groups:
        headers.append(("Impersonate-Group", group))
    for key, values in settings.impersonate_extra.items():
        for value in values:
            headers.append(("Impersonate-Extra-" + quote(key, safe=""), value))
    return headers


@dataclass
class Transport:
    """The pieces a RestClient sends with: the httpx.Client plus the request extensions it needs."""

    client: httpx.Client
    extensions: dict
    timeout: float | None  # --request-timeout in seconds (None: none)


def build_transport(settings: ConnectionSettings, client_cert: tuple[bytes, bytes] | None = None,
                    auth: httpx.Auth | None = None) -> Transport:
    import httpx

    timeout = parse_timeout(settings.request_timeout)
    extensions: dict = {}
    verify: ssl.SSLContext | bool = False
    if is_tls(settings):
        verify = build_ssl_context(settings, client_cert)
        if settings.tls_server_name:
            extensions["sni_hostname"] = settings.tls_server_name
    headers = httpx.Headers({"User-Agent": user_agent()})
    if not settings.disable_compression:
        headers["Accept-Encoding"] = "gzip"
    client = httpx.Client(
        verify=verify,
        proxy=proxy_for(settings),
        trust_env=False,
        http1=True,
        http2=False,
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=10,
        headers=headers,
        auth=auth,
    )
    # httpx adds its own defaults (Accept, Accept-Encoding, Connection); keep only what kubectl sends.
    for name in ("Accept", "Connection"):
        client.headers.pop(name, None)
    if settings.disable_compression:
        client.headers.pop("Accept-Encoding", None)
    return Transport(client, extensions, timeout)
