"""A YAML writer that reproduces sigs.k8s.io/yaml (go-yaml v2) output byte for byte, for JSON-shaped data.

sigs.k8s.io/yaml marshals an object to JSON, reads that JSON back with go-yaml (so numbers are re-typed
and a few characters are transformed or rejected), and emits it with go-yaml's libyaml-derived emitter:
keys in go-yaml's "natural" order, 2-space indents, sequences not indented under their key, plain
scalars folded past column 80, strings quoted only when they would otherwise read back as something else.
The emitter below follows go-yaml v2's emitterc.go for block mappings, block sequences, empty flow
collections and scalars; anchors, tags and flow content never occur in kubectl output.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping

from pykubectl.errors import PrintError
from pykubectl.printing.structured import go_float_g, go_json_float

_BEST_WIDTH = 80
_BEST_INDENT = 2

_PLAIN, _SINGLE, _DOUBLE, _LITERAL = "plain", "single", "double", "literal"

_BREAKS = "\r\n\x85\u2028\u2029"

# ---------------------------------------------------------------------------------------------
# go-yaml's resolver (resolve.go): which plain scalars would read back as non-strings.

_RESOLVE_MAP = {
    *"y Y yes Yes YES true True TRUE on On ON".split(),
    *"n N no No NO false False FALSE off Off OFF".split(),
    "", "~", "null", "Null", "NULL",
    ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
}  # "<<" (merge) is left plain by the go-yaml kubectl 1.32 vendors (observed)
_DOT_FLOAT = re.compile(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_GO_INT_BASE0 = re.compile(r"^[-+]?(0[xX](_?[0-9a-fA-F])+|0[bB](_?[01])+|0[oO](_?[0-7])+|0(_?[0-7])*|[1-9](_?[0-9])*)$")
_TIMESTAMP_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TIME_TAIL = re.compile(r"^[Tt ]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?(.*)$")
_ZONE = re.compile(r"^(Z|[-+][0-9]{2}:[0-9]{2})$")

_INT64 = (-(2**63), 2**63 - 1)
_UINT64_MAX = 2**64 - 1


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt/ParseUint(text, 0, 64): base prefixes and underscores allowed; None on failure."""
    if not _GO_INT_BASE0.match(text):
        return None
    body = text.lstrip("+-").replace("_", "")
    negative = text.startswith("-")
    if len(body) > 1 and body[0] == "0" and body[1] in "xXbBoO":
        value = int(body[2:], {"x": 16, "b": 2, "o": 8}[body[1].lower()])
    elif len(body) > 1 and body[0] == "0":
        value = int(body, 8)
    else:
        value = int(body)
    value = -value if negative else value
    if _INT64[0] <= value <= _UINT64_MAX:
        return value
    return None


def _is_timestamp(text: str) -> bool:
    """go-yaml's parseTimestamp: YYYY-M-D, optionally followed by a time (T, t or space) and zone."""
    date = _TIMESTAMP_DATE.match(text)
    if not date:
        return False
    year, month, day = (int(g) for g in date.groups())
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return False
    rest = text[date.end():]
    if rest == "":
        return True
    tail = _TIME_TAIL.match(rest)
    if not tail:
        return False
    hour, minute, second = (int(g) for g in tail.groups()[:3])
    if hour > 23 or minute > 59 or second > 59:
        return False
    zone = tail.group(5)
    if rest[0] == " ":
        return zone == ""
    return bool(_ZONE.match(zone))


def _resolves_to_string(text: str) -> bool:
    if text in _RESOLVE_MAP:
        return False
    hint = text[:1]
    if hint == ".":
        return not _DOT_FLOAT.match(text)  # strconv.ParseFloat on a leading "."
    if hint and (hint in "+-" or hint.isdigit() and hint.isascii()):
        if _is_timestamp(text):
            return False
        plain = text.replace("_", "")
        if _go_parse_int(plain) is not None:
            return False
        if _YAML_FLOAT.match(plain):
            return False
        if plain.startswith("0b") or plain.startswith("-0b"):
            digits = plain[2:] if plain.startswith("0b") else plain[3:]
            if digits and set(digits) <= {"0", "1"}:
                return False
    return True


