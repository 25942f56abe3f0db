"""`-o custom-columns=HEADER:PATH,...` and `-o custom-columns-file=FILE` (kubectl pkg/cmd/get/customcolumn.go).

Paths use kubectl's relaxed JSONPath: `.a.b`, `a.b`, `{.a.b}` and `{a.b}` all mean `{.a.b}`. A cell
joins every value the path finds with `,`, printed as Go's %v (maps as `map[k:v]`), `<none>` when the
first result set is empty. Rows are aligned by one tabwriter per printed object; the header row is
written again only when the kind of object printed changes (a list, then single objects in a watch).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pykubectl.errors import PrintError, PrintErrorWithOutput
from pykubectl.printing.gotemplate import go_v
from pykubectl.printing.tabwriter import format_text

__all__ = ["Column", "relaxed_jsonpath", "parse_spec", "parse_template", "CustomColumnsPrinter", "find_results"]

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


@dataclass(frozen=True)
class Column:
    header: str
    field_spec: str  # a full JSONPath template such as {.metadata.name}


def relaxed_jsonpath(expression: str) -> str:
    """kubectl's RelaxedJSONPathExpression: `metadata.name` → `{.metadata.name}`."""
    if not expression:
        return expression
    match = _RELAXED.match(expression)
    if match is None:
        raise PrintError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                         "'{name1.name2}' or '{.name1.name2}'")
    return "{." + (match.group(1) or match.group(2)) + "}"


def parse_spec(spec: str) -> list[Column]:
    """The columns of `-o custom-columns=SPEC`."""
    if not spec:
        raise PrintError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise PrintError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        columns.append(Column(header, relaxed_jsonpath(path)))
    return columns


_FORMAT_HINT = "Expected format is one line of space separated headers, one line of space separated column specs."


def _scan_lines(text: str) -> list[str]:
    """bufio.Scanner's ScanLines: lines without their \\n (and a trailing \\r dropped)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def parse_template(text: str) -> list[Column]:
    """The columns of a `-o custom-columns-file=FILE` file: a header line and a spec line."""
    lines = _scan_lines(text)
    if not lines:
        raise PrintError(f"invalid template, missing header line. {_FORMAT_HINT}")
    headers = lines[0].split()
    if len(lines) < 2:
        raise PrintError(f"invalid template, missing spec line. {_FORMAT_HINT}")
    specs = lines[1].split()
    if len(headers) != len(specs):
        raise PrintError(f"number of headers ({len(headers)}) and field specifications ({len(specs)}) don't match")
    return [Column(header, relaxed_jsonpath(spec)) for header, spec in zip(headers, specs, strict=True)]


def find_results(template: str, obj) -> list[list]:
    """client-go JSONPath FindResults with missing keys allowed: one list of values per action."""
    from pykubectl.printing import jsonpath

    try:
        root = jsonpath.parse(template)
        return jsonpath._Engine(root, True).find_results(obj)
    except jsonpath.JSONPathError as exc:
        raise PrintError(str(exc)) from None


def _escape_terminal(text: str) -> str:
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def _cell(values: list[list]) -> str:
    texts = []
    if not values or not values[0]:
        texts.append("<none>")
    for group in values:
        texts.extend(_escape_terminal(go_v(value)) for value in group)
    return ",".join(texts)


def is_list(obj) -> bool:
    return isinstance(obj, Mapping) and isinstance(obj.get("items"), list)


class CustomColumnsPrinter:
    """Prints objects (or a List's items) as rows; remembers whether the header was printed."""

    def __init__(self, columns: Sequence[Column], no_headers: bool = False):
        self.columns = list(columns)
        self.no_headers = no_headers
        self._last_type: str | None = None

    def print_obj(self, obj, type_key: str | None = None) -> str:
        """The aligned text for obj. type_key names its Go type (default: list or object); the header
        row is printed when it differs from the previous call's. Raises PrintErrorWithOutput."""
        if type_key is None:
            type_key = "list" if is_list(obj) else "object"
        lines: list[str] = []
        if not self.no_headers and type_key != self._last_type:
            lines.append("\t".join(c.header for c in self.columns) + "\n")
            self._last_type = type_key
        try:
            from pykubectl.printing import jsonpath

            for column in self.columns:
                try:
                    jsonpath.parse(column.field_spec)
                except jsonpath.JSONPathError as exc:
                    raise PrintError(str(exc)) from None
            items = obj["items"] if is_list(obj) else [obj]
            for item in items:
                cells = [_cell(find_results(column.field_spec, item)) for column in self.columns]
                lines.append("\t".join(cells) + "\n")
        except PrintError as exc:
            raise PrintErrorWithOutput(str(exc), format_text("".join(lines))) from None
        return format_text("".join(lines))


def printer(spec: str = "", *, template_text: str | None = None, no_headers: bool = False):
    """A printer function for `-o custom-columns=SPEC` (or a custom-columns-file's text)."""
    columns = parse_template(template_text) if template_text is not None else parse_spec(spec)
    return CustomColumnsPrinter(columns, no_headers=no_headers).print_obj
