"""kubectl's column alignment: Go text/tabwriter as forked by liggitt/tabwriter, with RememberWidths.

cli-runtime's printers use minwidth 6, tabwidth 4, padding 3, pad character ' ' and the RememberWidths
flag (column widths never shrink across flushes, which keeps `get -w` rows aligned with the header).
Cells end at a tab; the text after a line's last tab is not part of any column and is never padded.
A line without tabs ends every column block. Widths count runes, as Go's utf8.RuneCount does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass
class _Cell:
    text: str = ""
    htab: bool = False

    @property
    def width(self) -> int:
        return len(self.text)


class TabWriter:
    """Feed text with write(); flush() returns the aligned text. Widths are remembered across flushes."""

    def __init__(self, minwidth: int = 6, tabwidth: int = 4, padding: int = 3, padchar: str = " ",
                 remember_widths: bool = True):
        self.minwidth, self.tabwidth, self.padding, self.padchar = minwidth, tabwidth, padding, padchar
        self.remember_widths = remember_widths
        self.maxwidths: list[int] = []
        self._out: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self._cell = _Cell()
        self._lines: list[list[_Cell]] = [[]]
        self._widths: list[int] = []

    def write(self, text: str) -> None:
        start = 0
        for i, ch in enumerate(text):
            if ch in "\t\v\n\f":
                self._cell.text += text[start:i]
                start = i + 1
                self._cell.htab = ch == "\t"
                line = self._lines[-1]
                line.append(self._cell)
                self._cell = _Cell()
                if ch in "\n\f":
                    self._lines.append([])
                    if ch == "\f" or len(line) == 1:
                        self._flush()
        self._cell.text += text[start:]

    def flush(self) -> str:
        """Everything written so far, formatted; the writer is ready for more (widths remembered)."""
        self._flush()
        out, self._out = "".join(self._out), []
        return out

    def _flush(self) -> None:
        if self._cell.text:
            self._lines[-1].append(self._cell)
            self._cell = _Cell()
        self._format(0, len(self._lines))
        self._reset()

    def _padding(self, text_width: int, cell_width: int) -> str:
        if self.padchar == "\t":
            if self.tabwidth == 0:
                return ""
            cell_width = (cell_width + self.tabwidth - 1) // self.tabwidth * self.tabwidth
            return "\t" * ((cell_width - text_width + self.tabwidth - 1) // self.tabwidth)
        return self.padchar * (cell_width - text_width)

    def _write_lines(self, line0: int, line1: int) -> None:
        for i in range(line0, line1):
            for j, cell in enumerate(self._lines[i]):
                self._out.append(cell.text)
                if j < len(self._widths):
                    self._out.append(self._padding(cell.width, self._widths[j]))
            if i + 1 == len(self._lines):
                self._out.append(self._cell.text)  # the unterminated tail of the buffer
            else:
                self._out.append("\n")

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                width = max(width, line[column].width + self.padding)
                this += 1
            if self.remember_widths:
                if len(self.maxwidths) < len(self._widths):
                    self.maxwidths.extend(self._widths[len(self.maxwidths):])
                if len(self.maxwidths) == len(self._widths):
                    self.maxwidths.append(width)
                elif self.maxwidths[len(self._widths)] > width:
                    width = self.maxwidths[len(self._widths)]
                elif self.maxwidths[len(self._widths)] < width:
                    self.maxwidths[len(self._widths)] = width
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)


def format_text(text: str, **options) -> str:
    """Align already tab-separated text in one go (one writer, one final flush)."""
    writer = TabWriter(**options)
    writer.write(text)
    return writer.flush()


def format_rows(rows: Iterable[Sequence[str]], **options) -> str:
    """Rows of cells joined by tabs, one line each, aligned as kubectl's table printer does."""
    return format_text("".join("\t".join(row) + "\n" for row in rows), **options)
