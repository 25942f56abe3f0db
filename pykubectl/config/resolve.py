"""Resolve kubeconfig plus command-line overrides into one ConnectionSettings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from pykubectl.config.kubeconfig import EXEC_CLUSTER_EXTENSION, Cluster, Context, KubeConfig, User
from pykubectl.config.overrides import ConfigOverrides
from pykubectl.errors import ConfigError, InvalidConfigurationError


@dataclass
class ConnectionSettings:
    """Everything the client needs to reach one API server as one user. Paths are absolute."""

    server: str
    namespace: str = "default"
    namespace_explicit: bool = False  # -n given, or the context names a namespace
    context_name: str = ""
    cluster_name: str = ""
    user_name: str = ""
    # TLS
    ca_file: str | None = None
    ca_data: bytes | None = None  # PEM
    insecure_skip_tls_verify: bool = False
    tls_server_name: str | None = None
    client_certificate_file: str | None = None
    client_certificate_data: bytes | None = None  # PEM
    client_key_file: str | None = None
    client_key_data: bytes | None = None  # PEM
    # Credentials
    token: str | None = None
    token_file: str | None = None
    username: str | None = None
    password: str | None = None
    exec_config: dict | None = None  # the user's `exec` block, command resolved against its file
    auth_provider: dict | None = None
    # Transport
    proxy_url: str | None = None
    disable_compression: bool = False
    request_timeout: str | None = None  # as given to --request-timeout, for the `timeout=` query
    impersonate_user: str | None = None
    impersonate_uid: str | None = None
    impersonate_groups: list[str] = field(default_factory=list)
    impersonate_extra: dict[str, list[str]] = field(default_factory=dict)
    # The cluster as an exec plugin sees it with provideClusterInfo (ExecCredential spec.cluster).
    exec_cluster_info: dict | None = None


# --- resolution (CG:tools/clientcmd/client_config.go, validation.go) --------------------------------

CONTEXT_NOT_FOUND = "context was not found for specified context: "


def default_server() -> str:
    return os.environ.get("KUBERNETES_MASTER") or "http://localhost:8080"


def _merge_entry(base: dict, src: dict) -> dict:
    """clientcmd merge(): every non-zero field of src replaces base's (lists only when non-empty)."""
    out = dict(base)
    for key, value in src.items():
        if value is None or value == "" or value is False or value == [] or value == {}:
            continue
        out[key] = value
    return out


def _auth_overrides(overrides: ConfigOverrides) -> dict:
    return {"token": overrides.token or "", "client-certificate": overrides.client_certificate or "",
            "client-key": overrides.client_key or "", "as": overrides.as_user or "",
            "as-uid": overrides.as_uid or "", "as-groups": list(overrides.as_groups),
            "username": overrides.username or "", "password": overrides.password or ""}


def _cluster_overrides(overrides: ConfigOverrides) -> dict:
    return {"server": overrides.server or "", "certificate-authority": overrides.certificate_authority or "",
            "insecure-skip-tls-verify": bool(overrides.insecure_skip_tls_verify),
            "tls-server-name": overrides.tls_server_name or "",
            "disable-compression": bool(overrides.disable_compression)}


