"""The store contract: every Store operation and its semantics, run against the memory store and
the Redis store alike (a real redis-server started by tests/conftest.py)."""

import json
import threading

import pytest

from mockserver.state_file import load_state_file, save_state_file
from mockserver.store import CollectionSpec, MemoryStore, VirtualClock, clock
from mockserver.store.journal import JournalRecord
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

    build.kind = request.param
    yield build
    for store in made:
        store.close()


@pytest.fixture
def store(new_store):
    return new_store()


def test_upsert_counts_and_replace_whole(store):
    counts = store.upsert_documents(
        "t", "docs", [{"id": "a", "total": "1", "x": 1}, {"id": "b", "total": "2"}]
    )
    assert (counts.inserted, counts.updated) == (2, 0)
    counts = store.upsert_documents("t", "docs", [{"id": "a", "total": "3"}])
    assert (counts.inserted, counts.updated) == (0, 1)
    assert store.get_document("t", "docs", "a") == {"id": "a", "total": "3"}


def test_ordering_numbers_nulls_and_search(store):
    store.upsert_documents(
        "t",
        "docs",
        [
            {"id": "a", "total": "10.0000", "who": "Olena"},
            {"id": "b", "total": "9.5000", "who": None},
            {"id": "c", "total": "100.0000", "who": "oleh"},
        ],
    )
    ids = lambda result: [d["id"] for d in result.documents]  # noqa: E731
    assert ids(store.query_documents("t", "docs", ordering=["total"])) == ["b", "a", "c"]
    assert ids(store.query_documents("t", "docs", ordering=["-total"])) == ["c", "a", "b"]
    assert ids(store.query_documents("t", "docs", ordering=["who"])) == ["a", "c", "b"]
    assert ids(store.query_documents("t", "docs", ordering=["nonsense"])) == ["a", "b", "c"]
    found = store.query_documents("t", "docs", search="OLE", offset=1, limit=5)
    assert found.count == 2 and ids(found) == ["c"]


def test_tenants_are_isolated_and_reset_separately(store):
    store.upsert_documents("t1", "docs", [{"id": "a"}])
    store.mutate_value("t1", "v", lambda old: ((old or 0) + 1, None))
    assert store.query_documents("t2", "docs").count == 0
    assert store.get_value("t2", "v") is None
    store.reset("t1")
    assert store.query_documents("t1", "docs").count == 0


def test_returned_values_never_alias_stored_state(store):
    store.mutate_value("t", "v", lambda old: ({"list": [1]}, None))
    store.get_value("t", "v")["list"].append(2)
    assert store.get_value("t", "v") == {"list": [1]}


def test_clock_advance_freeze_release():
    wall = [1000.0]
    clock = VirtualClock(time_source=lambda: wall[0])
    clock.advance(60)
    assert clock.now() == 1060
    clock.freeze()
    wall[0] = 2000.0
    assert clock.now() == 1060
    clock.advance(5)
    clock.release()
    assert clock.now() == 1065
    wall[0] = 2010.0
    assert clock.now() == 1075


def test_state_file_round_trip_is_atomic(tmp_path, new_store):
    store = new_store()
    store.upsert_documents("t", "docs", [{"id": "a", "total": "1"}])
    path = tmp_path / "state.json"
    save_state_file(store, path)
    assert json.loads(path.read_text())["tenants"]["t"]["collections"]["docs"] == [{"id": "a", "total": "1"}]
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp file left behind
    other = new_store(prefix="other")
    load_state_file(other, path)
    assert other.get_document("t", "docs", "a") == {"id": "a", "total": "1"}


def test_faults_probability_and_times(store):
    store.set_fault("*", "op", {"status": 503, "times": 2})
    assert store.take_fault("t", "op")["status"] == 503
    assert store.take_fault("t", "op")["status"] == 503
    assert store.take_fault("t", "op") is None
    store.set_fault("t", "op", {"status": 500, "probability": 0})
    assert store.take_fault("t", "op") is None


