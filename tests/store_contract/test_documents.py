"""The documents family: upserts, reads, deletes, versions, ordering and search, on both stores."""

import dataclasses
import json

import pytest

from tests.store_contract.conftest import DOCS


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


def test_a_collection_may_order_nulls_first_as_sqlite_does(new_store):
    """A profile's null_ordering "first": NULLs first ascending and last descending, by every
    path an ordering takes (one field's sorted set, several fields read and sorted)."""
    store = new_store(spec=dataclasses.replace(DOCS, nulls_first=True))
    store.upsert_documents(
        "t",
        "docs",
        [
            {"id": "a", "total": "1", "who": "b"},
            {"id": "b", "total": None, "who": ""},
            {"id": "c", "total": "-2", "who": None},
            {"id": "d", "total": None, "who": "a"},
        ],
    )
    ids = lambda result: [d["id"] for d in result.documents]  # noqa: E731
    assert ids(store.query_documents("t", "docs", ordering=["total"])) == ["b", "d", "c", "a"]
    assert ids(store.query_documents("t", "docs", ordering=["-total"])) == ["a", "c", "b", "d"]
    assert ids(store.query_documents("t", "docs", ordering=["who"])) == ["c", "b", "d", "a"]
    assert ids(store.query_documents("t", "docs", ordering=["-who"])) == ["a", "d", "b", "c"]
    assert ids(store.query_documents("t", "docs", ordering=["total", "-who"])) == ["d", "b", "c", "a"]
    assert ids(store.query_documents("t", "docs", ordering=["-total"], search="a")) == ["a", "d"]


def test_tenant_data_is_shared_by_processes_and_kept_apart_by_prefix(new_store):
    store, other = new_store(), new_store()
    store.upsert_documents("t", "docs", [{"id": "a"}])
    assert other.get_document("t", "docs", "a") == {"id": "a"}
    assert other.collection_version("t", "docs") == store.collection_version("t", "docs") != 0
    if new_store.backend == "redis":
        apart = new_store(prefix="another-fake")
        assert apart.get_document("t", "docs", "a") is None and apart.tenants() == []
