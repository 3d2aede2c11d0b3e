"""The clock family: the fake's virtual clock (wall time plus an offset, or frozen at an instant),
and each tenant's own clock over it. Its state is plain data; how it reads is decided here for
both stores."""

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mockserver.store.base import Store


class Clock(Protocol):
    """The fake's clock, shared by every tenant and every process of the store. Each change
    answers the clock's state (`clock_state`)."""

    def now(self) -> float: ...
    def clock_state(self) -> dict[str, Any]: ...
    def advance_clock(self, seconds: float) -> dict[str, Any]: ...
    def freeze_clock(self) -> dict[str, Any]: ...
    def release_clock(self) -> dict[str, Any]: ...


def reading(wall: float, offset: float, frozen_at: float | None) -> float:
    """The clock's time: its frozen instant, else the wall's time plus its offset."""
    return frozen_at if frozen_at is not None else wall + offset


def clock_state(wall: float, offset: float, frozen_at: float | None) -> dict[str, Any]:
    """The clock as the control API shows it."""
    return {
        "now": reading(wall, offset, frozen_at),
        "offset_seconds": offset,
        "frozen": frozen_at is not None,
    }


def loaded_clock(state: dict[str, Any]) -> tuple[float, float | None]:
    """(offset, frozen_at) from a dumped clock state (a state that cannot load raises here)."""
    return float(state.get("offset_seconds", 0.0)), float(state["now"]) if state.get("frozen") else None


class VirtualClock:
    def __init__(self, time_source: Callable[[], float] = time.time) -> None:
        self._time_source = time_source
        self._offset = 0.0
        self._frozen_at: float | None = None

    def now(self) -> float:
        # reading(), spelled out: every request reads the clock (the journal's time)
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
        return clock_state(self._time_source(), self._offset, self._frozen_at)

    def load(self, state: dict[str, Any]) -> None:
        self._offset, self._frozen_at = loaded_clock(state)


# A tenant's own clock: an offset over the fake's clock, or an instant it is frozen at. Its state is
# a small value of the tenant ({"offset": s, "frozen_at": t or null}), so it is dumped, loaded, reset
# and shared through Redis with the rest of the tenant, and one test moving its tenant's time never
# moves another's. The fake's clock (an admin action) still moves every tenant that is not frozen.
TENANT_CLOCK = "clock"  # the tenant value holding it

TenantClock = dict[str, Any]


def tenant_now(clock: TenantClock | None, base_now: float) -> float:
    """The tenant's time when the fake's clock reads `base_now`."""
    if not clock:
        return base_now
    if clock.get("frozen_at") is not None:
        return float(clock["frozen_at"])
    return base_now + float(clock.get("offset", 0.0))


def tenant_clock_state(clock: TenantClock | None, base_now: float) -> dict[str, Any]:
    """What the control API shows: the tenant's time, how far it stands from the fake's clock, and
    whether it is frozen."""
    now = tenant_now(clock, base_now)
    frozen = bool(clock) and clock.get("frozen_at") is not None
    return {"now": now, "offset_seconds": now - base_now, "frozen": frozen}


def advance_tenant(clock: TenantClock | None, base_now: float, seconds: float) -> TenantClock:
    if clock and clock.get("frozen_at") is not None:
        return {"offset": _offset(clock), "frozen_at": float(clock["frozen_at"]) + seconds}
    return {"offset": _offset(clock) + seconds, "frozen_at": None}


def freeze_tenant(clock: TenantClock | None, base_now: float) -> TenantClock:
    return {"offset": _offset(clock), "frozen_at": tenant_now(clock, base_now)}


def release_tenant(clock: TenantClock | None, base_now: float) -> TenantClock:
    """Runs again from where it stands: the frozen instant becomes an offset over the fake's clock."""
    return {"offset": tenant_now(clock, base_now) - base_now, "frozen_at": None}


def _offset(clock: TenantClock | None) -> float:
    return float(clock.get("offset", 0.0)) if clock else 0.0


def time_of(store: "Store", tenant: str | None) -> float:
    """The time a tenant's task states are computed at (the fake's clock when no tenant is named)."""
    base = store.now()
    return base if tenant is None else tenant_now(store.get_value(tenant, TENANT_CLOCK), base)


def tenant_clock(store: "Store", tenant: str) -> dict[str, Any]:
    return tenant_clock_state(store.get_value(tenant, TENANT_CLOCK), store.now())


def change_tenant_clock(
    store: "Store", tenant: str, change: Callable[[TenantClock | None, float], TenantClock]
) -> dict[str, Any]:
    """One atomic change of a tenant's clock; answers its state as the control API shows it."""

    def on_clock(clock: TenantClock | None) -> tuple[TenantClock, dict[str, Any]]:
        base = store.now()
        changed = change(clock, base)
        return changed, tenant_clock_state(changed, base)

    return store.mutate_value(tenant, TENANT_CLOCK, on_clock)
