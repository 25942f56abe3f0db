"""In-place kubeconfig edits for the `config` verbs: load with origins, change, write back as kubectl does.

kubectl never patches a kubeconfig file textually. It decodes each file into client-go's internal
`clientcmdapi.Config` (unknown fields are dropped, named lists become maps), changes that, and re-encodes
the whole file through JSON and go-yaml v2 (CG:tools/clientcmd/loader.go `LoadFromFile`, `Write`). This
module mirrors that pipeline so the files we write are byte-identical to the ones kubectl writes:

* `Stanza` is one cluster, user or context: its fields under their v1 key names plus the file it came
  from (`LocationOfOrigin`).
* `EditableConfig` is the internal Config; `decode_file` / `encode` convert from and to the v1 shape.
* `dump_yaml` is go-yaml v2's output: keys in its "natural" order, its quoting rules, 80-column folding.
* `PathOptions` and `modify_config` port clientcmd's `PathOptions` and `ModifyConfig`: each changed entry
  goes back to the file that defined it, new ones to the default file (CG:tools/clientcmd/config.go).
* `set_property` / `unset_property` port `kubectl config set|unset` path navigation
  (KC:pkg/cmd/config/set.go, navigation_step_parser.go).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import functools
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pykubectl.config.loading import kubeconfig_paths, read_kubeconfig_file
from pykubectl.config.overrides import ConfigOverrides
from pykubectl.errors import ConfigError, ErrorWithHelp, KubectlError

SECTIONS = ("clusters", "users", "contexts")
# The v1 wrapper key that holds an entry's fields inside its named-list item.
_ITEM_KEY = {"clusters": "cluster", "users": "user", "contexts": "context"}
_BYTES_FIELDS = {"certificate-authority-data", "client-certificate-data", "client-key-data"}
_BOOL_FIELDS = {"insecure-skip-tls-verify", "disable-compression"}
_STRING_FIELDS = {
    "clusters": ("server", "tls-server-name", "certificate-authority", "proxy-url"),
    "users": ("client-certificate", "client-key", "token", "tokenFile", "as", "as-uid", "username", "password"),
    "contexts": ("cluster", "user", "namespace"),
}
# Fields v1 always writes, even when empty (no `omitempty` in CG:tools/clientcmd/api/v1/types.go).
_ALWAYS = {"clusters": ("server",), "users": (), "contexts": ("cluster", "user")}
# kubectl's unset turns a nil map into an empty one or back: invisible in the file, but enough for
# ModifyConfig's DeepEqual to see a change and rewrite the file. This marker key stands for that.
_TOUCHED = "\0touched"
_EXEC_DEFAULTS = {"command": "", "args": None, "env": None, "apiVersion": "", "installHint": "",
                  "provideClusterInfo": False, "interactiveMode": ""}


class PanicError(KubectlError):
    """kubectl itself panics here (a Go runtime panic, exit code 2); we keep its first line."""

    exit_code = 2

    def render(self) -> str:
        return f"panic: {self}"


# --------------------------------------------------------------------------------------------------
# The internal model
# --------------------------------------------------------------------------------------------------


@dataclass
class Stanza:
    """One named cluster, user or context. `fields` holds only non-zero values, under v1 key names;
    `exec` and `auth-provider` are full dicts because their nil and empty lists/maps print differently."""

    fields: dict = field(default_factory=dict)
    origin: str = ""  # LocationOfOrigin: the file this entry was read from ("" for a new entry)

    def copy(self) -> Stanza:
        return Stanza(copy.deepcopy(self.fields), self.origin)

    def get(self, key: str, default=None):
        return self.fields.get(key, default)

    def set(self, key: str, value) -> None:
        """Set a field; zero values are dropped, as Go's omitempty would."""
        if value in ("", False, None, b"") and not isinstance(value, (list, dict)):
            self.fields.pop(key, None)
        else:
            self.fields[key] = value


@dataclass
class EditableConfig:
    """client-go's internal clientcmdapi.Config: maps by name, plus the scalar settings."""

    clusters: dict[str, Stanza] = field(default_factory=dict)
    users: dict[str, Stanza] = field(default_factory=dict)
    contexts: dict[str, Stanza] = field(default_factory=dict)
    current_context: str = ""
    preferences: dict = field(default_factory=dict)  # {"colors": True, "extensions": {...}} sparse
    extensions: dict = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Stanza]:
        return getattr(self, name)

    def copy(self) -> EditableConfig:
        return EditableConfig(
            {k: v.copy() for k, v in self.clusters.items()},
            {k: v.copy() for k, v in self.users.items()},
            {k: v.copy() for k, v in self.contexts.items()},
            self.current_context,
            copy.deepcopy(self.preferences),
            copy.deepcopy(self.extensions),
        )


