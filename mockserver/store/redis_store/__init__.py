"""The Redis store: the Store interface over one Redis, shared by every worker and replica of a fake.

Composed, as the memory store is, of one part per family (store/base.py), each in its own module
over one primitive (core.py: the client, the key names, the Lua scripts). Every mutation is one
Lua script or one WATCH/MULTI transaction, so a batch is written whole or not at all and two
processes never interleave inside one. Keys live under a prefix (one per fake, so fakes can share
a Redis) and, for tenant data, under the tenant's quoted name. A Redis out of reach raises
StoreUnavailable from every operation.
"""

import random
import re
import time
from collections.abc import Callable
from contextvars import ContextVar

import redis

from mockserver.store.redis_store import scripts
from mockserver.store.redis_store.clock import RedisClock
from mockserver.store.redis_store.core import guard_public_methods
from mockserver.store.redis_store.credentials import RedisCredentials
from mockserver.store.redis_store.documents import RedisDocuments
from mockserver.store.redis_store.faults import RedisFaults
from mockserver.store.redis_store.journal import RedisJournal
from mockserver.store.redis_store.mirror import SearchMirrors
from mockserver.store.redis_store.tenants import RedisTenants
from mockserver.store.redis_store.values import RedisValues

DEFAULT_PREFIX = "mockserver"
PREFIX_PATTERN = re.compile(r"[A-Za-z0-9_.:-]+")
SCRIPTS = (
    "UPSERT", "DELETE", "LOAD", "RESET", "QUERY", "CLOCK", "RECORD", "CLEAR_JOURNAL", "SYNC",
    "AT_VERSION", "RANKS_SINCE", "TAKE_FAULT",
)  # fmt: skip


@guard_public_methods
class RedisStore(
    RedisTenants, RedisValues, RedisDocuments, RedisCredentials, RedisClock, RedisJournal, RedisFaults
):
    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = DEFAULT_PREFIX,
        journal_size: int = 1000,
        time_source: Callable[[], float] = time.time,
        random_seed: int | None = None,
        client: redis.Redis | None = None,
    ) -> None:
        if not PREFIX_PATTERN.fullmatch(prefix):
            raise ValueError(f"a store prefix is letters, digits and _.:- only, not {prefix!r}")
        self._redis = client or redis.Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=10
        )
        self._prefix = prefix
        self._scripts = {name: self._redis.register_script(getattr(scripts, name)) for name in SCRIPTS}
        self._transaction = ContextVar(f"transaction-{id(self)}", default=None)  # values
        self._specs = {}  # documents: the collections defined
        self._mirrors = SearchMirrors(  # documents: this process's search indexes
            self._scripts["SYNC"], self._whole_sorted_set, self._scripts["RANKS_SINCE"]
        )
        self._time = time_source  # clock
        self._journal_size = journal_size  # journal
        self._random = random.Random(random_seed)  # faults

    def close(self) -> None:
        self._redis.close()


__all__ = ["DEFAULT_PREFIX", "RedisStore"]
