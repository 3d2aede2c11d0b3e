"""The store a fake runs on, from its settings: this process's memory, or a shared Redis."""

from mockserver.settings import Settings
from mockserver.store.base import Store
from mockserver.store.memory import MemoryStore

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def is_shared(location: str) -> bool:
    return location.startswith(REDIS_SCHEMES)


def store_for(settings: Settings) -> Store:
    if settings.store == "memory":
        return MemoryStore(journal_size=settings.journal_size)
    if is_shared(settings.store):
        from mockserver.store.redis_store import RedisStore  # redis-py: only for a shared store

        return RedisStore(settings.store, prefix=settings.store_prefix, journal_size=settings.journal_size)
    raise ValueError(f"--store is 'memory' or a Redis URL (redis://HOST:PORT/DB), not {settings.store!r}")
