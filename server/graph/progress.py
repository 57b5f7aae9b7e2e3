"""Progress of long work (the build): each phase with its counts and time as it ends.

On a terminal the file-loading phase draws a bar that rewrites one line; elsewhere (CI logs, pipes) every
phase is one plain line, so a log reads the same as the terminal's final state.
"""

import sys
import time


class Progress:
    """Print phases to `stream` (stderr by default); `Quiet()` prints nothing."""

    BAR = 24

    def __init__(self, stream=None, tty: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.started = time.perf_counter()
        self._phase_start = self.started
        self._bar_shown = False

    def start(self, phase: str) -> None:
        self._phase_start = time.perf_counter()
        if not self.tty:
            return
        self.stream.write(f"{phase} …\r")
        self.stream.flush()

    def step(self, phase: str, done: int, total: int, detail: str = "") -> None:
        """One unit of a counted phase (a file loaded). Only a terminal shows these."""
        if not self.tty or total <= 0:
            return
        filled = round(self.BAR * done / total)
        bar = "█" * filled + "░" * (self.BAR - filled)
        self.stream.write(f"\r\033[K{phase} [{bar}] {done}/{total} {detail}")
        self.stream.flush()
        self._bar_shown = True

    def done(self, phase: str, summary: str) -> float:
        seconds = time.perf_counter() - self._phase_start
        prefix = "\r\033[K" if self.tty else ""
        self.stream.write(f"{prefix}{phase}: {summary} ({seconds:.1f} s)\n")
        self.stream.flush()
        return seconds


class Quiet(Progress):
    """No output (the library default, and the tests')."""

    def __init__(self):
        super().__init__(stream=_Null(), tty=False)


class _Null:
    def write(self, _text):
        return 0

    def flush(self):
        pass

    def isatty(self):
        return False
