"""KubeConfig / Cluster / User / Context: dict-backed views over kubeconfig entries, as clientcmd holds them.

Each entry keeps the dict it was read from (unknown fields included, `*-data` still base64 text) and the
file that defined it (`origin`, clientcmd's LocationOfOrigin), so that writers can put it back where it
came from. Typed properties read the dict the way Go's zero values would (a missing string is "").
`to_v1()` renders what kubectl prints: clientcmd's v1 types in their Go field order, with omitempty.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field

# The cluster extension an exec plugin receives as spec.cluster.config (CG:tools/clientcmd/client_config.go).
EXEC_CLUSTER_EXTENSION = "client.authentication.k8s.io/exec"


def _decode_data(text: str | None) -> bytes:
    if not text:
        return b""
    return base64.b64decode(text.replace("\n", "").replace("\r", ""))


def _encode_data(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _sorted_json(value: object) -> object:
    if isinstance(value, dict):
        return {k: _sorted_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_json(v) for v in value]
    return value


def _extensions_v1(extensions: dict[str, object]) -> list[dict]:
    # clientcmd keeps extensions in a map; the v1 list comes back sorted by name. Each extension is the
    # raw JSON that YAMLToJSON produced from a Go map, so its keys are sorted at every level.
    return [{"name": name, "extension": _sorted_json(extensions[name])} for name in sorted(extensions)]


def _extension_map(items) -> dict[str, object]:
    result: dict[str, object] = {}
    for item in items or []:
        if not isinstance(item, dict):
            continue
        ext = item.get("extension")
        result.setdefault(item.get("name") or "", ext)
    return result


@dataclass
class _Entry:
    name: str
    data: dict = field(default_factory=dict)
    origin: str = ""  # the kubeconfig file that defined this entry ("" when built in memory)

    def _str(self, key: str) -> str:
        value = self.data.get(key)
        return value if isinstance(value, str) else ""

    def _bool(self, key: str) -> bool:
        return self.data.get(key) is True

    def _bytes(self, key: str) -> bytes:
        override = self.data.get(key)
        if isinstance(override, bytes):  # set in memory (redaction, flatten)
            return override
        return _decode_data(override)

    @property
    def extensions(self) -> dict[str, object]:
        return _extension_map(self.data.get("extensions"))

    def copy(self):
        return type(self)(self.name, copy.deepcopy(self.data), self.origin)


@dataclass
class Cluster(_Entry):
    @property
    def server(self) -> str:
        return self._str("server")

    @property
    def tls_server_name(self) -> str:
        return self._str("tls-server-name")

    @property
    def insecure_skip_tls_verify(self) -> bool:
        return self._bool("insecure-skip-tls-verify")

    @property
    def certificate_authority(self) -> str:
        return self._str("certificate-authority")

    @property
    def certificate_authority_data(self) -> bytes:
        return self._bytes("certificate-authority-data")

    @property
    def proxy_url(self) -> str:
        return self._str("proxy-url")

    @property
    def disable_compression(self) -> bool:
        return self._bool("disable-compression")

    def is_empty(self) -> bool:
        return not (self.server or self.tls_server_name or self.insecure_skip_tls_verify
                    or self.certificate_authority or self.certificate_authority_data or self.proxy_url
                    or self.disable_compression or self.extensions)

    def to_v1(self) -> dict:
        out: dict = {"server": self.server}
        if self.tls_server_name:
            out["tls-server-name"] = self.tls_server_name
        if self.insecure_skip_tls_verify:
            out["insecure-skip-tls-verify"] = True
        if self.certificate_authority:
            out["certificate-authority"] = self.certificate_authority
        _put_data(out, "certificate-authority-data", self.data.get("certificate-authority-data"))
        if self.proxy_url:
            out["proxy-url"] = self.proxy_url
        if self.disable_compression:
            out["disable-compression"] = True
        if self.extensions:
            out["extensions"] = _extensions_v1(self.extensions)
        return out


@dataclass
class User(_Entry):
    """A kubeconfig `users` entry (clientcmd's AuthInfo)."""

    @property
    def client_certificate(self) -> str:
        return self._str("client-certificate")

    @property
    def client_certificate_data(self) -> bytes:
        return self._bytes("client-certificate-data")

    @property
    def client_key(self) -> str:
        return self._str("client-key")

    @property
    def client_key_data(self) -> bytes:
        return self._bytes("client-key-data")

    @property
    def token(self) -> str:
        return self._str("token")

    @property
    def token_file(self) -> str:
        return self._str("tokenFile")

    @property
    def impersonate(self) -> str:
        return self._str("as")

    @property
    def impersonate_uid(self) -> str:
        return self._str("as-uid")

    @property
    def impersonate_groups(self) -> list[str]:
        return list(self.data.get("as-groups") or [])

    @property
    def impersonate_user_extra(self) -> dict[str, list[str]]:
        extra = self.data.get("as-user-extra") or {}
        return {k: list(v or []) for k, v in extra.items()}

    @property
    def username(self) -> str:
        return self._str("username")

    @property
    def password(self) -> str:
        return self._str("password")

    @property
    def auth_provider(self) -> dict | None:
        value = self.data.get("auth-provider")
        return value if isinstance(value, dict) else None

    @property
    def exec(self) -> dict | None:
        value = self.data.get("exec")
        return value if isinstance(value, dict) else None

    def to_v1(self) -> dict:
        out: dict = {}
        for key in ("client-certificate", "client-certificate-data", "client-key", "client-key-data",
                    "token", "tokenFile", "as", "as-uid"):
            if key.endswith("-data"):
                _put_data(out, key, self.data.get(key))
            elif self._str(key):
                out[key] = self._str(key)
        if self.impersonate_groups:
            out["as-groups"] = self.impersonate_groups
        extra = self.data.get("as-user-extra")
        if extra:
            out["as-user-extra"] = {k: extra[k] for k in sorted(extra)}
        if self.username:
            out["username"] = self.username
        if self.password:
            out["password"] = self.password
        provider = self.auth_provider
        if provider is not None:
            config = provider.get("config")
            out["auth-provider"] = {"name": provider.get("name") or "",
                                    "config": {k: config[k] for k in sorted(config)} if config is not None else None}
        exec_block = self.exec
        if exec_block is not None:
            out["exec"] = _exec_v1(exec_block)
        if self.extensions:
            out["extensions"] = _extensions_v1(self.extensions)
        return out


def _exec_v1(block: dict) -> dict:
    env = block.get("env")
    out: dict = {
        "command": block.get("command") or "",
        "args": list(block["args"]) if block.get("args") is not None else None,
        "env": [{"name": (e or {}).get("name") or "", "value": (e or {}).get("value") or ""} for e in env]
        if env is not None else None,
    }
    for key in ("apiVersion", "installHint"):
        if block.get(key):
            out[key] = block[key]
    out["provideClusterInfo"] = block.get("provideClusterInfo") is True
    if block.get("interactiveMode"):
        out["interactiveMode"] = block["interactiveMode"]
    return out


def _put_data(out: dict, key: str, value) -> None:
    if isinstance(value, bytes):
        if value:
            out[key] = _encode_data(value)
    elif value:
        out[key] = _encode_data(_decode_data(value))


@dataclass
class Context(_Entry):
    @property
    def cluster(self) -> str:
        return self._str("cluster")

    @property
    def user(self) -> str:
        return self._str("user")

    @property
    def namespace(self) -> str:
        return self._str("namespace")

    def to_v1(self) -> dict:
        out: dict = {"cluster": self.cluster, "user": self.user}
        if self.namespace:
            out["namespace"] = self.namespace
        if self.extensions:
            out["extensions"] = _extensions_v1(self.extensions)
        return out


@dataclass
class KubeConfig:
    """A merged (or single-file) kubeconfig. Maps are keyed by entry name, as in clientcmd's internal Config."""

    clusters: dict[str, Cluster] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    contexts: dict[str, Context] = field(default_factory=dict)
    current_context: str = ""
    preferences: dict = field(default_factory=dict)
    extensions: dict[str, object] = field(default_factory=dict)
    # Top-level fields clientcmd does not know (kept for writers; kubectl itself drops them).
    unknown: dict = field(default_factory=dict)
    # The files this config was read from, in precedence order.
    files: list[str] = field(default_factory=list)

    def context(self, name: str) -> Context | None:
        return self.contexts.get(name)

    def cluster(self, name: str) -> Cluster | None:
        return self.clusters.get(name)

    def user(self, name: str) -> User | None:
        return self.users.get(name)

    def is_empty(self) -> bool:
        """clientcmdapi.IsConfigEmpty."""
        prefs = self.preferences or {}
        return (not self.users and not self.clusters and not self.contexts and not self.current_context
                and not _extension_map(prefs.get("extensions")) and prefs.get("colors") is not True
                and not self.extensions)

    def copy(self) -> KubeConfig:
        return KubeConfig(
            clusters={k: v.copy() for k, v in self.clusters.items()},
            users={k: v.copy() for k, v in self.users.items()},
            contexts={k: v.copy() for k, v in self.contexts.items()},
            current_context=self.current_context,
            preferences=copy.deepcopy(self.preferences),
            extensions=copy.deepcopy(self.extensions),
            unknown=copy.deepcopy(self.unknown),
            files=list(self.files),
        )

    @classmethod
    def from_dict(cls, data: dict, origin: str = "") -> KubeConfig:
        """One file's decoded content (see loading.read_kubeconfig_file) as a KubeConfig."""
        known = {"apiVersion", "kind", "preferences", "clusters", "users", "contexts", "current-context",
                 "extensions"}
        config = cls(
            current_context=data.get("current-context") or "",
            preferences=dict(data.get("preferences") or {}),
            extensions=_extension_map(data.get("extensions")),
            unknown={k: v for k, v in data.items() if k not in known},
            files=[origin] if origin else [],
        )
        for key, kind, target, inner in (("clusters", Cluster, config.clusters, "cluster"),
                                         ("users", User, config.users, "user"),
                                         ("contexts", Context, config.contexts, "context")):
            for item in data.get(key) or []:
                if not isinstance(item, dict):
                    continue
                name = item.get("name") or ""
                target[name] = kind(name, dict(item.get(inner) or {}), origin)
        return config

    def to_v1(self) -> dict:
        """kubectl's serialisation (clientcmd v1.Config): Go field order, entries sorted by name."""
        prefs: dict = {}
        if (self.preferences or {}).get("colors") is True:
            prefs["colors"] = True
        pref_ext = _extension_map((self.preferences or {}).get("extensions"))
        if pref_ext:
            prefs["extensions"] = _extensions_v1(pref_ext)
        out: dict = {
            "kind": "Config",
            "apiVersion": "v1",
            "preferences": prefs,
            "clusters": [{"name": n, "cluster": self.clusters[n].to_v1()} for n in sorted(self.clusters)] or None,
            "users": [{"name": n, "user": self.users[n].to_v1()} for n in sorted(self.users)] or None,
            "contexts": [{"name": n, "context": self.contexts[n].to_v1()} for n in sorted(self.contexts)] or None,
            "current-context": self.current_context,
        }
        if self.extensions:
            out["extensions"] = _extensions_v1(self.extensions)
        return out
