"""client-go exec credential plugins: run the command, cache its ExecCredential in process, refresh on 401."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

import httpx

from pykubectl.config.resolve import ConnectionSettings
from pykubectl.errors import ExecPluginError

API_GROUP = "client.authentication.k8s.io"
SUPPORTED_VERSIONS = (f"{API_GROUP}/v1", f"{API_GROUP}/v1beta1")
EXEC_INFO_ENV = "KUBERNETES_EXEC_INFO"

_INSTALL_HINT_HELP = (
    "\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\n"
    "To learn more about this feature, consult the documentation available at:\n"
    "      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins"
)
# The Go type client-go decodes the first time to find apiVersion/kind; it appears in its error texts.
_GO_TYPE_META = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'


@dataclass(frozen=True)
class Credential:
    token: str = ""
    client_certificate: bytes | None = None  # PEM
    client_key: bytes | None = None  # PEM
    expires: datetime | None = None

    @property
    def certificate_pair(self) -> tuple[bytes, bytes] | None:
        if self.client_certificate and self.client_key:
            return self.client_certificate, self.client_key
        return None


def exec_cluster(settings: ConnectionSettings) -> dict:
    """ExecCredential spec.cluster (clientcmd ConfigToExecCluster), in the Go struct's field order."""
    info = settings.exec_cluster_info or {}
    cluster: dict = {"server": info.get("server") or settings.server}
    server_name = info.get("tls-server-name", settings.tls_server_name)
    if server_name:
        cluster["tls-server-name"] = server_name
    if info.get("insecure-skip-tls-verify", settings.insecure_skip_tls_verify):
        cluster["insecure-skip-tls-verify"] = True
    ca = info.get("certificate-authority-data")
    if ca is None:
        data = settings.ca_data
        if data is None and settings.ca_file:
            try:
                with open(settings.ca_file, "rb") as handle:
                    data = handle.read()
            except OSError:
                data = None
        ca = base64.b64encode(data).decode("ascii") if data else None
    elif isinstance(ca, bytes):
        ca = base64.b64encode(ca).decode("ascii")
    if ca:
        cluster["certificate-authority-data"] = ca
    proxy = info.get("proxy-url", settings.proxy_url)
    if proxy:
        cluster["proxy-url"] = proxy
    if info.get("disable-compression", settings.disable_compression):
        cluster["disable-compression"] = True
    if info.get("config") is not None:
        cluster["config"] = info["config"]
    return cluster


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _now() -> datetime:
    return datetime.now(UTC)


