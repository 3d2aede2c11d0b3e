"""The memory store's clock: one VirtualClock for the process."""

import threading
from typing import Any

from mockserver.store.clock import VirtualClock


class MemoryClock:
    _lock: threading.RLock
    _clock: VirtualClock

    def now(self) -> float:
        return self._clock.now()

    def clock_state(self) -> dict[str, Any]:
        return self._clock.state()

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        with self._lock:
            self._clock.advance(seconds)
            return self._clock.state()

    def freeze_clock(self) -> dict[str, Any]:
        with self._lock:
            self._clock.freeze()
            return self._clock.state()

    def release_clock(self) -> dict[str, Any]:
        with self._lock:
            self._clock.release()
            return self._clock.state()