class _Resolver:
    """DirectClientConfig over a loaded KubeConfig: names, merged entries and validation, as clientcmd does."""

    def __init__(self, kubeconfig: KubeConfig, overrides: ConfigOverrides):
        self.config = kubeconfig
        self.overrides = overrides

    def context_name(self) -> tuple[str, bool]:
        if self.overrides.context:
            return self.overrides.context, True
        return self.config.current_context, False

    def context(self) -> Context:
        name, required = self.context_name()
        found = self.config.contexts.get(name)
        if found is None and required:
            raise ConfigError(f'context "{name}" does not exist')
        data = dict(found.data) if found is not None else {}
        data = _merge_entry(data, {"cluster": self.overrides.cluster or "", "user": self.overrides.user or "",
                                   "namespace": self.overrides.namespace or ""})
        return Context(name, data, found.origin if found is not None else "")

    def _context_or_empty(self) -> Context:
        try:
            return self.context()
        except ConfigError:
            return Context("", {})

    def user_name(self) -> tuple[str, bool]:
        if self.overrides.user:
            return self.overrides.user, True
        return self._context_or_empty().user, False

    def cluster_name(self) -> tuple[str, bool]:
        if self.overrides.cluster:
            return self.overrides.cluster, True
        return self._context_or_empty().cluster, False

    def user(self) -> User:
        name, required = self.user_name()
        found = self.config.users.get(name)
        if found is None and required:
            raise ConfigError(f'auth info "{name}" does not exist')
        data = dict(found.data) if found is not None else {}
        return User(name, _merge_entry(data, _auth_overrides(self.overrides)), found.origin if found else "")

    def cluster(self) -> Cluster:
        name, required = self.cluster_name()
        found = self.config.clusters.get(name)
        if found is None and required:
            raise ConfigError(f'cluster "{name}" does not exist')
        data = {"server": default_server()}
        if found is not None:
            data = _merge_entry(data, found.data)
        cluster_flags = _cluster_overrides(self.overrides)
        data = _merge_entry(data, cluster_flags)
        # --certificate-authority or --insecure-skip-tls-verify replace all three CA fields together,
        # and --server without --tls-server-name drops the file's tls-server-name.
        if cluster_flags["insecure-skip-tls-verify"] or cluster_flags["certificate-authority"]:
            data["insecure-skip-tls-verify"] = cluster_flags["insecure-skip-tls-verify"]
            data["certificate-authority"] = cluster_flags["certificate-authority"]
            data.pop("certificate-authority-data", None)
        if cluster_flags["tls-server-name"] or cluster_flags["server"]:
            data["tls-server-name"] = cluster_flags["tls-server-name"]
        return Cluster(name, data, found.origin if found is not None else "")

    def confirm_usable(self) -> None:
        problems: list[str] = []
        name = self.overrides.context or self.config.current_context
        if name and name not in self.config.contexts:
            problems.append(CONTEXT_NOT_FOUND + name)
        user_name, _ = self.user_name()
        try:
            user = self.user()
        except ConfigError:
            user = User(user_name, {})
        problems.extend(validate_user(user_name, user))
        cluster_name, _ = self.cluster_name()
        try:
            cluster = self.cluster()
        except ConfigError:
            cluster = Cluster(cluster_name, {})
        problems.extend(validate_cluster(cluster_name, cluster))
        if problems:
            raise InvalidConfigurationError(problems)


def parse_proxy_url(proxy_url: str) -> str | None:
    """clientcmd parseProxyURL: None when usable, else the reason."""
    from urllib.parse import urlsplit

    try:
        scheme = urlsplit(proxy_url).scheme
    except ValueError:
        return f"could not parse: {proxy_url}"
    if ":" in proxy_url and not scheme and not proxy_url.startswith("/"):
        head = proxy_url.split(":", 1)[0]
        if head and not head[0].isalpha():
            return f"could not parse: {proxy_url}"
    if scheme not in ("http", "https", "socks5"):
        return f'unsupported scheme "{scheme}", must be http, https, or socks5'
    return None


def _open_error(path: str) -> str | None:
    try:
        with open(path, "rb"):
            return None
    except FileNotFoundError:
        return f"open {path}: no such file or directory"
    except IsADirectoryError:
        return None  # Go opens directories without error
    except PermissionError:
        return f"open {path}: permission denied"
    except OSError as exc:
        return f"open {path}: {exc.strerror}"


def validate_cluster(name: str, cluster: Cluster) -> list[str]:
    problems: list[str] = []
    if not cluster.server:
        problems.append(f'no server found for cluster "{name}"' if name else "default cluster has no server defined")
    if cluster.proxy_url:
        reason = parse_proxy_url(cluster.proxy_url)
        if reason:
            problems.append(f"invalid 'proxy-url' \"{cluster.proxy_url}\" for cluster \"{name}\": {reason}")
    if cluster.certificate_authority and cluster.certificate_authority_data:
        problems.append(f"certificate-authority-data and certificate-authority are both specified for {name}. "
                        "certificate-authority-data will override.")
    if cluster.certificate_authority:
        reason = _open_error(cluster.certificate_authority)
        if reason:
            problems.append(f"unable to read certificate-authority {cluster.certificate_authority} for {name} "
                            f"due to {reason}")
    return problems


