"""Resolve kubeconfig plus command-line overrides into one ConnectionSettings."""

from __future__ import annotations

from dataclasses import dataclass, field


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
