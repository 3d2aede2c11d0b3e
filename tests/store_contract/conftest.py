"""The stores the contract runs on: every family's contract module runs on the memory store and on
the Redis store (a real redis-server, started by tests/conftest.py)."""

import pytest

from mockserver.store import CollectionSpec, MemoryStore, VirtualClock
from mockserver.store.redis_store import RedisStore

DOCS = CollectionSpec(
    name="docs",
    key_field="id",
    ordering_fields={"id": "text", "total": "number", "who": "text"},
    search_fields=("id", "who"),
    default_ordering=("id",),
)


@pytest.fixture(params=["memory", "redis"])
def new_store(request):
    """Builds stores of one kind: every Redis store of a test shares one database and prefix
    (as the processes of one fake do), unless given a prefix of its own."""
    made = []
    memory_stores: dict[str, MemoryStore] = {}

    def build(now=1000.0, time_source=None, prefix="mockserver", spec=DOCS, **options):
        source = time_source or (lambda: now)
        if request.param == "memory":  # one process: "another process" is the same store
            if prefix in memory_stores:
                return memory_stores[prefix]
            store = memory_stores[prefix] = MemoryStore(clock=VirtualClock(time_source=source), **options)
        else:
            url = request.getfixturevalue("redis_url")
            store = RedisStore(url, prefix=prefix, time_source=source, **options)
            made.append(store)
        store.define_collection(spec)
        return store

    build.backend = request.param
    yield build
    for store in made:
        store.close()


@pytest.fixture
def store(new_store):
    return new_store()
