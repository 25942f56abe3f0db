"""`-o go-template=` and `go-template-file=`: Go's text/template as kubectl 1.32 (Go 1.23) runs it.

kubectl marshals the object to JSON and decodes it into a map[string]interface{} (integers stay int64,
other numbers are float64), then executes the template named "output" with the builtins of
text/template plus kubectl's `exists` and `base64decode`. `--allow-missing-template-keys` maps to
`missingkey=default` (missing keys print `<no value>`) or `missingkey=error`.

Values are JSON-shaped Python data. Go's reflection shows through in the error texts and in `%T`, so
the evaluator keeps three cases apart, as reflect.Value does: INVALID (the zero Value: a missing key),
Iface (a value still wrapped in interface{}, as map and slice elements are) and concrete values.
`GoInt` marks Go's `int` (literals, `len`, range indexes); a plain int is a JSON int64.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from pykubectl.errors import PrintError, PrintErrorWithOutput
from pykubectl.printing.structured import go_float_g, to_compact_json

__all__ = ["GoTemplate", "GoTemplateError", "parse", "render", "printer", "go_sprintf", "go_sprint"]


class GoTemplateError(Exception):
    """A parse or execution error; its text is Go's (`template: output:1: ...`)."""


# ---------------------------------------------------------------------------------------------
# Values


class _Invalid:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<invalid reflect.Value>"


INVALID = _Invalid()


class _Missing:
    __slots__ = ()


MISSING = _Missing()  # "no final value" in a pipeline


class Iface:
    """A reflect.Value of kind Interface (type interface {}): how map values and slice items are seen."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class GoInt(int):
    """Go's `int` (not int64)."""


class GoByte(int):
    """A uint8 from indexing a string."""


class GoFunc:
    """A template function value (only reachable through `call`)."""


def _dig(value):
    """evalPipeline's unwrapping of interface{}: a nil interface becomes the zero Value."""
    if isinstance(value, Iface):
        return INVALID if value.value is None else value.value
    return value


def _content(value):
    """The interface{} a Go function receives: INVALID and nil interfaces are nil."""
    if value is INVALID:
        return None
    if isinstance(value, Iface):
        return value.value
    return value


def go_type(value) -> str:
    """reflect.Type.String() of a value."""
    if isinstance(value, Iface):
        return "interface {}"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, GoByte):
        return "uint8"
    if isinstance(value, GoInt):
        return "int"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, complex):
        return "complex128"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return "interface {}"


def go_v(value) -> str:
    """fmt's %v (and %+v) of a value held in an interface{}."""
    if isinstance(value, Iface):
        value = value.value
    if value is None:
        return "<nil>"
    if value is INVALID:
        return "<invalid reflect.Value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float_g(value)
    if isinstance(value, complex):
        return f"({go_float_g(value.real)}{'+' if value.imag >= 0 else ''}{go_float_g(value.imag)}i)"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_v(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_v(v) for v in value) + "]"
    return str(value)


def go_quote(text: str, ascii_only: bool = False) -> str:
    """strconv.Quote (or QuoteToASCII)."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif _is_print(ch) and not (ascii_only and code >= 0x80):
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _is_print(ch: str) -> bool:
    if ch == " ":
        return True
    return unicodedata.category(ch)[0] in "LMNPS"


# ---------------------------------------------------------------------------------------------
# fmt: Sprint, Sprintln, Sprintf for the values templates produce


def go_sprint(args: list) -> str:
    """fmt.Sprint: spaces between operands when neither side is a string."""
    out = []
    for i, arg in enumerate(args):
        if i > 0 and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(go_v(arg))
    return "".join(out)


def go_sprintln(args: list) -> str:
    return " ".join(go_v(arg) for arg in args) + "\n"


@dataclass
class _Spec:
    minus: bool = False
    plus: bool = False
    sharp: bool = False
    zero: bool = False
    space: bool = False
    width: int | None = None
    prec: int | None = None


def _pad(text: str, spec: _Spec, numeric: bool = False) -> str:
    if spec.width is None or len(text) >= spec.width:
        return text
    fill = spec.width - len(text)
    if spec.minus:
        return text + " " * fill
    if spec.zero and numeric:
        sign = text[0] if text[:1] in ("-", "+", " ") else ""
        return sign + "0" * fill + text[len(sign):]
    if spec.zero and not numeric:
        return "0" * fill + text
    return " " * fill + text


def _bad_verb(verb: str, value) -> str:
    if value is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type(value)}={go_v(value)})"


def _fmt_int(value: int, verb: str, spec: _Spec) -> str | None:
    negative = value < 0
    magnitude = abs(value)
    if verb in ("d", "v"):
        digits = str(magnitude)
    elif verb == "b":
        digits = format(magnitude, "b")
    elif verb in ("o", "O"):
        digits = format(magnitude, "o")
        if verb == "O":
            digits = "0o" + digits
        elif spec.sharp and digits != "0":
            digits = "0" + digits
    elif verb == "x":
        digits = format(magnitude, "x")
        if spec.sharp:
            digits = "0x" + digits
    elif verb == "X":
        digits = format(magnitude, "X")
        if spec.sharp:
            digits = "0X" + digits
    elif verb == "c":
        return _pad(chr(value) if 0 <= value <= 0x10FFFF else "\ufffd", spec)
    elif verb == "q":
        ch = chr(value) if 0 <= value <= 0x10FFFF else "\ufffd"
        quoted = go_quote(ch)[1:-1].replace("\\\"", '"')
        if ch == "'":
            quoted = "\\'"
        return _pad(f"'{quoted}'", spec)
    elif verb == "U":
        text = f"U+{value:04X}"
        if spec.sharp and 0 <= value <= 0x10FFFF and _is_print(chr(value)):
            text += f" '{chr(value)}'"
        return _pad(text, spec)
    else:
        return None
    if spec.prec is not None:
        digits = digits.zfill(spec.prec) if not (spec.prec == 0 and magnitude == 0) else ""
    sign = "-" if negative else ("+" if spec.plus else (" " if spec.space else ""))
    return _pad(sign + digits, spec, numeric=spec.prec is None)


def _fmt_float(value: float, verb: str, spec: _Spec) -> str | None:
    if verb not in ("v", "g", "G", "e", "E", "f", "F", "x", "X", "b"):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        text = "NaN" if value != value else ("+Inf" if value > 0 else "-Inf")
        if text == "+Inf" and not spec.plus:
            text = "Inf" if not spec.space else " Inf"
        return _pad(text, _Spec(minus=spec.minus, width=spec.width))
    if verb in ("v", "g", "G") and spec.prec is None:
        text = go_float_g(value)
        if verb == "G":
            text = text.upper()
    elif verb in ("g", "G"):
        text = format(value, f".{spec.prec}{verb}")
        if "e" in text.lower():
            mantissa, _, exp = text.partition("e" if verb == "g" else "E")
            text = f"{mantissa}{'e' if verb == 'g' else 'E'}{exp[0]}{int(exp[1:]):02d}"
    elif verb in ("e", "E"):
        text = format(value, f".{6 if spec.prec is None else spec.prec}{verb}")
    elif verb in ("f", "F"):
        text = format(value, f".{6 if spec.prec is None else spec.prec}f")
    else:
        return None
    if spec.plus and not text.startswith("-"):
        text = "+" + text
    elif spec.space and not text.startswith("-"):
        text = " " + text
    return _pad(text, spec, numeric=True)


def _fmt_string(value: str, verb: str, spec: _Spec) -> str | None:
    if verb in ("s", "v"):
        text = value if spec.prec is None else value[:spec.prec]
        return _pad(text, spec)
    if verb == "q":
        text = value if spec.prec is None else value[:spec.prec]
        if spec.sharp and "`" not in text and all(_is_print(c) or c == "\t" for c in text):
            return _pad(f"`{text}`", spec)
        return _pad(go_quote(text, ascii_only=spec.plus), spec)
    if verb in ("x", "X"):
        data = value.encode("utf-8", "surrogateescape")
        if spec.prec is not None:
            data = data[:spec.prec]
        parts = [format(b, "02x" if verb == "x" else "02X") for b in data]
        if spec.sharp:
            parts = [("0x" if verb == "x" else "0X") + p for p in parts]
        return _pad((" " if spec.space else "").join(parts), spec)
    return None


def _fmt_value(value, verb: str, spec: _Spec, depth: int = 0) -> str:
    if isinstance(value, Iface):
        value = value.value
    if verb == "T":
        return _pad(go_type(value), spec)
    if value is None:
        if verb == "v" or depth > 0:
            return _pad("<nil>", spec)
        return _bad_verb(verb, None)
    if isinstance(value, bool):
        if verb in ("t", "v"):
            return _pad("true" if value else "false", spec)
        return _bad_verb(verb, value)
    if isinstance(value, int):
        text = _fmt_int(int(value), verb, spec)
        return _bad_verb(verb, value) if text is None else text
    if isinstance(value, float):
        text = _fmt_float(value, verb, spec)
        return _bad_verb(verb, value) if text is None else text
    if isinstance(value, str):
        text = _fmt_string(value, verb, spec)
        return _bad_verb(verb, value) if text is None else text
    if isinstance(value, Mapping):
        if verb == "v" and spec.sharp:
            return _go_sharp(value)
        items = " ".join(f"{_fmt_value(k, verb, spec, depth + 1)}:{_fmt_value(value[k], verb, spec, depth + 1)}"
                         for k in sorted(value))
        return f"map[{items}]"
    if isinstance(value, list):
        if verb == "v" and spec.sharp:
            return _go_sharp(value)
        return "[" + " ".join(_fmt_value(v, verb, spec, depth + 1) for v in value) + "]"
    return _pad(go_v(value), spec)


def _go_sharp(value, top: bool = True) -> str:
    if isinstance(value, Mapping):
        items = ", ".join(f"{go_quote(str(k))}:{_go_sharp(value[k], False)}" for k in sorted(value))
        return f"map[string]interface {{}}{{{items}}}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_sharp(v, False) for v in value) + "}"
    if value is None:
        return "interface {}(nil)" if not top else "<nil>"
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, GoByte):
        return f"0x{int(value):x}"
    return go_v(value)


def go_sprintf(fmt: str, args: list) -> str:
    """fmt.Sprintf with Go's verbs, flags, width and precision, and its %!verb(...) error forms."""
    out: list[str] = []
    argi = 0
    i, n = 0, len(fmt)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        spec = _Spec()
        while i < n and fmt[i] in "+-# 0":
            c = fmt[i]
            if c == "+":
                spec.plus = True
            elif c == "-":
                spec.minus, spec.zero = True, False
            elif c == "#":
                spec.sharp = True
            elif c == "0":
                spec.zero = not spec.minus
            else:
                spec.space = True
            i += 1
        if i < n and fmt[i] == "*":
            i += 1
            if argi < len(args) and isinstance(_content(args[argi]), int) \
                    and not isinstance(_content(args[argi]), bool):
                spec.width = int(_content(args[argi]))
                if spec.width < 0:
                    spec.minus, spec.width = True, -spec.width
            else:
                out.append("%!(BADWIDTH)")
            argi += 1
        else:
            start = i
            while i < n and fmt[i].isdigit():
                i += 1
            if i > start:
                spec.width = int(fmt[start:i])
        if i < n and fmt[i] == ".":
            i += 1
            if i < n and fmt[i] == "*":
                i += 1
                if argi < len(args) and isinstance(_content(args[argi]), int) \
                        and not isinstance(_content(args[argi]), bool):
                    spec.prec = int(_content(args[argi]))
                    if spec.prec < 0:
                        spec.prec = None
                else:
                    out.append("%!(BADPREC)")
                argi += 1
            else:
                start = i
                while i < n and fmt[i].isdigit():
                    i += 1
                spec.prec = int(fmt[start:i]) if i > start else 0
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = _content(args[argi])
        argi += 1
        if verb == "w":
            out.append(_bad_verb(verb, arg))
            continue
        out.append(_fmt_value(arg, verb, spec))
    if argi < len(args):
        extras = ", ".join("<nil>" if _content(a) is None else f"{go_type(_content(a))}={go_v(_content(a))}"
                           for a in args[argi:])
        out.append(f"%!(EXTRA {extras})")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Lexer (text/template/parse/lex.go)

