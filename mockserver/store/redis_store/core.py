"""The Redis store's primitive, which every part works over: the client, the key names under the
fake's prefix, and the registered Lua scripts (store/redis_store/scripts.py)."""

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mockserver.store.base import StoreUnavailable

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class RedisCore:
    _redis: redis.Redis
    _prefix: str
    _scripts: dict[str, Any]  # the registered scripts, by their name in scripts.py

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def _tenant_key(self, tenant: str, *parts: str) -> str:
        return self._key("t", quote(tenant, safe=""), *parts)

    def _tenant_keys(self, tenant: str) -> list[str]:
        """Every key the tenant has now (found by scanning its part of the key space)."""
        pattern = self._tenant_key(tenant, "*")
        return [key.decode() for key in self._redis.scan_iter(match=pattern, count=1000)]


def unavailable_when_unreachable(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            raise StoreUnavailable(f"the shared store (Redis) is unreachable: {error}") from error

    return guarded


def guard_public_methods(cls: type) -> type:
    """Every public operation of the composed store (from whichever part) raises StoreUnavailable
    when Redis cannot be reached."""
    for name in dir(cls):
        value = getattr(cls, name)
        if not name.startswith("_") and callable(value):
            setattr(cls, name, unavailable_when_unreachable(value))
    return cls
