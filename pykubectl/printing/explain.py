"""`kubectl explain` text from an OpenAPI v3 document (pure).

Reproduces kubectl 1.32's "plaintext" template (kubectl pkg/explain/v2/templates/plaintext.tmpl with the
helpers of funcs.go) as plain Python: GVK lookup through the document's paths, the field-path walk through
`$ref`, `allOf`, `items` and `additionalProperties`, the type hints, enum lists, descriptions wrapped by
go-wordwrap and the recursive field tree with its cycle guard. Go template semantics that show in the output
are kept: maps are walked in sorted key order, "truthy" means non-empty, text written before a `throw` stays
on stdout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pykubectl.errors import KubectlError

_GO_SPACES = frozenset("\t\n\v\f\r \x85\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B))
_NBSP = "\xa0"
_METHODS = ("get", "post", "put", "patch", "delete")


class ExplainError(KubectlError):
    """A `throw` from the template: the message is complete (it starts with "error: " itself);
    `partial` is what kubectl had already written to stdout."""

    def __init__(self, message: str, partial: str = ""):
        super().__init__(message)
        self.partial = partial

    def render(self) -> str:
        return str(self)


@dataclass(frozen=True)
class GVR:
    group: str
    version: str
    resource: str

    def __str__(self) -> str:  # schema.GroupVersionResource.String()
        return f"{self.group}/{self.version}, Resource={self.resource}"


# -- Go helpers ---------------------------------------------------------------------------------------------


def _truthy(value) -> bool:
    """Go template truth: false, 0, nil and empty strings, maps and slices are false."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float | str | Mapping | Sequence):
        return bool(value)
    return True


def go_value(value) -> str:
    """fmt's %v for a JSON-decoded value (float64 numbers, maps with sorted keys)."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        value = float(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    return str(value)


def _go_float(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), as %v prints a float64: shortest digits, %e form when the decimal
    exponent is below -4 or at least 6 (1e+06, 1.5e-05), plain otherwise (123456, 0.5)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    exp = len(digits) + int(exponent) - 1  # the decimal exponent in d.ddd×10^exp
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp >= len(digits) - 1:
        return sign + digits + "0" * (exp - len(digits) + 1)
    if exp >= 0:
        return sign + digits[:exp + 1] + "." + digits[exp + 1:]
    return sign + "0." + "0" * (-exp - 1) + digits


def wrap(limit: int, text: str) -> str:
    """github.com/mitchellh/go-wordwrap v1.0.1 WrapString: break at spaces once a line would pass `limit`
    characters; words longer than the limit stay whole; non-breaking spaces are not spaces."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for char in text:
        if char == "\n":
            if not word:
                if current + len(space) > limit:
                    current = 0
                else:
                    out.extend(space)
                space = []
            else:
                out.extend(space)
                out.extend(word)
                space, word = [], []
            out.append(char)
            current = 0
        elif char in _GO_SPACES and char != _NBSP:
            if not space or word:
                current += len(space) + len(word)
                out.extend(space)
                out.extend(word)
                space, word = [], []
            space.append(char)
        else:
            word.append(char)
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= limit:
            out.extend(space)
    else:
        out.extend(space)
        out.extend(word)
    return "".join(out)


def indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def resolve_ref(ref, document: Mapping) -> Mapping | None:
    """funcs.go resolveRef: a fragment-only "#/components/schemas/X" → that schema (None when unresolvable)."""
    if not isinstance(ref, str) or not ref.startswith("#") or len(ref) < 2:
        return None
    current = document
    for key in ref[1:].split("/"):
        if not key:
            continue
        nxt = current.get(key) if isinstance(current, Mapping) else None
        if not isinstance(nxt, Mapping):
            return None
        current = nxt
    return current


def _map_value(schema, key: str):
    return schema.get(key) if isinstance(schema, Mapping) else None


def _is_map_schema(value) -> bool:
    """`and .additionalProperties (not (eq "bool" (printf "%T" .additionalProperties)))`."""
    return _truthy(value) and not isinstance(value, bool)