(I_ERROR, I_BOOL, I_CHAR, I_CHARCONST, I_COMMENT, I_ASSIGN, I_DECLARE, I_COMPLEX, I_EOF, I_FIELD,
 I_IDENTIFIER, I_LEFTDELIM, I_LEFTPAREN, I_NUMBER, I_PIPE, I_RAWSTRING, I_RIGHTDELIM, I_RIGHTPAREN,
 I_SPACE, I_STRING, I_TEXT, I_VARIABLE, I_KEYWORD, I_BLOCK, I_BREAK, I_CONTINUE, I_DOT, I_DEFINE,
 I_ELSE, I_END, I_IF, I_NIL, I_RANGE, I_TEMPLATE, I_WITH) = range(35)

_KEYWORDS = {".": I_DOT, "block": I_BLOCK, "break": I_BREAK, "continue": I_CONTINUE, "define": I_DEFINE,
             "else": I_ELSE, "end": I_END, "if": I_IF, "range": I_RANGE, "nil": I_NIL,
             "template": I_TEMPLATE, "with": I_WITH}


@dataclass
class _Item:
    typ: int
    pos: int
    val: str
    line: int

    def __str__(self) -> str:
        if self.typ == I_EOF:
            return "EOF"
        if self.typ == I_ERROR:
            return self.val
        if self.typ > I_KEYWORD:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


def _go_rune(ch: str) -> str:
    """fmt's %#U."""
    text = f"U+{ord(ch):04X}"
    if _is_print(ch):
        text += f" '{ch}'"
    return text


def _is_space(ch: str) -> bool:
    return ch in (" ", "\t", "\r", "\n")


def _is_alnum(ch: str) -> bool:
    return ch == "_" or (ch != "" and (ch.isalpha() or unicodedata.category(ch) == "Nd"))


_LEFT, _RIGHT = "{{", "}}"