def test_a_collection_version_changes_on_every_write_and_never_comes_back(store):
    assert store.collection_version("t", DOCS.name) == 0
    store.upsert_documents("t", DOCS.name, [{"id": "1", "name": "a"}])
    seen = [store.collection_version("t", DOCS.name)]
    store.upsert_documents("t", DOCS.name, [{"id": "1", "name": "a"}])  # even an identical write
    seen.append(store.collection_version("t", DOCS.name))
    store.delete_documents("t", DOCS.name, ["1"])
    seen.append(store.collection_version("t", DOCS.name))
    store.load_all({"tenants": {"t": {"collections": {DOCS.name: []}}}})
    seen.append(store.collection_version("t", DOCS.name))
    assert len(set(seen)) == 4 and 0 not in seen


def test_search_terms_all_match_and_indexes_follow_every_write(store):
    """Indexes follow every write: a document changed or deleted after a read is found (and
    ordered) by its new values only."""
    store.upsert_documents(
        "t",
        "docs",
        [{"id": "a", "total": "1", "who": "Olena Petrenko"}, {"id": "b", "total": "2", "who": "Oleh"}],
    )
    ids = lambda result: [d["id"] for d in result.documents]  # noqa: E731
    assert ids(store.query_documents("t", "docs", search="ole, petr")) == ["a"]
    assert ids(store.query_documents("t", "docs", ordering=["-total"])) == ["b", "a"]
    store.upsert_documents("t", "docs", [{"id": "a", "total": "3", "who": "Ivan"}])
    assert ids(store.query_documents("t", "docs", search="ole petr")) == []
    assert ids(store.query_documents("t", "docs", search="ivan")) == ["a"]
    assert ids(store.query_documents("t", "docs", ordering=["-total"])) == ["a", "b"]
    store.delete_documents("t", "docs", ["a"])
    assert ids(store.query_documents("t", "docs", ordering=["-total"], search="")) == ["b"]
    store.upsert_documents("t", "docs", [{"id": "a", "total": "0", "who": "Ivan"}])
    assert ids(store.query_documents("t", "docs", ordering=["-total"])) == ["b", "a"]


def test_the_store_clock_advances_freezes_and_releases_for_every_process(new_store):
    wall = [1000.0]
    store, other = new_store(time_source=lambda: wall[0]), new_store(time_source=lambda: wall[0])
    assert store.advance_clock(60)["now"] == 1060
    assert other.freeze_clock() == {"now": 1060, "offset_seconds": 60, "frozen": True}
    wall[0] = 2000.0
    assert store.now() == 1060
    store.advance_clock(5)
    assert other.release_clock()["now"] == 1065
    wall[0] = 2010.0
    assert store.now() == other.now() == 1075
    store.reset()
    assert store.clock_state() == {"now": 2010.0, "offset_seconds": 0.0, "frozen": False}


def test_documents_deleted_counted_and_keys_found(store):
    store.upsert_documents("t", "docs", [{"id": "a"}, {"id": "b"}, {"id": "c"}])
    assert store.existing_keys("t", "docs", ["a", "x", "c"]) == {"a", "c"}
    assert store.existing_keys("other", "docs", ["a"]) == set()
    assert store.delete_documents("t", "docs", ["a", "x", "a"]) == 1
    assert store.get_document("t", "docs", "a") is None
    assert json.loads(store.get_document("t", "docs", "b", encoded=True)) == {"id": "b"}
    page = store.query_documents("t", "docs", offset=1, limit=1, encoded=True)
    assert page.count == 2 and [json.loads(d) for d in page.documents] == [{"id": "c"}]
    assert store.query_documents("t", "docs", offset=5, limit=1).documents == []
    assert store.query_documents("t", "docs", limit=0).documents == []
    with pytest.raises(KeyError):
        store.get_document("t", "nope", "a")


