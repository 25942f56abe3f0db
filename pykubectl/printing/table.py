"""Server-side Table → kubectl's text rows: priority columns, NAMESPACE, LABELS, -L, kind-qualified names.

Pure: `TablePrinter(options).print(obj)` returns tab-separated lines for one fetched object (a Table page, or
anything else, printed with kubectl's NAME/AGE fallback); feed them to `tabwriter.TabWriter`. The printer
remembers the columns it printed so later pages and watch events with the same columns get no header
(cli-runtime's HumanReadablePrinter). Follows cli-runtime pkg/printers/tableprinter.go.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableOptions:
    wide: bool = False
    no_headers: bool = False
    with_namespace: bool = False
    with_kind: bool = False
    kind: str = ""  # GroupKind.String(): "Pod", "Deployment.apps"
    show_labels: bool = False
    label_columns: tuple[str, ...] = ()


def label_headers(keys: Sequence[str]) -> list[str]:
    """formatLabelHeaders: the upper-cased last `/` segment of each -L key."""
    return [key.split("/")[-1].upper() for key in keys]


def format_labels(labels: Mapping | None) -> str:
    """labels.FormatLabels: sorted `k=v` pairs, or `<none>`."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def escape_terminal(text: str) -> str:
    return text.replace("\x1b", "^[")