class _Lexer:
    def __init__(self, text: str):
        self.input = text
        self.pos = 0
        self.start = 0
        self.items: list[_Item] = []
        self.paren_depth = 0

    def run(self) -> list[_Item]:
        state = self.lex_text
        while state is not None:
            state = state()
        return self.items

    def next(self) -> str:
        if self.pos >= len(self.input):
            self._width = 0
            return ""
        self._width = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def backup(self) -> None:
        self.pos -= self._width

    def line_at(self, pos: int) -> int:
        return 1 + self.input.count("\n", 0, pos)

    def emit(self, typ: int):
        self.items.append(_Item(typ, self.start, self.input[self.start:self.pos], self.line_at(self.start)))
        self.start = self.pos

    def ignore(self) -> None:
        self.start = self.pos

    def errorf(self, message: str):
        self.items.append(_Item(I_ERROR, self.start, message, self.line_at(self.start)))
        return None

    def accept(self, valid: str) -> bool:
        ch = self.next()
        if ch != "" and ch in valid:
            return True
        self.backup()
        return False

    def accept_run(self, valid: str) -> None:
        while True:
            ch = self.next()
            if ch == "" or ch not in valid:
                break
        self.backup()

    def lex_text(self):
        x = self.input.find(_LEFT, self.pos)
        if x >= 0:
            if x > self.pos:
                self.pos = x
                trim = 0
                delim_end = self.pos + len(_LEFT)
                if _has_left_trim(self.input[delim_end:]):
                    body = self.input[self.start:self.pos]
                    trim = len(body) - len(body.rstrip(" \t\r\n"))
                self.pos -= trim
                item = _Item(I_TEXT, self.start, self.input[self.start:self.pos], self.line_at(self.start))
                self.pos += trim
                self.ignore()
                if item.val:
                    self.items.append(item)
            else:
                self.pos = x
            return self.lex_left_delim
        self.pos = len(self.input)
        if self.pos > self.start:
            self.emit(I_TEXT)
            return self.lex_text
        self.emit(I_EOF)
        return None

    def lex_left_delim(self):
        self.pos += len(_LEFT)
        trim = _has_left_trim(self.input[self.pos:])
        after = 2 if trim else 0
        if self.input.startswith("/*", self.pos + after):
            self.pos += after
            self.ignore()
            return self.lex_comment
        item = _Item(I_LEFTDELIM, self.start, self.input[self.start:self.pos], self.line_at(self.start))
        self.items.append(item)
        self.pos += after
        self.ignore()
        self.paren_depth = 0
        return self.lex_inside_action

    def lex_comment(self):
        self.pos += 2
        x = self.input.find("*/", self.pos)
        if x < 0:
            return self.errorf("unclosed comment")
        self.pos = x + 2
        delim, trim = self.at_right_delim()
        if not delim:
            return self.errorf("comment ends before closing delimiter")
        if trim:
            self.pos += 2
        self.pos += len(_RIGHT)
        if trim:
            rest = self.input[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(" \t\r\n"))
        self.ignore()
        return self.lex_text

    def at_right_delim(self) -> tuple[bool, bool]:
        rest = self.input[self.pos:]
        if len(rest) >= 2 and _is_space(rest[0]) and rest[1] == "-" and rest.startswith(_RIGHT, 2):
            return True, True
        if rest.startswith(_RIGHT):
            return True, False
        return False, False

    def lex_right_delim(self):
        _, trim = self.at_right_delim()
        if trim:
            self.pos += 2
            self.ignore()
        self.pos += len(_RIGHT)
        self.emit(I_RIGHTDELIM)
        if trim:
            rest = self.input[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(" \t\r\n"))
            self.ignore()
        return self.lex_text

    def lex_inside_action(self):
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self.lex_right_delim
            return self.errorf("unclosed left paren")
        ch = self.next()
        if ch == "":
            return self.errorf("unclosed action")
        if _is_space(ch):
            self.backup()
            return self.lex_space
        if ch == "=":
            self.emit(I_ASSIGN)
        elif ch == ":":
            if self.next() != "=":
                return self.errorf("expected :=")
            self.emit(I_DECLARE)
        elif ch == "|":
            self.emit(I_PIPE)
        elif ch == '"':
            return self.lex_quote
        elif ch == "`":
            return self.lex_raw_quote
        elif ch == "$":
            return self.lex_variable
        elif ch == "'":
            return self.lex_char
        elif ch == "." and self.pos < len(self.input) and not ("0" <= self.input[self.pos] <= "9"):
            return self.lex_field
        elif ch in "+-." or "0" <= ch <= "9":
            self.backup()
            return self.lex_number
        elif _is_alnum(ch):
            self.backup()
            return self.lex_identifier
        elif ch == "(":
            self.emit(I_LEFTPAREN)
            self.paren_depth += 1
        elif ch == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                return self.errorf("unexpected right paren")
            self.emit(I_RIGHTPAREN)
        elif ord(ch) < 0x80 and _is_print(ch):
            self.emit(I_CHAR)
        else:
            return self.errorf(f"unrecognized character in action: {_go_rune(ch)}")
        return self.lex_inside_action

    def lex_space(self):
        spaces = 0
        while _is_space(self.peek()):
            self.next()
            spaces += 1
        rest = self.input[self.pos - 1:]
        if len(rest) >= 2 and _is_space(rest[0]) and rest[1] == "-" and rest.startswith(_RIGHT, 2):
            self.pos -= 1
            self._width = 1
            if spaces == 1:
                return self.lex_right_delim
        self.emit(I_SPACE)
        return self.lex_inside_action

    def lex_identifier(self):
        while True:
            ch = self.next()
            if _is_alnum(ch):
                continue
            self.backup()
            word = self.input[self.start:self.pos]
            if not self.at_terminator():
                return self.errorf(f"bad character {_go_rune(ch)}")
            if _KEYWORDS.get(word, -1) > I_KEYWORD:
                self.emit(_KEYWORDS[word])
            elif word[0] == ".":
                self.emit(I_FIELD)
            elif word in ("true", "false"):
                self.emit(I_BOOL)
            else:
                self.emit(I_IDENTIFIER)
            return self.lex_inside_action

    def lex_field(self):
        return self.lex_field_or_variable(I_FIELD)

    def lex_variable(self):
        if self.at_terminator():
            self.emit(I_VARIABLE)
            return self.lex_inside_action
        return self.lex_field_or_variable(I_VARIABLE)

    def lex_field_or_variable(self, typ: int):
        if self.at_terminator():
            self.emit(I_VARIABLE if typ == I_VARIABLE else I_DOT)
            return self.lex_inside_action
        while True:
            ch = self.next()
            if not _is_alnum(ch):
                self.backup()
                break
        if not self.at_terminator():
            return self.errorf(f"bad character {_go_rune(ch)}")
        self.emit(typ)
        return self.lex_inside_action

    def at_terminator(self) -> bool:
        ch = self.peek()
        if ch == "" or _is_space(ch):
            return True
        return ch in ".,|:)(" or ch == _RIGHT[0]

    def lex_char(self):
        while True:
            ch = self.next()
            if ch == "\\":
                ch = self.next()
                if ch not in ("", "\n"):
                    continue
            if ch in ("", "\n"):
                return self.errorf("unterminated character constant")
            if ch == "'":
                break
        self.emit(I_CHARCONST)
        return self.lex_inside_action

    def lex_number(self):
        if not self.scan_number():
            return self.errorf(f"bad number syntax: {go_quote(self.input[self.start:self.pos])}")
        sign = self.peek()
        if sign in ("+", "-") and sign != "":
            if not self.scan_number() or self.input[self.pos - 1] != "i":
                return self.errorf(f"bad number syntax: {go_quote(self.input[self.start:self.pos])}")
            self.emit(I_COMPLEX)
        else:
            self.emit(I_NUMBER)
        return self.lex_inside_action

    def scan_number(self) -> bool:
        self.accept("+-")
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        if self.accept("."):
            self.accept_run(digits)
        if len(digits) == 10 + 1 and self.accept("eE"):
            self.accept("+-")
            self.accept_run("0123456789_")
        if len(digits) == 16 + 6 + 1 and self.accept("pP"):
            self.accept("+-")
            self.accept_run("0123456789_")
        self.accept("i")
        if _is_alnum(self.peek()):
            self.next()
            return False
        return True

    def lex_quote(self):
        while True:
            ch = self.next()
            if ch == "\\":
                ch = self.next()
                if ch not in ("", "\n"):
                    continue
            if ch in ("", "\n"):
                return self.errorf("unterminated quoted string")
            if ch == '"':
                break
        self.emit(I_STRING)
        return self.lex_inside_action

    def lex_raw_quote(self):
        while True:
            ch = self.next()
            if ch == "":
                return self.errorf("unterminated raw quoted string")
            if ch == "`":
                break
        self.emit(I_RAWSTRING)
        return self.lex_inside_action


def _has_left_trim(text: str) -> bool:
    return len(text) >= 2 and text[0] == "-" and _is_space(text[1])


# ---------------------------------------------------------------------------------------------
# Nodes (text/template/parse/node.go)


@dataclass(eq=False)
class Node:
    pos: int

    def __str__(self) -> str:  # pragma: no cover - every node overrides it
        return ""


@dataclass(eq=False)
class ListNode(Node):
    nodes: list = field(default_factory=list)

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


@dataclass(eq=False)
class TextNode(Node):
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False)
class PipeNode(Node):
    line: int = 0
    is_assign: bool = False
    decl: list = field(default_factory=list)
    cmds: list = field(default_factory=list)

    def __str__(self) -> str:
        text = ""
        if self.decl:
            text = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return text + " | ".join(str(c) for c in self.cmds)


@dataclass(eq=False)
class ActionNode(Node):
    line: int = 0
    pipe: PipeNode | None = None

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass(eq=False)
class CommandNode(Node):
    args: list = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


@dataclass(eq=False)
class IdentifierNode(Node):
    ident: str = ""

    def __str__(self) -> str:
        return self.ident


@dataclass(eq=False)
class VariableNode(Node):
    ident: list = field(default_factory=list)

    def __str__(self) -> str:
        return ".".join(self.ident)


@dataclass(eq=False)
class DotNode(Node):
    def __str__(self) -> str:
        return "."


@dataclass(eq=False)
class NilNode(Node):
    def __str__(self) -> str:
        return "nil"


@dataclass(eq=False)
class FieldNode(Node):
    ident: list = field(default_factory=list)

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


@dataclass(eq=False)
class ChainNode(Node):
    node: Node | None = None
    fields: list = field(default_factory=list)

    def __str__(self) -> str:
        text = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return text + "".join("." + f for f in self.fields)