def test_orderings_by_several_fields_ties_and_descending_nulls(store):
    store.upsert_documents(
        "t",
        "docs",
        [
            {"id": "d", "total": "1", "who": "b"},
            {"id": "a", "total": "1", "who": "a"},
            {"id": "c", "total": None, "who": "a"},
            {"id": "b", "total": "-2.5", "who": "ab"},
            {"id": "e", "total": "-2.55", "who": ""},
            {"id": "f", "total": "1e3", "who": None},
            {"id": "g", "total": "0", "who": "é"},
        ],
    )
    ids = lambda result: [d["id"] for d in result.documents]  # noqa: E731
    assert ids(store.query_documents("t", "docs", ordering=["total"])) == ["e", "b", "g", "a", "d", "f", "c"]
    assert ids(store.query_documents("t", "docs", ordering=["-total"])) == ["c", "f", "a", "d", "g", "b", "e"]
    assert ids(store.query_documents("t", "docs", ordering=["who"])) == ["e", "a", "c", "b", "d", "g", "f"]
    assert ids(store.query_documents("t", "docs", ordering=["-who"])) == ["f", "g", "d", "b", "a", "c", "e"]
    assert ids(store.query_documents("t", "docs", ordering=["who", "-total"])) == [
        "e", "c", "a", "b", "d", "g", "f"
    ]  # fmt: skip
    assert ids(store.query_documents("t", "docs", ordering=["-total", "who"], offset=2, limit=3)) == [
        "a", "d", "g"
    ]  # fmt: skip
    found = store.query_documents("t", "docs", ordering=["-total"], search="a", limit=2)
    assert found.count == 3 and ids(found) == ["c", "a"]
    assert store.query_documents("t", "docs", search="zzz").count == 0


