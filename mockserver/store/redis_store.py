"""The Redis store: the Store interface over one Redis, shared by every worker and replica of a fake.

Every mutation is one Lua script or one WATCH/MULTI transaction, so a batch is written whole or
not at all and two processes never interleave inside one. Keys live under a prefix (one per
fake, so fakes can share a Redis) and, for tenant data, under the tenant's quoted name.

Reads stay fast by indexes kept on every write: a sorted set per ordering field and direction
(members encoded by store/sort_keys.py), so a page is a range read; search runs inside Redis
(one script, no documents leave it but the page's).
"""

import functools
import random
import re
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote

import orjson
import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError

from mockserver.store import redis_scripts as scripts
from mockserver.store.base import (
    CollectionSpec,
    QueryResult,
    R,
    StoreUnavailable,
    TenantSeed,
    UpsertCounts,
    nulls_last,
    sort_value,
)
from mockserver.store.journal import JournalRecord
from mockserver.store.journal import entry as journal_entry
from mockserver.store.memory import ALL_TENANTS
from mockserver.store.redis_mirror import SearchMirrors
from mockserver.store.search_index import search_terms, search_text
from mockserver.store.sort_keys import members

DEFAULT_PREFIX = "mockserver"
_SEARCH_ATTEMPTS = 5
_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9_.:-]+")
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _unavailable_when_unreachable(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except _UNREACHABLE as error:
            raise StoreUnavailable(f"the shared store (Redis) is unreachable: {error}") from error

    return guarded


def _guard_public_methods(cls: type) -> type:
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_"):
            setattr(cls, name, _unavailable_when_unreachable(value))
    return cls


def _search_text(spec: CollectionSpec, document: dict[str, Any]) -> str:
    return search_text(document.get(name) for name in spec.search_fields)


@_guard_public_methods
class RedisStore:
    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = DEFAULT_PREFIX,
        journal_size: int = 1000,
        time_source: Callable[[], float] = time.time,
        random_seed: int | None = None,
        client: redis.Redis | None = None,
    ) -> None:
        if not _PREFIX_PATTERN.fullmatch(prefix):
            raise ValueError(f"a store prefix is letters, digits and _.:- only, not {prefix!r}")
        self._redis = client or redis.Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=10
        )
        self._prefix = prefix
        self._journal_size = journal_size
        self._time = time_source
        self._random = random.Random(random_seed)
        self._specs: dict[str, CollectionSpec] = {}
        # the transaction a value change in progress runs in (see mutate_value)
        self._transaction: ContextVar[tuple[Any, dict[tuple[str, str], bytes]] | None] = ContextVar(
            f"transaction-{id(self)}", default=None
        )
        self._scripts = {
            name: self._redis.register_script(getattr(scripts, name))
            for name in (
                "UPSERT",
                "DELETE",
                "LOAD",
                "RESET",
                "QUERY",
                "CLOCK",
                "RECORD",
                "CLEAR_JOURNAL",
                "SYNC",
                "AT_VERSION",
                "RANKS_SINCE",
            )
        }
        self._scripts["TAKE_FAULT"] = self._redis.register_script(scripts.TAKE_FAULT)
        self._mirrors = SearchMirrors(
            self._scripts["SYNC"], self._whole_sorted_set, self._scripts["RANKS_SINCE"]
        )

    def _whole_sorted_set(self, version: int, version_key: str, sorted_set: str) -> list[bytes] | None:
        return self._scripts["AT_VERSION"](keys=[version_key, sorted_set], args=[version])

    # keys --------------------------------------------------------------------------------
    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def _tenant_key(self, tenant: str, *parts: str) -> str:
        return self._key("t", quote(tenant, safe=""), *parts)

    def _collection_keys(self, tenant: str, spec: CollectionSpec) -> list[str]:
        """Documents, members, search texts, version, stamps, tenants, the sorted sets, the change log."""
        base = self._tenant_key(tenant, "c", quote(spec.name, safe=""))
        sorted_sets = [f"{base}:by-key"]
        for name in spec.ordering_fields:
            sorted_sets += [f"{base}:asc:{quote(name, safe='')}", f"{base}:desc:{quote(name, safe='')}"]
        return [
            f"{base}:documents",
            f"{base}:members",
            f"{base}:search",
            f"{base}:version",
            self._key("stamps"),
            self._key("tenants"),
            *sorted_sets,
            f"{base}:changed",
        ]

    def _spec(self, collection: str) -> CollectionSpec:
        spec = self._specs.get(collection)
        if spec is None:
            raise KeyError(f"unknown collection {collection!r}")
        return spec

    def _tenant_keys(self, tenant: str) -> list[str]:
        """Every key the tenant has now (found by scanning its part of the key space)."""
        pattern = self._tenant_key(tenant, "*")
        return [key.decode() for key in self._redis.scan_iter(match=pattern, count=1000)]

    # tenants -----------------------------------------------------------------------------
    def ensure_tenant(self, tenant: str, seed: TenantSeed) -> None:
        if self._redis.sismember(self._key("tenants"), tenant):
            return
        self._load({tenant: seed()}, only_if_new=True)

    def tenants(self) -> list[str]:
        return sorted(name.decode() for name in self._redis.smembers(self._key("tenants")))

    def reset(self, tenant: str | None = None) -> None:
        if tenant is None:
            names = self.tenants()
            pattern = self._key("t", "*")  # every tenant's keys, even one a failed write left unlisted
            doomed = [key.decode() for key in self._redis.scan_iter(match=pattern, count=1000)]
            doomed += [self._key(name) for name in ("journal", "clock", *self._fault_keys_suffixes())]
            self._scripts["RESET"](keys=[self._key("tenants"), *doomed], args=names)
        else:
            self._scripts["RESET"](keys=[self._key("tenants"), *self._tenant_keys(tenant)], args=[tenant])
            self.clear_journal(tenant)
            self.clear_faults(tenant)

    def dump_tenant(self, tenant: str) -> dict[str, Any]:
        pipe = self._redis.pipeline(transaction=True)
        pipe.hgetall(self._tenant_key(tenant, "values"))
        specs = sorted(self._specs.values(), key=lambda spec: spec.name)
        for spec in specs:
            keys = self._collection_keys(tenant, spec)
            pipe.exists(keys[3])
            pipe.hgetall(keys[0])
        replies = pipe.execute()
        values = {name.decode(): orjson.loads(raw) for name, raw in replies[0].items()}
        collections = {}
        for index, spec in enumerate(specs):
            exists, documents = replies[1 + 2 * index], replies[2 + 2 * index]
            if exists:
                collections[spec.name] = [orjson.loads(documents[key]) for key in sorted(documents)]
        return {"values": dict(sorted(values.items())), "collections": collections}

    def load_tenant(self, tenant: str, state: dict[str, Any]) -> None:
        self._load({tenant: state})

    def dump_all(self) -> dict[str, Any]:
        return {
            "clock": self.clock_state(),
            "tenants": {tenant: self.dump_tenant(tenant) for tenant in self.tenants()},
        }

    def load_all(self, state: dict[str, Any]) -> None:
        """All or nothing: one script replaces every tenant, the clock in the same transaction."""
        clock = state.get("clock")
        if clock:
            clock_fields = {
                "offset": repr(float(clock.get("offset_seconds", 0.0))),
                "frozen_at": repr(float(clock["now"])) if clock.get("frozen") else None,
            }
        tenants = state.get("tenants") or {}
        replaced = [key for name in self.tenants() for key in self._tenant_keys(name)]
        pipe = self._redis.pipeline(transaction=True)
        self._load(tenants, extra_doomed=[*replaced, self._key("tenants")], client=pipe)
        if clock:
            pipe.delete(self._key("clock"))
            pipe.hset(self._key("clock"), mapping={k: v for k, v in clock_fields.items() if v is not None})
        pipe.execute()

    def _load(
        self,
        tenants: dict[str, dict[str, Any]],
        only_if_new: bool = False,
        extra_doomed: Sequence[str] = (),
        client: Any = None,
    ) -> None:
        """Write tenants whole from their dumped state (built here first: a state that cannot
        load raises before anything is written)."""
        args: list[Any] = ["1" if only_if_new else "0", len(tenants)]
        doomed = list(extra_doomed)
        for tenant, state in tenants.items():
            commands: list[tuple[str, str, list[Any]]] = []
            values = state.get("values") or {}
            if values:
                flat = [part for name, value in values.items() for part in (name, orjson.dumps(value))]
                commands.append(("HSET", self._tenant_key(tenant, "values"), flat))
            for name, documents in (state.get("collections") or {}).items():
                spec = self._spec(name)
                keys = self._collection_keys(tenant, spec)
                by_key = {spec.key_of(document): document for document in documents}
                if by_key:
                    commands += self._collection_commands(spec, keys, by_key)
                commands.append(("STAMP", keys[3], []))
                if by_key:
                    commands.append(("CHANGED", keys[-1], list(by_key)))
            if not only_if_new:
                doomed += self._tenant_keys(tenant)
            args += [tenant, len(commands)]
            for verb, key, arguments in commands:
                args += [verb, key, len(arguments), *arguments]
        self._scripts["LOAD"](
            keys=[self._key("tenants"), self._key("stamps"), *doomed], args=args, client=client
        )

    def _collection_commands(
        self, spec: CollectionSpec, keys: list[str], by_key: dict[str, dict[str, Any]]
    ) -> list[tuple[str, str, list[Any]]]:
        documents: list[Any] = []
        packed: list[Any] = []
        texts: list[Any] = []
        sorted_sets: list[list[Any]] = [[] for _ in keys[6:-1]]
        for key, document in by_key.items():
            documents += [key, orjson.dumps(document)]
            member_list = self._member_list(spec, key, document)
            packed += [key, _msgpack_bytes_array(member_list)]
            for index, member in enumerate(member_list):
                sorted_sets[index] += [0, member]
            text = _search_text(spec, document) if spec.search_fields else ""
            if text:
                texts += [key, text]
        commands = [("HSET", keys[0], documents), ("HSET", keys[1], packed)]
        if texts:
            commands.append(("HSET", keys[2], texts))
        commands += [("ZADD", key, pairs) for key, pairs in zip(keys[6:-1], sorted_sets, strict=True)]
        return commands

    @staticmethod
    def _member_list(spec: CollectionSpec, key: str, document: dict[str, Any]) -> list[bytes]:
        found = [b"\x00" + key.encode()]
        for name, kind in spec.ordering_fields.items():
            found.extend(members(kind, document.get(name), key))
        return found

    # values ------------------------------------------------------------------------------
    def get_value(self, tenant: str, name: str, default: Any = None) -> Any:
        raw = self._redis.hget(self._tenant_key(tenant, "values"), name)
        return orjson.loads(raw) if raw is not None else orjson.loads(orjson.dumps(default))

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
            new_value, result = change(orjson.loads(raw) if raw is not None else None)
            writes[(key, name)] = orjson.dumps(new_value)
            return result
        with self._redis.pipeline(transaction=True) as pipe:
            while True:
                writes: dict[tuple[str, str], bytes] = {}
                token = self._transaction.set((pipe, writes))
                try:
                    pipe.watch(key)
                    raw = pipe.hget(key, name)
                    new_value, result = change(orjson.loads(raw) if raw is not None else None)
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

    # collections -------------------------------------------------------------------------
    def define_collection(self, spec: CollectionSpec) -> None:
        self._specs[spec.name] = spec

    def get_document(self, tenant: str, collection: str, key: str, encoded: bool = False) -> Any:
        raw = self._redis.hget(self._collection_keys(tenant, self._spec(collection))[0], key)
        return raw if raw is None or encoded else orjson.loads(raw)

    def collection_version(self, tenant: str, collection: str) -> int:
        raw = self._redis.get(self._collection_keys(tenant, self._spec(collection))[3])
        return int(raw) if raw is not None else 0

    def existing_keys(self, tenant: str, collection: str, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            self._spec(collection)
            return set()
        documents = self._collection_keys(tenant, self._spec(collection))[0]
        pipe = self._redis.pipeline(transaction=False)
        for key in wanted:
            pipe.hexists(documents, key)
        return {key for key, found in zip(wanted, pipe.execute(), strict=True) if found}

    def upsert_documents(
        self, tenant: str, collection: str, documents: Sequence[dict[str, Any]]
    ) -> UpsertCounts:
        spec = self._spec(collection)
        keys = self._collection_keys(tenant, spec)
        args: list[Any] = [tenant, len(keys) - 7]
        for document in documents:
            key = spec.key_of(document)
            text = _search_text(spec, document) if spec.search_fields else ""
            packed = _msgpack_bytes_array(self._member_list(spec, key, document))
            args += [key, orjson.dumps(document), text, packed]
        inserted = int(self._scripts["UPSERT"](keys=keys, args=args))
        return UpsertCounts(inserted=inserted, updated=len(documents) - inserted)

    def delete_documents(self, tenant: str, collection: str, keys: Iterable[str]) -> int:
        spec = self._spec(collection)
        redis_keys = self._collection_keys(tenant, spec)
        return int(self._scripts["DELETE"](keys=redis_keys, args=[tenant, len(redis_keys) - 7, *keys]))

    def query_documents(
        self,
        tenant: str,
        collection: str,
        *,
        ordering: Sequence[str] = (),
        search: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        encoded: bool = False,
    ) -> QueryResult:
        spec = self._spec(collection)
        keys = self._collection_keys(tenant, spec)
        terms = search_terms(search)
        effective = spec.effective_ordering(ordering)
        if len(effective) > 1:
            return self._query_in_python(spec, keys, effective, terms, offset, limit, encoded)
        descending = bool(effective) and effective[0].startswith("-")
        if effective:
            fields = list(spec.ordering_fields)
            index = 7 + 2 * fields.index(effective[0].lstrip("-")) + (1 if descending else 0)
        else:
            index = 6
        if terms:
            found = self._search(tenant, spec, keys, index - 5, descending, terms, offset, limit)
            if found is not None:
                count, raw = found
            else:  # written to without pause: the scan inside Redis, one script, one version
                count, raw = self._scripts["QUERY"](
                    keys=[keys[0], keys[2], keys[index]],
                    args=["1" if descending else "0", offset, -1 if limit is None else limit, *terms],
                )
        else:
            count, raw = self._scripts["QUERY"](
                keys=[keys[0], keys[2], keys[index]],
                args=["1" if descending else "0", offset, -1 if limit is None else limit],
            )
        documents = raw if encoded else [orjson.loads(document) for document in raw]
        return QueryResult(count=int(count), documents=documents)

    def _search(
        self,
        tenant: str,
        spec: CollectionSpec,
        keys: list[str],
        place: int,
        descending: bool,
        terms: list[str],
        offset: int,
        limit: int | None,
    ) -> tuple[int, list[bytes]] | None:
        """Count and page through this process's search index (store/redis_mirror.py), all read at
        one version of the collection: asked again when a write comes in between, None (for the
        scan in Redis) if writes never pause. place: the ordering's sorted set's place in a
        document's member list (keys[place + 5])."""
        separator = b"\xff" if descending else b"\x00"
        with self._mirrors.lock:
            return self._search_at_one_version(spec, tenant, keys, place, separator, terms, offset, limit)

    def _search_at_one_version(
        self,
        spec: CollectionSpec,
        tenant: str,
        keys: list[str],
        place: int,
        separator: bytes,
        terms: list[str],
        offset: int,
        limit: int | None,
    ) -> tuple[int, list[bytes]] | None:
        for _ in range(_SEARCH_ATTEMPTS):
            version, mirror = self._mirrors.synced(
                tenant, spec.name, [keys[3], keys[-1], keys[2], keys[0]], len(spec.search_fields)
            )
            matches = mirror.index.matching(terms)
            count = len(matches)
            if count == 0 or limit == 0 or offset >= count:
                return count, []
            ranking = self._mirrors.ranking(mirror, version, keys, place, separator)
            if ranking is None:
                continue
            page = [mirror.index.key_of(i) for i in ranking.page(matches, offset, limit)]
            documents = self._scripts["AT_VERSION"](keys=[keys[3], keys[0]], args=[version, *page])
            if documents is not None:
                return count, documents
        return None

    def _query_in_python(
        self,
        spec: CollectionSpec,
        keys: list[str],
        ordering: tuple[str, ...],
        terms: list[str],
        offset: int,
        limit: int | None,
        encoded: bool,
    ) -> QueryResult:
        """An ordering by several fields has no sorted set: the collection is read and sorted here."""
        stored = {key.decode(): raw for key, raw in self._redis.hgetall(keys[0]).items()}
        decoded = {key: orjson.loads(raw) for key, raw in stored.items()}
        ordered = sorted(stored)
        kinds = spec.ordering_fields
        for term in reversed(ordering):
            name = term.lstrip("-")
            ordered.sort(
                key=lambda k, n=name: nulls_last(sort_value(kinds[n], decoded[k].get(n))),
                reverse=term.startswith("-"),
            )
        for term in terms:
            ordered = [key for key in ordered if term in _search_text(spec, decoded[key])]
        end = None if limit is None else offset + limit
        page = ordered[offset:end]
        documents = [stored[key] if encoded else decoded[key] for key in page]
        return QueryResult(count=len(ordered), documents=documents)

    # credential key ----------------------------------------------------------------------
    def credential_key(self, proposed: bytes | None = None, replace: bool = False) -> bytes:
        """The key this fake derives tenant ids with, the same in every process sharing the store."""
        key = self._key("credential-key")
        if replace and proposed is not None:
            self._redis.set(key, proposed)
            return proposed
        self._redis.set(key, proposed or secrets.token_bytes(32), nx=True)
        return bytes(self._redis.get(key))

    # clock -------------------------------------------------------------------------------
    def _clock_now(self, offset: Any, frozen_at: Any) -> float:
        if frozen_at is not None:
            return float(frozen_at)
        return self._time() + float(offset or 0.0)

    def now(self) -> float:
        offset, frozen_at = self._redis.hmget(self._key("clock"), "offset", "frozen_at")
        return self._clock_now(offset, frozen_at)

    def _clock_state(self, offset: Any, frozen_at: Any) -> dict[str, Any]:
        return {
            "now": self._clock_now(offset, frozen_at),
            "offset_seconds": float(offset or 0.0),
            "frozen": frozen_at is not None,
        }

    def clock_state(self) -> dict[str, Any]:
        return self._clock_state(*self._redis.hmget(self._key("clock"), "offset", "frozen_at"))

    def _change_clock(self, verb: str, seconds: float = 0.0) -> dict[str, Any]:
        offset, frozen_at = self._scripts["CLOCK"](
            keys=[self._key("clock")], args=[verb, repr(self._time()), repr(float(seconds))]
        )
        return self._clock_state(offset, frozen_at)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return self._change_clock("advance", seconds)

    def freeze_clock(self) -> dict[str, Any]:
        return self._change_clock("freeze")

    def release_clock(self) -> dict[str, Any]:
        return self._change_clock("release")

    # journal -----------------------------------------------------------------------------
    def record(self, record: JournalRecord) -> None:
        # Formatted now: another process reads it, and the record's references stay here.
        formatted = journal_entry(0, record)
        del formatted["id"]
        self._scripts["RECORD"](
            keys=[self._key("journal"), self._key("journal-sequence")],
            args=[orjson.dumps(formatted), self._journal_size],
        )

    def journal(self, tenant: str | None = None) -> list[dict[str, Any]]:
        entries = []
        for item in self._redis.lrange(self._key("journal"), 0, -1):
            sequence, _, text = item.partition(b"|")
            found = orjson.loads(text)
            if tenant is None or found["tenant"] == tenant:
                entries.append({"id": int(sequence), **found})
        return entries

    def clear_journal(self, tenant: str | None = None) -> int:
        if tenant is None:
            pipe = self._redis.pipeline(transaction=True)
            pipe.llen(self._key("journal"))
            pipe.delete(self._key("journal"))
            return int(pipe.execute()[0])
        return int(self._scripts["CLEAR_JOURNAL"](keys=[self._key("journal")], args=[tenant]))

    # faults ------------------------------------------------------------------------------
    @staticmethod
    def _fault_keys_suffixes() -> tuple[str, str, str]:
        return ("faults", "fault-probabilities", "fault-times")

    def _fault_keys(self) -> list[str]:
        return [self._key(name) for name in self._fault_keys_suffixes()]

    @staticmethod
    def _fault_field(tenant: str, operation_id: str) -> str:
        return f"{tenant}\x00{operation_id}"

    def set_fault(self, tenant: str, operation_id: str, rule: dict[str, Any]) -> None:
        rules, probabilities, times = self._fault_keys()
        field = self._fault_field(tenant, operation_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(rules, field, orjson.dumps(rule))
        pipe.hset(probabilities, field, repr(float(rule.get("probability", 1.0))))
        if rule.get("times") is not None:
            pipe.hset(times, field, int(rule["times"]))
        else:
            pipe.hdel(times, field)
        pipe.execute()

    def faults(self, tenant: str | None = None) -> list[dict[str, Any]]:
        rules, _, times = self._fault_keys()
        pipe = self._redis.pipeline(transaction=True)
        pipe.hgetall(rules)
        pipe.hgetall(times)
        stored, remaining = pipe.execute()
        listed = []
        for field, raw in stored.items():
            rule_tenant, _, operation_id = field.decode().partition("\x00")
            if tenant is not None and rule_tenant not in (tenant, ALL_TENANTS):
                continue
            rule = orjson.loads(raw)
            if field in remaining:
                rule["times"] = int(remaining[field])
            listed.append(((rule_tenant, operation_id), rule))
        return [{"tenant": t, "operation_id": op, **rule} for (t, op), rule in sorted(listed)]

    def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int:
        doomed = [
            self._fault_field(item["tenant"], item["operation_id"])
            for item in self.faults()
            if (tenant is None or item["tenant"] == tenant)
            and (operation_id is None or item["operation_id"] == operation_id)
        ]
        if doomed:
            pipe = self._redis.pipeline(transaction=True)
            for key in self._fault_keys():
                pipe.hdel(key, *doomed)
            return int(pipe.execute()[0])
        return 0

    def take_fault(self, tenant: str, operation_id: str) -> dict[str, Any] | None:
        taken = self._scripts["TAKE_FAULT"](
            keys=self._fault_keys(),
            args=[
                repr(self._random.random()),
                self._fault_field(tenant, operation_id),
                self._fault_field(ALL_TENANTS, operation_id),
            ],
        )
        if taken is None:
            return None
        raw, times = taken
        rule = orjson.loads(raw)
        if times:
            before = int(times)
            rule["times"] = before if before <= 1 else before - 1
        return rule

    def close(self) -> None:
        self._redis.close()


def _msgpack_bytes_array(items: list[bytes]) -> bytes:
    """A msgpack array of raw strings (Lua's cmsgpack reads str formats, not bin)."""
    count = len(items)
    head = bytes([0x90 | count]) if count < 16 else b"\xdc" + count.to_bytes(2, "big")
    parts = [head]
    for item in items:
        size = len(item)
        if size < 32:
            parts.append(bytes([0xA0 | size]))
        elif size < 65536:
            parts.append(b"\xda" + size.to_bytes(2, "big"))
        else:
            parts.append(b"\xdb" + size.to_bytes(4, "big"))
        parts.append(item)
    return b"".join(parts)
