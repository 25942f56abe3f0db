"""Where kubeconfig comes from and how files merge: --kubeconfig, else the KUBECONFIG list, else ~/.kube/config.

Reading follows clientcmd (CG:tools/clientcmd/loader.go, api/latest): YAML is read as go-yaml v2 reads it
(YAML 1.1 booleans such as `y`/`off`, Go's integer syntax, only the first document), converted to JSON
with sorted keys, and decoded into clientcmd's v1 types; the first type error in that order is reported
in encoding/json's words, and broken YAML in go-yaml's, so error text matches kubectl's byte for byte.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

from pykubectl.config.kubeconfig import Cluster, Context, KubeConfig, User
from pykubectl.config.overrides import ConfigOverrides
from pykubectl.errors import ConfigError


class ConfigLoadErrors(ConfigError):
    """Several kubeconfig files failed to load (clientcmd's aggregate): one is `error: …`, more are bare lines."""

    def __init__(self, reasons: list[str]):
        super().__init__(reasons[0] if len(reasons) == 1 else "[" + ", ".join(reasons) + "]")
        self.reasons = reasons

    def render(self) -> str:
        if len(self.reasons) == 1:
            return f"error: {self.reasons[0]}"
        return "\n".join(self.reasons)


def recommended_home_file() -> Path:
    return Path(os.path.expanduser("~")) / ".kube" / "config"


def kubeconfig_paths(overrides: ConfigOverrides) -> list[Path]:
    """The files kubectl reads, in precedence order (CG:tools/clientcmd/loader.go)."""
    if overrides.kubeconfig:
        return [Path(overrides.kubeconfig)]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        paths: list[Path] = []
        seen: set[str] = set()
        for entry in env.split(os.pathsep):
            if entry and entry not in seen:  # clientcmd deduplicates the strings as given
                seen.add(entry)
                paths.append(Path(entry))
        return paths
    return [recommended_home_file()]


class KubeconfigFileMissing(ConfigError):
    """A file that does not exist (loader.go skips these, except for --kubeconfig)."""


def read_kubeconfig_file(path: Path, *, wrap: bool = True) -> dict:
    """One file's decoded content as a JSON-like dict; {} for an empty file. Raises ConfigError with kubectl's text.

    The dict is what clientcmd's decoder saw (keys as strings, YAML 1.1 scalars as go-yaml resolves them),
    already checked against the v1 Config types, so writers may rely on the field types.
    With `wrap=False` the message is clientcmd.LoadFromFile's own, without `error loading config file "…": `.
    """
    prefix = f"error loading config file \"{path}\": " if wrap else ""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise KubeconfigFileMissing(f"open {path}: no such file or directory") from None
    except IsADirectoryError:
        raise ConfigError(f"{prefix}read {path}: is a directory") from None
    except OSError as exc:
        raise ConfigError(f"{prefix}open {path}: {_strerror(exc)}") from None
    try:
        return decode_kubeconfig(raw)
    except ConfigError as exc:
        raise ConfigError(f"{prefix}{exc}") from None


def _strerror(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def decode_kubeconfig(raw: bytes) -> dict:
    """clientcmd.Load: bytes → checked v1 Config dict. Errors carry the text after `error loading config file`."""
    if not raw:
        return {}
    data = _go_yaml_to_json(raw)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("couldn't get version/kind; json parse error: json: cannot unmarshal "
                          f"{_json_kind(data)} into Go value of type struct {{ APIVersion string "
                          '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }')
    for key in ("apiVersion", "kind"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"couldn't get version/kind; json parse error: json: cannot unmarshal "
                              f"{_json_kind(value)} into Go struct field .{key} of type string")
    version, kind = data.get("apiVersion") or "v1", data.get("kind") or "Config"
    if version != "v1" or kind != "Config":
        raise ConfigError(f'no kind "{kind}" is registered for version "{version}" in scheme '
                          '"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50"')
    errors: list[str] = []
    _check(data, _CONFIG, "", [], errors)
    if errors:
        raise ConfigError(errors[0])
    for key in ("clusters", "users", "contexts"):
        seen: set[str] = set()
        for item in data.get(key) or []:
            name = (item or {}).get("name") or ""
            if name in seen:
                kind_name = {"clusters": "NamedCluster", "users": "NamedAuthInfo", "contexts": "NamedContext"}[key]
                target = {"clusters": "Cluster", "users": "AuthInfo", "contexts": "Context"}[key]
                raise ConfigError(f"error converting *[]{kind_name} into *map[string]*api.{target}: "
                                  f'duplicate name "{name}" in list')
            seen.add(name)
    _set_defaults(data)
    return data


def _set_defaults(data: dict) -> None:
    """The v1 scheme's defaulting: exec plugins of the beta APIs default interactiveMode to IfAvailable."""
    for item in data.get("users") or []:
        exec_block = ((item or {}).get("user") or {}).get("exec")
        if isinstance(exec_block, dict) and not exec_block.get("interactiveMode") and exec_block.get(
                "apiVersion") in ("client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1alpha1"):
            exec_block["interactiveMode"] = "IfAvailable"


# --- go-yaml v2 compatible reading -------------------------------------------------------------------

_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUES = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"}
_FALSES = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"}
_FLOAT_SPECIAL = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf,
                  "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
                  ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(s, 0, 64) (falling back to ParseUint), after go-yaml drops underscores."""
    plain = text.replace("_", "")
    if not _GO_INT.match(plain):
        return None
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    lower = digits.lower()
    if lower.startswith("0x"):
        value = int(lower[2:], 16)
    elif lower.startswith("0b"):
        value = int(lower[2:], 2)
    elif lower.startswith("0o"):
        value = int(lower[2:], 8)
    elif len(digits) > 1 and digits.startswith("0"):
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    value *= sign
    if value < -(2**63) or value >= 2**64 or (sign < 0 and value < -(2**63)):
        return None
    return value


def _resolve_plain(value: str) -> object:
    """go-yaml v2's resolve() for an untagged plain scalar."""
    if value in _NULLS:
        return None
    if value in _TRUES:
        return True
    if value in _FALSES:
        return False
    if value in _FLOAT_SPECIAL:
        return _FLOAT_SPECIAL[value]
    if value and (value[0].isdigit() or value[0] in "+-."):
        number = _go_parse_int(value)
        if number is not None:
            return number
        plain = value.replace("_", "")
        if _YAML_FLOAT.match(plain):
            return float(plain)
    return value


_LOADER = None


def _loader_class():
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class GoYamlLoader(base):  # type: ignore[misc, valid-type]
        """Plain scalars resolve as go-yaml v2 does; timestamps stay strings (what Go keeps in interface{})."""

        def construct_scalar_go(self, node):
            if node.tag == _PLAIN_TAG:
                return _resolve_plain(node.value)
            return self.construct_scalar(node)

        def resolve(self, kind, value, implicit):
            if kind is yaml.ScalarNode and implicit[0]:
                return _PLAIN_TAG
            return super().resolve(kind, value, implicit)

    GoYamlLoader.add_constructor(_PLAIN_TAG, GoYamlLoader.construct_scalar_go)
    _LOADER = GoYamlLoader
    return _LOADER


_PLAIN_TAG = "tag:pykubectl,go-yaml:plain"


def _go_yaml_to_json(raw: bytes) -> object:
    """sigs.k8s.io/yaml YAMLToJSON: the first document only, keys stringified as Go formats them."""
    if raw.lstrip()[:1] == b"{":  # a JSON kubeconfig reads the same through json, without importing yaml
        data = _json_object(raw)
        if data is not None:
            return data
    import yaml

    loader = _loader_class()(raw)
    try:
        if not loader.check_node():
            return None
        node = loader.get_node()
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(_go_yaml_message(exc, raw)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"yaml: {exc}") from None
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"yaml: {exc}") from None
    finally:
        loader.dispose()
    return _jsonable(data)


def _json_object(raw: bytes) -> dict | None:
    """A JSON object, or None for anything json and YAML might read differently (NaN, Infinity, not JSON)."""
    import json

    def refuse(constant: str):
        raise ValueError(constant)

    try:
        data = json.loads(raw, parse_constant=refuse)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _go_yaml_message(exc, raw: bytes = b"") -> str:
    """go-yaml's parser.fail(): `yaml: line N: problem`, with its own choice of which line to name."""
    import yaml

    problem = exc.problem or "unknown problem parsing YAML content"
    if isinstance(exc, yaml.composer.ComposerError) and problem == "found undefined alias":
        name = _alias_name(exc, raw)
        return f"yaml: unknown anchor '{name}' referenced"
    line = 0
    if exc.problem_mark is not None and exc.problem_mark.line != 0:
        line = exc.problem_mark.line
        if isinstance(exc, yaml.scanner.ScannerError):
            line += 1  # go-yaml: scanner errors don't advance the line before failing
    elif exc.context_mark is not None and exc.context_mark.line != 0:
        line = exc.context_mark.line
    where = f"line {line}: " if line else ""
    return f"yaml: {where}{problem}"


def _alias_name(exc, raw: bytes) -> str:
    """The alias at the error mark (libyaml's marks carry no buffer, so read it from the source)."""
    mark = exc.problem_mark
    if mark is None:
        return ""
    text = raw.decode("utf-8", "replace")
    rest = text[mark.index:].lstrip("*")
    return re.split(r"[\s,\]\}]", rest, maxsplit=1)[0]


def _format_go_float(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    return text


def _json_key(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return _format_go_float(key)
    return str(key)


def _jsonable(data: object) -> object:
    if isinstance(data, dict):
        return {_json_key(k): _jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    if isinstance(data, bytes):
        import base64

        return base64.b64encode(data).decode("ascii")
    return data


# --- encoding/json type checking against clientcmd's v1 types --------------------------------------

# A type is (go type name, kind, detail): kind is "string" | "bool" | "bytes" | "raw" | "struct" | "slice" | "map".
def _struct(name: str, fields: dict) -> tuple:
    return (name, "struct", fields)


_STRING = ("string", "string", None)
_BOOL = ("bool", "bool", None)
_BYTES = ("[]uint8", "bytes", None)
_RAW = ("runtime.RawExtension", "raw", None)
_STRINGS = ("[]string", "slice", _STRING)
_EXTENSION = _struct("v1.NamedExtension", {"name": _STRING, "extension": _RAW})
_EXTENSIONS = ("[]v1.NamedExtension", "slice", _EXTENSION)
_CLUSTER = _struct("v1.Cluster", {
    "server": _STRING, "tls-server-name": _STRING, "insecure-skip-tls-verify": _BOOL,
    "certificate-authority": _STRING, "certificate-authority-data": _BYTES, "proxy-url": _STRING,
    "disable-compression": _BOOL, "extensions": _EXTENSIONS})
_EXEC = _struct("v1.ExecConfig", {
    "command": _STRING, "args": _STRINGS,
    "env": ("[]v1.ExecEnvVar", "slice", _struct("v1.ExecEnvVar", {"name": _STRING, "value": _STRING})),
    "apiVersion": _STRING, "installHint": _STRING, "provideClusterInfo": _BOOL,
    "interactiveMode": ("v1.ExecInteractiveMode", "string", None)})
_AUTH_INFO = _struct("v1.AuthInfo", {
    "client-certificate": _STRING, "client-certificate-data": _BYTES, "client-key": _STRING,
    "client-key-data": _BYTES, "token": _STRING, "tokenFile": _STRING, "as": _STRING, "as-uid": _STRING,
    "as-groups": _STRINGS, "as-user-extra": ("map[string][]string", "map", _STRINGS),
    "username": _STRING, "password": _STRING,
    "auth-provider": _struct("v1.AuthProviderConfig", {
        "name": _STRING, "config": ("map[string]string", "map", _STRING)}),
    "exec": _EXEC, "extensions": _EXTENSIONS})
_CONTEXT = _struct("v1.Context", {"cluster": _STRING, "user": _STRING, "namespace": _STRING,
                                  "extensions": _EXTENSIONS})
_CONFIG = _struct("v1.Config", {
    "kind": _STRING, "apiVersion": _STRING,
    "preferences": _struct("v1.Preferences", {"colors": _BOOL, "extensions": _EXTENSIONS}),
    "clusters": ("[]v1.NamedCluster", "slice", _struct("v1.NamedCluster", {"name": _STRING, "cluster": _CLUSTER})),
    "users": ("[]v1.NamedAuthInfo", "slice", _struct("v1.NamedAuthInfo", {"name": _STRING, "user": _AUTH_INFO})),
    "contexts": ("[]v1.NamedContext", "slice", _struct("v1.NamedContext", {"name": _STRING, "context": _CONTEXT})),
    "current-context": _STRING, "extensions": _EXTENSIONS})


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _check(value: object, gotype: tuple, struct: str, path: list[str], errors: list[str]) -> None:
    """Walk like encoding/json's decoder (objects in sorted key order) and record its errors in order."""
    if value is None:
        return
    name, kind, detail = gotype

    def mismatch() -> None:
        where = f"Go struct field {struct}.{'.'.join(path)}" if struct or path else "Go value"
        errors.append(f"json: cannot unmarshal {_json_kind(value)} into {where} of type {name}")

    if kind == "raw":
        return
    if kind == "string":
        if not isinstance(value, str):
            mismatch()
    elif kind == "bool":
        if not isinstance(value, bool):
            mismatch()
    elif kind == "bytes":
        if isinstance(value, str):
            problem = go_base64_error(value)
            if problem is not None:
                errors.append(f"illegal base64 data at input byte {problem}")
        elif not isinstance(value, list):
            mismatch()
    elif kind == "slice":
        if not isinstance(value, list):
            mismatch()
            return
        for item in value:
            _check(item, detail, struct, path, errors)
    elif kind == "map":
        if not isinstance(value, dict):
            mismatch()
            return
        for key in sorted(value):
            _check(value[key], detail, struct, path, errors)
    elif kind == "struct":
        if not isinstance(value, dict):
            mismatch()
            return
        struct_name = name.split(".", 1)[-1]
        for key in sorted(value):
            field = detail.get(key)
            if field is not None:
                _check(value[key], field, struct_name, [*path, key], errors)


def go_base64_error(text: str) -> int | None:
    """The offset Go's base64.StdEncoding.Decode reports for bad input, or None when it decodes."""
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    src = text.encode("utf-8")
    si = 0
    n = len(src)
    while True:
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return None
                return si - j
            ch = chr(src[si])
            si += 1
            if ch in alphabet:
                j += 1
                continue
            if ch in "\r\n":
                continue
            if ch != "=":
                return si - 1
            if j in (0, 1):
                return si - 1
            if j == 2:
                while si < n and chr(src[si]) in "\r\n":
                    si += 1
                if si == n:
                    return n
                if chr(src[si]) != "=":
                    return si - 1
                si += 1
            while si < n and chr(src[si]) in "\r\n":
                si += 1
            if si < n:
                return si
            return None


# --- loading and merging ---------------------------------------------------------------------------


def load_file(path: str | Path, *, wrap: bool = True) -> KubeConfig:
    """clientcmd.LoadFromFile: one file, entries tagged with their origin, no path resolution."""
    data = read_kubeconfig_file(Path(path), wrap=wrap)
    return KubeConfig.from_dict(data, str(path))


def load_kubeconfig(overrides: ConfigOverrides, resolve_paths: bool = True,
                    missing_explicit_ok: bool = False) -> KubeConfig:
    """ClientConfigLoadingRules.Load: merge the files in precedence order (first definition of a name wins).

    With `resolve_paths`, relative file references are made absolute against their file's directory,
    as everything but the `config` verbs does. With `missing_explicit_ok` a missing --kubeconfig file
    yields an empty config, as PathOptions.GetStartingConfig (the `config` verbs) does.
    """
    if overrides.kubeconfig:
        explicit = overrides.kubeconfig
        if not os.path.exists(explicit) and not os.path.islink(explicit):
            if missing_explicit_ok:
                return KubeConfig()
            raise ConfigError(f"stat {explicit}: no such file or directory")
        files = [explicit]
    else:
        files = [str(p) for p in kubeconfig_paths(overrides)]
    loaded: list[KubeConfig] = []
    errors: list[str] = []
    for filename in files:
        if not filename:
            continue
        try:
            loaded.append(load_file(filename))
        except KubeconfigFileMissing:
            continue
        except ConfigError as exc:
            errors.append(str(exc))
    merged = merge_configs(loaded)
    if resolve_paths:
        resolve_local_paths(merged)
    if errors:
        raise ConfigLoadErrors(errors)
    return merged


def merge_configs(configs: list[KubeConfig]) -> KubeConfig:
    merged = KubeConfig()
    for config in configs:
        merged.files.extend(config.files)
        for attr in ("clusters", "users", "contexts", "extensions"):
            target = getattr(merged, attr)
            for name, entry in getattr(config, attr).items():
                target.setdefault(name, entry)
        if not merged.current_context:
            merged.current_context = config.current_context
        prefs = config.preferences or {}
        if prefs.get("colors") is True:
            merged.preferences["colors"] = True
        if prefs.get("extensions"):
            existing = {e.get("name") for e in merged.preferences.get("extensions", []) if isinstance(e, dict)}
            merged.preferences.setdefault("extensions", [])
            for item in prefs["extensions"]:
                if isinstance(item, dict) and item.get("name") not in existing:
                    merged.preferences["extensions"].append(item)
                    existing.add(item.get("name"))
        for key, value in config.unknown.items():
            merged.unknown.setdefault(key, value)
    return merged


def _resolve(ref: str, base: str) -> str:
    if not ref or os.path.isabs(ref):
        return ref
    return os.path.normpath(os.path.join(base, ref))


def _base_dir(origin: str) -> str:
    return os.path.abspath(os.path.dirname(origin))


def resolve_local_paths(config: KubeConfig) -> None:
    """ResolveLocalPaths: file references become absolute against the directory of the defining file."""
    for cluster in config.clusters.values():
        if cluster.origin:
            _resolve_cluster(cluster, _base_dir(cluster.origin))
    for user in config.users.values():
        if user.origin:
            _resolve_user(user, _base_dir(user.origin))


def _resolve_cluster(cluster: Cluster, base: str) -> None:
    if cluster.certificate_authority:
        cluster.data["certificate-authority"] = _resolve(cluster.certificate_authority, base)


def _resolve_user(user: User, base: str) -> None:
    for key in ("client-certificate", "client-key", "tokenFile"):
        value = user.data.get(key)
        if isinstance(value, str) and value:
            user.data[key] = _resolve(value, base)
    exec_block = user.exec
    if exec_block is not None:
        command = exec_block.get("command")
        # Only a command with a path separator is a file reference; a bare name is looked up on PATH.
        if isinstance(command, str) and os.sep in command:
            user.data["exec"] = {**exec_block, "command": _resolve(command, base)}


__all__ = ["Cluster", "Context", "KubeConfig", "User", "decode_kubeconfig", "kubeconfig_paths",
           "load_file", "load_kubeconfig", "merge_configs", "read_kubeconfig_file", "recommended_home_file",
           "resolve_local_paths"]


def load_starting_config(overrides: ConfigOverrides) -> KubeConfig:
    """PathOptions.GetStartingConfig, what the `config` verbs read: merged, paths as written, and a
    missing --kubeconfig file is an empty config rather than an error."""
    return load_kubeconfig(overrides, resolve_paths=False, missing_explicit_ok=True)