# -- the template's sub-templates -----------------------------------------------------------------------------


class _Renderer:
    def __init__(self, document: Mapping, recursive: bool):
        self.document = document
        self.recursive = recursive

    def resolve(self, schema) -> Mapping:
        resolved = resolve_ref(_map_value(schema, "$ref"), self.document)
        return resolved if _truthy(resolved) else (schema if isinstance(schema, Mapping) else {})

    def type_guess(self, schema) -> str:
        if not _truthy(schema):
            raise ExplainError("expected schema argument to subtemplate 'typeguess'")
        if _truthy(schema.get("items")):
            return "[]" + self.type_guess(schema["items"])
        if _is_map_schema(schema.get("additionalProperties")):
            return "map[string]" + self.type_guess(schema["additionalProperties"])
        all_of = schema.get("allOf")
        if _truthy(all_of) and not _truthy(schema.get("properties")) and len(all_of) == 1:
            return self.type_guess(all_of[0])
        ref = schema.get("$ref")
        if _truthy(ref):
            target = resolve_ref(ref, self.document)
            target_type = _map_value(target, "type")
            if not _truthy(target) or not _truthy(target_type) or target_type == "object":
                name = str(ref).split("/")[-1]
                return name.split(".")[-1] or "Object"
            return go_value(target_type)
        kind = schema.get("type")
        if kind == "object":
            return "Object"
        return go_value(kind) if _truthy(kind) else "Object"

    @staticmethod
    def extract_enum(schema, long_view: bool, limit: int = -1, indent_amount: int = 0) -> str:
        values = _map_value(schema, "enum")
        if not _truthy(values):
            return ""
        limit = limit or -1
        out = "ENUM:" if long_view else "\n" + " " * indent_amount + "enum: "
        for index, element in enumerate(values):
            if limit > -1 and index >= limit:
                out += ", ...."
                break
            if index > 0 and not long_view:
                out += ", "
            elif long_view:
                out += "\n    "
            out += '""' if element == "" else go_value(element)
        return out

    def description(self, schema) -> str:
        resolved = resolve_ref(_map_value(schema, "$ref"), self.document)
        node = resolved if _truthy(resolved) else schema
        if not _truthy(node):
            return ""
        out = ""
        if _truthy(node.get("description")):
            out += go_value(node["description"]) + "\n"
        for sub in node.get("allOf") or ():
            out += self.description(sub)
        if _truthy(node.get("items")):
            out += self.description(node["items"])
        if _is_map_schema(node.get("additionalProperties")):
            out += self.description(node["additionalProperties"])
        return out

    def field_detail(self, name: str, schema: Mapping, short: bool, level: int) -> str:
        amount = level * 2
        field = (schema.get("properties") or {}).get(name)
        out = indent(amount, name) + "\t<" + self.type_guess(field) + ">"
        required = schema.get("required")
        if isinstance(required, list) and name in required:
            out += " -required-"
        out += self.extract_enum(field, False, 4, amount)
        out += "\n"
        if not short:
            text = _map_value(field, "description")
            text = go_value(text) if _truthy(text) else "<no description>"
            out += indent(amount + 2, wrap(78 - amount, text)) + "\n\n"
        return out

    def field_list(self, schema, level: int, history: dict | None) -> str:
        ref = _map_value(schema, "$ref") or ""
        if _truthy(ref) and (history or {}).get(ref):
            return ""
        next_history = {**(history or {}), ref: 1}
        resolved = self.resolve(schema)
        out = ""
        properties = resolved.get("properties")
        if isinstance(properties, Mapping):
            for key in sorted(properties):
                out += self.field_detail(key, resolved, self.recursive, level)
                if self.recursive:
                    out += self.field_list(properties[key], level + 1, next_history)
        for sub in resolved.get("allOf") or ():
            out += self.field_list(sub, level, next_history)
        if _truthy(resolved.get("items")):
            out += self.field_list(resolved["items"], level, next_history)
        if _is_map_schema(resolved.get("additionalProperties")):
            out += self.field_list(resolved["additionalProperties"], level, next_history)
        return out

    def output(self, schema, field_path: Sequence[str], history: dict | None) -> str:
        ref = _map_value(schema, "$ref") or ""
        next_history = {**(history or {}), ref: 1}
        resolved = self.resolve(schema)
        if not field_path:
            text = self.description(resolved) or "<empty>"
            out = "DESCRIPTION:\n" + indent(4, wrap(76, text)) + "\n"
            fields = self.field_list(resolved, 1, None)
            if fields:
                out += "FIELDS:\n" + fields
            return out
        if _truthy(ref) and (history or {}).get(ref):
            return ""  # a cycle
        properties = resolved.get("properties")
        if _truthy(properties) and isinstance(properties, Mapping) and _truthy(properties.get(field_path[0])):
            sub = properties[field_path[0]]
            out = ""
            if len(field_path) == 1:
                out += f"FIELD: {field_path[0]} <{self.type_guess(sub)}>\n"
                out += self.extract_enum(sub, True, -1) + "\n\n"
            return out + self.output(sub, field_path[1:], {})
        if _truthy(resolved.get("items")):
            return self.output(resolved["items"], field_path, next_history)
        if _is_map_schema(resolved.get("additionalProperties")):
            return self.output(resolved["additionalProperties"], field_path, next_history)
        for sub in resolved.get("allOf") or ():
            text = self.output(sub, field_path, next_history)
            if text:
                return text
        return ""


