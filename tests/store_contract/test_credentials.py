"""The credentials family: one credential key per fake, on both stores."""


def test_the_credential_key_is_one_per_fake(new_store):
    store = new_store()
    first = store.credential_key(b"k" * 32)
    assert store.credential_key(b"x" * 32) == first == b"k" * 32
    assert store.credential_key(b"y" * 32, replace=True) == b"y" * 32
    if new_store.backend == "redis":
        assert new_store().credential_key(b"z" * 32) == b"y" * 32
