"""kubectl's JSONPath template dialect (client-go util/jsonpath), rendered exactly as kubectl prints it.

The dialect is a text template, not RFC JSONPath: `{...}` actions between literal text, `range`/`end`,
filters with `==`, `!=`, `<`, `>`, `<=`, `>=` and existence, unions, slices, `..` and `*`. jsonpath-ng's
grammar differs in each of these, so the parser and evaluator below follow client-go's instead.
Values are JSON-shaped Python data. Go's types show through in a few places, so: ints are int64,
floats are float64 (a typed object that kubectl round-trips through JSON has only floats; pass
floats), `str` indexes as bytes (uint8) under `*` and `..`. Go iterates maps in random order for `*`
and `..`; we use sorted keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pykubectl.errors import JSONPathExecuteError, JSONPathParseError
from pykubectl.printing.structured import go_float_g, to_compact_json, to_json

__all__ = ["render", "render_as_json", "parse", "JSONPathError"]


class JSONPathError(Exception):
    """An error inside the engine; its text is client-go's (the caller wraps it in kubectl's words)."""


class _Invalid:
    """reflect's zero Value: what `range` over nothing evaluates its body against."""

    def __repr__(self) -> str:
        return "<invalid reflect.Value>"


INVALID = _Invalid()


class GoByte(int):
    """A uint8 from indexing a Go string."""


# ---------------------------------------------------------------------------------------------
# Nodes


@dataclass
class ListNode:
    nodes: list = field(default_factory=list)


@dataclass
class TextNode:
    text: str


@dataclass
class FieldNode:
    value: str


@dataclass
class Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class ArrayNode:
    params: tuple[Param, Param, Param]


@dataclass
class FilterNode:
    left: ListNode
    right: ListNode
    operator: str


@dataclass
class IntNode:
    value: int


@dataclass
class FloatNode:
    value: float


@dataclass
class BoolNode:
    value: bool


@dataclass
class WildcardNode:
    pass


@dataclass
class RecursiveNode:
    pass


@dataclass
class UnionNode:
    nodes: list[ListNode]


@dataclass
class IdentifierNode:
    name: str


# ---------------------------------------------------------------------------------------------
# Parser (client-go util/jsonpath/parser.go)

_EOF = ""
_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.DOTALL)


def _is_terminator(ch: str) -> bool:
    return ch in (" ", "\t", "\r", "\n", _EOF, ".", ",", "[", "]", "$", "@", "{", "}")


def _is_alnum(ch: str) -> bool:
    return ch == "_" or (ch != _EOF and (ch.isalpha() or _is_go_digit(ch)))


def _is_go_digit(ch: str) -> bool:
    import unicodedata

    return ch != _EOF and unicodedata.category(ch) == "Nd"


def _go_rune_repr(ch: str) -> str:
    """fmt's %#U: U+0023 '#'."""
    code = ord(ch)
    text = f"U+{code:04X}"
    if ch.isprintable():
        text += f" '{ch}'"
    return text