@dataclass(eq=False)
class BoolNode(Node):
    value: bool = False

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(eq=False)
class NumberNode(Node):
    text: str = ""
    is_int: bool = False
    is_uint: bool = False
    is_float: bool = False
    is_complex: bool = False
    int_value: int = 0
    float_value: float = 0.0
    complex_value: complex = 0j

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False)
class StringNode(Node):
    quoted: str = ""
    text: str = ""

    def __str__(self) -> str:
        return self.quoted


@dataclass(eq=False)
class EndNode(Node):
    def __str__(self) -> str:
        return "{{end}}"


@dataclass(eq=False)
class ElseNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{else}}"


@dataclass(eq=False)
class BreakNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{break}}"


@dataclass(eq=False)
class ContinueNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{continue}}"


@dataclass(eq=False)
class BranchNode(Node):
    line: int = 0
    pipe: PipeNode | None = None
    list: ListNode | None = None
    else_list: ListNode | None = None
    keyword: str = ""

    def __str__(self) -> str:
        text = f"{{{{{self.keyword} {self.pipe}}}}}{self.list}"
        if self.else_list is not None:
            text += f"{{{{else}}}}{self.else_list}"
        return text + "{{end}}"


class IfNode(BranchNode):
    pass


class RangeNode(BranchNode):
    pass


class WithNode(BranchNode):
    pass


@dataclass(eq=False)
class TemplateNode(Node):
    line: int = 0
    name: str = ""
    pipe: PipeNode | None = None

    def __str__(self) -> str:
        if self.pipe is None:
            return f"{{{{template {go_quote(self.name)}}}}}"
        return f"{{{{template {go_quote(self.name)} {self.pipe}}}}}"


# ---------------------------------------------------------------------------------------------
# Parser (text/template/parse/parse.go)

_BUILTINS = frozenset({"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
                       "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"})
_KUBECTL_FUNCS = frozenset({"exists", "base64decode"})
FUNCTIONS = _BUILTINS | _KUBECTL_FUNCS


def _unquote(text: str) -> str:
    """strconv.Unquote for "..." and `...` literals; raises ValueError("invalid syntax")."""
    if text.startswith("`"):
        if len(text) < 2 or not text.endswith("`"):
            raise ValueError("invalid syntax")
        return text[1:-1].replace("\r", "")
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote = text[0]
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == quote:
            raise ValueError("invalid syntax")
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        i += 1
        if i >= len(body):
            raise ValueError("invalid syntax")
        esc = body[i]
        i += 1
        simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
        if esc in simple:
            out.append(simple[esc])
        elif esc == quote:
            out.append(esc)
        elif esc in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i:i + size]
            if len(digits) != size or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise ValueError("invalid syntax")
            i += size
            code = int(digits, 16)
            if esc == "x":
                out.append(bytes([code]).decode("latin-1") if code >= 0x80 else chr(code))
            else:
                if code > 0x10FFFF or 0xD800 <= code < 0xE000:
                    raise ValueError("invalid syntax")
                out.append(chr(code))
        elif esc in "01234567":
            digits = body[i - 1:i + 2]
            if len(digits) != 3 or any(c not in "01234567" for c in digits) or int(digits, 8) > 255:
                raise ValueError("invalid syntax")
            i += 2
            out.append(chr(int(digits, 8)))
        else:
            raise ValueError("invalid syntax")
    result = "".join(out)
    if quote == "'" and len(result) != 1:
        raise ValueError("invalid syntax")
    return result


def _parse_go_int(text: str) -> int:
    """strconv.ParseInt(text, 0, 64) without the range check; ValueError when not an integer."""
    body = text.lstrip("+-")
    negative = text.startswith("-")
    if text[:1] in "+-" and text[1:2] in "+-":
        raise ValueError(text)
    if "_" in body:
        if body.startswith("_") or body.endswith("_") or "__" in body:
            raise ValueError(text)
        body = body.replace("_", "")
    lowered = body.lower()
    if lowered.startswith("0x"):
        value = int(body[2:], 16)
    elif lowered.startswith("0b"):
        value = int(body[2:], 2)
    elif lowered.startswith("0o"):
        value = int(body[2:], 8)
    elif len(body) > 1 and body.startswith("0"):
        value = int(body[1:], 8)
    else:
        if not body.isdigit() or not body.isascii():
            raise ValueError(text)
        value = int(body, 10)
    return -value if negative else value


class _Tree:
    """One parsed template (its root list) and the shared set of named trees."""

    def __init__(self, name: str, text: str, tree_set: dict[str, _Tree]):
        self.name = name
        self.parse_name = "output"
        self.text = text
        self.root: ListNode | None = None
        self.tree_set = tree_set


