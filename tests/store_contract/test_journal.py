"""The journal family: the bounded request journal, shared by processes, on both stores."""

from mockserver.store.journal import JournalRecord


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