def find_gvk(document: Mapping, gvr: GVR):
    """The GVK of the resource's operations, searched as the template does (last assignment wins)."""
    prefix = f"/apis/{gvr.group}" if gvr.group else "/api"
    base = f"{prefix}/{gvr.version}"
    candidates = (f"{base}/{gvr.resource}", f"{base}/{gvr.resource}/{{name}}",
                  f"{base}/namespaces/{{namespace}}/{gvr.resource}",
                  f"{base}/namespaces/{{namespace}}/{gvr.resource}/{{name}}")
    paths = document.get("paths") or {}
    gvk = None
    for candidate in candidates:
        element = paths.get(candidate) if isinstance(paths, Mapping) else None
        if not _truthy(element) or not isinstance(element, Mapping):
            continue
        for method in _METHODS:
            operation = element.get(method)
            if not _truthy(operation) or not isinstance(operation, Mapping):
                continue
            gvk = operation.get("x-kubernetes-group-version-kind")
            if _truthy(gvk):
                break
    return gvk


def render_explain(document: Mapping, gvr: GVR, field_path: Sequence[str], recursive: bool = False) -> str:
    """The plaintext explanation; raises ExplainError (with the text already "written") on a throw."""
    gvk = find_gvk(document, gvr)
    if not _truthy(gvk):
        raise ExplainError(f"error: GVR ({gvr}) not found in OpenAPI schema")
    header = ""
    if isinstance(gvk, Mapping):
        if _truthy(gvk.get("group")):
            header += f"GROUP:      {go_value(gvk['group'])}\n"
        header += f"KIND:       {go_value(gvk.get('kind'))}\n"
        header += f"VERSION:    {go_value(gvk.get('version'))}\n"
    header += "\n"
    renderer = _Renderer(document, recursive)
    body = ""
    schemas = ((document.get("components") or {}).get("schemas")) or {}
    for key in sorted(schemas):
        schema = schemas[key]
        kinds = _map_value(schema, "x-kubernetes-group-version-kind")
        if isinstance(kinds, list) and any(k == gvk for k in kinds):
            try:
                body = renderer.output(schema, list(field_path), None)
            except ExplainError as exc:
                raise ExplainError(str(exc), header) from None
            if not body:
                name = field_path[-1] if field_path else ""
                raise ExplainError(f'error: field "{name}" does not exist', header)
            break
    if not body:
        raise ExplainError(f"error: GVK {go_value(gvk)} not found in OpenAPI schema", header)
    return header + body + "\n"