def cell_text(cell) -> str:
    """How printTable writes one cell: strings cut at the first line break (`...` added), others via fmt.Sprint."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        for index, ch in enumerate(cell):
            if ch in "\f\n\r":
                return escape_terminal(cell[:index]) + "..."
        return escape_terminal(cell)
    return escape_terminal(go_sprint(cell))


def go_sprint(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        from pykubectl.printing.structured import go_float_g

        return go_float_g(value)
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rem = s % 60
        return f"{minutes}m{rem}s" if rem else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rem = (s % 3600) // 60
        return f"{hours}h{rem}m" if rem else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 192:
        rem = hours % 24
        return f"{hours // 24}d{rem}h" if rem else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        years, days = hours // 24 // 365, (hours // 24) % 365
        return f"{years}y{days}d" if days else f"{years}y"
    return f"{hours // 24 // 365}y"


def age_of(obj: Mapping, now: _dt.datetime | None = None) -> str:
    stamp = ((obj.get("metadata") or {}).get("creationTimestamp")) or ""
    if not stamp:
        return "<unknown>"
    try:
        created = _dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return "<unknown>"
    now = now or _dt.datetime.now(_dt.UTC)
    return human_duration((now - created).total_seconds())


def format_event_type(event_type: str) -> str:
    """formatEventType: padded to the width of MODIFIED, so the EVENT column does not jump."""
    return event_type.ljust(len("MODIFIED"))


def is_table(obj: Mapping) -> bool:
    return obj.get("kind") == "Table" and str(obj.get("apiVersion", "")).startswith("meta.k8s.io/")


@dataclass
class TablePrinter:
    options: TableOptions
    now: _dt.datetime | None = None
    _last_columns: list | None = field(default=None, init=False)
    _printed_headers: bool = field(default=False, init=False)
    _last_fallback: str | None = field(default=None, init=False)

    def print(self, obj: Mapping, event_type: str = "") -> str:
        if is_table(obj):
            return self._print_table(obj, event_type)
        return self._print_fallback(obj, event_type)

    # -- server-side tables ---------------------------------------------------------------------------

    def _print_table(self, table: Mapping, event_type: str) -> str:
        options = self.options
        columns = list(table.get("columnDefinitions") or [])
        rows = list(table.get("rows") or [])
        no_headers = options.no_headers
        if self._printed_headers and (not columns or columns == self._last_columns):
            no_headers = True
        if not columns:
            columns = list(self._last_columns or [])
        elif columns != self._last_columns:
            self._last_columns = columns
            self._printed_headers = False
        if rows:
            self._printed_headers = True
        columns, rows = self._decorate(columns, rows)
        if event_type:
            columns = [{"name": "Event", "type": "string"}, *columns]
            rows = [{**row, "cells": [format_event_type(event_type), *row["cells"]]} for row in rows]
        lines: list[str] = []
        if not no_headers:
            if not rows:
                return ""
            lines.append("\t".join(str(c.get("name", "")).upper() for c in columns
                                   if options.wide or not c.get("priority")))
        for row in rows:
            cells = []
            for index, cell in enumerate(row.get("cells") or []):
                if index >= len(columns):
                    break
                if not options.wide and columns[index].get("priority"):
                    continue
                cells.append(cell_text(cell))
            lines.append("\t".join(cells))
        return "".join(line + "\n" for line in lines)

    def _decorate(self, columns: list, rows: list) -> tuple[list, list]:
        options = self.options
        extra = len(options.label_columns) + int(options.with_namespace) + int(options.show_labels)
        name_column = -1
        if options.with_kind and options.kind:
            for index, column in enumerate(columns):
                if column.get("format") == "name" and column.get("type") == "string":
                    name_column = index
                    break
        if extra:
            decorated = []
            if options.with_namespace:
                decorated.append({"name": "Namespace", "type": "string"})
            decorated += columns
            decorated += [{"name": h, "type": "string"} for h in label_headers(options.label_columns)]
            if options.show_labels:
                decorated.append({"name": "Labels", "type": "string"})
            width = len(decorated)
        else:
            decorated, width = columns, len(columns)
        include_labels = bool(options.label_columns) or options.show_labels
        if not (include_labels or options.with_namespace or name_column != -1):
            return decorated, rows
        out_rows = []
        for row in rows:
            cells = list(row.get("cells") or [])
            if name_column != -1 and name_column < len(cells):
                cells[name_column] = f"{options.kind.lower()}/{go_sprint(cells[name_column])}"
            metadata = None
            embedded = row.get("object")
            if isinstance(embedded, Mapping) and isinstance(embedded.get("metadata"), Mapping):
                metadata = embedded["metadata"]
            if metadata is None:
                if options.with_namespace:
                    cells = [None, *cells]
                cells += [None] * max(0, width - len(cells))
            else:
                if options.with_namespace:
                    cells = [metadata.get("namespace", ""), *cells]
                if include_labels:
                    labels = metadata.get("labels") or {}
                    cells += [labels.get(key, "") for key in options.label_columns]
                    if options.show_labels:
                        cells.append(format_labels(labels))
            out_rows.append({**row, "cells": cells})
        return decorated, out_rows

    # -- anything else: kubectl's default NAME/AGE handler --------------------------------------------

    def _print_fallback(self, obj: Mapping, event_type: str) -> str:
        options = self.options
        handler = "status" if obj.get("kind") == "Status" else "default"
        lines: list[str] = []
        prefix = ""
        if self._last_fallback is not None and self._last_fallback != handler and not options.no_headers:
            prefix = "\n"
        if self._last_fallback != handler and not options.no_headers:
            headers = ["STATUS", "REASON", "MESSAGE"] if handler == "status" else ["NAME", "AGE"]
            headers += label_headers(options.label_columns)
            if options.show_labels:
                headers.append("LABELS")
            if options.with_namespace:
                headers = ["NAMESPACE", *headers]
            if event_type:
                headers = ["EVENT", *headers]
            lines.append("\t".join(headers))
        self._last_fallback = handler
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
        if handler == "status":
            cells = [str(obj.get("status", "")), str(obj.get("reason", "")), str(obj.get("message", ""))]
        else:
            name = str(metadata.get("name", ""))
            if options.with_kind and options.kind:
                name = f"{options.kind.lower()}/{name}"
            cells = [name, age_of(obj, self.now)]
        line = ""
        if event_type:
            line += format_event_type(event_type) + "\t"
        if options.with_namespace:
            line += str(metadata.get("namespace", "")) + "\t"
        line += "\t".join(cells)
        if options.label_columns or options.show_labels:
            labels = metadata.get("labels") or {}
            for key in options.label_columns:
                line += "\t" + str(labels.get(key, "<none>"))
            if options.show_labels:
                line += "\t" + format_labels(labels)
        lines.append(line)
        return prefix + "".join(item + "\n" for item in lines)


def align(text: str, minwidth: int = 6, padding: int = 3) -> str:
    """kubectl's tabwriter layout for tab-separated lines, fast when every line has as many cells.

    A table's lines (header and rows of one type) always do, and then Go's column blocks span all lines:
    each column is as wide as its widest cell plus padding (at least minwidth), the last cell unpadded.
    Anything else goes through the general TabWriter."""
    if not text:
        return ""
    lines = text.split("\n")
    trailing = lines.pop() if not text.endswith("\n") else None
    if text.endswith("\n"):
        lines.pop()
    rows = [line.split("\t") for line in lines]
    count = len(rows[0]) if rows else 0
    if trailing is not None or any(len(row) != count for row in rows) or any(
            ch in text for ch in "\v\f\r"):
        from pykubectl.printing.tabwriter import format_text

        return format_text(text, minwidth=minwidth, padding=padding)
    widths = [minwidth] * (count - 1)
    for row in rows:
        for index in range(count - 1):
            width = len(row[index]) + padding
            if width > widths[index]:
                widths[index] = width
    out = []
    for row in rows:
        out.append("".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + row[-1] + "\n")
    return "".join(out)


_BOLD, _GREEN, _YELLOW, _RED, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[0m"
_GOOD = {"Running", "Ready", "Active", "Completed", "Succeeded", "Bound", "Available", "Complete", "True"}
_WAITING = {"Pending", "ContainerCreating", "PodInitializing", "Terminating", "NotReady", "Unknown",
            "SchedulingGated", "Released", "Suspended"}


def _status_colour(status: str) -> str:
    base = status.split(",")[0].split(":")[0]
    if base in _GOOD:
        return _GREEN
    if base in _WAITING or base.startswith("Init"):
        return _YELLOW
    return _RED


def colourise(text: str, headers: bool = True) -> str:
    """Terminal colour for aligned table text: a bold header, the STATUS column by health.

    Applied after alignment, so escape codes never change column widths; only for a terminal (the
    caller checks), since kubectl itself prints no colour and pipes must stay byte-identical."""
    import re

    lines = text.split("\n")
    if not lines or not lines[0] or not headers:
        return text
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"\S+(?: \S+)*", header)]
    names = [m.group(0) for m in re.finditer(r"\S+(?: \S+)*", header)]
    out = [f"{_BOLD}{header}{_RESET}"]
    status_index = names.index("STATUS") if "STATUS" in names else -1
    for line in lines[1:]:
        if status_index < 0 or not line:
            out.append(line)
            continue
        start = starts[status_index]
        end = starts[status_index + 1] if status_index + 1 < len(starts) else len(line)
        cell = line[start:end].rstrip()
        if not cell:
            out.append(line)
            continue
        out.append(f"{line[:start]}{_status_colour(cell)}{cell}{_RESET}{line[start + len(cell):]}")
    return "\n".join(out)
