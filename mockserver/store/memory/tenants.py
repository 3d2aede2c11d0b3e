"""The memory store's tenants: each one's state replaced whole, under the store's lock."""

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from mockserver.store.clock import VirtualClock, loaded_clock
from mockserver.store.documents import CollectionSpec
from mockserver.store.memory.collection import StoredCollection, TenantState
from mockserver.store.tenants import TenantSeed


class MemoryTenants:
    _lock: threading.RLock
    _tenants: dict[str, TenantState]
    _specs: dict[str, CollectionSpec]
    _stamps: Iterator[int]
    _clock: VirtualClock

    if TYPE_CHECKING:  # the other families' parts, composed beside this one (store/memory/__init__.py)

        def clear_journal(self, tenant: str | None = None) -> int: ...
        def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int: ...
        def clock_state(self) -> dict[str, Any]: ...

    def ensure_tenant(self, tenant: str, seed: TenantSeed) -> None:
        if tenant in self._tenants:
            return
        with self._lock:
            if tenant not in self._tenants:
                self._tenants[tenant] = self._built_tenant(seed())

    def tenants(self) -> list[str]:
        return sorted(self._tenants)

    def reset(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._tenants.clear()
                self._clock.reset()
            else:
                self._tenants.pop(tenant, None)
            self.clear_journal(tenant)
            self.clear_faults(tenant)

    def dump_tenant(self, tenant: str) -> dict[str, Any]:
        with self._lock:
            state = self._tenants.get(tenant) or TenantState()
            return {
                "values": {name: orjson.loads(raw) for name, raw in state.values.items()},
                "collections": {name: c.dump() for name, c in sorted(state.collections.items())},
            }

    def load_tenant(self, tenant: str, state: dict[str, Any]) -> None:
        with self._lock:
            self._tenants[tenant] = self._built_tenant(state)

    def _built_tenant(self, state: dict[str, Any]) -> TenantState:
        """A tenant from its dumped state, built apart: a state that cannot load changes nothing."""
        fresh = TenantState()
        fresh.values = {name: orjson.dumps(value) for name, value in (state.get("values") or {}).items()}
        for name, documents in (state.get("collections") or {}).items():
            if name not in self._specs:
                raise KeyError(f"unknown collection {name!r}")
            collection = fresh.collections[name] = StoredCollection(self._specs[name], self._stamps)
            for document in documents:
                collection.put(document)
        return fresh

    def dump_all(self) -> dict[str, Any]:
        with self._lock:
            return {
                "clock": self.clock_state(),
                "tenants": {tenant: self.dump_tenant(tenant) for tenant in sorted(self._tenants)},
            }

    def load_all(self, state: dict[str, Any]) -> None:
        with self._lock:
            tenants = {
                tenant: self._built_tenant(tenant_state)
                for tenant, tenant_state in (state.get("tenants") or {}).items()
            }
            if state.get("clock"):
                loaded_clock(state["clock"])  # a clock state that cannot load fails here
            self._tenants = tenants
            if state.get("clock"):
                self._clock.load(state["clock"])