# ---------------------------------------------------------------------------------------------
# The JSON round trip: what go-yaml's reader does to the JSON text Go's encoder wrote.

def _reader_check(text: str) -> None:
    """go-yaml's reader rejects raw control characters; Go's JSON encoder escapes those below 0x20."""
    for ch in text:
        code = ord(ch)
        if code == 0x7F or 0x80 <= code <= 0x9F and code != 0x85 or code in (0xFFFE, 0xFFFF):
            raise PrintError("yaml: control characters are not allowed")


def _fold_raw_breaks(text: str) -> str:
    """A raw NEL inside a double-quoted JSON string is a line break to the YAML scanner: it folds."""
    if "\x85" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch not in " \x85":
            out.append(ch)
            i += 1
            continue
        whitespace: list[str] = []
        leading_blanks = False
        trailing_breaks: list[str] = []
        while i < n and text[i] in " \x85":
            if text[i] == " ":
                if not leading_blanks:
                    whitespace.append(" ")
            elif not leading_blanks:
                whitespace = []
                leading_blanks = True
            else:
                trailing_breaks.append("\n")
            i += 1
        if leading_blanks:
            out.append("".join(trailing_breaks) if trailing_breaks else " ")
        else:
            out.append("".join(whitespace))
    return "".join(out)


def _string_node(text: str):
    text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    _reader_check(text)
    text = _fold_raw_breaks(text)
    if "\n" in text:
        style = _LITERAL
    elif _resolves_to_string(text) and not (_BASE60_FLOAT.match(text) and text[:1] in "+-0123456789"):
        style = _PLAIN
    else:
        style = _DOUBLE
    return ("scalar", text, style)


def _number_text(json_text: str) -> str:
    """A JSON number re-read by go-yaml and re-emitted: ints stay ints (64-bit), the rest are floats."""
    if not any(c in json_text for c in ".eE"):
        value = int(json_text)
        if _INT64[0] <= value <= _UINT64_MAX:
            return str(value)
    return go_float_g(float(json_text))


def _prepare(value):
    if isinstance(value, Mapping):
        pairs = [(_string_node(str(k)), _prepare(v)) for k, v in value.items()]
        pairs.sort(key=lambda pair: _NaturalKey(pair[0][1]))
        return ("map", pairs)
    if isinstance(value, (list, tuple)):
        return ("seq", [_prepare(v) for v in value])
    if value is None:
        return ("scalar", "null", _PLAIN)
    if value is True or value is False:
        return ("scalar", "true" if value else "false", _PLAIN)
    if isinstance(value, int):
        return ("scalar", _number_text(str(value)), _PLAIN)
    if isinstance(value, float):
        return ("scalar", _number_text(go_json_float(value)), _PLAIN)
    if isinstance(value, str):
        return _string_node(value)
    raise TypeError(f"cannot marshal type: {type(value).__name__}")


# ---------------------------------------------------------------------------------------------
# go-yaml's key order (sorter.go): letters after non-letters, digit runs compared as numbers.

def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _key_less(a: str, b: str) -> bool:
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = _is_letter(ca), _is_letter(cb)
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and _is_digit(a[ai]):
            an = an * 10 + (ord(a[ai]) - ord("0"))
            ai += 1
        bi = i
        while bi < len(b) and _is_digit(b[bi]):
            bn = bn * 10 + (ord(b[bi]) - ord("0"))
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


class _NaturalKey:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __lt__(self, other: _NaturalKey) -> bool:
        return _key_less(self.text, other.text)


# ---------------------------------------------------------------------------------------------
# Scalar analysis (yaml_emitter_analyze_scalar).

def _is_printable(ch: str) -> bool:
    code = ord(ch)
    return (code == 0x0A or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF))