# --------------------------------------------------------------------------------------------------
# Decoding one file (v1 → internal) and encoding (internal → v1)
# --------------------------------------------------------------------------------------------------


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def _json_error(value, where: str, go_type: str) -> ConfigError:
    return ConfigError(f"json: cannot unmarshal {_type_name(value)} into Go struct field {where} of type {go_type}")


def _as_str(value, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise _json_error(value, where, "string")


def _as_bool(value, where: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _json_error(value, where, "bool")


def _as_bytes(value, where: str) -> bytes:
    text = _as_str(value, where)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"illegal base64 data at input byte {_bad_base64_offset(text)}") from None


def _as_list(value, where: str, go_type: str) -> list | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _json_error(value, where, go_type)
    return value


def _as_map(value, where: str, go_type: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _json_error(value, where, go_type)
    return value


def _decode_extensions(items, where: str) -> dict:
    out: dict = {}
    for item in _as_list(items, where, "[]v1.NamedExtension") or []:
        item = item or {}
        name = _as_str(item.get("name"), where + ".name")
        if name in out:
            raise ConfigError(f"error converting *[]NamedExtension into *map[string]runtime.Object: "
                              f"duplicate name \"{name}\" in list")
        out[name] = item.get("extension")
    return out


def _decode_exec(raw: dict, where: str) -> dict:
    exec_config = dict(_EXEC_DEFAULTS)
    for key in ("command", "apiVersion", "installHint", "interactiveMode"):
        exec_config[key] = _as_str(raw.get(key), f"{where}.{key}")
    exec_config["provideClusterInfo"] = _as_bool(raw.get("provideClusterInfo"), f"{where}.provideClusterInfo")
    args = _as_list(raw.get("args"), f"{where}.args", "[]string")
    exec_config["args"] = None if args is None else [_as_str(a, f"{where}.args") for a in args]
    env = _as_list(raw.get("env"), f"{where}.env", "[]v1.ExecEnvVar")
    if env is not None:
        env = [{"name": _as_str((e or {}).get("name"), f"{where}.env.name"),
                "value": _as_str((e or {}).get("value"), f"{where}.env.value")} for e in env]
    exec_config["env"] = env
    # v1 defaulting on decode (CG:tools/clientcmd/api/v1/defaults.go SetDefaults_ExecConfig).
    if not exec_config["interactiveMode"] and exec_config["apiVersion"] in (
            "client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1alpha1"):
        exec_config["interactiveMode"] = "IfAvailable"
    return exec_config


def _decode_stanza(section: str, raw, where: str) -> Stanza:
    raw = _as_map(raw, where, "v1." + {"clusters": "Cluster", "users": "AuthInfo",
                                        "contexts": "Context"}[section]) or {}
    stanza = Stanza()
    for key in _STRING_FIELDS[section]:
        stanza.set(key, _as_str(raw.get(key), f"{where}.{key}"))
    for key in _BOOL_FIELDS if section == "clusters" else ():
        stanza.set(key, _as_bool(raw.get(key), f"{where}.{key}"))
    for key in _BYTES_FIELDS:
        if key in raw and (section == "clusters") == key.startswith("certificate-authority"):
            stanza.set(key, _as_bytes(raw.get(key), f"{where}.{key}"))
    if section == "users":
        groups = _as_list(raw.get("as-groups"), f"{where}.as-groups", "[]string")
        if groups:
            stanza.set("as-groups", [_as_str(g, f"{where}.as-groups") for g in groups])
        extra = _as_map(raw.get("as-user-extra"), f"{where}.as-user-extra", "map[string][]string")
        if extra:
            stanza.set("as-user-extra", {str(k): v for k, v in extra.items()})
        provider = _as_map(raw.get("auth-provider"), f"{where}.auth-provider", "v1.AuthProviderConfig")
        if provider is not None:
            config = _as_map(provider.get("config"), f"{where}.auth-provider.config", "map[string]string")
            stanza.fields["auth-provider"] = {
                "name": _as_str(provider.get("name"), f"{where}.auth-provider.name"),
                "config": None if config is None else {str(k): _as_str(v, f"{where}.auth-provider.config")
                                                        for k, v in config.items()},
            }
        exec_raw = _as_map(raw.get("exec"), f"{where}.exec", "v1.ExecConfig")
        if exec_raw is not None:
            stanza.fields["exec"] = _decode_exec(exec_raw, f"{where}.exec")
    extensions = _decode_extensions(raw.get("extensions"), f"{where}.extensions")
    if extensions:
        stanza.fields["extensions"] = extensions
    return stanza


def decode_file(data: dict, origin: str = "") -> EditableConfig:
    """One file's raw content (as read_kubeconfig_file returns it) → the internal config."""
    config = EditableConfig()
    for section in SECTIONS:
        items = _as_list(data.get(section), f"Config.{section}", f"[]v1.Named{section[:-1].title()}") or []
        target = config.section(section)
        item_key = _ITEM_KEY[section]
        for item in items:
            item = _as_map(item, f"Config.{section}", "v1.Named") or {}
            name = _as_str(item.get("name"), f"Config.{section}.name")
            if name in target:
                kind = {"clusters": "Cluster", "users": "AuthInfo", "contexts": "Context"}[section]
                raise ConfigError(f"error converting *[]Named{kind} into *map[string]*api.{kind}: "
                                  f"duplicate name \"{name}\" in list")
            stanza = _decode_stanza(section, item.get(item_key), f"Config.{section}.{item_key}")
            stanza.origin = origin
            target[name] = stanza
    config.current_context = _as_str(data.get("current-context"), "Config.current-context")
    prefs = _as_map(data.get("preferences"), "Config.preferences", "v1.Preferences") or {}
    if _as_bool(prefs.get("colors"), "Config.preferences.colors"):
        config.preferences["colors"] = True
    pref_ext = _decode_extensions(prefs.get("extensions"), "Config.preferences.extensions")
    if pref_ext:
        config.preferences["extensions"] = pref_ext
    config.extensions = _decode_extensions(data.get("extensions"), "Config.extensions")
    return config


def _encode_extensions(extensions: dict) -> list:
    return [{"name": name, "extension": extensions[name]} for name in sorted(extensions, key=_go_bytes)]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode_stanza(section: str, stanza: Stanza) -> dict:
    out: dict = {}
    for key in _ALWAYS[section]:
        out[key] = ""
    for key, value in stanza.fields.items():
        if key.startswith(_TOUCHED[0]):
            continue
        if key in _BYTES_FIELDS:
            out[key] = _b64(value)
        elif key == "extensions":
            if value:
                out[key] = _encode_extensions(value)
        elif key == "auth-provider":
            out[key] = {"name": value["name"], "config": value["config"]}
        elif key == "exec":
            exec_out = {k: value[k] for k in ("command", "args", "env", "provideClusterInfo")}
            for optional in ("apiVersion", "installHint", "interactiveMode"):
                if value[optional]:
                    exec_out[optional] = value[optional]
            out[key] = exec_out
        else:
            out[key] = value
    return out


def encode(config: EditableConfig) -> dict:
    """The internal config as the v1 document kubectl writes (sections sorted by name, Go byte order)."""
    doc: dict = {"kind": "Config", "apiVersion": "v1"}
    prefs: dict = {}
    if config.preferences.get("colors"):
        prefs["colors"] = True
    if config.preferences.get("extensions"):
        prefs["extensions"] = _encode_extensions(config.preferences["extensions"])
    doc["preferences"] = prefs
    for section in SECTIONS:
        entries = config.section(section)
        doc[section] = [
            {"name": name, _ITEM_KEY[section]: encode_stanza(section, entries[name])}
            for name in sorted(entries, key=_go_bytes)
        ] or None  # an empty Go slice that was never appended to is nil: `clusters: null`
    doc["current-context"] = config.current_context
    if config.extensions:
        doc["extensions"] = _encode_extensions(config.extensions)
    return doc


def _go_bytes(text: str) -> bytes:
    """Go's sort.Strings compares UTF-8 bytes."""
    return text.encode("utf-8", "surrogatepass")


def _bad_base64_offset(text: str) -> int:
    """Where Go's base64.StdEncoding first fails (for `illegal base64 data at input byte N`)."""
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    stripped = text.replace("\r", "").replace("\n", "")
    for index, char in enumerate(stripped):
        if char == "=":
            rest = stripped[index:]
            quantum_pos = index % 4
            if quantum_pos < 2 or rest.strip("=") or len(rest) > 4 - quantum_pos:
                return index
            if len(rest) != 4 - quantum_pos:
                return len(stripped)
            return len(stripped)
        if char not in alphabet:
            return index
    length = len(stripped)
    if length % 4:
        return length - length % 4 if length % 4 == 1 else length
    return length


# --------------------------------------------------------------------------------------------------
# go-yaml v2 output (sigs.k8s.io/yaml JSONToYAML → goyaml.v2 Marshal)
# --------------------------------------------------------------------------------------------------

_BOOL_NULL_WORDS = {
    "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF",
    "true", "True", "TRUE", "false", "False", "FALSE", "", "~", "null", "Null", "NULL",
    ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
}
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_GO_FLOAT = re.compile(r"^[-+]?((\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|0[xX]([0-9a-fA-F]+(\.[0-9a-fA-F]*)?|"
                       r"\.[0-9a-fA-F]+)[pP][-+]?\d+|[iI][nN][fF]([iI][nN][iI][tT][yY])?|[nN][aA][nN])$")
_TIMESTAMP_FORMATS = (
    re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[-+]\d{2}:\d{2})$"),
    re.compile(r"^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$"),
    re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"),
)


def _go_parse_int(text: str, unsigned: bool) -> bool:
    """Whether Go's strconv.ParseInt/ParseUint(text, 0, 64) would accept `text` (underscores already gone)."""
    body = text
    negative = False
    if body[:1] in "+-" and body:
        if unsigned:
            return False
        negative = body[0] == "-"
        body = body[1:]
    if not body:
        return False
    base = 10
    lower = body.lower()
    if lower.startswith("0x"):
        base, body = 16, body[2:]
    elif lower.startswith("0b"):
        base, body = 2, body[2:]
    elif lower.startswith("0o"):
        base, body = 8, body[2:]
    elif body.startswith("0") and len(body) > 1:
        base, body = 8, body[1:]
    if not body:
        return False
    try:
        value = int(body, base)
    except ValueError:
        return False
    if any(c in "+-_ " for c in body):
        return False
    if unsigned:
        return value < 2 ** 64
    return value <= 2 ** 63 - (0 if negative else 1)


def _resolves_to_non_string(text: str) -> bool:
    """go-yaml v2 `resolve("", text)` gives something other than !!str (so the text must be quoted)."""
    if text in _BOOL_NULL_WORDS:
        return True
    first = text[0]
    if first == ".":
        return bool(_GO_FLOAT.match(text))
    if first.isdigit() or first in "+-":
        if any(fmt.match(text) for fmt in _TIMESTAMP_FORMATS):
            return True
        plain = text.replace("_", "")
        if _go_parse_int(plain, False) or _go_parse_int(plain, True):
            return True
        if _YAML_FLOAT.match(plain):
            return True
        if plain.startswith("0b") or plain.startswith("-0b"):
            digits = plain[2:] if plain.startswith("0b") else plain[3:]
            return bool(digits) and set(digits) <= {"0", "1"}
    return False


def scalar_style(text: str) -> str | None:
    """The style go-yaml v2's encoder asks for: None (plain; the emitter may still single-quote), '"' or '|'."""
    if "\n" in text:
        return "|"
    if _resolves_to_non_string(text) or _BASE60_FLOAT.match(text):
        return '"'
    return None


def _go_key_less(a: str, b: str) -> bool:
    """goyaml.v2 sorter.go keyList.Less for two string keys: letters after other runes, digit runs numeric."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def _key_cmp(a: str, b: str) -> int:
    if _go_key_less(a, b):
        return -1
    if _go_key_less(b, a):
        return 1
    return 0


def _format_number(value) -> str:
    if isinstance(value, float):
        if value != value:
            return ".NaN"
        if value in (float("inf"), float("-inf")):
            return "+.Inf" if value > 0 else "-.Inf"
        if value == int(value) and abs(value) < 1e21:
            text = repr(value)
            return text[:-2] if text.endswith(".0") else text
        return repr(value).replace("e+", "e+")
    return str(value)


def _events(node, yaml) -> Iterator:
    if isinstance(node, dict):
        yield yaml.MappingStartEvent(None, None, True, flow_style=False)
        for key in sorted(node, key=functools.cmp_to_key(lambda a, b: _key_cmp(str(a), str(b)))):
            yield from _events(str(key), yaml)
            yield from _events(node[key], yaml)
        yield yaml.MappingEndEvent()
    elif isinstance(node, (list, tuple)):
        yield yaml.SequenceStartEvent(None, None, True, flow_style=False)
        for item in node:
            yield from _events(item, yaml)
        yield yaml.SequenceEndEvent()
    elif node is None:
        yield yaml.ScalarEvent(None, None, (True, True), "null")
    elif isinstance(node, bool):
        yield yaml.ScalarEvent(None, None, (True, True), "true" if node else "false")
    elif isinstance(node, (int, float)):
        yield yaml.ScalarEvent(None, None, (True, True), _format_number(node))
    else:
        text = str(node)
        yield yaml.ScalarEvent(None, None, (True, True), text, style=scalar_style(text))


def dump_yaml(document) -> str:
    """`document` (JSON-like data) as go-yaml v2 marshals it."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    events = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False),
              *_events(document, yaml), yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    return yaml.emit(events, Dumper=dumper, allow_unicode=True)


def serialise(config: EditableConfig) -> str:
    """The exact file content kubectl writes for `config` (clientcmd.Write)."""
    return dump_yaml(encode(config))


# --------------------------------------------------------------------------------------------------
# Which files: clientcmd.PathOptions
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathOptions:
    """The kubeconfig files a `config` verb reads and writes (CG:tools/clientcmd/config.go PathOptions)."""

    explicit: str | None  # --kubeconfig
    env_files: tuple[str, ...]  # $KUBECONFIG, split and de-duplicated
    global_file: str  # ~/.kube/config

    @classmethod
    def from_overrides(cls, overrides: ConfigOverrides) -> PathOptions:
        from pykubectl.config.loading import recommended_home_file

        explicit = overrides.kubeconfig or None
        env_files: tuple[str, ...] = ()
        if not explicit and os.environ.get("KUBECONFIG"):
            env_files = tuple(str(p) for p in kubeconfig_paths(overrides))
        return cls(explicit, env_files, str(recommended_home_file()))

    @property
    def is_explicit(self) -> bool:
        return bool(self.explicit)

    def precedence(self) -> list[str]:
        if self.explicit:
            return [self.explicit]
        if self.env_files:
            return list(self.env_files)
        return [self.global_file]

    def default_filename(self) -> str:
        """Where a new stanza goes: the explicit file, else the first existing $KUBECONFIG file (the only
        one when there is one, the last one when none exists), else ~/.kube/config."""
        if self.explicit:
            return self.explicit
        if self.env_files:
            if len(self.env_files) == 1:
                return self.env_files[0]
            for name in self.env_files:
                if os.path.exists(name):
                    return name
            return self.env_files[-1]
        return self.global_file

    def report_filename(self) -> str:
        """The file named in `deleted cluster x from FILE` and friends."""
        return self.explicit or self.default_filename()

    def starting_config(self) -> EditableConfig:
        """Every file merged, each entry remembering its file; a missing --kubeconfig file is empty
        (GetStartingConfig turns os.IsNotExist into a new config)."""
        if self.explicit and not os.path.exists(self.explicit):
            return EditableConfig()
        merged = EditableConfig()
        errors: list[str] = []
        seen_context = seen_colors = False
        for name in self.precedence():
            if not name or not os.path.exists(name):
                continue
            try:
                config = config_from_file(name)
            except ConfigError as exc:
                errors.append(_loading_error(name, exc))
                continue
            for section in SECTIONS:
                target = merged.section(section)
                for key, stanza in config.section(section).items():
                    target.setdefault(key, stanza)
            for key, value in config.extensions.items():
                merged.extensions.setdefault(key, value)
            for key, value in config.preferences.get("extensions", {}).items():
                merged.preferences.setdefault("extensions", {}).setdefault(key, value)
            if config.current_context and not seen_context:
                merged.current_context, seen_context = config.current_context, True
            if config.preferences.get("colors") and not seen_colors:
                merged.preferences["colors"], seen_colors = True, True
        if errors:
            raise ConfigError(errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")
        return merged


def _loading_error(name: str, exc: ConfigError) -> str:
    text = str(exc)
    return text if text.startswith("error loading config file") else f'error loading config file "{name}": {text}'


def config_from_file(name: str) -> EditableConfig:
    """One file, entries tagged with it; a missing file is an empty config (clientcmd getConfigFromFile)."""
    path = Path(name)
    if not path.exists():
        return EditableConfig()
    return decode_file(read_kubeconfig_file(path), name)


# --------------------------------------------------------------------------------------------------
# Writing: clientcmd.ModifyConfig
# --------------------------------------------------------------------------------------------------


def write_file(config: EditableConfig, name: str) -> None:
    """Replace `name` with the serialised config, atomically.

    kubectl's WriteToFile creates the directory (0755) and writes in place, keeping an existing file's
    mode and creating a new one 0600. We write a temp file in the same directory, fsync it and rename it
    over the target, so a crash never leaves a half-written kubeconfig; a symlink is written through.
    """
    content = serialise(config).encode("utf-8")
    target = Path(os.path.realpath(name))
    target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o600
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def _locked(files: list[str]) -> Iterator[None]:
    """clientcmd's lock files: `<file>.lock`, created exclusively in sorted order, removed afterwards."""
    taken: list[str] = []
    try:
        for name in sorted(files):
            directory = os.path.dirname(name) or "."
            if not os.path.exists(directory):
                os.makedirs(directory, 0o755, exist_ok=True)
            lock = name + ".lock"
            try:
                os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0))
            except FileExistsError:
                raise ConfigError(f"open {lock}: file exists") from None
            except OSError as exc:
                raise ConfigError(f"open {lock}: {(exc.strerror or str(exc)).lower()}") from None
            taken.append(lock)
        yield
    finally:
        for lock in reversed(taken):
            with contextlib.suppress(OSError):
                os.remove(lock)


