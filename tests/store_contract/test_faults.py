"""The faults family: fault rules set, listed, taken and cleared, on both stores."""


def test_faults_probability_and_times(store):
    store.set_fault("*", "op", {"status": 503, "times": 2})
    assert store.take_fault("t", "op")["status"] == 503
    assert store.take_fault("t", "op")["status"] == 503
    assert store.take_fault("t", "op") is None
    store.set_fault("t", "op", {"status": 500, "probability": 0})
    assert store.take_fault("t", "op") is None


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
