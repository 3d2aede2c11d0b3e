from mockserver.store.base import CollectionSpec, Store, UpsertCounts
from mockserver.store.clock import VirtualClock
from mockserver.store.memory import MemoryStore

__all__ = ["CollectionSpec", "MemoryStore", "Store", "UpsertCounts", "VirtualClock"]
