"""The local terminal for `exec -t`/`attach -t`: raw mode, always restored, and window-size changes.

Standard library only (termios, tty, signal), at the streams level so commands can use it.

* `raw_terminal(fd)`: a context manager putting the terminal on `fd` in raw mode (as moby/term's
  MakeRaw) and restoring the saved attributes on exit, whatever the exit (an error, Ctrl-C, SIGTERM or
  SIGHUP, which it turns into KeyboardInterrupt while it is active).
* `terminal_size(fd) -> (width, height) | None`.
* `SizeMonitor(fd)`: iterate it for `(width, height)`: the size now, then each change SIGWINCH reports
  (kubectl's MonitorSize); `stop()` ends the iteration and puts the previous SIGWINCH handler back.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import struct
import threading
from collections.abc import Iterator


def is_terminal(fd: int | None) -> bool:
    try:
        return fd is not None and os.isatty(fd)
    except OSError:
        return False


def terminal_size(fd: int) -> tuple[int, int] | None:
    try:
        import fcntl
        import termios

        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    except (OSError, ImportError):
        return None
    if rows == 0 and cols == 0:
        return None
    return cols, rows


@contextlib.contextmanager
def raw_terminal(fd: int) -> Iterator[None]:
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    previous: dict[int, object] = {}

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    on_main = threading.current_thread() is threading.main_thread()
    try:
        if on_main:
            for signum in (signal.SIGTERM, signal.SIGHUP):
                previous[signum] = signal.signal(signum, interrupted)
        tty.setraw(fd, termios.TCSANOW)
        yield
    finally:
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        for signum, handler in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signum, handler)


class SizeMonitor:
    """The terminal's size now and after every SIGWINCH; the handler is installed only on the main thread."""

    _STOP = object()

    def __init__(self, fd: int):
        self.fd = fd
        self._queue: queue.Queue = queue.Queue()
        self._previous = None
        self._installed = False
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGWINCH"):
            self._previous = signal.signal(signal.SIGWINCH, self._changed)
            self._installed = True

    def _changed(self, signum, frame) -> None:
        self._queue.put_nowait(True)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        last = terminal_size(self.fd)
        if last is not None:
            yield last
        while True:
            item = self._queue.get()
            if item is self._STOP:
                return
            size = terminal_size(self.fd)
            if size is not None and size != last:
                last = size
                yield size

    def stop(self) -> None:
        self._queue.put_nowait(self._STOP)
        if self._installed:
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signal.SIGWINCH, self._previous or signal.SIG_DFL)
            self._installed = False