class _Parser:
    def __init__(self, text: str):
        self.input = text
        self.pos = 0
        self.start = 0
        self.root = ListNode()

    def parse(self) -> ListNode:
        self.parse_text(self.root)
        return self.root

    def consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def next(self) -> str:
        if self.pos >= len(self.input):
            self._width = 0
            return _EOF
        self._width = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else _EOF

    def backup(self) -> None:
        self.pos -= self._width

    def parse_text(self, cur: ListNode) -> None:
        index = self.input.find("{", self.pos)
        if index < 0:
            self.pos = len(self.input)
            if self.pos > self.start:
                cur.nodes.append(TextNode(self.consume()))
            return
        self.pos = index
        if self.pos > self.start:
            cur.nodes.append(TextNode(self.consume()))
        self.pos += 1
        self.consume()
        node = ListNode()
        cur.nodes.append(node)
        self.parse_inside_action(node)

    def parse_inside_action(self, cur: ListNode) -> None:
        while True:
            rest = self.input[self.pos:]
            if rest.startswith("}"):
                self.pos += 1
                self.consume()
                self.parse_text(self.root)
                return
            if rest.startswith("[?("):
                self.parse_filter(cur)
                continue
            if rest.startswith(".."):
                self.parse_recursive(cur)
                continue
            ch = self.next()
            if ch == _EOF or ch in "\r\n":
                raise JSONPathError("unclosed action")
            if ch == " " or ch in "@$":
                self.consume()
            elif ch == "[":
                self.parse_array(cur)
            elif ch in "\"'":
                self.parse_quote(cur, ch)
            elif ch == ".":
                self.parse_field(cur)
            elif ch in "+-" or _is_go_digit(ch):
                self.backup()
                self.parse_number(cur)
            elif _is_alnum(ch):
                self.backup()
                self.parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {_go_rune_repr(ch)}")

    def parse_identifier(self, cur: ListNode) -> None:
        while True:
            ch = self.next()
            if _is_terminator(ch):
                self.backup()
                break
        value = self.consume()
        cur.nodes.append(BoolNode(value == "true") if value in ("true", "false") else IdentifierNode(value))

    def parse_recursive(self, cur: ListNode) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], RecursiveNode):
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self.consume()
        cur.nodes.append(RecursiveNode())
        if _is_alnum(self.peek()):
            self.parse_field(cur)

    def parse_number(self, cur: ListNode) -> None:
        if self.peek() in ("+", "-") and self.peek() != _EOF:
            self.next()
        while True:
            ch = self.next()
            if ch != "." and not _is_go_digit(ch):
                self.backup()
                break
        value = self.consume()
        if re.fullmatch(r"[+-]?[0-9]+", value):
            cur.nodes.append(IntNode(int(value)))
            return
        if re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", value):
            cur.nodes.append(FloatNode(float(value)))
            return
        raise JSONPathError(f"cannot parse number {value}")

    def parse_array(self, cur: ListNode) -> None:
        while True:
            ch = self.next()
            if ch == _EOF or ch == "\n":
                raise JSONPathError("unterminated array")
            if ch == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            union = [_parse_action(f"[{part.strip(' ')}]") for part in parts]
            cur.nodes.append(UnionNode(union))
            return
        key = _DICT_KEY.match(text)
        if key:
            cur.nodes.extend(_parse_action(f".{key.group(1)}").nodes)
            return
        match = _SLICE.match(text)
        if not match:
            raise JSONPathError(f"invalid array index {text}")
        values = list(match.groups(default=""))
        params = (Param(), Param(), Param())
        for i in range(3):
            if values[i] != "":
                if i > 0:
                    values[i] = values[i][1:]
                if i > 0 and values[i] == "":
                    params[i].known = False
                else:
                    if not re.fullmatch(r"[+-]?[0-9]+", values[i]):
                        raise JSONPathError(f"array index {values[i]} is not a number")
                    params[i].known = True
                    params[i].value = int(values[i])
            elif i == 1:
                params[i].known = True
                params[i].value = params[0].value + 1
                params[i].derived = True
        cur.nodes.append(ArrayNode(params))

    def parse_filter(self, cur: ListNode) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            ch = self.next()
            if ch == _EOF or ch == "\n":
                raise JSONPathError("unterminated filter")
            if ch in "\"'":
                if not begin:
                    begin, pair = True, ch
                    continue
                if self.input[self.pos - 2] != "\\" and ch == pair:
                    end = True
            elif ch == ")":
                if begin == end:
                    break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        match = _FILTER.match(text)
        if not match:
            cur.nodes.append(FilterNode(_parse_action(text), ListNode(), "exists"))
        else:
            left = _parse_action(match.group(1))
            right = _parse_action(match.group(3))
            cur.nodes.append(FilterNode(left, right, match.group(2)))

    def parse_quote(self, cur: ListNode, end: str) -> None:
        while True:
            ch = self.next()
            if ch == _EOF or ch == "\n":
                raise JSONPathError("unterminated quoted string")
            if ch == end and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        try:
            text = _unquote_extend(value)
        except ValueError:
            raise JSONPathError(f"unquote string {value} error invalid syntax") from None
        cur.nodes.append(TextNode(text))

    def parse_field(self, cur: ListNode) -> None:
        self.consume()
        while True:
            ch = self.next()
            if ch == "\\":
                self.next()
            elif _is_terminator(ch):
                self.backup()
                break
        value = self.consume()
        cur.nodes.append(WildcardNode() if value == "*" else FieldNode(value.replace("\\", "")))


