"""The Redis store's clock: a hash of its offset and frozen instant, changed by one script; read
as every store reads a clock (store/clock.py)."""

from collections.abc import Callable
from typing import Any

from mockserver.store.clock import clock_state, reading
from mockserver.store.redis_store.core import RedisCore


def _float(raw: Any) -> float | None:
    return None if raw is None else float(raw)


class RedisClock(RedisCore):
    _time: Callable[[], float]

    def _clock_fields(self) -> tuple[float, float | None]:
        offset, frozen_at = self._redis.hmget(self._key("clock"), "offset", "frozen_at")
        return float(offset or 0.0), _float(frozen_at)

    def now(self) -> float:
        return reading(self._time(), *self._clock_fields())

    def clock_state(self) -> dict[str, Any]:
        return clock_state(self._time(), *self._clock_fields())

    def _change_clock(self, verb: str, seconds: float = 0.0) -> dict[str, Any]:
        wall = self._time()
        offset, frozen_at = self._scripts["CLOCK"](
            keys=[self._key("clock")], args=[verb, repr(wall), repr(float(seconds))]
        )
        return clock_state(wall, float(offset or 0.0), _float(frozen_at))

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return self._change_clock("advance", seconds)

    def freeze_clock(self) -> dict[str, Any]:
        return self._change_clock("freeze")

    def release_clock(self) -> dict[str, Any]:
        return self._change_clock("release")
