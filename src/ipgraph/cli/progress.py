"""Progress of bulk loads on stderr: a redrawn bar on a terminal, one line per finished file otherwise."""

from __future__ import annotations

import sys
from typing import TextIO

from ipgraph.store.loading import LoadProgress


class LoadProgressBar:
    """Called with each :class:`LoadProgress`; :meth:`finish` ends the display after the last file.

    Logs and test harnesses read stderr as lines, so without a terminal only finished files are written.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 24) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.interactive = self.stream.isatty()
        self._current: LoadProgress | None = None

    def __call__(self, progress: LoadProgress) -> None:
        previous = self._current
        if previous is not None and previous.file_number != progress.file_number and not self.interactive:
            self._write_done(previous)
        self._current = progress
        if self.interactive:
            done = (progress.file_number - 1) / max(progress.file_count, 1)
            filled = round(done * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r[{bar}] {self._describe(progress)}\033[K")
            self.stream.flush()

    def finish(self) -> None:
        """Write the last file's line (or end the bar's line)."""
        if self._current is None:
            return
        if self.interactive:
            self.stream.write(f"\r[{'#' * self.width}] {self._describe(self._current)}\033[K\n")
        else:
            self._write_done(self._current)
        self.stream.flush()
        self._current = None

    def _write_done(self, progress: LoadProgress) -> None:
        self.stream.write(self._describe(progress) + "\n")
        self.stream.flush()

    @staticmethod
    def _describe(progress: LoadProgress) -> str:
        return (
            f"{progress.file_number}/{progress.file_count} {progress.path.name} → <{progress.graph}>: "
            f"{progress.triples:,} triples"
        )
