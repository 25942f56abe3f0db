"""ConfigOverrides: the values of kubectl's global connection flags, free of any CLI library."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConfigOverrides:
    kubeconfig: str | None = None
    context: str | None = None
    cluster: str | None = None
    user: str | None = None
    namespace: str | None = None
    server: str | None = None
    token: str | None = None
    username: str | None = None
    password: str | None = None
    as_user: str | None = None
    as_groups: tuple[str, ...] = ()
    as_uid: str | None = None
    certificate_authority: str | None = None
    client_certificate: str | None = None
    client_key: str | None = None
    insecure_skip_tls_verify: bool | None = None
    tls_server_name: str | None = None
    disable_compression: bool | None = None
    request_timeout: str | None = None  # kubectl syntax: "0", "5", "1s", "2m"
    cache_dir: str | None = None
    verbosity: int = 0
    warnings_as_errors: bool = False
    # Flags that were given explicitly, by long name, for code that must know "set" from "default".
    explicit: frozenset[str] = field(default_factory=frozenset)