class _Analysis:
    __slots__ = ("multiline", "flow_plain", "block_plain", "single_quoted", "block")

    def __init__(self, value: str):
        if not value:
            self.multiline, self.flow_plain, self.block_plain = False, False, True
            self.single_quoted, self.block = True, False
            return
        block_ind = flow_ind = line_breaks = special = False
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = previous_space = previous_break = False
        if value.startswith("---") or value.startswith("..."):
            block_ind = flow_ind = True
        preceded_by_ws = True
        n = len(value)
        for i, ch in enumerate(value):
            followed_by_ws = i + 1 >= n or value[i + 1] in " \t"
            if i == 0:
                if ch in "#,[]{}&*!|>'\"%@`":
                    flow_ind = block_ind = True
                elif ch in "?:":
                    flow_ind = True
                    if followed_by_ws:
                        block_ind = True
                elif ch == "-" and followed_by_ws:
                    flow_ind = block_ind = True
            else:
                if ch in ",?[]{}":
                    flow_ind = True
                elif ch == ":":
                    flow_ind = True
                    if followed_by_ws:
                        block_ind = True
                elif ch == "#" and preceded_by_ws:
                    flow_ind = block_ind = True
            if not _is_printable(ch):
                special = True
            if ch == " ":
                if i == 0:
                    leading_space = True
                if i == n - 1:
                    trailing_space = True
                if previous_break:
                    break_space = True
                previous_space, previous_break = True, False
            elif ch in _BREAKS:
                line_breaks = True
                if i == 0:
                    leading_break = True
                if i == n - 1:
                    trailing_break = True
                if previous_space:
                    space_break = True
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
            preceded_by_ws = ch in " \t\x00" or ch in _BREAKS
        self.multiline = line_breaks
        self.flow_plain = self.block_plain = self.single_quoted = self.block = True
        if leading_space or leading_break or trailing_space or trailing_break:
            self.flow_plain = self.block_plain = False
        if trailing_space:
            self.block = False
        if break_space:
            self.flow_plain = self.block_plain = self.single_quoted = False
        if space_break or special:
            self.flow_plain = self.block_plain = self.single_quoted = self.block = False
        if line_breaks:
            self.flow_plain = self.block_plain = False
        if flow_ind:
            self.flow_plain = False
        if block_ind:
            self.block_plain = False


# ---------------------------------------------------------------------------------------------
# The emitter.

