"""The in-memory Store: one process, all state in this object, reset as a whole or per tenant.

Composed of one part per family (store/base.py), each in its own module over the same primitive:
the store's lock and its tenants' states (store/memory/collection.py)."""

import itertools
import random
import threading
from collections import deque

from mockserver.store.clock import VirtualClock
from mockserver.store.memory.clock import MemoryClock
from mockserver.store.memory.collection import TenantState
from mockserver.store.memory.credentials import MemoryCredentials
from mockserver.store.memory.documents import MemoryDocuments
from mockserver.store.memory.faults import MemoryFaults
from mockserver.store.memory.journal import MemoryJournal
from mockserver.store.memory.tenants import MemoryTenants
from mockserver.store.memory.values import MemoryValues


class MemoryStore(
    MemoryTenants, MemoryValues, MemoryDocuments, MemoryCredentials, MemoryClock, MemoryJournal, MemoryFaults
):
    def __init__(
        self,
        clock: VirtualClock | None = None,
        journal_size: int = 1000,
        random_seed: int = 0,
    ) -> None:
        self._lock = threading.RLock()
        self._tenants: dict[str, TenantState] = {}  # values and documents
        self._specs = {}  # documents: the collections defined
        # documents: a store-wide stamp for collection versions (never reused, even across resets)
        self._stamps = itertools.count(1)
        self._credential_key = None
        self._clock = clock or VirtualClock()
        self._journal = deque(maxlen=journal_size)
        self._journal_sequence = 0
        self._faults = {}
        self._random = random.Random(random_seed)


__all__ = ["MemoryStore"]