def validate_user(name: str, user: User) -> list[str]:
    problems: list[str] = []
    methods = []
    if user.token:
        methods.append("token")
    if user.username or user.password:
        methods.append("basicAuth")
    if user.client_certificate or user.client_certificate_data:
        if user.client_certificate and user.client_certificate_data:
            problems.append(f"client-cert-data and client-cert are both specified for {name}. "
                            "client-cert-data will override.")
        if user.client_key and user.client_key_data:
            problems.append(f"client-key-data and client-key are both specified for {name}; "
                            "client-key-data will override")
        if not user.client_key and not user.client_key_data:
            problems.append(f"client-key-data or client-key must be specified for {name} to use the clientCert "
                            "authentication method.")
        for label, path in (("client-cert", user.client_certificate), ("client-key", user.client_key)):
            if path:
                reason = _open_error(path)
                if reason:
                    problems.append(f"unable to read {label} {path} for {name} due to {reason}")
    exec_block = user.exec
    if exec_block is not None:
        if user.auth_provider is not None:
            problems.append(f"authProvider cannot be provided in combination with an exec plugin for {name}")
        if not exec_block.get("command"):
            problems.append(f"command must be specified for {name} to use exec authentication plugin")
        if not exec_block.get("apiVersion"):
            problems.append(f"apiVersion must be specified for {name} to use exec authentication plugin")
        for env in exec_block.get("env") or []:
            if not (env or {}).get("name"):
                problems.append(f"env variable name must be specified for {name} to use exec authentication plugin")
        mode = exec_block.get("interactiveMode") or ""
        if mode == "":
            problems.append(f"interactiveMode must be specified for {name} to use exec authentication plugin")
        elif mode not in ("Never", "IfAvailable", "Always"):
            problems.append(f'invalid interactiveMode for {name}: "{mode}"')
    if len(methods) > 1:
        problems.append(f"more than one authentication method found for {name}; found [{' '.join(methods)}], "
                        "only one is allowed")
    if (user.impersonate_uid or user.impersonate_groups or user.impersonate_user_extra) and not user.impersonate:
        problems.append(f"requesting uid, groups or user-extra for {name} without impersonating a user")
    return problems


def _is_tls(server: str) -> bool:
    # rest.IsConfigTransportTLS runs before the TLS fields are merged, so only an explicit https:// counts.
    return server.lower().startswith("https://")


def _clean_install_hint(text: str) -> str:
    """cleanANSIEscapeCodes: control characters other than \\t..\\r become U+XXXX."""
    import unicodedata

    out = []
    for char in text:
        if "\t" <= char <= "\r" or unicodedata.category(char)[0] in "LMNPSZ":
            out.append(char)
        else:
            out.append(f"U+{ord(char):04X}")
    return "".join(out)


