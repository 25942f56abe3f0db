"""-v levels → stdlib logging on stderr, in klog's line format (request lines at 6, bodies at 8)."""

from __future__ import annotations

import logging
import os
import time
from typing import TextIO


class KlogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = {logging.ERROR: "E", logging.WARNING: "W"}.get(record.levelno, "I")
        stamp = time.strftime("%m%d %H:%M:%S", time.localtime(record.created))
        micros = int((record.created % 1) * 1_000_000)
        where = f"{record.filename}:{record.lineno}"
        return f"{level}{stamp}.{micros:06d} {os.getpid():7d} {where}] {record.getMessage()}"


def configure(verbosity: int, err: TextIO) -> None:
    """Route the `pykubectl` logger to stderr when -v asks for it; `verbosity` is kept on the logger."""
    logger = logging.getLogger("pykubectl")
    logger.verbosity = verbosity  # type: ignore[attr-defined]
    logger.handlers.clear()
    logger.propagate = False
    if verbosity <= 0:
        logger.setLevel(logging.WARNING)
        return
    handler = logging.StreamHandler(err)
    handler.setFormatter(KlogFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