class ExecProvider:
    """One exec block's credentials for this process (client-go's exec.Authenticator)."""

    def __init__(self, config: dict, cluster: dict | None, stdin: TextIO | None = None,
                 stderr: TextIO | None = None, stdin_is_terminal: Callable[[], bool] | None = None,
                 now: Callable[[], datetime] = _now, environ: dict[str, str] | None = None):
        self.command = config.get("command", "")
        self.args = list(config.get("args") or [])
        self.env = [(e.get("name", ""), e.get("value", "")) for e in (config.get("env") or [])]
        self.api_version = config.get("apiVersion", "")
        self.install_hint = config.get("installHint") or ""
        default_mode = "IfAvailable" if self.api_version.endswith("/v1beta1") else ""
        self.interactive_mode = config.get("interactiveMode") or default_mode
        self.cluster = cluster if config.get("provideClusterInfo") else None
        self.stdin = stdin
        self.stderr = stderr
        self.stdin_is_terminal = stdin_is_terminal or (lambda: False)
        self.now = now
        self.environ = environ
        self.runs = 0
        self._cached: Credential | None = None
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------------------------------

    @property
    def cached(self) -> Credential | None:
        return self._cached

    def credential(self) -> Credential:
        with self._lock:
            cached = self._cached
            if cached is not None and not (cached.expires and self.now() > cached.expires):
                return cached
            self._cached = self._run()
            return self._cached

    def refresh_after_unauthorized(self, used: Credential) -> None:
        """A 401 with `used`: run the plugin again unless another request already rotated it."""
        with self._lock:
            if self._cached is not used:
                return
            try:
                self._cached = self._run()
            except ExecPluginError:
                self._cached = None

    # -- running the plugin -------------------------------------------------------------------------

    def _interactive(self) -> bool:
        mode = self.interactive_mode
        if mode == "Never":
            return False
        if mode == "IfAvailable":
            return self.stdin_is_terminal()
        if mode == "Always":
            if not self.stdin_is_terminal():
                raise ExecPluginError("exec plugin cannot support interactive mode: standard input is not a terminal")
            return True
        raise ExecPluginError(f'exec plugin cannot support interactive mode: unknown interactiveMode: "{mode}"')

    def exec_info(self, interactive: bool) -> str:
        spec: dict = {}
        if self.cluster is not None:
            spec["cluster"] = self.cluster
        spec["interactive"] = interactive
        info = {"kind": "ExecCredential", "apiVersion": self.api_version, "spec": spec}
        return json.dumps(info, separators=(",", ":"))

    def _run(self) -> Credential:
        interactive = self._interactive()
        env = dict(os.environ if self.environ is None else self.environ)
        for name, value in self.env:
            env[name] = value
        env[EXEC_INFO_ENV] = self.exec_info(interactive)
        executable = self.command
        if os.sep not in executable:
            found = shutil.which(executable, path=env.get("PATH"))
            if found is None:
                message = f"exec: executable {self.command} not found" + _INSTALL_HINT_HELP
                if self.install_hint:
                    message += f"\n\n{self.install_hint}"
                raise ExecPluginError(message)
            executable = found
        stderr_target, capture_stderr = _stream_target(self.stderr)
        stdin_target = subprocess.DEVNULL
        if interactive:
            stdin_target, _ = _stream_target(self.stdin)
            if stdin_target is subprocess.PIPE:
                stdin_target = subprocess.DEVNULL
        self.runs += 1
        try:
            proc = subprocess.run([executable, *self.args], env=env, stdout=subprocess.PIPE,
                                  stderr=stderr_target, stdin=stdin_target, check=False)
        except OSError as exc:
            raise ExecPluginError(f"exec: fork/exec {executable}: {(exc.strerror or str(exc)).lower()}") from None
        if capture_stderr and proc.stderr and self.stderr is not None:
            self.stderr.write(proc.stderr.decode("utf-8", "replace"))
        if proc.returncode != 0:
            code = proc.returncode if proc.returncode > 0 else -1
            raise ExecPluginError(f"exec: executable {self.command} failed with exit code {code}")
        return self._decode(proc.stdout)

    def _decode(self, stdout: bytes) -> Credential:
        if not stdout.strip():  # decodes to an empty object of the internal version
            raise ExecPluginError(f"exec plugin is configured to use API version {self.api_version}, "
                                  f"plugin returned version {API_GROUP}/__internal")
        try:
            data = json.loads(stdout)
        except ValueError as exc:
            if stdout.lstrip()[:1] not in (b"{", b"["):
                # client-go reads YAML too, and plain words are a YAML string.
                data = stdout.decode("utf-8", "replace").strip()
            else:
                raise ExecPluginError("decoding stdout: couldn't get version/kind; json parse error: "
                                      + _go_json_error(stdout, exc)) from None
        if not isinstance(data, dict):
            go_type = {str: "string", list: "array", bool: "bool", int: "number", float: "number"}.get(
                type(data), "value")
            raise ExecPluginError("decoding stdout: couldn't get version/kind; json parse error: "
                                  f"json: cannot unmarshal {go_type} into Go value of type {_GO_TYPE_META}")
        kind = data.get("kind") or "ExecCredential"  # the decoder defaults a missing kind from its target
        api_version = data.get("apiVersion") or ""
        if not api_version:
            raise ExecPluginError(f"exec plugin is configured to use API version {self.api_version}, "
                                  f"plugin returned version {API_GROUP}/__internal")
        if api_version != self.api_version:
            group = api_version.rpartition("/")[0]
            if group != API_GROUP or not api_version:
                raise ExecPluginError(f'decoding stdout: no kind "{kind}" is registered for version '
                                      f'"{api_version}" in scheme "pkg/client/auth/exec/exec.go:62"')
            raise ExecPluginError(f"exec plugin is configured to use API version {self.api_version}, "
                                  f"plugin returned version {api_version}")
        status = data.get("status")
        if not isinstance(status, dict):
            raise ExecPluginError("exec plugin didn't return a status field")
        token = status.get("token") or ""
        cert = status.get("clientCertificateData") or ""
        key = status.get("clientKeyData") or ""
        if not token and not cert and not key:
            raise ExecPluginError("exec plugin didn't return a token or cert/key pair")
        if bool(cert) != bool(key):
            raise ExecPluginError("exec plugin returned only certificate or key, not both")
        expires = None
        if status.get("expirationTimestamp"):
            try:
                expires = _parse_time(status["expirationTimestamp"])
            except ValueError:
                raise ExecPluginError(f'decoding stdout: parsing time "{status["expirationTimestamp"]}" '
                                      "as \"2006-01-02T15:04:05Z07:00\": cannot parse") from None
        return Credential(token, cert.encode() if cert else None, key.encode() if key else None, expires)


def _stream_target(stream: TextIO | None):
    """A real file descriptor is handed to the child; anything else (test buffers) is captured."""
    if stream is None:
        return subprocess.DEVNULL, False
    try:
        fd = stream.fileno()
        stream.flush()
        return fd, False
    except (AttributeError, OSError, ValueError):
        return subprocess.PIPE, True


def _go_json_error(raw: bytes, exc: ValueError) -> str:
    text = raw.decode("utf-8", "replace").lstrip()
    if not text:
        return "unexpected end of JSON input"
    return f"invalid character {_go_char(text[0])} looking for beginning of value"


def _go_char(ch: str) -> str:
    if ch == "'":
        return "'\\''"
    return f"'{ch}'"


class ExecAuth(httpx.Auth):
    """Adds the plugin's token unless the request already carries Authorization (--token wins)."""

    def __init__(self, provider: ExecProvider):
        self.provider = provider
        self.last_used: Credential | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "Authorization" in request.headers:
            yield request
            return
        credential = self.provider.credential()
        if credential.token:
            request.headers["Authorization"] = f"Bearer {credential.token}"
        self.last_used = credential
        response = yield request
        if response.status_code == 401:
            # client-go refreshes for the next request; it does not resend this one.
            self.provider.refresh_after_unauthorized(credential)
