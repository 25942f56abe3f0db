"""Transient progress on a terminal: a spinner for long waits, a bar for applying many objects.

kubectl itself prints nothing while it waits; on a terminal pykubectl draws on standard error, erases the drawing
when done and moves it out of the way of every line it writes, so what is left on the screen is kubectl's
text. When standard error is not a terminal every helper here is a no-op object that writes nothing and
imports nothing: pipes get kubectl's bytes exactly. rich is imported only when something is drawn; NO_COLOR
is respected.

* `spinner(streams, text)`: a spinner with a line of text (`wait`, `rollout status`, `delete --wait`).
* `bar(streams, total, label="Applying", threshold=BAR_THRESHOLD)`: a determinate bar "Applying ━━━ 120/300",
  drawn only when there are more than `threshold` steps.

Both are context managers returning an object with `update(text)`, `advance(steps=1)`,
`write(stream, text)` and `routing(holder, attribute)`; `write` takes the drawing off the screen, writes and
flushes `text`, then draws again; `routing` sends another writer's stream (the client's warnings) through
`write` for the duration of a block.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

BAR_THRESHOLD = 20
REFRESH_PER_SECOND = 12.5


class NoProgress:
    """Draws nothing: what pipes (and a non-terminal standard error) get."""

    active = False

    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self, text: str) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def write(self, stream: TextIO, text: str) -> None:
        stream.write(text)
        stream.flush()

    @contextmanager
    def routing(self, holder: object, attribute: str) -> Iterator[None]:
        """While the block runs, `holder.<attribute>` (a text stream another part writes to, such as the
        client's warning printer's) writes through `write`, so its lines too push the drawing out of the way."""
        stream = getattr(holder, attribute, None)
        if not self.active or stream is None:
            yield
            return
        setattr(holder, attribute, _Through(self, stream))
        try:
            yield
        finally:
            setattr(holder, attribute, stream)


class _Through:
    """A text stream whose writes go through a drawing's `write`."""

    def __init__(self, drawing: NoProgress, stream: TextIO) -> None:
        self._drawing = drawing
        self._stream = stream

    def write(self, text: str) -> int:
        self._drawing.write(self._stream, text)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return _isatty(self._stream)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _Drawn(NoProgress):
    """A rich Live display on standard error, started by `__enter__` and erased by `__exit__`."""

    active = True

    def __init__(self, live, refreshable: bool) -> None:
        self._live = live
        self._refreshable = refreshable  # rich's Live.start(refresh=); Progress.start() always draws at once
        self._running = False

    def __enter__(self) -> _Drawn:
        self._start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop()

    def _start(self, refresh: bool = False) -> None:
        if not self._running:
            if self._refreshable:
                self._live.start(refresh=refresh)
            else:
                self._live.start()
            self._running = True

    def _stop(self) -> None:
        if self._running:
            self._running = False
            self._live.stop()

    def write(self, stream: TextIO, text: str) -> None:
        """A stream that is not a terminal (stdout into a pipe) cannot disturb the drawing: written straight
        through. Onto the terminal: the drawing is erased, the text written, and the drawing put back below."""
        if not self._running or not _isatty(stream):
            stream.write(text)
            stream.flush()
            return
        self._stop()
        stream.write(text)
        stream.flush()
        self._start(refresh=True)


class _Spinner(_Drawn):
    def __init__(self, console, text: str) -> None:
        from rich.live import Live
        from rich.spinner import Spinner

        self._spinner = Spinner("dots", text)
        super().__init__(Live(self._spinner, console=console, transient=True, refresh_per_second=REFRESH_PER_SECOND,
                              redirect_stdout=False, redirect_stderr=False), refreshable=True)

    def update(self, text: str) -> None:
        self._spinner.update(text=text)


class _Bar(_Drawn):
    def __init__(self, console, total: int, label: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  console=console, transient=True, refresh_per_second=REFRESH_PER_SECOND,
                                  redirect_stdout=False, redirect_stderr=False)
        self._task = self._progress.add_task(label, total=total)
        super().__init__(self._progress, refreshable=False)

    def update(self, text: str) -> None:
        self._progress.update(self._task, description=text)

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _console(streams):
    from rich.console import Console

    return Console(file=streams.err, force_terminal=True, no_color=bool(os.environ.get("NO_COLOR")),
                   highlight=False, width=_width(streams))


def _width(streams) -> int:
    """Standard error's own terminal width (standard output may be a pipe), else the usual guess."""
    try:
        return os.get_terminal_size(streams.err.fileno()).columns or streams.terminal_width()
    except (AttributeError, OSError, ValueError):
        return streams.terminal_width()


def spinner(streams, text: str) -> NoProgress:
    """A transient spinner with `text` on standard error while a wait runs; a no-op unless it is a terminal."""
    if not streams.err_is_terminal():
        return NoProgress()
    return _Spinner(_console(streams), text)


def bar(streams, total: int, label: str = "Applying", threshold: int = BAR_THRESHOLD) -> NoProgress:
    """A transient bar counting `total` steps on standard error; a no-op unless it is a terminal and there
    are more than `threshold` steps."""
    if total <= threshold or not streams.err_is_terminal():
        return NoProgress()
    return _Bar(_console(streams), total, label)
