"""The tenants family: a tenant's whole state seeded, dumped, loaded and reset, on both stores."""

import json

import pytest

from mockserver.state_file import load_state_file, save_state_file
from mockserver.store.journal import JournalRecord


def test_tenants_are_isolated_and_reset_separately(store):
    store.upsert_documents("t1", "docs", [{"id": "a"}])
    store.mutate_value("t1", "v", lambda old: ((old or 0) + 1, None))
    assert store.query_documents("t2", "docs").count == 0
    assert store.get_value("t2", "v") is None
    store.reset("t1")
    assert store.query_documents("t1", "docs").count == 0


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


def test_a_tenants_reset_takes_its_journal_entries_and_faults_and_no_others(store):

    for tenant in ("a", "b"):
        store.upsert_documents(tenant, "docs", [{"id": "x"}])
        store.record(JournalRecord(1.0, tenant, "GET", "/p/", "", "op", 200, 0.001, {}, None, b"{}"))
        store.set_fault(tenant, "op", {"status": 500})
    store.reset("a")
    assert [e["tenant"] for e in store.journal()] == ["b"]
    assert [f["tenant"] for f in store.faults()] == ["b"]
    assert (store.get_document("a", "docs", "x"), store.get_document("b", "docs", "x")) == (None, {"id": "x"})
    store.reset()
    assert (store.journal(), store.faults(), store.tenants()) == ([], [], [])
