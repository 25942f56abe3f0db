"""Decode `application/vnd.kubernetes.protobuf` request bodies into the JSON objects they stand for.

kubectl's typed clients (`create deployment|configmap|secret|namespace|...`, `run`, `expose`, `drain`) send
protobuf, never JSON, so a faithful server must read it. The wire layout of every built-in type comes from the
`protobuf:"..."` struct tags of k8s.io/api and k8s.io/apimachinery, turned into `protobuf_schema.py` by
`python -m pykubectl.testing.protobuf generate API_DIR APIMACHINERY_DIR` (checkouts of those repositories).
Decoded values follow encoding/json's rules for the Go fields: omitempty zero values are dropped, pointers kept.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import re
import struct
import sys
from pathlib import Path
from typing import Any

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"

# Field spec: (name, kind, ref, repeated, pointer, omitempty); kind is one of
# string bytes int uint bool double float msg map time microtime duration intstr quantity raw fieldsv1.
# For "map", ref is "keykind:valuekind[:valueref]".


class ProtobufError(ValueError):
    pass


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("unexpected EOF")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise ProtobufError("varint overflow")


def fields(data: bytes):
    """Yield (number, wire type, value) for one message: ints for varints, bytes otherwise."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
        yield number, wire, value


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _rfc3339(seconds: int, nanos: int, micro: bool) -> str | None:
    if seconds == 0 and nanos == 0:
        return None
    moment = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(seconds=seconds)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if micro:
        text += f".{nanos // 1000:06d}"
    return text + "Z"