def _is_abs(path: str) -> bool:
    return path.startswith("/")


def _relativize(stanza: Stanza, section: str, origin: str) -> None:
    """ResolvePaths then RelativizePathWithNoBacksteps against the directory of the file written to."""
    base = os.path.abspath(os.path.dirname(origin))
    keys = ["certificate-authority"] if section == "clusters" else ["client-certificate", "client-key", "tokenFile"]
    for key in keys:
        value = stanza.get(key, "")
        if value:
            stanza.set(key, _relative_path(value, base))
    exec_config = stanza.get("exec")
    if section == "users" and exec_config and "/" in exec_config["command"]:
        exec_config["command"] = _relative_path(exec_config["command"], base)


def _relative_path(path: str, base: str) -> str:
    absolute = path if _is_abs(path) else os.path.normpath(os.path.join(base, path))
    relative = os.path.relpath(absolute, base)
    if relative.startswith("../"):
        return absolute  # a path that needs backsteps stays (or becomes) absolute
    return relative


def modify_config(access: PathOptions, new: EditableConfig, relativize_paths: bool) -> None:
    """Write every difference between the files on disk and `new` back where it belongs.

    A changed or new entry goes to the file it came from, else the default file; a removed one is
    deleted from its file; current-context and preferences follow their own rules. Files with no
    difference are not touched at all, so a no-op edit leaves their formatting as it was.
    """
    with _locked(access.precedence()):
        start = access.starting_config()
        if start == new:
            return
        if start.current_context != new.current_context:
            _write_current_context(access, new.current_context)
        if start.preferences != new.preferences:
            _write_preferences(access, new.preferences)
        for section in ("clusters", "contexts", "users"):
            _write_section(access, section, start.section(section), new.section(section), relativize_paths)
        for section in SECTIONS:
            for name, stanza in start.section(section).items():
                if name in new.section(section):
                    continue
                destination = stanza.origin or access.default_filename()
                config = config_from_file(destination)
                config.section(section).pop(name, None)
                write_file(config, destination)