class _Parser:
    def __init__(self, text: str, name: str = "output"):
        self.text = text
        self.items = _Lexer(text).run()
        self.index = 0
        self.token: list[_Item | None] = [None, None, None]
        self.peek_count = 0
        self.vars = ["$"]
        self.name = name
        self.tree_set: dict[str, _Tree] = {}
        self.action_line = 0
        self.range_depth = 0

    # tokens

    def _lex_next(self) -> _Item:
        if self.index < len(self.items):
            item = self.items[self.index]
            self.index += 1
            return item
        return self.items[-1]

    def next(self) -> _Item:
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            self.token[0] = self._lex_next()
        return self.token[self.peek_count]

    def backup(self) -> None:
        self.peek_count += 1

    def backup2(self, t1: _Item) -> None:
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2: _Item, t1: _Item) -> None:
        self.token[1] = t1
        self.token[2] = t2
        self.peek_count = 3

    def peek(self) -> _Item:
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        self.token[0] = self._lex_next()
        return self.token[0]

    def next_non_space(self) -> _Item:
        while True:
            token = self.next()
            if token.typ != I_SPACE:
                return token

    def peek_non_space(self) -> _Item:
        token = self.next_non_space()
        self.backup()
        return token

    def errorf(self, message: str):
        line = self.token[0].line if self.token[0] is not None else 1
        raise GoTemplateError(f"template: output:{line}: {message}")

    def expect(self, expected: int, context: str) -> _Item:
        token = self.next_non_space()
        if token.typ != expected:
            self.unexpected(token, context)
        return token

    def expect_one_of(self, e1: int, e2: int, context: str) -> _Item:
        token = self.next_non_space()
        if token.typ not in (e1, e2):
            self.unexpected(token, context)
        return token

    def unexpected(self, token: _Item, context: str):
        if token.typ == I_ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != token.line:
                extra = f" in action started at output:{self.action_line}"
                if context.endswith(" clause"):
                    extra += f" (in {context})"
            self.errorf(f"{token}{extra}")
        self.errorf(f"unexpected {token} in {context}")

    # structure

    def parse(self) -> dict[str, _Tree]:
        tree = _Tree(self.name, self.text, self.tree_set)
        tree.root = self._parse_top()
        self._add(tree)
        return self.tree_set

    def _add(self, tree: _Tree) -> None:
        existing = self.tree_set.get(tree.name)
        if existing is None or _is_empty_tree(existing.root):
            self.tree_set[tree.name] = tree
            return
        if not _is_empty_tree(tree.root):
            self.errorf(f"template: multiple definition of template {go_quote(tree.name)}")

    def _parse_top(self) -> ListNode:
        root = ListNode(self.peek().pos)
        while self.peek().typ != I_EOF:
            if self.peek().typ == I_LEFTDELIM:
                delim = self.next()
                if self.next_non_space().typ == I_DEFINE:
                    self._parse_definition()
                    continue
                self.backup2(delim)
            node = self.text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                self.errorf(f"unexpected {node}")
            root.nodes.append(node)
        return root

    def _parse_definition(self) -> None:
        context = "define clause"
        saved_vars = self.vars
        self.vars = ["$"]
        name = self.expect_one_of(I_STRING, I_RAWSTRING, context)
        try:
            tree_name = _unquote(name.val)
        except ValueError as exc:
            self.errorf(str(exc))
        self.expect(I_RIGHTDELIM, context)
        tree = _Tree(tree_name, self.text, self.tree_set)
        tree.root, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self._add(tree)
        self.vars = saved_vars

    def item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().typ != I_EOF:
            node = self.text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                return lst, node
            lst.nodes.append(node)
        self.errorf("unexpected EOF")

    def text_or_action(self) -> Node:
        token = self.next_non_space()
        if token.typ == I_TEXT:
            return TextNode(token.pos, token.val)
        if token.typ == I_LEFTDELIM:
            self.action_line = token.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(token, "input")

    def action(self) -> Node:
        token = self.next_non_space()
        typ = token.typ
        if typ == I_BLOCK:
            return self.block_control()
        if typ == I_BREAK:
            return self.break_control(token, "break")
        if typ == I_CONTINUE:
            return self.break_control(token, "continue")
        if typ == I_ELSE:
            return self.else_control()
        if typ == I_END:
            return EndNode(self.expect(I_RIGHTDELIM, "end").pos)
        if typ == I_IF:
            return self.control(IfNode, "if")
        if typ == I_RANGE:
            return self.control(RangeNode, "range")
        if typ == I_TEMPLATE:
            return self.template_control()
        if typ == I_WITH:
            return self.control(WithNode, "with")
        self.backup()
        token = self.peek()
        return ActionNode(token.pos, token.line, self.pipeline("command", I_RIGHTDELIM))

    def break_control(self, start: _Item, word: str) -> Node:
        token = self.next_non_space()
        if token.typ != I_RIGHTDELIM:
            self.unexpected(token, f"{{{{{word}}}}}")
        if self.range_depth == 0:
            self.errorf(f"{{{{{word}}}}} outside {{{{range}}}}")
        return (BreakNode if word == "break" else ContinueNode)(start.pos, start.line)

    def else_control(self) -> Node:
        peek = self.peek_non_space()
        if peek.typ in (I_IF, I_WITH):
            return ElseNode(peek.pos, peek.line)
        token = self.expect(I_RIGHTDELIM, "else")
        return ElseNode(token.pos, token.line)

    def control(self, cls, context: str) -> Node:
        mark = len(self.vars)
        try:
            pipe = self.pipeline(context, I_RIGHTDELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                if (context == "if" and self.peek().typ == I_IF) or (context == "with" and self.peek().typ == I_WITH):
                    self.next()
                    else_list = ListNode(nxt.pos)
                    else_list.nodes.append(self.control(cls, context))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
        finally:
            del self.vars[mark:]
        return cls(pipe.pos, pipe.line, pipe, lst, else_list, context)

    def block_control(self) -> Node:
        context = "block clause"
        token = self.next_non_space()
        name = self.parse_template_name(token, context)
        pipe = self.pipeline(context, I_RIGHTDELIM)
        saved_vars = self.vars
        self.vars = ["$"]
        tree = _Tree(name, self.text, self.tree_set)
        tree.root, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self._add(tree)
        self.vars = saved_vars
        return TemplateNode(token.pos, token.line, name, pipe)

    def template_control(self) -> Node:
        context = "template clause"
        token = self.next_non_space()
        name = self.parse_template_name(token, context)
        pipe = None
        if self.next_non_space().typ != I_RIGHTDELIM:
            self.backup()
            pipe = self.pipeline(context, I_RIGHTDELIM)
        return TemplateNode(token.pos, token.line, name, pipe)

    def parse_template_name(self, token: _Item, context: str) -> str:
        if token.typ in (I_STRING, I_RAWSTRING):
            try:
                return _unquote(token.val)
            except ValueError as exc:
                self.errorf(str(exc))
        self.unexpected(token, context)

    def pipeline(self, context: str, end: int) -> PipeNode:
        token = self.peek_non_space()
        pipe = PipeNode(token.pos, token.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.typ != I_VARIABLE:
                break
            self.next()
            after = self.peek()
            nxt = self.peek_non_space()
            if nxt.typ in (I_ASSIGN, I_DECLARE):
                pipe.is_assign = nxt.typ == I_ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val.split(".")))
                self.vars.append(v.val)
            elif nxt.typ == I_CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val.split(".")))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (I_VARIABLE, I_RIGHTDELIM, I_RIGHTPAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif after.typ == I_SPACE:
                self.backup3(v, after)
            else:
                self.backup2(v)
            break
        while True:
            token = self.next_non_space()
            if token.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if token.typ in (I_BOOL, I_CHARCONST, I_COMPLEX, I_DOT, I_FIELD, I_IDENTIFIER, I_NUMBER, I_NIL,
                             I_RAWSTRING, I_STRING, I_VARIABLE, I_LEFTPAREN):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(token, context)

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, cmd in enumerate(pipe.cmds[1:]):
            if isinstance(cmd.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.next()
            if token.typ == I_SPACE:
                continue
            if token.typ in (I_RIGHTDELIM, I_RIGHTPAREN):
                self.backup()
            elif token.typ == I_PIPE:
                pass
            else:
                self.unexpected(token, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == I_FIELD:
            chain = ChainNode(self.peek().pos, node)
            while self.peek().typ == I_FIELD:
                chain.fields.append(self.next().val[1:])
            if isinstance(node, FieldNode):
                node = FieldNode(chain.pos, [f for f in str(chain).split(".") if f])
            elif isinstance(node, VariableNode):
                node = VariableNode(chain.pos, str(chain).split("."))
            elif isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf(f"unexpected . after term {go_quote(str(node))}")
            else:
                node = chain
        return node

    def term(self) -> Node | None:
        token = self.next_non_space()
        typ = token.typ
        if typ == I_IDENTIFIER:
            if token.val not in FUNCTIONS:
                self.errorf(f"function {go_quote(token.val)} not defined")
            return IdentifierNode(token.pos, token.val)
        if typ == I_DOT:
            return DotNode(token.pos)
        if typ == I_NIL:
            return NilNode(token.pos)
        if typ == I_VARIABLE:
            node = VariableNode(token.pos, token.val.split("."))
            if node.ident[0] not in self.vars:
                self.errorf(f"undefined variable {go_quote(node.ident[0])}")
            return node
        if typ == I_FIELD:
            return FieldNode(token.pos, [f for f in token.val.split(".") if f])
        if typ == I_BOOL:
            return BoolNode(token.pos, token.val == "true")
        if typ in (I_CHARCONST, I_COMPLEX, I_NUMBER):
            return self.number(token)
        if typ == I_LEFTPAREN:
            return self.pipeline("parenthesized pipeline", I_RIGHTPAREN)
        if typ in (I_STRING, I_RAWSTRING):
            try:
                text = _unquote(token.val)
            except ValueError as exc:
                self.errorf(str(exc))
            return StringNode(token.pos, token.val, text)
        self.backup()
        return None

    def number(self, token: _Item) -> NumberNode:
        text = token.val
        node = NumberNode(token.pos, text)
        if token.typ == I_CHARCONST:
            try:
                rune = _unquote(text)
            except ValueError as exc:
                self.errorf(str(exc))
            value = ord(rune)
            node.is_int = node.is_uint = node.is_float = True
            node.int_value, node.float_value = value, float(value)
            return node
        if token.typ == I_COMPLEX or text.endswith("i"):
            try:
                node.complex_value = complex(text.replace("i", "j"))
            except ValueError:
                self.errorf(f"illegal number syntax: {go_quote(text)}")
            node.is_complex = True
            if node.complex_value.imag == 0:
                node.is_float, node.float_value = True, node.complex_value.real
                if float(int(node.float_value)) == node.float_value:
                    node.is_int = node.is_uint = True
                    node.int_value = int(node.float_value)
            return node
        try:
            value = _parse_go_int(text)
        except ValueError:
            value = None
        if value is not None:
            node.is_uint = 0 <= value < 2 ** 64 and not text.startswith("-")
            node.is_int = -2 ** 63 <= value < 2 ** 63
            if value == 0:
                node.is_uint = True
            node.int_value = value
            if node.is_int or node.is_uint:
                node.is_float, node.float_value = True, float(value)
            elif not any(c in text for c in ".eEpP"):
                self.errorf(f"integer overflow: {go_quote(text)}")
        else:
            try:
                body = text.replace("_", "")
                f = float.fromhex(body) if body.lower().lstrip("+-").startswith("0x") else float(body)
            except ValueError:
                f = None
            if f is not None and f == f and not any(c in text for c in ".eEpP"):
                self.errorf(f"integer overflow: {go_quote(text)}")
            if f is not None:
                node.is_float, node.float_value = True, f
                if f not in (float("inf"), float("-inf")) and float(int(f)) == f:
                    iv = int(f)
                    node.is_int = -2 ** 63 <= iv < 2 ** 63
                    node.is_uint = 0 <= iv < 2 ** 64
                    node.int_value = iv
        if not (node.is_int or node.is_uint or node.is_float):
            self.errorf(f"illegal number syntax: {go_quote(text)}")
        return node


def _is_empty_tree(node) -> bool:
    if node is None:
        return True
    if isinstance(node, ListNode):
        return all(_is_empty_tree(n) for n in node.nodes)
    if isinstance(node, TextNode):
        return not node.text.strip(" \t\r\n\v\f")
    return False


# ---------------------------------------------------------------------------------------------
# Execution (text/template/exec.go, funcs.go)


class _ExecError(Exception):
    pass


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _FuncError(Exception):
    """An error a template function returns (Go: the function's error result)."""


def _indirect(value):
    """(value, is_nil) through interface{} wrappers."""
    while isinstance(value, Iface):
        if value.value is None:
            return value, True
        value = value.value
    return value, False


def _indirect_interface(value):
    if isinstance(value, Iface):
        return INVALID if value.value is None else value.value
    return value


def _is_true(value) -> tuple[bool, bool]:
    if value is INVALID:
        return False, True
    if isinstance(value, Iface):
        return value.value is not None, True
    if isinstance(value, (Mapping, list, str)):
        return len(value) > 0, True
    if isinstance(value, bool):
        return value, True
    if isinstance(value, (int, float, complex)):
        return value != 0, True
    if value is None:
        return False, True
    return True, True


def _truth(value) -> bool:
    return _is_true(_indirect_interface(value))[0]


_BOOL_K, _INT_K, _UINT_K, _FLOAT_K, _COMPLEX_K, _STRING_K, _INVALID_K = range(7)


def _basic_kind(value) -> int:
    if isinstance(value, bool):
        return _BOOL_K
    if isinstance(value, GoByte):
        return _UINT_K
    if isinstance(value, int):
        return _INT_K
    if isinstance(value, float):
        return _FLOAT_K
    if isinstance(value, complex):
        return _COMPLEX_K
    if isinstance(value, str):
        return _STRING_K
    return _INVALID_K


def _eq(arg1, *others):
    arg1 = _indirect_interface(arg1)
    if not others:
        raise _FuncError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in others:
        arg = _indirect_interface(arg)
        k2 = _basic_kind(arg)
        if k1 != k2:
            if {k1, k2} == {_INT_K, _UINT_K}:
                truth = int(arg1) == int(arg)
            elif arg1 is not INVALID and arg is not INVALID:
                raise _FuncError("incompatible types for comparison")
            else:
                truth = False
        elif k1 == _INVALID_K:
            if arg1 is INVALID or arg is INVALID:
                truth = arg1 is INVALID and arg is INVALID
            else:
                raise _FuncError(f"non-comparable type {_fmt_value(arg, 's', _Spec())}: {go_type(arg)}")
        else:
            truth = arg1 == arg
        if truth:
            return True
    return False


def _ne(arg1, arg2):
    return not _eq(arg1, arg2)


def _lt(arg1, arg2):
    arg1 = _indirect_interface(arg1)
    k1 = _basic_kind(arg1)
    if k1 == _INVALID_K:
        raise _FuncError("invalid type for comparison")
    arg2 = _indirect_interface(arg2)
    k2 = _basic_kind(arg2)
    if k2 == _INVALID_K:
        raise _FuncError("invalid type for comparison")
    if k1 != k2:
        if {k1, k2} == {_INT_K, _UINT_K}:
            return int(arg1) < int(arg2)
        raise _FuncError("incompatible types for comparison")
    if k1 in (_BOOL_K, _COMPLEX_K):
        raise _FuncError("invalid type for comparison")
    if k1 == _STRING_K:
        return arg1.encode("utf-8", "surrogatepass") < arg2.encode("utf-8", "surrogatepass")
    return arg1 < arg2


def _le(arg1, arg2):
    return _lt(arg1, arg2) or _eq(arg1, arg2)


def _gt(arg1, arg2):
    return not _le(arg1, arg2)


def _ge(arg1, arg2):
    return not _lt(arg1, arg2)


def _not(arg):
    return not _truth(arg)


def _length(item):
    item, is_nil = _indirect(item)
    if is_nil:
        raise _FuncError("len of nil pointer")
    if item is INVALID:
        raise _FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return GoInt(len(item.encode("utf-8", "surrogatepass")))
    if isinstance(item, (Mapping, list)):
        return GoInt(len(item))
    raise _FuncError(f"len of type {go_type(item)}")


def _index_arg(index, length: int, what: str = "index") -> int:
    if index is INVALID:
        raise _FuncError("cannot index slice/array with nil")
    if isinstance(index, bool) or not isinstance(index, int):
        raise _FuncError(f"cannot index slice/array with type {go_type(index)}")
    x = int(index)
    if x < 0 or x > length:
        raise _FuncError(f"{what} out of range: {x}")
    return x


def _index(item, *indexes):
    item = _indirect_interface(item)
    if item is INVALID:
        raise _FuncError("index of untyped nil")
    for index in indexes:
        index = _indirect_interface(index)
        item, is_nil = _indirect(item)
        if is_nil:
            raise _FuncError("index of nil pointer")
        if isinstance(item, (list, str)):
            x = _index_arg(index, len(item))
            if isinstance(item, str):
                data = item.encode("utf-8", "surrogatepass")
                if x == len(data):
                    raise _FuncError("reflect: string index out of range")
                item = GoByte(data[x])
            else:
                if x == len(item):
                    raise _FuncError("reflect: slice index out of range")
                item = Iface(item[x])
        elif isinstance(item, Mapping):
            if index is INVALID:
                raise _FuncError("value is nil; should be of type string")
            if not isinstance(index, str):
                raise _FuncError(f"value has type {go_type(index)}; should be string")
            item = Iface(item.get(index))
        else:
            raise _FuncError(f"can't index item of type {go_type(item)}")
    return item


def _slice(item, *indexes):
    item = _indirect_interface(item)
    if item is INVALID:
        raise _FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise _FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise _FuncError("cannot 3-index slice a string")
        data = item.encode("utf-8", "surrogatepass")
        length = len(data)
    elif isinstance(item, list):
        length = len(item)
    else:
        raise _FuncError(f"can't slice item of type {go_type(item)}")
    idx = [0, length]
    for i, index in enumerate(indexes):
        x = _index_arg(_indirect_interface(index), length, "index")
        if i < 2:
            idx[i] = x
    if idx[0] > idx[1]:
        raise _FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if isinstance(item, str):
        return data[idx[0]:idx[1]].decode("utf-8", "surrogateescape")
    return item[idx[0]:idx[1]]


def _eval_args(args: list) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return go_sprint(args)


def _html(*args):
    text = _eval_args(list(args))
    for a, b in (("&", "&amp;"), ("'", "&#39;"), ('"', "&#34;"), ("<", "&lt;"), (">", "&gt;"), ("\x00", "\ufffd")):
        text = text.replace(a, b)
    return text


def _js(*args):
    text = _eval_args(list(args))
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == '"':
            out.append("\\\"")
        elif ch == "<":
            out.append("\\u003C")
        elif ch == ">":
            out.append("\\u003E")
        elif ch == "&":
            out.append("\\u0026")
        elif ch == "=":
            out.append("\\u003D")
        elif code < 0x20:
            out.append(f"\\u{code:04X}")
        elif code >= 0x80 and not _is_print(ch):
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "".join(out)


def _urlquery(*args):
    from urllib.parse import quote_plus

    return quote_plus(_eval_args(list(args)), safe="-_.~")


def _call(fn, *args):
    fn = _indirect_interface(fn)
    if fn is INVALID:
        raise _FuncError("call of nil")
    raise _FuncError(f"non-function of type {go_type(fn)}")


def _exists(item, *indices):
    value = item
    for index in indices:
        value, is_nil = _indirect(value)
        if is_nil or value is None:
            return False
        if isinstance(value, (list, str)):
            if isinstance(index, bool) or not isinstance(index, int):
                return False
            length = len(value.encode("utf-8")) if isinstance(value, str) else len(value)
            if index < 0 or index >= length:
                return False
            value = GoByte(value.encode("utf-8")[index]) if isinstance(value, str) else Iface(value[index])
        elif isinstance(value, Mapping):
            if index is None:
                index = ""
            if not isinstance(index, str):
                return False
            value = Iface(value.get(index))
        else:
            return False
    value, is_nil = _indirect(value)
    return not is_nil and value is not None


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_MAP = {ord(c): i for i, c in enumerate(_B64)}


def _base64decode(text: str) -> str:
    """encoding/base64 StdEncoding.DecodeString, with its error positions."""
    src = text.encode("utf-8", "surrogatepass")
    out = bytearray()
    si = 0
    n = len(src)
    while True:
        dbuf = [0, 0, 0, 0]
        dlen = 4
        j = 0
        error_at = None
        done = False
        while j < 4:
            if si == n:
                if j == 0:
                    return out.decode("utf-8", "replace")
                if j == 1 or True:  # StdEncoding pads
                    raise _FuncError(f"base64 decode failed: illegal base64 data at input byte {si - j}")
            ch = src[si]
            si += 1
            if ch in _B64_MAP:
                dbuf[j] = _B64_MAP[ch]
                j += 1
                continue
            if ch in (0x0A, 0x0D):
                continue
            if ch != 0x3D:
                raise _FuncError(f"base64 decode failed: illegal base64 data at input byte {si - 1}")
            if j in (0, 1):
                raise _FuncError(f"base64 decode failed: illegal base64 data at input byte {si - 1}")
            if j == 2:
                while si < n and src[si] in (0x0A, 0x0D):
                    si += 1
                if si == n:
                    raise _FuncError(f"base64 decode failed: illegal base64 data at input byte {n}")
                if src[si] != 0x3D:
                    raise _FuncError(f"base64 decode failed: illegal base64 data at input byte {si - 1}")
                si += 1
            while si < n and src[si] in (0x0A, 0x0D):
                si += 1
            if si < n:
                error_at = si
            dlen = j
            done = True
            break
        value = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3]
        chunk = bytes([(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF])
        out += chunk[:dlen - 1]
        if error_at is not None:
            raise _FuncError(f"base64 decode failed: illegal base64 data at input byte {error_at}")
        if done:
            return out.decode("utf-8", "replace")


# name → (function, parameter kinds, variadic element kind or None). Kinds: "value" (reflect.Value),
# "any" (interface{}), "string".
_FUNCS = {
    "and": (None, ["value"], "value"),
    "or": (None, ["value"], "value"),
    "not": (_not, ["value"], None),
    "call": (_call, ["value"], "value"),
    "html": (_html, [], "any"),
    "js": (_js, [], "any"),
    "urlquery": (_urlquery, [], "any"),
    "index": (_index, ["value"], "value"),
    "slice": (_slice, ["value"], "value"),
    "len": (_length, ["value"], None),
    "print": (lambda *a: go_sprint(list(a)), [], "any"),
    "println": (lambda *a: go_sprintln(list(a)), [], "any"),
    "printf": (lambda f, *a: go_sprintf(f, list(a)), ["string"], "any"),
    "eq": (_eq, ["value"], "value"),
    "ne": (_ne, ["value", "value"], None),
    "lt": (_lt, ["value", "value"], None),
    "le": (_le, ["value", "value"], None),
    "gt": (_gt, ["value", "value"], None),
    "ge": (_ge, ["value", "value"], None),
    "exists": (_exists, ["any"], "any"),
    "base64decode": (_base64decode, ["string"], None),
}


class _State:
    def __init__(self, template: GoTemplate, allow_missing_keys: bool):
        self.template = template
        self.missing_error = not allow_missing_keys
        self.out: list[str] = []
        self.vars: list[list] = []
        self.node: Node | None = None
        self.depth = 0
        self.tree_name = "output"

    # errors

    def errorf(self, message: str):
        name = self.tree_name
        if self.node is None:
            raise _ExecError(f"template: {name}: {message}")
        pos = self.node.pos
        text = self.template.text[:pos]
        newline = text.rfind("\n")
        col = len(text.encode("utf-8")) if newline < 0 else len(text[newline + 1:].encode("utf-8"))
        line = 1 + text.count("\n")
        raise _ExecError(f"template: output:{line}:{col}: executing {go_quote(name)} at <{self.node}>: {message}")

    # variables

    def push(self, name: str, value) -> None:
        self.vars.append([name, value])

    def mark(self) -> int:
        return len(self.vars)

    def pop(self, mark: int) -> None:
        del self.vars[mark:]

    def set_var(self, name: str, value) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i][1] = value
                return
        self.errorf(f"undefined variable: {name}")

    def set_top_var(self, n: int, value) -> None:
        self.vars[-n][1] = value

    def var_value(self, name: str):
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        self.errorf(f"undefined variable: {name}")

    # walking

    def walk(self, dot, node: Node) -> None:
        self.node = node
        if isinstance(node, ActionNode):
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, value)
        elif isinstance(node, ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, TextNode):
            self.out.append(node.text)
        elif isinstance(node, IfNode):
            self.walk_if_or_with(False, dot, node)
        elif isinstance(node, WithNode):
            self.walk_if_or_with(True, dot, node)
        elif isinstance(node, RangeNode):
            self.walk_range(dot, node)
        elif isinstance(node, TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, BreakNode):
            raise _Break()
        elif isinstance(node, ContinueNode):
            raise _Continue()
        else:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, is_with: bool, dot, node: BranchNode) -> None:
        mark = self.mark()
        try:
            value = self.eval_pipeline(dot, node.pipe)
            truth, ok = _is_true(_indirect_interface(value))
            if not ok:
                self.errorf(f"if/with can't use {go_v(value)}")
            if truth:
                self.walk(value if is_with else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(mark)

    def walk_range(self, dot, node: RangeNode) -> None:
        self.node = node
        outer = self.mark()
        try:
            value, _ = _indirect(self.eval_pipeline(dot, node.pipe))
            mark = self.mark()

            def one_iteration(index, elem) -> None:
                if node.pipe.decl:
                    self.set_top_var(1, elem)
                if len(node.pipe.decl) > 1:
                    self.set_top_var(2, index)
                try:
                    self.walk(elem, node.list)
                except _Continue:
                    pass
                finally:
                    self.pop(mark)

            try:
                if isinstance(value, list):
                    if value:
                        for i, item in enumerate(value):
                            one_iteration(GoInt(i), Iface(item))
                        return
                elif isinstance(value, Mapping):
                    if value:
                        for key in sorted(value):
                            one_iteration(key, Iface(value[key]))
                        return
                elif value is INVALID:
                    pass
                else:  # Go 1.23's text/template cannot range over integers yet
                    self.errorf(f"range can't iterate over {go_v(value)}")
            except _Break:
                return
            if node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(outer)

    def walk_template(self, dot, node: TemplateNode) -> None:
        self.node = node
        tree = self.template.trees.get(node.name)
        if tree is None:
            self.errorf(f"template {go_quote(node.name)} not defined")
        if self.depth == 100000:
            self.errorf("exceeded maximum template depth (100000)")
        dot = self.eval_pipeline(dot, node.pipe)
        saved = (self.vars, self.tree_name)
        self.vars = [["$", dot]]
        self.tree_name = node.name
        self.depth += 1
        try:
            self.walk(dot, tree.root)
        finally:
            self.depth -= 1
            self.vars, self.tree_name = saved

    # evaluation

    def eval_pipeline(self, dot, pipe: PipeNode | None):
        if pipe is None:
            return INVALID
        self.node = pipe
        value = MISSING
        for cmd in pipe.cmds:
            value = _dig(self.eval_command(dot, cmd, value))
        for variable in pipe.decl:
            if pipe.is_assign:
                self.set_var(variable.ident[0], value)
            else:
                self.push(variable.ident[0], value)
        return value

    def not_a_function(self, args: list, final) -> None:
        if (args is not None and len(args) > 1) or final is not MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot, cmd: CommandNode, final):
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            self.node = first
            return self.eval_field_chain(dot, dot, first, first.ident, cmd.args, final)
        if isinstance(first, ChainNode):
            return self.eval_chain_node(dot, first, cmd.args, final)
        if isinstance(first, IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, PipeNode):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, VariableNode):
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.node = first
        self.not_a_function(cmd.args, final)
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NilNode):
            self.errorf("nil is not a command")
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return first.text
        self.errorf(f"can't evaluate command {go_quote(str(first))}")

    def ideal_constant(self, constant: NumberNode):
        self.node = constant
        text = constant.text
        if constant.is_complex:
            return constant.complex_value
        is_hex = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
        if constant.is_float and not is_hex and not text.startswith("'") and any(c in text for c in ".eEpP"):
            return constant.float_value
        if constant.is_int:
            return GoInt(constant.int_value)
        if constant.is_uint:
            self.errorf(f"{text} overflows int")
        return INVALID

    def eval_chain_node(self, dot, chain: ChainNode, args: list, final):
        self.node = chain
        if isinstance(chain.node, NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        pipe = self.eval_arg(dot, None, chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.fields, args, final)

    def eval_variable_node(self, dot, variable: VariableNode, args: list, final):
        self.node = variable
        value = self.var_value(variable.ident[0])
        if len(variable.ident) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, variable, variable.ident[1:], args, final)

    def eval_field_chain(self, dot, receiver, node: Node, ident: list, args: list, final):
        for name in ident[:-1]:
            receiver = self.eval_field(dot, name, node, None, MISSING, receiver)
        return self.eval_field(dot, ident[-1], node, args, final, receiver)

    def eval_field(self, dot, name: str, node: Node, args, final, receiver):
        if receiver is INVALID:
            if self.missing_error:
                self.errorf(f"nil data; no entry for key {go_quote(name)}")
            return INVALID
        typ = go_type(receiver)
        receiver, is_nil = _indirect(receiver)
        if is_nil:
            self.errorf(f"nil pointer evaluating {typ}.{name}")
        has_args = (args is not None and len(args) > 1) or final is not MISSING
        if isinstance(receiver, Mapping):
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                return Iface(receiver[name])
            if self.missing_error:
                self.errorf(f"map has no entry for key {go_quote(name)}")
            return INVALID
        self.errorf(f"can't evaluate field {name} in type {typ}")

    def eval_function(self, dot, node: IdentifierNode, cmd: Node, args, final):
        self.node = node
        name = node.ident
        if name not in _FUNCS:
            self.errorf(f"{go_quote(name)} is not a defined function")
        return self.eval_call(dot, name, cmd, args, final)

    def eval_call(self, dot, name: str, node: Node, args, final):
        fn, params, variadic = _FUNCS[name]
        args = list(args[1:]) if args is not None else []
        num_in = len(args) + (0 if final is MISSING else 1)
        num_params = len(params) + (1 if variadic else 0)
        if variadic:
            num_fixed = len(params)
            if num_in < num_fixed:
                self.errorf(f"wrong number of args for {name}: want at least {num_fixed} got {len(args)}")
        else:
            num_fixed = len(args)
            if num_in != num_params:
                self.errorf(f"wrong number of args for {name}: want {num_params} got {num_in}")
        if name in ("and", "or"):
            value = INVALID
            for arg in args:
                value = self.eval_arg(dot, "value", arg)
                if _truth(value) == (name == "or"):
                    return value
            if final is not MISSING:
                value = self.validate_type(final, "value")
            return value
        argv = []
        i = 0
        while i < num_fixed and i < len(args):
            argv.append(self.eval_arg(dot, params[i], args[i]))
            i += 1
        while i < len(args):
            argv.append(self.eval_arg(dot, variadic, args[i]))
            i += 1
        if final is not MISSING:
            kind = params[num_in - 1] if (not variadic or num_in - 1 < num_fixed) and num_in - 1 < len(params) \
                else variadic
            argv.append(self.validate_type(final, kind))
        try:
            return fn(*argv)
        except _FuncError as exc:
            self.node = node
            self.errorf(f"error calling {name}: {exc}")

    def validate_type(self, value, kind: str | None):
        if kind is None:
            return value
        if kind == "value":
            return value
        if kind == "any":
            return _content(value)
        # string
        if value is INVALID:
            self.errorf("invalid value; expected string")
        if isinstance(value, Iface):
            if value.value is None:
                self.errorf("wrong type for value; expected string; got interface {}")
            value = value.value
        if not isinstance(value, str):
            self.errorf(f"wrong type for value; expected string; got {go_type(value)}")
        return value

    def eval_arg(self, dot, kind: str | None, node: Node):
        self.node = node
        if isinstance(node, DotNode):
            return self.validate_type(dot, kind)
        if isinstance(node, NilNode):
            if kind in ("value", "any", None):
                return INVALID if kind != "any" else None
            self.errorf(f"cannot assign nil to {kind}")
        if isinstance(node, FieldNode):
            return self.validate_type(self.eval_field_chain(dot, dot, node, node.ident, [node], MISSING), kind)
        if isinstance(node, VariableNode):
            return self.validate_type(self.eval_variable_node(dot, node, None, MISSING), kind)
        if isinstance(node, PipeNode):
            return self.validate_type(self.eval_pipeline(dot, node), kind)
        if isinstance(node, IdentifierNode):
            return self.validate_type(self.eval_function(dot, node, node, None, MISSING), kind)
        if isinstance(node, ChainNode):
            return self.validate_type(self.eval_chain_node(dot, node, None, MISSING), kind)
        if kind == "string":
            if isinstance(node, StringNode):
                return node.text
            self.errorf(f"expected string; found {node}")
        if isinstance(node, BoolNode):
            return node.value
        if isinstance(node, NumberNode):
            return self.ideal_constant(node)
        if isinstance(node, StringNode):
            return node.text
        self.errorf(f"can't handle assignment of {node} to empty interface argument")

    def print_value(self, node: Node, value) -> None:
        self.node = node
        if value is INVALID:
            self.out.append("<no value>")
            return
        self.out.append(go_v(value))