class _Emitter:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0
        self.indent = -1
        self.indents: list[int] = []
        self.whitespace = True
        self.indention = True
        self.open_ended = False
        self.flow_level = 0
        self.root_context = self.sequence_context = self.mapping_context = self.simple_key_context = False

    # -- low-level writers (put, put_break, write, write_break) --
    def put(self, text: str) -> None:
        self.out.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_break(self, ch: str) -> None:
        if ch == "\n":
            self.put_break()
        else:
            self.out.append(ch)
            self.column = 0

    def increase_indent(self, flow: bool, indentless: bool) -> None:
        self.indents.append(self.indent)
        if self.indent < 0:
            self.indent = _BEST_INDENT if flow else 0
        elif not indentless:
            self.indent += _BEST_INDENT

    def pop_indent(self) -> None:
        self.indent = self.indents.pop()

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True
        self.indention = True

    def write_indicator(self, indicator: str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        self.put(indicator)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention
        self.open_ended = False

    # -- nodes --
    def emit_node(self, node, root: bool, sequence: bool, mapping: bool, simple_key: bool) -> None:
        self.root_context, self.sequence_context = root, sequence
        self.mapping_context, self.simple_key_context = mapping, simple_key
        kind = node[0]
        if kind == "scalar":
            self.emit_scalar(node[1], node[2], _Analysis(node[1]))
        elif kind == "seq":
            if self.flow_level > 0 or not node[1]:
                self.emit_empty_flow("[", "]")
            else:
                self.emit_block_sequence(node[1])
        else:
            if self.flow_level > 0 or not node[1]:
                self.emit_empty_flow("{", "}")
            else:
                self.emit_block_mapping(node[1])

    def emit_empty_flow(self, start: str, end: str) -> None:
        self.write_indicator(start, True, True, False)
        self.increase_indent(True, False)
        self.flow_level += 1
        self.flow_level -= 1
        self.pop_indent()
        self.write_indicator(end, False, False, False)

    def emit_block_sequence(self, items) -> None:
        self.increase_indent(False, self.mapping_context and not self.indention)
        for item in items:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            self.emit_node(item, False, True, False, False)
        self.pop_indent()

    def emit_block_mapping(self, pairs) -> None:
        self.increase_indent(False, False)
        for key, value in pairs:
            self.write_indent()
            analysis = _Analysis(key[1])
            if not analysis.multiline and len(key[1].encode("utf-8", "surrogatepass")) <= 128:
                self.root_context = self.sequence_context = False
                self.mapping_context = self.simple_key_context = True
                self.emit_scalar(key[1], key[2], analysis)
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                self.emit_node(key, False, False, True, False)
                self.write_indent()
                self.write_indicator(":", True, False, True)
            self.emit_node(value, False, False, True, False)
        self.pop_indent()

    def emit_scalar(self, value: str, requested: str, analysis: _Analysis) -> None:
        style = requested
        if self.simple_key_context and analysis.multiline:
            style = _DOUBLE
        if style == _PLAIN:
            if (self.flow_level > 0 and not analysis.flow_plain) or (self.flow_level == 0 and not analysis.block_plain):
                style = _SINGLE
            if not value and (self.flow_level > 0 or self.simple_key_context):
                style = _SINGLE
        if style == _SINGLE and not analysis.single_quoted:
            style = _DOUBLE
        if style == _LITERAL and (not analysis.block or self.flow_level > 0 or self.simple_key_context):
            style = _DOUBLE
        self.increase_indent(True, False)
        allow_breaks = not self.simple_key_context
        if style == _PLAIN:
            self.write_plain(value, allow_breaks)
        elif style == _SINGLE:
            self.write_single_quoted(value, allow_breaks)
        elif style == _DOUBLE:
            self.write_double_quoted(value, allow_breaks)
        else:
            self.write_literal(value)
        self.pop_indent()

    # -- scalar writers --
    def write_plain(self, value: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        spaces = breaks = False
        n = len(value)
        for i, ch in enumerate(value):
            if ch == " ":
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and not (i + 1 < n and value[i + 1] == " "):
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in _BREAKS:
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = False
                spaces = breaks = False
        self.whitespace = False
        self.indention = False
        if self.root_context:
            self.open_ended = True

    def write_single_quoted(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator("'", True, False, False)
        spaces = breaks = False
        n = len(value)
        for i, ch in enumerate(value):
            if ch == " ":
                if (allow_breaks and not spaces and self.column > _BEST_WIDTH and 0 < i < n - 1
                        and value[i + 1] != " "):
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in _BREAKS:
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                if ch == "'":
                    self.put("'")
                self.put(ch)
                self.indention = False
                spaces = breaks = False
        self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    _DOUBLE_ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r",
                       0x1B: "e", 0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_", 0x2028: "L", 0x2029: "P"}

    def write_double_quoted(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator('"', True, False, False)
        starts_with_bom = value.startswith("\ufeff")  # go-yaml's is_bom looks at the value's first bytes
        spaces = False
        n = len(value)
        for i, ch in enumerate(value):
            code = ord(ch)
            if not _is_printable(ch) or starts_with_bom or ch in _BREAKS or ch in '"\\':
                escape = self._DOUBLE_ESCAPES.get(code)
                if escape is None:
                    if code <= 0xFF:
                        escape = f"x{code:02X}"
                    elif code <= 0xFFFF:
                        escape = f"u{code:04X}"
                    else:
                        escape = f"U{code:08X}"
                self.put("\\" + escape)
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and 0 < i < n - 1:
                    self.write_indent()
                    if value[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
        self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def write_literal(self, value: str) -> None:
        self.write_indicator("|", True, False, False)
        if value and (value[0] == " " or value[0] in _BREAKS):
            self.write_indicator(str(_BEST_INDENT), False, False, False)
        self.open_ended = False
        chomp = ""
        if not value or value[-1] not in _BREAKS:
            chomp = "-"
        elif len(value) == 1 or value[-2] in _BREAKS:
            chomp = "+"
            self.open_ended = True
        if chomp:
            self.write_indicator(chomp, False, False, False)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for ch in value:
            if ch in _BREAKS:
                self.write_break(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = False
                breaks = False


def emit_document(obj) -> str:
    """One YAML document for JSON-shaped data, as sigs.k8s.io/yaml.Marshal returns it."""
    node = _prepare(obj)
    emitter = _Emitter()
    emitter.emit_node(node, True, False, False, False)
    emitter.write_indent()  # document end
    return "".join(emitter.out)
