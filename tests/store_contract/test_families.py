"""The store is composed of families: its interface is exactly their union, each store has one
part per family implementing exactly that family, and the Redis store's guard covers every part."""

import pytest

from mockserver.store.base import FAMILIES, Store, StoreUnavailable
from mockserver.store.clock import Clock
from mockserver.store.credentials import Credentials
from mockserver.store.documents import Documents
from mockserver.store.faults import Faults
from mockserver.store.journal import Journal
from mockserver.store.memory import MemoryStore
from mockserver.store.memory.clock import MemoryClock
from mockserver.store.memory.credentials import MemoryCredentials
from mockserver.store.memory.documents import MemoryDocuments
from mockserver.store.memory.faults import MemoryFaults
from mockserver.store.memory.journal import MemoryJournal
from mockserver.store.memory.tenants import MemoryTenants
from mockserver.store.memory.values import MemoryValues
from mockserver.store.redis_store import RedisStore
from mockserver.store.redis_store.clock import RedisClock
from mockserver.store.redis_store.credentials import RedisCredentials
from mockserver.store.redis_store.documents import RedisDocuments
from mockserver.store.redis_store.faults import RedisFaults
from mockserver.store.redis_store.journal import RedisJournal
from mockserver.store.redis_store.tenants import RedisTenants
from mockserver.store.redis_store.values import RedisValues
from mockserver.store.tenants import Tenants
from mockserver.store.values import Values
from tests.live_server import free_port
from tests.store_contract.conftest import DOCS

PARTS = {
    Tenants: (MemoryTenants, RedisTenants),
    Values: (MemoryValues, RedisValues),
    Documents: (MemoryDocuments, RedisDocuments),
    Credentials: (MemoryCredentials, RedisCredentials),
    Clock: (MemoryClock, RedisClock),
    Journal: (MemoryJournal, RedisJournal),
    Faults: (MemoryFaults, RedisFaults),
}


def operations(cls: type) -> set[str]:
    """The public operations a class itself defines."""
    return {name for name, value in vars(cls).items() if callable(value) and not name.startswith("_")}


def test_the_store_is_exactly_its_families_and_no_operation_is_in_two():
    union = [name for family in FAMILIES for name in operations(family)]
    assert len(union) == len(set(union))
    assert set(union) == {name for name in dir(Store) if not name.startswith("_")}
    assert set(PARTS) == set(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.__name__)
def test_each_store_has_one_part_per_family_implementing_exactly_it(family):
    memory_part, redis_part = PARTS[family]
    assert operations(memory_part) == operations(family)
    assert operations(redis_part) == operations(family)
    assert issubclass(MemoryStore, memory_part) and issubclass(RedisStore, redis_part)


def test_a_redis_out_of_reach_is_unavailable_in_every_family():
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    store.define_collection(DOCS)  # held by this process: no Redis needed
    calls = {
        Tenants: lambda: store.tenants(),
        Values: lambda: store.get_value("t", "v"),
        Documents: lambda: store.get_document("t", "docs", "a"),
        Credentials: lambda: store.credential_key(),
        Clock: lambda: store.now(),
        Journal: lambda: store.journal(),
        Faults: lambda: store.take_fault("t", "op"),
    }
    assert set(calls) == set(FAMILIES)
    for call in calls.values():
        with pytest.raises(StoreUnavailable):
            call()
    store.close()