@dataclass
class GoTemplate:
    """A parsed template, ready to execute against JSON-shaped data."""

    text: str
    trees: dict

    def execute(self, data, allow_missing_keys: bool = True) -> tuple[str, str | None]:
        """(output, error text or None). On an error the output is what was written before it."""
        state = _State(self, allow_missing_keys)
        state.push("$", data)
        tree = self.trees.get("output")
        try:
            if tree is None or tree.root is None:
                state.errorf('"output" is an incomplete or empty template')
            state.walk(data, tree.root)
        except _ExecError as exc:
            return "".join(state.out), str(exc)
        except RecursionError:
            return "".join(state.out), "caught panic: runtime: goroutine stack exceeds 1000000000-byte limit"
        return "".join(state.out), None


def parse(text: str) -> GoTemplate:
    """Parse a template as kubectl does (named "output"); raises GoTemplateError with Go's text."""
    return GoTemplate(text, _Parser(text).parse())


# ---------------------------------------------------------------------------------------------
# The printer


class GoTemplatePrintError(PrintErrorWithOutput):
    """A template that failed while executing. kubectl writes `stdout` (the partial output and a
    debugging dump) to standard output before reporting the error on standard error."""

    def __init__(self, template: str, reason: str, stdout: str):
        super().__init__(f"error executing template {go_quote(template)}: {reason}", stdout)
        self.template = template
        self.reason = reason


