"""The in-memory store: tenants, atomic values, collections with ordering and search, clock."""

import json

from mockserver.state_file import load_state_file, save_state_file
from mockserver.store import CollectionSpec, MemoryStore, VirtualClock

DOCS = CollectionSpec(
    name="docs",
    key_field="id",
    ordering_fields={"id": "text", "total": "number", "who": "text"},
    search_fields=("id", "who"),
    default_ordering=("id",),
)


def make_store(now=1000.0):
    store = MemoryStore(clock=VirtualClock(time_source=lambda: now))
    store.define_collection(DOCS)
    return store


def test_upsert_counts_and_replace_whole():
    store = make_store()
    counts = store.upsert_documents(
        "t", "docs", [{"id": "a", "total": "1", "x": 1}, {"id": "b", "total": "2"}]
    )
    assert (counts.inserted, counts.updated) == (2, 0)
    counts = store.upsert_documents("t", "docs", [{"id": "a", "total": "3"}])
    assert (counts.inserted, counts.updated) == (0, 1)
    assert store.get_document("t", "docs", "a") == {"id": "a", "total": "3"}


def test_ordering_numbers_nulls_and_search():
    store = make_store()
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


def test_tenants_are_isolated_and_reset_separately():
    store = make_store()
    store.upsert_documents("t1", "docs", [{"id": "a"}])
    store.mutate_value("t1", "v", lambda old: ((old or 0) + 1, None))
    assert store.query_documents("t2", "docs").count == 0
    assert store.get_value("t2", "v") is None
    store.reset("t1")
    assert store.query_documents("t1", "docs").count == 0


def test_returned_values_never_alias_stored_state():
    store = make_store()
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


def test_state_file_round_trip_is_atomic(tmp_path):
    store = make_store()
    store.upsert_documents("t", "docs", [{"id": "a", "total": "1"}])
    path = tmp_path / "state.json"
    save_state_file(store, path)
    assert json.loads(path.read_text())["tenants"]["t"]["collections"]["docs"] == [{"id": "a", "total": "1"}]
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp file left behind
    other = make_store()
    load_state_file(other, path)
    assert other.get_document("t", "docs", "a") == {"id": "a", "total": "1"}


def test_faults_probability_and_times():
    store = make_store()
    store.set_fault("*", "op", {"status": 503, "times": 2})
    assert store.take_fault("t", "op")["status"] == 503
    assert store.take_fault("t", "op")["status"] == 503
    assert store.take_fault("t", "op") is None
    store.set_fault("t", "op", {"status": 500, "probability": 0})
    assert store.take_fault("t", "op") is None


def test_a_collection_version_changes_on_every_write_and_never_comes_back():
    store = MemoryStore()
    store.define_collection(DOCS)
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


def test_search_terms_all_match_and_indexes_follow_every_write():
    """Sort values and search text are derived on the next read: a document changed or deleted
    after a read is found (and ordered) by its new values only."""
    store = make_store()
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
