"""IOStreams: the standard streams a command writes to, injectable so tests capture everything."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from typing import TextIO


@dataclass
class IOStreams:
    stdin: TextIO
    out: TextIO
    err: TextIO

    @classmethod
    def system(cls) -> IOStreams:
        return cls(sys.stdin, sys.stdout, sys.stderr)

    @classmethod
    def buffers(cls, stdin: str = "") -> IOStreams:
        return cls(io.StringIO(stdin), io.StringIO(), io.StringIO())

    def out_is_terminal(self) -> bool:
        return _isatty(self.out)

    def err_is_terminal(self) -> bool:
        return _isatty(self.err)

    def in_is_terminal(self) -> bool:
        return _isatty(self.stdin)

    def colour_enabled(self) -> bool:
        return self.out_is_terminal() and not os.environ.get("NO_COLOR")

    def terminal_width(self) -> int:
        import shutil

        return shutil.get_terminal_size((80, 24)).columns


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
