"""The virtual clock: wall time plus an offset, or frozen at an instant. Its state is plain data."""

import time
from collections.abc import Callable
from typing import Any


class VirtualClock:
    def __init__(self, time_source: Callable[[], float] = time.time) -> None:
        self._time_source = time_source
        self._offset = 0.0
        self._frozen_at: float | None = None

    def now(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        return self._time_source() + self._offset

    def advance(self, seconds: float) -> float:
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds
        return self.now()

    def freeze(self) -> float:
        self._frozen_at = self.now()
        return self._frozen_at

    def release(self) -> float:
        if self._frozen_at is not None:
            self._offset = self._frozen_at - self._time_source()
            self._frozen_at = None
        return self.now()

    def reset(self) -> None:
        self._offset = 0.0
        self._frozen_at = None

    def state(self) -> dict[str, Any]:
        return {"now": self.now(), "offset_seconds": self._offset, "frozen": self._frozen_at is not None}

    def load(self, state: dict[str, Any]) -> None:
        self._offset = float(state.get("offset_seconds", 0.0))
        self._frozen_at = float(state["now"]) if state.get("frozen") else None
