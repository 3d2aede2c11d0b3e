"""The values family: a tenant's small values, read as copies and changed atomically, on both stores."""

import threading


def test_returned_values_never_alias_stored_state(store):
    store.mutate_value("t", "v", lambda old: ({"list": [1]}, None))
    store.get_value("t", "v")["list"].append(2)
    assert store.get_value("t", "v") == {"list": [1]}


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


def test_a_value_change_may_change_another_value_with_it(new_store):
    store = new_store()

    def outer(old):
        inner = store.mutate_value("t", "inner", lambda value: ((value or 0) + 1, value))
        return (old or 0) + 10, inner

    assert store.mutate_value("t", "outer", outer) is None
    assert store.mutate_value("t", "outer", outer) == 1
    assert (store.get_value("t", "outer"), store.get_value("t", "inner")) == (20, 2)
