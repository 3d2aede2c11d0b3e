"""The Redis store's values: one hash per tenant, each change a WATCH/MULTI transaction."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import orjson
from redis.exceptions import WatchError

from mockserver.store.redis_store.core import RedisCore
from mockserver.store.values import R, decoded


class RedisValues(RedisCore):
    # the transaction a value change in progress runs in (see mutate_value)
    _transaction: ContextVar[tuple[Any, dict[tuple[str, str], bytes]] | None]

    def get_value(self, tenant: str, name: str, default: Any = None) -> Any:
        return decoded(self._redis.hget(self._tenant_key(tenant, "values"), name), default)

    def mutate_value(self, tenant: str, name: str, change: Callable[[Any], tuple[Any, R]]) -> R:
        """The change is a pure function of the old value: on a concurrent write it runs again.

        A change may change another value of the tenant itself (a setup task's catalogues and
        its task): the inner change joins the outer transaction, so both are written together
        or, on a conflict, both run again."""
        key = self._tenant_key(tenant, "values")
        joined = self._transaction.get()
        if joined is not None:
            pipe, writes = joined
            pipe.watch(key)
            raw = writes[(key, name)] if (key, name) in writes else pipe.hget(key, name)
            new_value, result = change(decoded(raw))
            writes[(key, name)] = orjson.dumps(new_value)
            return result
        with self._redis.pipeline(transaction=True) as pipe:
            while True:
                writes: dict[tuple[str, str], bytes] = {}
                token = self._transaction.set((pipe, writes))
                try:
                    pipe.watch(key)
                    raw = pipe.hget(key, name)
                    new_value, result = change(decoded(raw))
                    writes[(key, name)] = orjson.dumps(new_value)
                    pipe.multi()
                    for (written_key, written_name), value in writes.items():
                        pipe.hset(written_key, written_name, value)
                    pipe.sadd(self._key("tenants"), tenant)
                    pipe.execute()
                    return result
                except WatchError:
                    continue
                finally:
                    self._transaction.reset(token)