def _write_section(access: PathOptions, section: str, start: dict[str, Stanza], new: dict[str, Stanza],
                   relativize_paths: bool) -> None:
    pending: dict[str, EditableConfig] = {}
    for name, stanza in new.items():
        if start.get(name) == stanza:
            continue
        destination = stanza.origin or access.default_filename()
        if section == "contexts":  # contexts are batched per file and not relativized
            config = pending.get(destination)
            if config is None:
                config = pending[destination] = config_from_file(destination)
            config.contexts[name] = stanza.copy()
            continue
        config = config_from_file(destination)
        written = stanza.copy()
        written.origin = destination
        if relativize_paths:
            _relativize(written, section, destination)
        config.section(section)[name] = written
        write_file(config, destination)
    for destination, config in pending.items():
        write_file(config, destination)


def _write_current_context(access: PathOptions, value: str) -> None:
    if access.starting_config().current_context == value:
        return
    if access.is_explicit or value:
        destination = access.explicit or access.default_filename()
        config = config_from_file(destination)
        config.current_context = value
        write_file(config, destination)
        return
    for name in access.precedence():  # clearing: the first file that sets it
        if os.path.exists(name):
            config = config_from_file(name)
            if config.current_context:
                config.current_context = ""
                write_file(config, name)
                return
    raise ConfigError("no config found to write context")