def _go_duration(nanoseconds: int) -> str:
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    total = abs(nanoseconds)
    hours, rest = divmod(total, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    seconds = rest / 10**9
    text = ""
    if hours:
        text += f"{hours}h"
    if hours or minutes:
        text += f"{minutes}m"
    text += (f"{seconds:.9f}".rstrip("0").rstrip(".") or "0") + "s"
    return sign + text


class Decoder:
    def __init__(self, schema: dict[str, dict[int, tuple]] | None = None):
        if schema is None:
            from .protobuf_schema import SCHEMA
            schema = SCHEMA
        self.schema = schema

    def _scalar(self, kind: str, ref: str, wire: int, value: Any) -> Any:
        if kind == "string":
            return value.decode("utf-8", "replace")
        if kind == "bytes":
            return base64.b64encode(value).decode()
        if kind == "int":
            return _signed(value)
        if kind == "uint":
            return value
        if kind == "bool":
            return bool(value)
        if kind == "double":
            return struct.unpack("<d", value)[0]
        if kind == "float":
            return struct.unpack("<f", value)[0]
        return self._special(kind, ref, value)

    def _special(self, kind: str, ref: str, value: bytes) -> Any:
        parts = {n: v for n, _, v in fields(value)}
        if kind in ("time", "microtime"):
            return _rfc3339(_signed(parts.get(1, 0)), parts.get(2, 0), kind == "microtime")
        if kind == "duration":
            return _go_duration(_signed(parts.get(1, 0)))
        if kind == "intstr":
            if parts.get(1, 0) == 1:
                return parts.get(3, b"").decode()
            return _signed(parts.get(2, 0))
        if kind == "quantity":
            return parts.get(1, b"").decode()
        if kind in ("raw", "fieldsv1"):
            raw = parts.get(1, b"")
            return json.loads(raw) if raw else None
        if kind == "msg":
            return self.message(ref, value)
        raise ProtobufError(f"unknown field kind {kind}")

    def message(self, name: str, data: bytes) -> dict:
        spec = self.schema.get(name)
        if spec is None:
            raise ProtobufError(f"no protobuf schema for {name}")
        out: dict[str, Any] = {}
        for number, wire, value in fields(data):
            field = spec.get(number)
            if field is None:
                continue
            fname, kind, ref, repeated, _pointer, _omitempty = field
            if kind == "map":
                key_kind, _, rest = ref.partition(":")
                value_kind, _, value_ref = rest.partition(":")
                entry = {n: (w, v) for n, w, v in fields(value)}
                key = self._scalar(key_kind, "", *entry[1]) if 1 in entry else ""
                item = self._scalar(value_kind, value_ref, *entry[2]) if 2 in entry else _zero(value_kind)
                out.setdefault(fname, {})[key] = item
            elif repeated:
                bucket = out.setdefault(fname, [])
                if wire == 2 and kind in ("int", "uint", "bool"):
                    pos = 0
                    while pos < len(value):
                        item, pos = _varint(value, pos)
                        bucket.append(self._scalar(kind, ref, 0, item))
                else:
                    bucket.append(self._scalar(kind, ref, wire, value))
            else:
                out[fname] = self._scalar(kind, ref, wire, value)
        inline = out.pop("", None)
        if isinstance(inline, dict):
            out.update(inline)
        for field in spec.values():
            fname, kind, _ref, repeated, pointer, omitempty = field
            if fname not in out:
                continue
            value = out[fname]
            if value is None and kind in ("time", "microtime", "raw", "fieldsv1"):
                del out[fname]
            elif omitempty and not pointer and (value in ("", 0, False, [], {}) and kind != "msg"):
                del out[fname]
            elif (repeated or kind == "map") and not value:
                del out[fname]
        return out


def _zero(kind: str) -> Any:
    return {"string": "", "bytes": "", "int": 0, "uint": 0, "bool": False}.get(kind)


def package_for(group: str, version: str) -> str:
    return f"{(group.split('.')[0] if group else 'core')}/{version}"


def decode_object(body: bytes, decoder: Decoder | None = None) -> dict:
    """A whole request body (magic + runtime.Unknown) → the JSON object, with apiVersion and kind."""
    if not body.startswith(MAGIC):
        raise ProtobufError("provided data does not appear to be a protobuf message, expected prefix "
                            "[107 56 115 0]")
    decoder = decoder or Decoder()
    envelope = {n: v for n, _, v in fields(body[len(MAGIC):])}
    type_meta = {n: v.decode() for n, _, v in fields(envelope.get(1, b""))}
    api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
    group, _, version = api_version.rpartition("/")
    if kind in ("DeleteOptions", "Status", "ListOptions"):  # meta/v1 kinds, registered in every group version
        name = f"meta/v1.{kind}"
    else:
        name = f"{package_for(group, version)}.{kind}"
    obj = decoder.message(name, envelope.get(2, b""))
    return {"apiVersion": api_version, "kind": kind, **obj}


# ------------------------------------------------------------------ schema generation from the Go sources

_SPECIAL = {
    "meta/v1.Time": "time", "meta/v1.MicroTime": "microtime", "meta/v1.Duration": "duration",
    "intstr.IntOrString": "intstr", "resource.Quantity": "quantity", "runtime.RawExtension": "raw",
    "meta/v1.FieldsV1": "fieldsv1", "types.UID": "string",
}
_BUILTIN = {"string": "string", "int32": "int", "int64": "int", "int": "int", "uint32": "uint", "uint64": "uint",
            "bool": "bool", "float64": "double", "float32": "float", "[]byte": "bytes", "byte": "uint"}
_FIELD = re.compile(r"^\s+(\w+)\s+([^\s`]+)\s+`([^`]*)`")
_EMBEDDED = re.compile(r"^\s+(\*?[\w.]+)\s+`([^`]*)`")
_TAG = re.compile(r'(\w+):"([^"]*)"')


def _package_key(import_path: str) -> str | None:
    if import_path.startswith("k8s.io/api/"):
        return import_path[len("k8s.io/api/"):]
    return {"k8s.io/apimachinery/pkg/apis/meta/v1": "meta/v1", "k8s.io/apimachinery/pkg/util/intstr": "intstr",
            "k8s.io/apimachinery/pkg/api/resource": "resource", "k8s.io/apimachinery/pkg/runtime": "runtime",
            "k8s.io/apimachinery/pkg/types": "types"}.get(
        import_path)


def _scan_package(directory: Path, key: str) -> tuple[dict, dict]:
    """(structs: name → [(go field, go type, tags, imports)], named: name → underlying go type)."""
    structs: dict[str, list] = {}
    named: dict[str, str] = {}
    for path in sorted(directory.glob("*.go")):
        if path.name.endswith("_test.go") or path.name.startswith("zz_") or path.name == "generated.pb.go":
            continue
        text = path.read_text()
        imports = {}
        block = re.search(r"^import \((.*?)^\)", text, re.S | re.M)
        single = re.findall(r'^import (?:(\w+) )?"([^"]+)"', text, re.M)
        for alias, target in re.findall(r'^\s*(?:(\w+)\s+)?"([^"]+)"', block.group(1) if block else "", re.M) + single:
            imports[alias or target.rsplit("/", 1)[-1]] = target
        for match in re.finditer(r"^type (\w+) struct \{\n(.*?)^\}", text, re.S | re.M):
            rows = []
            for line in match.group(2).splitlines():
                field = _FIELD.match(line)
                if field:
                    rows.append((field.group(1), field.group(2), dict(_TAG.findall(field.group(3)))))
                    continue
                embedded = _EMBEDDED.match(line)
                if embedded:
                    go_type = embedded.group(1)
                    tags = dict(_TAG.findall(embedded.group(2)))
                    tags["anonymous"] = "true"  # an embedded struct: encoding/json inlines it unless named
                    rows.append((go_type.lstrip("*").rsplit(".", 1)[-1], go_type, tags))
            structs[match.group(1)] = [(g, t, tags, imports) for g, t, tags in rows]
        for match in re.finditer(r"^type (\w+) ((?:\[\]|map\[)?[\w.\[\]*]+)\s*$", text, re.M):
            if match.group(2) not in ("struct", "interface"):
                named[match.group(1)] = match.group(2)
    return structs, named


def generate(api_dir: str, apimachinery_dir: str) -> dict[str, dict[int, tuple]]:
    packages: dict[str, tuple[dict, dict]] = {}
    for types in sorted(Path(api_dir).glob("*/*/types.go")):
        key = f"{types.parent.parent.name}/{types.parent.name}"
        packages[key] = _scan_package(types.parent, key)
    machinery = Path(apimachinery_dir)
    packages["meta/v1"] = _scan_package(machinery / "pkg/apis/meta/v1", "meta/v1")
    schema: dict[str, dict[int, tuple]] = {}

    def resolve(go_type: str, key: str, imports: dict) -> tuple[str, str]:
        """Go type (no pointer/slice) → (kind, ref)."""
        if go_type in _BUILTIN:
            return _BUILTIN[go_type], ""
        if "." in go_type:
            alias, name = go_type.split(".", 1)
            target = _package_key(imports.get(alias, ""))
            if target is None:
                return "raw", ""
            full = f"{target}.{name}"
            if full in _SPECIAL:
                return _SPECIAL[full], ""
            if target in packages:
                return resolve(name, target, imports_of(target))
            return "raw", ""
        full = f"{key}.{go_type}"
        if full in _SPECIAL:
            return _SPECIAL[full], ""
        structs, named = packages.get(key, ({}, {}))
        if go_type in structs:
            return "msg", full
        if go_type in named:
            underlying = named[go_type]
            if underlying.startswith("map["):
                return "map", _map_ref(underlying, key, imports_of(key))
            if underlying.startswith("[]") and underlying != "[]byte":
                return resolve(underlying[2:], key, imports_of(key))
            return resolve(underlying, key, imports_of(key))
        return "string", ""

    def imports_of(key: str) -> dict:
        structs = packages.get(key, ({}, {}))[0]
        for rows in structs.values():
            if rows:
                return rows[0][3]
        return {}

    def _map_ref(go_type: str, key: str, imports: dict) -> str:
        inner = go_type[len("map["):]
        depth, split = 1, 0
        for i, ch in enumerate(inner):
            depth += ch == "["
            depth -= ch == "]"
            if depth == 0:
                split = i
                break
        key_type, value_type = inner[:split], inner[split + 1:].lstrip("*")
        key_kind, _ = resolve(key_type, key, imports)
        if value_type.startswith("[]") and value_type != "[]byte":
            value_kind, value_ref = resolve(value_type[2:], key, imports)  # StringList-like: rare; keep first
        else:
            value_kind, value_ref = resolve(value_type, key, imports)
        return f"{key_kind}:{value_kind}" + (f":{value_ref}" if value_ref else "")

    for key, (structs, _named) in packages.items():
        for struct_name, rows in structs.items():
            spec: dict[int, tuple] = {}
            for _go_name, go_type, tags, imports in rows:
                proto = tags.get("protobuf")
                if not proto:
                    continue
                parts = proto.split(",")
                if len(parts) < 2 or not parts[1].isdigit():
                    continue
                number = int(parts[1])
                name = next((p[5:] for p in parts if p.startswith("name=")), _go_name)
                json_tag = tags.get("json", "")
                json_name = json_tag.split(",")[0]  # "" for an inline struct: its fields join the parent
                if not json_name and not tags.get("anonymous"):
                    json_name = name
                omitempty = "omitempty" in json_tag.split(",")[1:]
                pointer = go_type.startswith("*")
                base = go_type.lstrip("*")
                repeated = False
                if base.startswith("map["):
                    kind, ref = "map", _map_ref(base, key, imports)
                elif base.startswith("[]") and base != "[]byte":
                    repeated = True
                    kind, ref = resolve(base[2:].lstrip("*"), key, imports)
                    if kind == "map":  # a named list of maps is not used by built-in types
                        kind = "raw"
                else:
                    kind, ref = resolve(base, key, imports)
                    if kind == "map":
                        ref = ref
                spec[number] = (json_name, kind, ref, repeated, pointer, omitempty)
            if spec:
                schema[f"{key}.{struct_name}"] = spec
    return schema


def _write_schema(schema: dict, target: Path) -> None:
    lines = ['"""Generated by `python -m pykubectl.testing.protobuf generate`: built-in types\' protobuf fields."""',
             "", "# fmt: off", "SCHEMA = {"]
    for name in sorted(schema):
        items = ", ".join(f"{n}: {schema[name][n]!r}" for n in sorted(schema[name]))
        lines.append(f"    {name!r}: {{{items}}},")
    lines.append("}")
    target.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":  # pragma: no cover - a maintenance tool
    if len(sys.argv) == 4 and sys.argv[1] == "generate":
        _write_schema(generate(sys.argv[2], sys.argv[3]), Path(__file__).with_name("protobuf_schema.py"))
    else:
        sys.exit("usage: python -m pykubectl.testing.protobuf generate API_DIR APIMACHINERY_DIR")
