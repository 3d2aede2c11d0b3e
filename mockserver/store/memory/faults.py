"""The memory store's fault rules: a dict by (tenant, operationId), drawn with the store's own random."""

import random
import threading
from typing import Any

from mockserver.store.faults import FaultKey, candidates, listing, selected


class MemoryFaults:
    _lock: threading.RLock
    _faults: dict[FaultKey, dict[str, Any]]
    _random: random.Random

    def set_fault(self, tenant: str, operation_id: str, rule: dict[str, Any]) -> None:
        with self._lock:
            self._faults[(tenant, operation_id)] = dict(rule)

    def faults(self, tenant: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return listing(self._faults.items(), tenant)

    def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int:
        with self._lock:
            doomed = [key for key in self._faults if selected(key, tenant, operation_id)]
            for key in doomed:
                del self._faults[key]
            return len(doomed)

    def take_fault(self, tenant: str, operation_id: str) -> dict[str, Any] | None:
        if not self._faults:
            return None
        with self._lock:
            for key in candidates(tenant, operation_id):
                rule = self._faults.get(key)
                if rule is None:
                    continue
                if self._random.random() >= float(rule.get("probability", 1.0)):
                    return None
                remaining = rule.get("times")
                if remaining is not None:
                    if remaining <= 1:
                        del self._faults[key]
                    else:
                        rule["times"] = remaining - 1
                return dict(rule)
            return None
