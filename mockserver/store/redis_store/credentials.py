"""The Redis store's credential key: one key, set once (unless replaced) for every process."""

from mockserver.store.credentials import new_credential_key
from mockserver.store.redis_store.core import RedisCore


class RedisCredentials(RedisCore):
    def credential_key(self, proposed: bytes | None = None, replace: bool = False) -> bytes:
        key = self._key("credential-key")
        if replace and proposed is not None:
            self._redis.set(key, proposed)
            return proposed
        self._redis.set(key, new_credential_key(proposed), nx=True)
        return bytes(self._redis.get(key))
