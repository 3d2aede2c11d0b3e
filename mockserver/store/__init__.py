from mockserver.store.base import Store
from mockserver.store.clock import VirtualClock
from mockserver.store.documents import CollectionSpec, UpsertCounts
from mockserver.store.memory import MemoryStore

__all__ = ["CollectionSpec", "MemoryStore", "Store", "UpsertCounts", "VirtualClock"]
