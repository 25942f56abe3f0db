"""kubectl's global flags (`kubectl options`), accepted before or after any command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from pykubectl.config.overrides import ConfigOverrides
from pykubectl.flags.pflag import FlagSpec, display_name, parse_bool, parse_int
from pykubectl.streams import IOStreams

GLOBAL_PREFIX = "global:"


@dataclass(frozen=True)
class GlobalFlag:
    long: str
    short: str | None
    kind: str  # string | bool | int | array
    attr: str  # ConfigOverrides field, or "" for flags accepted and ignored
    default: str
    help: str


GLOBAL_FLAGS: tuple[GlobalFlag, ...] = (
    GlobalFlag("as", None, "string", "as_user", "''", "Username to impersonate for the operation. User could be a regular user or a service account in a namespace."),
    GlobalFlag("as-group", None, "array", "as_groups", "[]", "Group to impersonate for the operation, this flag can be repeated to specify multiple groups."),
    GlobalFlag("as-uid", None, "string", "as_uid", "''", "UID to impersonate for the operation."),
    GlobalFlag("cache-dir", None, "string", "cache_dir", "'~/.kube/cache'", "Default cache directory"),
    GlobalFlag("certificate-authority", None, "string", "certificate_authority", "''", "Path to a cert file for the certificate authority"),
    GlobalFlag("client-certificate", None, "string", "client_certificate", "''", "Path to a client certificate file for TLS"),
    GlobalFlag("client-key", None, "string", "client_key", "''", "Path to a client key file for TLS"),
    GlobalFlag("cluster", None, "string", "cluster", "''", "The name of the kubeconfig cluster to use"),
    GlobalFlag("context", None, "string", "context", "''", "The name of the kubeconfig context to use"),
    GlobalFlag("disable-compression", None, "bool", "disable_compression", "false", "If true, opt-out of response compression for all requests to the server"),
    GlobalFlag("insecure-skip-tls-verify", None, "bool", "insecure_skip_tls_verify", "false", "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure"),
    GlobalFlag("kubeconfig", None, "string", "kubeconfig", "''", "Path to the kubeconfig file to use for CLI requests."),
    GlobalFlag("log-flush-frequency", None, "string", "", "5s", "Maximum number of seconds between log flushes"),
    GlobalFlag("match-server-version", None, "bool", "", "false", "Require server version to match client version"),
    GlobalFlag("namespace", "n", "string", "namespace", "''", "If present, the namespace scope for this CLI request"),
    GlobalFlag("password", None, "string", "password", "''", "Password for basic authentication to the API server"),
    GlobalFlag("profile", None, "string", "", "'none'", "Name of profile to capture. One of (none|cpu|heap|goroutine|threadcreate|block|mutex)"),
    GlobalFlag("profile-output", None, "string", "", "'profile.pprof'", "Name of the file to write the profile to"),
    GlobalFlag("request-timeout", None, "string", "request_timeout", "'0'", "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests."),
    GlobalFlag("server", "s", "string", "server", "''", "The address and port of the Kubernetes API server"),
    GlobalFlag("tls-server-name", None, "string", "tls_server_name", "''", "Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used"),
    GlobalFlag("token", None, "string", "token", "''", "Bearer token for authentication to the API server"),
    GlobalFlag("user", None, "string", "user", "''", "The name of the kubeconfig user to use"),
    GlobalFlag("username", None, "string", "username", "''", "Username for basic authentication to the API server"),
    GlobalFlag("v", "v", "int", "verbosity", "0", "number for the log level verbosity"),
    GlobalFlag("vmodule", None, "string", "", "", "comma-separated list of pattern=N settings for file-filtered logging (only works for the default text log format)"),
    GlobalFlag("warnings-as-errors", None, "bool", "warnings_as_errors", "false", "Treat warnings received from the server as errors and exit with a non-zero exit code"),
)

_BY_DEST = {GLOBAL_PREFIX + f.long: f for f in GLOBAL_FLAGS}


def global_specs() -> list[FlagSpec]:
    specs = []
    for flag in GLOBAL_FLAGS:
        dest = GLOBAL_PREFIX + flag.long
        takes_value = flag.kind != "bool"
        multiple = flag.kind == "array"
        display = display_name(flag.long, flag.short)
        specs.append(FlagSpec(flag.long, None, takes_value, dest, multiple, display))
        if flag.short:
            specs.append(FlagSpec(None, flag.short, takes_value, dest, multiple, display))
    return specs


@dataclass
class AppState:
    """click's ctx.obj: the streams and the global flag values gathered from every level of the command."""

    streams: IOStreams
    global_values: dict[str, object] = field(default_factory=dict)
    command_path: str = "kubectl"
    # Installed by cli/main: -v handling lives at the process boundary, above this layer.
    setup_logging: Callable[[int, TextIO], None] | None = None

    def absorb(self, extracted: dict[str, object]) -> dict[str, object]:
        """Take the global flags out of a scan result; return what is left (the command's own)."""
        own = {}
        for dest, value in extracted.items():
            flag = _BY_DEST.get(dest)
            if flag is None:
                own[dest] = value
                continue
            if flag.kind == "array":
                self.global_values.setdefault(flag.long, []).extend(value)  # type: ignore[union-attr]
            else:
                self.global_values[flag.long] = value
        return own

    def validate(self, command_path: str) -> None:
        """Type-check global values once the leaf is known: pflag's errors name the leaf command."""
        for long, raw in list(self.global_values.items()):
            flag = _BY_DEST[GLOBAL_PREFIX + long]
            display = display_name(flag.long, flag.short)
            if flag.kind == "bool" and isinstance(raw, str):
                self.global_values[long] = parse_bool(raw, display, command_path)
            elif flag.kind == "int" and isinstance(raw, str):
                self.global_values[long] = parse_int(raw, display, command_path)

    def overrides(self) -> ConfigOverrides:
        values: dict[str, object] = {}
        for long, raw in self.global_values.items():
            flag = _BY_DEST[GLOBAL_PREFIX + long]
            if not flag.attr:
                continue
            if flag.kind == "array":
                values[flag.attr] = tuple(raw)  # type: ignore[arg-type]
            elif flag.kind == "string":
                values[flag.attr] = str(raw) if raw != "" else None
            else:
                values[flag.attr] = raw
        explicit = frozenset(self.global_values)
        return ConfigOverrides(**values, explicit=explicit)  # type: ignore[arg-type]


def current_state():
    import click

    return click.get_current_context().find_root().obj


def current_streams() -> IOStreams:
    return current_state().streams


def current_session(namespace_first: bool = True):
    """The Session for this invocation, built from every global flag seen so far (once).

    namespace_first=False for verbs that never read the namespace: it changes which kubeconfig error
    kubectl reports first.
    """
    import click

    from pykubectl.session import Session

    ctx = click.get_current_context()
    state: AppState = ctx.find_root().obj
    session = ctx.find_root().meta.get("pykubectl.session")
    if session is None:
        overrides = state.overrides()
        if state.setup_logging is not None:
            state.setup_logging(overrides.verbosity, state.streams.err)
        session = Session(overrides, state.streams, command_path=state.command_path,
                          namespace_first=namespace_first)
        ctx.find_root().meta["pykubectl.session"] = session
        ctx.find_root().call_on_close(session.close)
    return session
