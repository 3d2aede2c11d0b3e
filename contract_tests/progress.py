"""A progress line on long runs when a person watches (a terminal), nothing in CI logs."""

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

FORCE = "MOCKSERVER_PROGRESS"  # 1: always show it, 0: never (default: when stderr is a terminal)


def wanted(stream: TextIO) -> bool:
    forced = os.environ.get(FORCE)
    if forced is not None:
        return forced.strip().lower() in ("1", "true", "yes", "on")
    return stream.isatty()


class Progress:
    """Redraws one line every `interval` seconds from `describe()` until stopped, then clears it."""

    def __init__(
        self, describe: Callable[[], str], stream: TextIO | None = None, interval: float = 0.5
    ) -> None:
        self._describe = describe
        self._stream = stream or sys.stderr
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()
        self._width = 0

    def __enter__(self) -> "Progress":
        if wanted(self._stream):
            self._thread = threading.Thread(target=self._run, name="mockserver-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()

    def _run(self) -> None:
        self._draw()  # at once, then every interval: a short run shows its line too
        while not self._stop.wait(self._interval):
            self._draw()

    def _draw(self) -> None:
        elapsed = int(time.monotonic() - self._started)
        line = f"{self._describe()}  {elapsed // 60}:{elapsed % 60:02d}"
        self._width = max(self._width, len(line))
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