def _write_preferences(access: PathOptions, value: dict) -> None:
    if access.starting_config().preferences == value:
        return
    files = [access.explicit] if access.explicit else access.precedence()
    for name in files:
        config = config_from_file(name)
        if access.is_explicit or config.preferences != value:
            config.preferences = copy.deepcopy(value)
            write_file(config, name)
            return
    raise ConfigError("no config found to write preferences")


# --------------------------------------------------------------------------------------------------
# `kubectl config set|unset PROPERTY`: navigation over the internal types by their json tags
# --------------------------------------------------------------------------------------------------

# The internal clientcmdapi types, field by field in declaration order: (json tag, Go type).
# Tags are the *internal* ones (act-as, not as); later duplicates of "-" win, as in a Go map.
_GO_STRUCTS: dict[str, tuple[tuple[str, str], ...]] = {
    "api.Config": (("kind", "string"), ("apiVersion", "string"), ("preferences", "api.Preferences"),
                   ("clusters", "map[string]*api.Cluster"), ("users", "map[string]*api.AuthInfo"),
                   ("contexts", "map[string]*api.Context"), ("current-context", "string"),
                   ("extensions", "map[string]runtime.Object")),
    "api.Preferences": (("colors", "bool"), ("extensions", "map[string]runtime.Object")),
    "api.Cluster": (("-", "string"), ("server", "string"), ("tls-server-name", "string"),
                    ("insecure-skip-tls-verify", "bool"), ("certificate-authority", "string"),
                    ("certificate-authority-data", "[]uint8"), ("proxy-url", "string"),
                    ("disable-compression", "bool"), ("extensions", "map[string]runtime.Object")),
    "api.AuthInfo": (("-", "string"), ("client-certificate", "string"), ("client-certificate-data", "[]uint8"),
                     ("client-key", "string"), ("client-key-data", "[]uint8"), ("token", "string"),
                     ("tokenFile", "string"), ("act-as", "string"), ("act-as-uid", "string"),
                     ("act-as-groups", "[]string"), ("act-as-user-extra", "map[string][]string"),
                     ("username", "string"), ("password", "string"),
                     ("auth-provider", "*api.AuthProviderConfig"), ("exec", "*api.ExecConfig"),
                     ("extensions", "map[string]runtime.Object")),
    "api.Context": (("-", "string"), ("cluster", "string"), ("user", "string"), ("namespace", "string"),
                    ("extensions", "map[string]runtime.Object")),
}
_INTERNAL_TO_V1 = {"act-as": "as", "act-as-uid": "as-uid", "act-as-groups": "as-groups",
                   "act-as-user-extra": "as-user-extra"}
