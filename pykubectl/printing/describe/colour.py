"""Terminal colour for describe text: bold field labels and section headers, condition statuses and event
types by meaning (True green, False red, Unknown yellow; Warning events yellow), a top-level Status by health.

Applied to the finished text and only for a terminal (the caller checks, NO_COLOR included): kubectl prints
no colour and pipes must stay byte-identical. Only escape codes are added, so removing them gives the input
back, and alignment (computed before) is untouched.
"""

from __future__ import annotations

import re

BOLD, GREEN, YELLOW, RED, RESET = "\x1b[1m", "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[0m"

_LABEL = re.compile(r"^([A-Za-z][\w .()/-]*:)(?=\s|$)")
_CELL = re.compile(r"\S+(?: \S+)*")
_CONDITION = {"True": GREEN, "False": RED, "Unknown": YELLOW}
_GOOD = {"Running", "Active", "Succeeded", "Bound", "Available", "Ready", "Complete", "Completed"}
_WAITING = {"Pending", "Terminating", "Unknown", "Released"}
_BAD = {"Failed", "Lost", "Evicted"}


def _paint(colour: str, text: str) -> str:
    return f"{colour}{text}{RESET}" if text else text


def _status_colour(value: str) -> str | None:
    if value in _GOOD:
        return GREEN
    if value in _WAITING:
        return YELLOW
    if value in _BAD:
        return RED
    return None


def _columns(header: str) -> dict[str, tuple[int, int | None]]:
    """Column name → (start, end) in a table header line (the last column runs to the end of the line)."""
    found = [(m.group(0), m.start()) for m in _CELL.finditer(header)]
    return {name: (start, found[i + 1][1] if i + 1 < len(found) else None) for i, (name, start) in enumerate(found)}


def _paint_cell(line: str, span: tuple[int, int | None], colour_of) -> str:
    start, end = span
    if len(line) <= start:
        return line
    segment = line[start:end] if end is not None else line[start:]
    cell = segment.rstrip() if end is not None else segment.split("  ")[0].rstrip()
    colour = colour_of(cell) if cell else None
    if colour is None or line[start:start + 1].isspace():
        return line
    return f"{line[:start]}{_paint(colour, cell)}{line[start + len(cell):]}"


def colourise(text: str) -> str:
    """The describe text with colour for a terminal."""
    out: list[str] = []
    block = ""  # the top-level section the line belongs to ("Conditions", "Events", ...)
    columns: dict[str, tuple[int, int | None]] | None = None  # None: the block's header row is still to come
    for line in text.split("\n"):
        if line and not line[0].isspace():
            match = _LABEL.match(line)
            block, columns = "", None
            if match is None:
                out.append(line)
                continue
            label = match.group(1)
            rest = line[len(label):]
            block = label[:-1]
            pad, value = rest[:len(rest) - len(rest.lstrip())], rest.strip()
            colour = _status_colour(value) if block == "Status" else None
            if colour is not None:
                rest = pad + _paint(colour, value) + rest[len(pad) + len(value):]
            out.append(_paint(BOLD, label) + rest)
            continue
        if block in ("Conditions", "Events") and line.strip() and columns is None:
            columns = _columns(line)  # the block's header row
            if "Type" in columns and ("Status" in columns or "Reason" in columns):
                indent = line[:len(line) - len(line.lstrip())]
                out.append(indent + _paint(BOLD, line.lstrip()))
                continue
            columns = {}
        if columns and block == "Conditions" and "Status" in columns:
            line = _paint_cell(line, columns["Status"], _CONDITION.get)
        elif columns and block == "Events" and "Type" in columns:
            line = _paint_cell(line, columns["Type"], lambda cell: YELLOW if cell == "Warning" else None)
        out.append(line)
    return "\n".join(out)


def strip(text: str) -> str:
    """The text without the escape codes colourise adds."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