def _parse_action(text: str) -> ListNode:
    root = _Parser("{" + text + "}").parse()
    return root.nodes[0]


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unquote_extend(quoted: str) -> str:
    """client-go's UnquoteExtend: strconv.Unquote that also accepts single-quoted strings."""
    if len(quoted) < 2 or quoted[0] != quoted[-1] or quoted[0] not in "\"'":
        raise ValueError
    quote, body = quoted[0], quoted[1:-1]
    if "\\" not in body and quote not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == quote:
            raise ValueError
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError
        esc = body[i + 1]
        i += 2
        if esc in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[esc])
        elif esc in "'\"":
            if esc != quote:
                raise ValueError
            out.append(esc)
        elif esc in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i:i + size]
            if len(digits) != size or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise ValueError
            code = int(digits, 16)
            if esc != "x" and (code > 0x10FFFF or 0xD800 <= code <= 0xDFFF):
                raise ValueError
            out.append(chr(code))
            i += size
        elif esc in "01234567":
            digits = body[i - 1:i + 2]
            if len(digits) != 3 or not re.fullmatch(r"[0-7]{3}", digits) or int(digits, 8) > 255:
                raise ValueError
            out.append(chr(int(digits, 8)))
            i += 2
        else:
            raise ValueError
    return "".join(out)


def parse(template: str) -> ListNode:
    """Parse a template; raises JSONPathError with client-go's message."""
    return _Parser(template).parse()


# ---------------------------------------------------------------------------------------------
# Go value vocabulary: type names, %v and %#v


def _go_type(value) -> str:
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, GoByte):
        return "uint8"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "interface {}"


def go_quote(text: str) -> str:
    """strconv.Quote."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch.isprintable() and ch != "\x7f":
            out.append(ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                        "\v": "\\v"}[ch])
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def go_sharp_v(value, top: bool = True) -> str:
    """fmt's %#v for JSON-shaped data held in interface{} values."""
    if isinstance(value, Mapping):
        items = ", ".join(f"{go_quote(str(k))}:{go_sharp_v(value[k], False)}" for k in sorted(value))
        return f"map[string]interface {{}}{{{items}}}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_sharp_v(v, False) for v in value) + "}"
    if value is None:
        return "interface {}(nil)" if not top else "<nil>"
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GoByte):
        return f"0x{int(value):x}"
    if isinstance(value, float):
        return go_float_g(value)
    return str(value)


def go_v(value) -> str:
    """fmt's %v."""
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_v(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_v(v) for v in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float_g(value)
    if value is INVALID:
        return "<invalid reflect.Value>"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Evaluator (client-go util/jsonpath/jsonpath.go)

_BOOL, _INT, _FLOAT, _STRING, _UINT = "bool", "int", "float", "string", "uint"


def _basic_kind(value) -> str:
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, GoByte):
        return _UINT
    if isinstance(value, int):
        return _INT
    if isinstance(value, float):
        return _FLOAT
    if isinstance(value, str):
        return _STRING
    raise JSONPathError("invalid type for comparison")