_SECTION_OF_MAP = {"clusters": "clusters", "users": "users", "contexts": "contexts"}


@dataclass(frozen=True)
class _Step:
    value: str
    go_type: str

    def __str__(self) -> str:
        return "{" + f"{self.value} {self.go_type}" + "}"


def _fields_of(go_type: str) -> dict[str, str]:
    struct = go_type.lstrip("*")
    if struct not in _GO_STRUCTS:
        raise ConfigError(f"{go_type} is not of type struct")
    return dict(_GO_STRUCTS[struct])


def _map_value_struct(go_type: str) -> str:
    """reflect's Type.Elem().Elem() on a map type, as newNavigationSteps calls it."""
    element = go_type[go_type.index("]") + 1:]
    if element.startswith("*"):
        return element[1:]
    if element.startswith("[]"):
        return element[2:]
    raise PanicError(f"reflect: Elem of invalid type {element}")


def _kind(go_type: str) -> str:
    if go_type.startswith("map["):
        return "map"
    if go_type.startswith("*"):
        return "ptr"
    if go_type.startswith("[]"):
        return "slice"
    if go_type in _GO_STRUCTS:
        return "struct"
    return go_type  # string, bool


def navigation_steps(path: str) -> list[_Step]:
    """Split a dotted PROPERTY_NAME; map keys may contain dots (`clusters.10.0.0.1.server`)."""
    steps: list[_Step] = []
    parts = path.split(".")
    current = "api.Config"
    index = 0
    while index < len(parts):
        kind = _kind(current)
        if kind == "map":
            value_type = _map_value_struct(current)
            options = _fields_of(value_type)
            rest = parts[index:]
            count = next((i for i, part in enumerate(rest[1:]) if part in options), -1) + 1
            name = ".".join(rest[:count or len(rest)])
            steps.append(_Step(name, value_type))
            index += len(name.split("."))
            current = value_type
        elif kind == "struct":
            options = _fields_of(current)
            part = parts[index]
            if part not in options:
                formatted = "[" + " ".join(str(s) for s in steps) + "]"
                raise ConfigError(f"unable to parse {path} after {formatted} at {current}")
            steps.append(_Step(part, options[part]))
            index += 1
            current = options[part]
        else:
            raise ConfigError(f"unable to parse one or more field values of {path}")
    return steps