def test_values_change_atomically_under_concurrent_writers(new_store):
    stores = [new_store() for _ in range(4)]

    def add(store):
        for _ in range(25):
            store.mutate_value("t", "n", lambda old: ((old or 0) + 1, None))

    threads = [threading.Thread(target=add, args=(s,)) for s in stores for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stores[0].get_value("t", "n") == 200
    assert stores[0].get_value("t", "missing", default={"a": [1]}) == {"a": [1]}
    assert stores[0].tenants() == ["t"]


def test_a_tenant_is_seeded_once_and_loads_and_dumps_whole(store):
    seeds = []

    def seed():
        seeds.append(1)
        return {"values": {"v": [1]}, "collections": {"docs": [{"id": "a", "total": "2"}]}}

    store.ensure_tenant("t", seed)
    store.ensure_tenant("t", seed)
    assert len(seeds) == 1
    assert store.dump_tenant("t") == {
        "values": {"v": [1]},
        "collections": {"docs": [{"id": "a", "total": "2"}]},
    }
    store.load_tenant("t", {"values": {}, "collections": {"docs": [{"id": "b"}]}})
    assert store.dump_tenant("t") == {"values": {}, "collections": {"docs": [{"id": "b"}]}}
    assert [d["id"] for d in store.query_documents("t", "docs", ordering=["-id"]).documents] == ["b"]
    with pytest.raises(KeyError):
        store.load_tenant("t", {"collections": {"nope": []}})
    assert store.dump_tenant("t")["collections"]["docs"] == [{"id": "b"}]  # nothing changed
    store.load_all({"tenants": {"u": {"values": {"x": 1}}}})
    assert store.tenants() == ["u"]


def _record(tenant, status=200):
    return JournalRecord(1.0, tenant, "GET", "/p/", "", "op", status, 0.001, {}, None, b"{}")


def test_the_journal_is_capped_shared_and_cleared_per_tenant(new_store):
    store, other = new_store(journal_size=3), new_store(journal_size=3)
    for index, tenant in enumerate(["a", "b", None, "a"]):
        (store if index % 2 else other).record(_record(tenant, 200 + index))
    entries = store.journal()
    assert [e["status"] for e in entries] == [201, 202, 203]
    assert entries[0]["id"] < entries[1]["id"] < entries[2]["id"]
    assert [e["status"] for e in other.journal("a")] == [203]
    assert store.clear_journal("a") == 1
    assert [e["tenant"] for e in other.journal()] == ["b", None]
    assert store.clear_journal() == 2 and other.journal() == []


def test_faults_are_listed_shared_and_cleared(new_store):
    store, other = new_store(), new_store()
    store.set_fault("t", "op", {"status": 500, "times": 3})
    store.set_fault("*", "other-op", {"status": 429})
    store.set_fault("u", "op", {"status": 502})
    assert [f["tenant"] for f in other.faults("t")] == ["*", "t"]
    assert other.take_fault("t", "op") == {"status": 500, "times": 2}
    assert store.faults("t")[1]["times"] == 2
    assert other.clear_faults("u") == 1
    assert store.clear_faults(operation_id="op") == 1
    assert store.take_fault("t", "other-op") == {"status": 429}  # no budget: stays
    assert store.clear_faults() == 1 and store.faults() == []


def test_tenant_data_is_shared_by_processes_and_kept_apart_by_prefix(new_store):
    store, other = new_store(), new_store()
    store.upsert_documents("t", "docs", [{"id": "a"}])
    assert other.get_document("t", "docs", "a") == {"id": "a"}
    assert other.collection_version("t", "docs") == store.collection_version("t", "docs") != 0
    if new_store.kind == "redis":
        apart = new_store(prefix="another-fake")
        assert apart.get_document("t", "docs", "a") is None and apart.tenants() == []


def test_the_credential_key_is_one_per_fake(new_store):
    store = new_store()
    first = store.credential_key(b"k" * 32)
    assert store.credential_key(b"x" * 32) == first == b"k" * 32
    assert store.credential_key(b"y" * 32, replace=True) == b"y" * 32
    if new_store.kind == "redis":
        assert new_store().credential_key(b"z" * 32) == b"y" * 32


def test_a_value_change_may_change_another_value_with_it(new_store):
    store = new_store()

    def outer(old):
        inner = store.mutate_value("t", "inner", lambda value: ((value or 0) + 1, value))
        return (old or 0) + 10, inner

    assert store.mutate_value("t", "outer", outer) is None
    assert store.mutate_value("t", "outer", outer) == 1
    assert (store.get_value("t", "outer"), store.get_value("t", "inner")) == (20, 2)


def test_each_tenant_has_a_clock_of_its_own_over_the_fakes(new_store):
    """A tenant's time is the fake's clock plus its own offset, or its frozen instant: one tenant
    moving its clock never moves another's, on either store and for every process sharing it."""
    wall = [1000.0]
    store, other = new_store(time_source=lambda: wall[0]), new_store(time_source=lambda: wall[0])
    assert (
        clock.change_tenant_clock(store, "a", lambda c, now: clock.advance_tenant(c, now, 30))["now"] == 1030
    )
    assert clock.time_of(other, "a") == 1030  # shared with every process of the store
    assert clock.time_of(other, "b") == 1000  # tenant b is untouched
    assert clock.change_tenant_clock(other, "b", clock.freeze_tenant)["frozen"] is True
    wall[0] = 1100.0
    assert (clock.time_of(store, "a"), clock.time_of(store, "b")) == (1130, 1000)
    store.advance_clock(10)  # the fake's clock (an admin action) moves every tenant not frozen
    assert (clock.time_of(store, "a"), clock.time_of(store, "b"), clock.time_of(store, None)) == (
        1140,
        1000,
        1110,
    )
    clock.change_tenant_clock(store, "b", lambda c, now: clock.advance_tenant(c, now, 5))
    assert clock.tenant_clock(store, "b") == {"now": 1005, "offset_seconds": -105, "frozen": True}
    assert clock.change_tenant_clock(store, "b", clock.release_tenant)["frozen"] is False
    wall[0] = 1200.0
    assert clock.time_of(other, "b") == 1105  # runs again from where it stood
    store.reset("a")  # a tenant's reset takes its clock back to the fake's
    assert clock.time_of(store, "a") == 1210
