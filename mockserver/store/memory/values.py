"""The memory store's values: kept serialized in the tenant's state, changed under the store's lock."""

import threading
from collections.abc import Callable
from typing import Any

import orjson

from mockserver.store.memory.collection import TenantState
from mockserver.store.values import R, decoded


class MemoryValues:
    _lock: threading.RLock
    _tenants: dict[str, TenantState]

    def get_value(self, tenant: str, name: str, default: Any = None) -> Any:
        with self._lock:
            state = self._tenants.get(tenant)
            raw = state.values.get(name) if state is not None else None
        return orjson.loads(raw) if raw is not None else decoded(None, default)  # a poll's read, inlined

    def mutate_value(self, tenant: str, name: str, change: Callable[[Any], tuple[Any, R]]) -> R:
        with self._lock:
            state = self._tenants.get(tenant)
            if state is None:
                state = self._tenants[tenant] = TenantState()
            raw = state.values.get(name)
            new_value, result = change(decoded(raw))
            state.values[name] = orjson.dumps(new_value)
            return result