def resolve(kubeconfig: KubeConfig, overrides: ConfigOverrides, namespace_first: bool = True) -> ConnectionSettings:
    """kubeconfig + global flags → ConnectionSettings, failing with clientcmd's errors in kubectl's order.

    Most verbs first ask for the namespace (which validates the whole selection unless -n was given),
    then build the REST config (missing --context/--cluster/--user targets, then validation again).
    Verbs that never read the namespace (api-versions, version…) pass namespace_first=False, so their
    first error is the REST config's (`context "x" does not exist`).
    """
    from pykubectl.config import incluster

    resolver = _Resolver(kubeconfig, overrides)
    if namespace_first and not overrides.namespace:
        resolver.confirm_usable()
    user = resolver.user()
    context = resolver.context()
    cluster = resolver.cluster()
    resolver.confirm_usable()

    if kubeconfig.is_empty() and _is_default(overrides) and incluster.possible():
        return incluster.settings(overrides)

    server = cluster.server
    context_name, _ = resolver.context_name()
    namespace = overrides.namespace or context.namespace or "default"
    settings = ConnectionSettings(
        server=server, namespace=namespace, namespace_explicit=bool(overrides.namespace or context.namespace),
        context_name=context_name, cluster_name=resolver.cluster_name()[0], user_name=resolver.user_name()[0],
        disable_compression=cluster.disable_compression, request_timeout=overrides.request_timeout,
    )
    if cluster.proxy_url:
        reason = parse_proxy_url(cluster.proxy_url)
        if reason:
            raise ConfigError(reason)
        settings.proxy_url = cluster.proxy_url
    if user.impersonate:
        settings.impersonate_user = user.impersonate
        settings.impersonate_uid = user.impersonate_uid or None
        settings.impersonate_groups = user.impersonate_groups
        settings.impersonate_extra = user.impersonate_user_extra
    if not _is_tls(server):
        return settings  # credentials and TLS settings are only used over https (client_config.go)
    if user.token:
        settings.token = user.token
        settings.token_file = user.token_file or None
    elif user.token_file:
        try:
            with open(user.token_file) as handle:
                settings.token = handle.read()
        except FileNotFoundError:
            raise ConfigError(f"open {user.token_file}: no such file or directory") from None
        except OSError as exc:
            raise ConfigError(f"open {user.token_file}: {exc.strerror}") from None
        settings.token_file = user.token_file
    if user.client_certificate or user.client_certificate_data:
        settings.client_certificate_file = user.client_certificate or None
        settings.client_certificate_data = user.client_certificate_data or None
        settings.client_key_file = user.client_key or None
        settings.client_key_data = user.client_key_data or None
    if user.username or user.password:
        settings.username = user.username
        settings.password = user.password
    if user.auth_provider is not None:
        settings.auth_provider = dict(user.auth_provider)
    if user.exec is not None:
        block = dict(user.exec)
        block["installHint"] = _clean_install_hint(block.get("installHint") or "")
        settings.exec_config = block
        if block.get("provideClusterInfo") is True:
            settings.exec_cluster_info = _exec_cluster(cluster)
    settings.ca_file = cluster.certificate_authority or None
    settings.ca_data = cluster.certificate_authority_data or None
    settings.insecure_skip_tls_verify = cluster.insecure_skip_tls_verify
    settings.tls_server_name = cluster.tls_server_name or None
    return settings


def _is_default(overrides: ConfigOverrides) -> bool:
    """Whether the REST config would equal clientcmd's DefaultClientConfig (only the default server)."""
    return not (overrides.server or overrides.token or overrides.username or overrides.password
                or overrides.client_certificate or overrides.certificate_authority or overrides.as_user
                or overrides.insecure_skip_tls_verify or overrides.tls_server_name or overrides.request_timeout
                and overrides.request_timeout != "0")


def _exec_cluster(cluster: Cluster) -> dict:
    """ExecCredential spec.cluster (CG:plugin/pkg/client/auth/exec), in clientauthentication v1's field order."""
    import base64

    out: dict = {"server": cluster.server}
    if cluster.tls_server_name:
        out["tls-server-name"] = cluster.tls_server_name
    if cluster.insecure_skip_tls_verify:
        out["insecure-skip-tls-verify"] = True
    ca = cluster.certificate_authority_data
    if not ca and cluster.certificate_authority:
        try:
            with open(cluster.certificate_authority, "rb") as handle:
                ca = handle.read()
        except OSError:
            ca = b""
    if ca:
        out["certificate-authority-data"] = base64.b64encode(ca).decode("ascii")
    if cluster.proxy_url:
        out["proxy-url"] = cluster.proxy_url
    if cluster.disable_compression:
        out["disable-compression"] = True
    config = cluster.extensions.get(EXEC_CLUSTER_EXTENSION)
    if config is not None:
        out["config"] = config
    return out
