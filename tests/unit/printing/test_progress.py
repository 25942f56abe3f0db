"""printing/progress.py: nothing at all off a terminal; on a (fake) terminal a spinner or bar drawn on standard
error, erased when done, and taken out of the way of the lines written while it runs."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from pykubectl.printing import progress
from pykubectl.streams import IOStreams

ERASE_LINE = "\x1b[2K"
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _streams(err_terminal: bool = True, out_terminal: bool = False) -> IOStreams:
    return IOStreams(io.StringIO(), FakeTerminal() if out_terminal else io.StringIO(),
                     FakeTerminal() if err_terminal else io.StringIO())


def _visible(text: str) -> str:
    """What stays on the screen after `text` is written to a terminal: a small screen model of the controls
    rich writes (carriage return, newline, erase line, cursor up, cursor visibility)."""
    import re

    screen: list[str] = [""]
    row, col = 0, 0
    for piece in re.split(r"(\x1b\[\??[\d;]*[A-Za-z]|\r|\n)", text):
        if not piece:
            continue
        if piece == "\n":
            row, col = row + 1, 0
            if row == len(screen):
                screen.append("")
        elif piece == "\r":
            col = 0
        elif piece == ERASE_LINE:
            screen[row] = ""
        elif re.fullmatch(r"\x1b\[\d*A", piece):
            row = max(0, row - int(piece[2:-1] or 1))
        elif piece.startswith("\x1b["):
            continue
        else:
            line = screen[row].ljust(col)
            screen[row] = line[:col] + piece + line[col + len(piece):]
            col += len(piece)
    return "\n".join(line.rstrip() for line in screen).rstrip("\n")


@pytest.mark.parametrize("make", [lambda s: progress.spinner(s, "Waiting for pods/x to be deleted…"),
                                  lambda s: progress.bar(s, 300)])
def test_off_a_terminal_nothing_is_drawn(make) -> None:
    streams = _streams(err_terminal=False)
    with make(streams) as drawing:
        drawing.update("other text")
        drawing.advance()
        drawing.write(streams.out, "pod/x condition met\n")
        drawing.write(streams.err, "Warning: x\n")
    assert isinstance(drawing, progress.NoProgress) and not drawing.active
    assert streams.out.getvalue() == "pod/x condition met\n"
    assert streams.err.getvalue() == "Warning: x\n"


def test_a_bar_for_few_objects_is_not_drawn_even_on_a_terminal() -> None:
    streams = _streams()
    with progress.bar(streams, progress.BAR_THRESHOLD) as drawing:
        drawing.advance()
    assert not drawing.active
    assert streams.err.getvalue() == ""


def test_the_spinner_draws_its_text_and_erases_it() -> None:
    streams = _streams()
    with progress.spinner(streams, "Waiting for pods/x to be deleted…") as drawing:
        assert drawing.active
    drawn = streams.err.getvalue()
    assert "Waiting for pods/x to be deleted…" in drawn
    assert any(frame in drawn for frame in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
    assert drawn.startswith(HIDE_CURSOR) and drawn.endswith(ERASE_LINE)
    assert SHOW_CURSOR in drawn
    assert _visible(drawn) == ""


def test_update_changes_the_spinner_text() -> None:
    streams = _streams()
    with progress.spinner(streams, "Waiting for pods/a to be deleted…") as drawing:
        drawing.update("Waiting for pods/b to be deleted…")
    assert "Waiting for pods/b to be deleted…" in streams.err.getvalue()


def test_the_bar_counts_and_erases() -> None:
    streams = _streams()
    with progress.bar(streams, 30) as drawing:
        for _ in range(30):
            drawing.advance()
    drawn = streams.err.getvalue()
    assert "Applying" in drawn and " 0/30" in drawn and "30/30" in drawn
    assert "━" in drawn
    assert _visible(drawn) == ""


def test_lines_written_to_the_terminal_stay_and_the_drawing_goes() -> None:
    """stdout and stderr on one terminal: the drawing is erased before each line and drawn again after it."""
    terminal = FakeTerminal()
    streams = IOStreams(io.StringIO(), terminal, terminal)
    with progress.bar(streams, 25) as drawing:
        for i in range(25):
            drawing.advance()
            drawing.write(streams.out, f"configmap/c{i} created\n")
    text = terminal.getvalue()
    assert text.count("Applying") >= 25  # drawn again after every line
    assert _visible(text) == "\n".join(f"configmap/c{i} created" for i in range(25))


def test_a_pipe_on_stdout_is_written_without_stopping_the_drawing() -> None:
    streams = _streams()
    with progress.spinner(streams, "Waiting") as drawing:
        before = streams.err.getvalue()
        drawing.write(streams.out, "line\n")
        assert streams.err.getvalue() == before  # no erase and redraw for a stream that is not the terminal
    assert streams.out.getvalue() == "line\n"


def test_no_color_draws_without_colour(monkeypatch) -> None:
    streams = _streams()
    with progress.bar(streams, 30) as drawing:
        drawing.advance()
    assert "\x1b[3" in streams.err.getvalue() or "\x1b[9" in streams.err.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    streams = _streams()
    with progress.bar(streams, 30) as drawing:
        drawing.advance()
    drawn = streams.err.getvalue()
    assert "Applying" in drawn
    assert "\x1b[3" not in drawn and "\x1b[9" not in drawn and "\x1b[0m" not in drawn


def test_the_drawing_is_erased_when_the_block_raises() -> None:
    streams = _streams()
    with pytest.raises(RuntimeError), progress.spinner(streams, "Waiting"):
        raise RuntimeError("boom")
    assert _visible(streams.err.getvalue()) == ""


def test_importing_the_helper_loads_no_rich() -> None:
    code = ("import io, sys\n"
            "from pykubectl.printing import progress\n"
            "from pykubectl.streams import IOStreams\n"
            "s = IOStreams(io.StringIO(), io.StringIO(), io.StringIO())\n"
            "with progress.spinner(s, 'x') as d: d.write(s.out, 'y')\n"
            "with progress.bar(s, 100) as d: d.advance()\n"
            "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


class _Printer:
    def __init__(self, out) -> None:
        self.out = out

    def handle(self, text: str) -> None:
        self.out.write(f"Warning: {text}\n")
        self.out.flush()


def test_routing_sends_another_writers_lines_through_the_drawing() -> None:
    terminal = FakeTerminal()
    streams = IOStreams(io.StringIO(), terminal, terminal)
    printer = _Printer(terminal)
    with progress.spinner(streams, "Waiting for pods/x to be deleted…") as drawing, drawing.routing(printer, "out"):
        assert printer.out is not terminal
        printer.handle("deprecated")
    assert printer.out is terminal
    text = terminal.getvalue()
    assert text.index("Warning: deprecated") > text.index("Waiting for pods/x")
    assert _visible(text) == "Warning: deprecated"


def test_without_routing_a_stray_write_stays_glued_to_the_drawing() -> None:
    """What routing prevents: a line written behind the drawing's back shares the spinner's screen line."""
    terminal = FakeTerminal()
    streams = IOStreams(io.StringIO(), terminal, terminal)
    with progress.spinner(streams, "Waiting") as drawing:
        drawing.write(streams.out, "")  # draws at once
        terminal.write("Warning: deprecated\n")
    assert "Waiting" in _visible(terminal.getvalue())


def test_routing_off_a_terminal_leaves_the_stream_alone() -> None:
    streams = _streams(err_terminal=False)
    printer = _Printer(streams.err)
    with progress.spinner(streams, "x") as drawing, drawing.routing(printer, "out"):
        assert printer.out is streams.err
    with progress.spinner(_streams(), "x") as drawing, drawing.routing(None, "out"):
        pass