def _go_bool(text: str) -> bool:
    if text == "":
        return False
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise ConfigError(f'strconv.ParseBool: parsing "{text}": invalid syntax')


def _map_repr(entries: dict) -> str:
    # Go prints map[string]*T values as pointers; no address of ours can match, so we print a stand-in.
    return "map[" + " ".join(f"{k}:0xc000000000" for k in sorted(entries, key=_go_bytes)) + "]"


def _set_leaf(container: dict, key: str, go_type: str, value: str, unset: bool, raw_bytes: bool) -> None:
    """Assign one scalar field of a sparse field dict (internal tag `key`, stored under its v1 name)."""
    v1_key = _INTERNAL_TO_V1.get(key, key)
    kind = _kind(go_type)
    if kind == "string":
        _assign(container, v1_key, value)
    elif kind == "bool":
        _assign(container, v1_key, _go_bool(value))
    elif kind == "slice":
        inner = go_type[2:]
        if inner != "uint8":
            raise ConfigError(f"unrecognized slice type. {inner.split('.')[-1] if '.' not in inner else 'struct'}")
        if unset:
            _assign(container, v1_key, b"")
        elif raw_bytes:
            _assign(container, v1_key, value.encode("utf-8"))
        else:
            try:
                decoded = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise ConfigError("error decoding input value: illegal base64 data at input byte "
                                  f"{_bad_base64_offset(value)}") from None
            _assign(container, v1_key, decoded)
    else:
        raise PanicError(f"unrecognized type: {go_type}")


