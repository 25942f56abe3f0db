"""-o json, -o yaml and -o name: the same bytes kubectl prints, plus Go's number and string formatting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

# ---------------------------------------------------------------------------------------------
# Go number formatting. kubectl's output passes through Go's strconv, whose shortest float forms
# differ from Python's repr (Go: 1e+06 for %v, 1e+21 in JSON; Python: 1000000.0, 1e+21).


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-trip digits of a finite, non-zero float and the decimal point position."""
    sign, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, len(text) + int(exponent)


def _format_e(digits: str, point: int, negative: bool) -> str:
    exp = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if negative else ''}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _format_f(digits: str, point: int, negative: bool) -> str:
    if point <= 0:
        text = "0." + "0" * -point + digits
    elif point >= len(digits):
        text = digits + "0" * (point - len(digits))
    else:
        text = digits[:point] + "." + digits[point:]
    return ("-" if negative else "") + text


def go_float_g(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 64), which is also fmt's %v: 1e+06, 123456, 1.5e-07."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    digits, point = _shortest_digits(value)
    exp = point - 1
    # Shortest 'g' uses %e when the exponent is < -4 or >= 6 (eprec is 6 for the shortest form).
    if exp < -4 or exp >= 6:
        return _format_e(digits, point, value < 0)
    return _format_f(digits, point, value < 0)


def go_json_float(value: float) -> str:
    """encoding/json's float64: fixed notation unless |v| < 1e-6 or >= 1e21, exponent as e-7 not e-07."""
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"json: unsupported value: {go_float_g(value)}")
    digits, point = _shortest_digits(value)
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        text = _format_e(digits, point, value < 0)
        if len(text) >= 4 and text[-4] == "e" and text[-3] == "-" and text[-2] == "0":
            text = text[:-2] + text[-1]
        return text
    return _format_f(digits, point, value < 0)


# ---------------------------------------------------------------------------------------------
# JSON, as Go's encoding/json writes it (HTML-safe escaping is on in every kubectl path).

_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def go_json_string(text: str, escape_html: bool = True) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[ch])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif escape_html and ch in _HTML_ESCAPES:
            out.append(_HTML_ESCAPES[ch])
        elif code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate is invalid UTF-8 to Go: U+FFFD
            out.append("\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _json_scalar(value, escape_html: bool) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_json_float(value)
    if isinstance(value, str):
        return go_json_string(value, escape_html)
    raise TypeError(f"json: unsupported type: {type(value).__name__}")


def _json_keys(obj: Mapping, sort_keys: bool) -> Iterable:
    return sorted(obj) if sort_keys else obj


def to_compact_json(obj, *, sort_keys: bool = True, escape_html: bool = True) -> str:
    """json.Marshal: no whitespace. Go sorts map keys, so sort_keys defaults to True."""
    if isinstance(obj, Mapping):
        items = (f"{go_json_string(str(k), escape_html)}:{to_compact_json(obj[k], sort_keys=sort_keys, escape_html=escape_html)}"
                 for k in _json_keys(obj, sort_keys))
        return "{" + ",".join(items) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(to_compact_json(v, sort_keys=sort_keys, escape_html=escape_html) for v in obj) + "]"
    return _json_scalar(obj, escape_html)


def _indented_json(obj, indent: str, level: int, sort_keys: bool, escape_html: bool, out: list[str]) -> None:
    if isinstance(obj, Mapping):
        if not obj:
            out.append("{}")
            return
        inner = indent * (level + 1)
        out.append("{\n")
        for i, key in enumerate(_json_keys(obj, sort_keys)):
            if i:
                out.append(",\n")
            out.append(f"{inner}{go_json_string(str(key), escape_html)}: ")
            _indented_json(obj[key], indent, level + 1, sort_keys, escape_html, out)
        out.append("\n" + indent * level + "}")
    elif isinstance(obj, (list, tuple)):
        if not obj:
            out.append("[]")
            return
        inner = indent * (level + 1)
        out.append("[\n")
        for i, item in enumerate(obj):
            if i:
                out.append(",\n")
            out.append(inner)
            _indented_json(item, indent, level + 1, sort_keys, escape_html, out)
        out.append("\n" + indent * level + "]")
    else:
        out.append(_json_scalar(obj, escape_html))


def to_json(obj, indent: int = 4, *, sort_keys: bool = False, escape_html: bool = True) -> str:
    """json.MarshalIndent(obj, "", indent spaces) plus a newline, as kubectl's -o json prints it.

    Key order is kept as given: typed objects (config view, create --dry-run) print in struct order.
    Pass sort_keys=True for objects kubectl holds as unstructured maps (everything `get` prints),
    whose keys Go's encoder sorts. `version -o json` uses indent=2.
    """
    out: list[str] = []
    _indented_json(obj, " " * indent, 0, sort_keys, escape_html, out)
    return "".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# YAML


def to_yaml(obj) -> str:
    """sigs.k8s.io/yaml's Marshal: the go-yaml v2 document for obj, ending in a newline.

    kubectl's YAML printer writes exactly this; `version -o yaml` adds one more newline (Println).
    Raises PrintError for strings go-yaml's reader rejects (e.g. DEL or C1 control characters).
    """
    from pykubectl.printing.yaml_emitter import emit_document

    return emit_document(obj)


def to_yaml_documents(objects: Iterable) -> str:
    """Several objects as kubectl's YAMLPrinter prints them one after another: `---` between them."""
    return "---\n".join(to_yaml(obj) for obj in objects)


# ---------------------------------------------------------------------------------------------
# -o name


def to_name(obj: Mapping, operation: str = "") -> str:
    """`kind.group/name` lines as cli-runtime's NamePrinter writes them; a List prints one per item.

    `operation` is the verb some commands append (`deployment.apps/x created`).
    """
    from pykubectl.errors import PrintError

    if isinstance(obj.get("items"), list) and (str(obj.get("kind", "")).endswith("List") or not obj.get("kind")):
        return "".join(to_name(item, operation) for item in obj["items"])
    kind = str(obj.get("kind") or "")
    api_version = str(obj.get("apiVersion") or "")
    name = str((obj.get("metadata") or {}).get("name") or "") or "<unknown>"
    if not kind and not api_version:
        raise PrintError("missing apiVersion or kind; try GetObjectKind().SetGroupVersionKind() if you know the type")
    if not kind:
        raise PrintError(f"missing kind for resource with name {name}")
    group = api_version.rpartition("/")[0]
    suffix = f" {operation}" if operation else ""
    if group:
        return f"{kind.lower()}.{group}/{name}{suffix}\n"
    return f"{kind.lower()}/{name}{suffix}\n"