def _compare(operator: str, left, right) -> bool:
    k1, k2 = _basic_kind(left), _basic_kind(right)
    if k1 != k2:
        raise JSONPathError("incompatible types for comparison")
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if k1 == _BOOL:
        raise JSONPathError("invalid type for comparison")
    if k1 == _STRING:
        left, right = left.encode("utf-8", "surrogatepass"), right.encode("utf-8", "surrogatepass")
    if operator == "<":
        return left < right
    if operator == ">":
        return left > right
    if operator == "<=":
        return left <= right
    if operator == ">=":
        return left >= right
    raise JSONPathError(f"unrecognized filter operator {operator}")


def _children(value) -> list:
    if isinstance(value, Mapping):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return [GoByte(b) for b in value.encode("utf-8", "surrogatepass")]
    return []


class _Engine:
    def __init__(self, root: ListNode, allow_missing_keys: bool):
        self.root_nodes = list(root.nodes)
        self.begin_range = self.in_range = self.end_range = 0
        self.last_end_node: int | None = None
        self.allow_missing_keys = allow_missing_keys
        # Go's FindResults leaves parser.Root.Nodes at the tail after the last range it entered (never restored):
        # where a reused JSONPath starts its next Execute (see `persistent`).
        self.tail = 0

    def find_results(self, data, start: int = 0) -> list[list]:
        cur = [data]
        full: list[list] = []
        i = start
        while i < len(self.root_nodes):
            results = self.walk(cur, self.root_nodes[i])
            if self.end_range > 0 and self.end_range <= self.in_range:
                self.end_range -= 1
                self.last_end_node = i
                break
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                self.tail = i + 1
                if results:
                    for value in results:
                        self.tail = i + 1
                        full.extend(self.find_results(value, i + 1))
                else:
                    self.find_results(INVALID, i + 1)
                self.in_range -= 1
                for k in range(i + 1, len(self.root_nodes)):
                    if k == self.last_end_node:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def walk(self, values: list, node) -> list:
        if isinstance(node, ListNode):
            return self.eval_list(values, node)
        if isinstance(node, TextNode):
            return [node.text]
        if isinstance(node, FieldNode):
            return self.eval_field(values, node)
        if isinstance(node, ArrayNode):
            return self.eval_array(values, node)
        if isinstance(node, FilterNode):
            return self.eval_filter(values, node)
        if isinstance(node, (IntNode, FloatNode, BoolNode)):
            return [node.value for _ in values]
        if isinstance(node, WildcardNode):
            return [child for value in values if value is not None for child in _children(value)]
        if isinstance(node, RecursiveNode):
            return self.eval_recursive(values)
        if isinstance(node, UnionNode):
            return [item for part in node.nodes for item in self.eval_list(values, part)]
        if isinstance(node, IdentifierNode):
            return self.eval_identifier(values, node)
        raise JSONPathError(f"unexpected Node {node}")

    def eval_list(self, values: list, node: ListNode) -> list:
        for child in node.nodes:
            values = self.walk(values, child)
        return values

    def eval_identifier(self, values: list, node: IdentifierNode) -> list:
        if node.name == "range":
            self.begin_range += 1
            return values
        if node.name == "end":
            if self.in_range > 0:
                self.end_range += 1
                return []
            raise JSONPathError("not in range, nothing to end")
        raise JSONPathError(f"unrecognized identifier {node.name}")

    def eval_field(self, values: list, node: FieldNode) -> list:
        results = []
        if not values:
            return results
        for value in values:
            if value is None:
                continue
            if isinstance(value, Mapping) and node.value in value:
                results.append(value[node.value])
        if not results and not self.allow_missing_keys:
            raise JSONPathError(f"{node.value} is not found")
        return results

    def eval_array(self, values: list, node: ArrayNode) -> list:
        results = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{_go_type(value)} is not array or slice")
            p0, p1, p2 = (Param(p.value, p.known, p.derived) for p in node.params)
            length = len(value)
            if not p0.known:
                p0.value = 0
            if p0.value < 0:
                p0.value += length
            if not p1.known:
                p1.value = length
            if p1.value < 0 or (p1.value == 0 and p1.derived):
                p1.value += length
            if p1.value == p0.value:
                return results
            if p0.value >= length or p0.value < 0:
                raise JSONPathError(f"array index out of bounds: index {p0.value}, length {length}")
            if p1.value > length or p1.value < 0:
                raise JSONPathError(f"array index out of bounds: index {p1.value - 1}, length {length}")
            if p0.value > p1.value:
                raise JSONPathError(f"starting index {p0.value} is greater than ending index {p1.value}")
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise JSONPathError("step must be > 0")
                step = p2.value
            results.extend(value[p0.value:p1.value:step])
        return results

    def eval_recursive(self, values: list) -> list:
        result = []
        for value in values:
            if value is None:
                continue
            children = _children(value)
            if children:
                result.append(value)
                result.extend(self.eval_recursive(children))
        return result

    def eval_filter(self, values: list, node: FilterNode) -> list:
        results = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(f"{go_v(value)} is not array or slice and cannot be filtered")
            for item in value:
                try:
                    lefts = self.eval_list([item], node.left)
                    error = None
                except JSONPathError as exc:
                    lefts, error = [], exc
                if node.operator == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if error is not None:
                    raise error
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self.eval_list([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if node.operator not in ("<", ">", "==", "!=", "<=", ">="):
                    raise JSONPathError(f"unrecognized filter operator {node.operator}")
                if _compare(node.operator, lefts[0], rights[0]):
                    results.append(item)
        return results


def _text_of(value) -> str:
    if isinstance(value, (Mapping, list)):
        return to_compact_json(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float_g(value)
    return str(value)


def _print_results(results: list, output_json: bool) -> str:
    if output_json:
        return to_json([None if r is INVALID else r for r in results], 4, sort_keys=True)
    return " ".join(_text_of(r) for r in results)


def _execute(template: str, data, allow_missing_keys: bool, output_json: bool) -> str:
    try:
        root = parse(template)
    except JSONPathError as exc:
        raise JSONPathParseError(template, str(exc)) from None
    engine = _Engine(root, allow_missing_keys)
    try:
        results = engine.find_results(data)
    except JSONPathError as exc:
        text = (f"error: error executing jsonpath {go_quote(template)}: Error executing template: {exc}. "
                "Printing more information for debugging the template:\n"
                f"\ttemplate was:\n\t\t{template}\n"
                f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n\n")
        raise JSONPathExecuteError(template, str(exc), text) from None
    return "".join(_print_results(r, output_json) for r in results)


def persistent(template: str, allow_missing_keys: bool = True, output_json: bool = False):
    """One JSONPath parsed once and executed for every object, as a Go JSONPathPrinter kept for a whole run is.

    client-go's FindResults never restores the parse tree it trims while ranging, so after a `{range}` the next
    object is read from the nodes after it (a `{range}…{end}` template then fails with "not in range, nothing to
    end"); the engine's counters carry over too."""
    try:
        root = parse(template)
    except JSONPathError as exc:
        raise JSONPathParseError(template, str(exc)) from None
    engine = _Engine(root, allow_missing_keys)

    def execute(data) -> str:
        try:
            results = engine.find_results(data, engine.tail)
        except JSONPathError as exc:
            text = (f"error: error executing jsonpath {go_quote(template)}: Error executing template: {exc}. "
                    "Printing more information for debugging the template:\n"
                    f"\ttemplate was:\n\t\t{template}\n"
                    f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n\n")
            raise JSONPathExecuteError(template, str(exc), text) from None
        return "".join(_print_results(r, output_json) for r in results)

    return execute


def render(template: str, data, allow_missing_keys: bool = True) -> str:
    """`-o jsonpath=TEMPLATE`: the text kubectl prints for data (no newline is added)."""
    return _execute(template, data, allow_missing_keys, output_json=False)


def render_as_json(template: str, data, allow_missing_keys: bool = True) -> str:
    """`-o jsonpath-as-json=TEMPLATE`: each action's results as an indented JSON array."""
    return _execute(template, data, allow_missing_keys, output_json=True)
