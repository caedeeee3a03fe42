"""Standard output for commands whose answer may be piped: a reader that stops early ends the command quietly.

``ipgraph export | head`` closes the pipe after a few lines; the write then fails with ``BrokenPipeError``. The
reader has what it wanted, so the command ends without a traceback, and standard output is pointed at
``/dev/null`` so that Python's own flush at exit does not report the closed pipe either.
"""

from __future__ import annotations

import os
import sys


def write_stdout(body: bytes, *, end_line: bool = False) -> None:
    """Write ``body`` (and a final newline when ``end_line`` and it lacks one) to standard output."""
    try:
        sys.stdout.buffer.write(body)
        if end_line and body and not body.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_closed_stdout()


def quiet_closed_stdout() -> None:
    """After ``BrokenPipeError`` on standard output: point it at /dev/null so the exit flush stays silent."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