def compile_template(text: str) -> GoTemplate:
    """`error parsing template TEXT, REASON` as kubectl's GoTemplatePrintFlags reports it."""
    try:
        return parse(text)
    except GoTemplateError as exc:
        raise PrintError(f"error parsing template {text}, {exc}") from None
    except RecursionError:
        raise PrintError(f"error parsing template {text}, template: output: too deeply nested") from None


def render(template: str | GoTemplate, obj, allow_missing_keys: bool = True, sort_keys: bool = True) -> str:
    """The text kubectl prints for obj. sort_keys: the key order of kubectl's `raw data was:` dump
    (sorted for unstructured objects, struct order for typed ones kubectl builds itself)."""
    compiled = compile_template(template) if isinstance(template, str) else template
    output, error = compiled.execute(obj, allow_missing_keys)
    if error is None:
        return output
    dump = (f"Error executing template: {error}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{compiled.text}\n"
            f"\traw data was:\n\t\t{to_compact_json(obj, sort_keys=sort_keys)}\n"
            f"\tobject given to template engine was:\n\t\t{go_v(obj)}\n\n")
    raise GoTemplatePrintError(compiled.text, error, output + dump)


def printer(template: str, allow_missing_keys: bool = True, sort_keys: bool = True):
    """A printer function for `-o go-template=TEMPLATE`; parse errors are raised at once."""
    compiled = compile_template(template)

    def print_obj(obj) -> str:
        return render(compiled, obj, allow_missing_keys, sort_keys)

    return print_obj