def _assign(container: dict, key: str, value) -> None:
    if value in ("", False, b"") and not isinstance(value, (list, dict)):
        container.pop(key, None)
    else:
        container[key] = value


def _modify(config: EditableConfig, steps: list[_Step], value: str, unset: bool, raw_bytes: bool) -> None:
    """KC:pkg/cmd/config/set.go modifyConfig, over our model instead of reflect.Value."""
    first = steps[0]
    top = dict(_GO_STRUCTS["api.Config"])
    go_type = top[first.value]
    more = len(steps) > 1
    if first.value in ("clusters", "users", "contexts"):
        entries = config.section(first.value)
        if not more:
            if unset:
                entries.clear()  # the field becomes a nil map: every entry is deleted
                return
            raise ConfigError(f"can't set a map to a value: {_map_repr(entries)}")
        name_step = steps[1]
        stanza = entries.get(name_step.value)
        if len(steps) == 2:
            if unset:
                entries.pop(name_step.value, None)
                return
            raise ConfigError(f"can't set a map to a value: {_map_repr(entries)}")
        if stanza is None:
            if unset:
                raise ConfigError(f"current map key `{name_step.value}` is invalid")
            stanza = entries[name_step.value] = Stanza()
        _modify_stanza(stanza, steps[2:], value, unset, raw_bytes)
        return
    if first.value == "preferences":
        if not more:
            if unset:
                config.preferences = {_TOUCHED: True}
                return
            raise PanicError("unrecognized type: {false map[]}")
        leaf = steps[1]
        if leaf.value == "colors":
            _assign(config.preferences, "colors", _go_bool(value))
            return
        if not more or len(steps) == 2:
            if unset:
                config.preferences.pop("extensions", None)
                config.preferences[_TOUCHED] = True
                return
        raise ConfigError("can't set a map to a value: map[]")
    if first.value == "current-context":
        config.current_context = value
        return
    if first.value == "extensions":
        if unset:
            config.extensions = {}
            return
        raise ConfigError(f"can't set a map to a value: map[{' '.join(sorted(config.extensions))}]")
    # kind / apiVersion: kubectl sets a field its encoder then overwrites; nothing visible changes.
    del go_type


def _modify_stanza(stanza: Stanza, steps: list[_Step], value: str, unset: bool, raw_bytes: bool) -> None:
    step = steps[0]
    v1_key = _INTERNAL_TO_V1.get(step.value, step.value)
    kind = _kind(step.go_type)
    if unset:
        if v1_key in ("exec", "auth-provider", "extensions", "as-groups", "as-user-extra"):
            stanza.fields.pop(v1_key, None)
            if v1_key in ("extensions", "as-user-extra"):
                stanza.fields[_TOUCHED] = True
            return
        if step.value == "-":
            stanza.origin = ""
            return
    if kind == "map":  # extensions, act-as-user-extra: kubectl cannot set inside these
        raise ConfigError(f"can't set a map to a value: map[{' '.join(sorted(stanza.get(v1_key) or {}))}]")
    if kind == "ptr":
        raise PanicError(f"unrecognized type: <{step.go_type} Value>")
    if step.value == "-":
        stanza.origin = value
        return
    _set_leaf(stanza.fields, step.value, step.go_type, value, unset, raw_bytes)


def set_property(config: EditableConfig, path: str, value: str, raw_bytes: bool = False) -> None:
    _modify(config, navigation_steps(path), value, False, raw_bytes)


def unset_property(config: EditableConfig, path: str) -> None:
    _modify(config, navigation_steps(path), "", True, True)


class UnexpectedArgs(ErrorWithHelp):
    """kubectl's helpErrorf: the verb's help goes to stdout, then `error: Unexpected args: [a b]`."""

    def __init__(self, args, message: str = "Unexpected args"):
        super().__init__(f"{message}: {go_string_list(args)}")


def go_string_list(items) -> str:
    """Go's %v of a []string."""
    return "[" + " ".join(items) + "]"


def go_quote(text: str) -> str:
    """Go's %q of a string (strconv.Quote)."""
    escapes = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def new_exec_config(command: str) -> dict:
    """A fresh exec block as set-credentials creates it (nil args and env print as null)."""
    return {**_EXEC_DEFAULTS, "command": command}
