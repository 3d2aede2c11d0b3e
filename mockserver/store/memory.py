"""The in-memory Store: one process, all state in this object, reset as a whole or per tenant."""

import copy
import itertools
import random
import secrets
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import orjson

from mockserver.store.base import (
    CollectionSpec,
    QueryResult,
    R,
    TenantSeed,
    UpsertCounts,
    nulls_last,
    sort_value,
)
from mockserver.store.clock import VirtualClock
from mockserver.store.journal import JournalRecord
from mockserver.store.journal import entry as journal_entry
from mockserver.store.search_index import Ranking, SearchIndex, search_terms, search_text

ALL_TENANTS = "*"
_NO_DOCUMENTS: dict[str, bytes] = {}  # never written to


def _once(seen: dict[Any, Any], value: Any) -> Any:
    """The first of the equal values seen (a value that cannot be hashed, as is)."""
    try:
        return seen.setdefault(value, value)
    except TypeError:  # a signalling NaN
        return value


class _Collection:
    """Documents kept serialized (compact, and a read can never alias stored state), plus what
    ordering and search need, so a page never decodes the whole collection."""

    def __init__(self, spec: CollectionSpec, stamps: Iterator[int]) -> None:
        self.spec = spec
        # A store-wide stamp, new on every change: a (tenant, collection, version) never repeats,
        # even across resets, so answers cached against it can never be stale.
        self._stamps = stamps
        self.version = next(stamps)
        self.documents: dict[str, bytes] = {}
        self.sort_values: dict[str, tuple[Any, ...]] = {}
        # Search texts and their n-gram index (store/search_index.py), for collections searched.
        self.search_index = SearchIndex(len(spec.search_fields)) if spec.search_fields else None
        # Keys written since their sort values and search text were last derived: a write does
        # not pay for the indexes, the next read that needs them derives them once.
        self._stale: set[str] = set()
        self._sorted_keys: dict[tuple[str, ...], list[str]] = {}
        self._rankings: dict[tuple[str, ...], Ranking] = {}
        self._field_index = {name: i for i, name in enumerate(spec.ordering_fields)}

    def put(self, document: dict[str, Any]) -> bool:
        key = self.spec.key_of(document)
        inserted = key not in self.documents
        self.version = next(self._stamps)
        # orjson over-allocates its output (about 4 KiB); an exact copy keeps a stored document small.
        self.documents[key] = memoryview(orjson.dumps(document)).tobytes()
        self._stale.add(key)
        self._sorted_keys.clear()
        self._rankings.clear()
        return inserted

    def refresh(self) -> None:
        """Derive the sort values and search text of every document written since last time."""
        if not self._stale:
            return
        fields, search_fields = self.spec.ordering_fields.items(), self.spec.search_fields
        sort_values, documents = self.sort_values, self.documents
        # Equal sort values written in one batch are kept once (dates, prices, people repeat
        # across documents: a Decimal is about 100 bytes); equal values sort alike.
        seen: dict[Any, Any] = {}

        def derived() -> Iterator[tuple[str, str]]:  # each document decoded once for both
            for key in self._stale:
                document = orjson.loads(documents[key])
                sort_values[key] = tuple(
                    _once(seen, sort_value(kind, document.get(name))) for name, kind in fields
                )
                if search_fields:
                    yield key, search_text(document.get(name) for name in search_fields)

        if self.search_index is not None:
            self.search_index.update(derived())
        else:
            deque(derived(), maxlen=0)
        self._stale.clear()

    def delete(self, key: str) -> bool:
        if key not in self.documents:
            return False
        self.version = next(self._stamps)
        del self.documents[key]
        self._stale.discard(key)
        self.sort_values.pop(key, None)
        if self.search_index is not None:
            self.search_index.remove(key)
        self._sorted_keys.clear()
        self._rankings.clear()
        return True

    def ordered_keys(self, ordering: tuple[str, ...]) -> list[str]:
        cached = self._sorted_keys.get(ordering)
        if cached is not None:
            return cached
        self.refresh()
        keys = sorted(self.documents)  # the key itself is the final tie-breaker
        for term in reversed(ordering):
            descending = term.startswith("-")
            index = self._field_index[term.lstrip("-")]
            values = self.sort_values
            # None sorts last ascending and first descending, as PostgreSQL orders NULLs.
            keys.sort(key=lambda k, i=index: nulls_last(values[k][i]), reverse=descending)
        self._sorted_keys[ordering] = keys
        return keys

    def search(
        self, ordering: tuple[str, ...], terms: list[str], offset: int, limit: int | None
    ) -> tuple[int, list[str]]:
        """The count of documents matching every term, and the keys of the page asked."""
        index = self.search_index
        if index is None:  # no search fields: a term matches no document, as in DRF's text ""
            return 0, []
        self.refresh()
        keys = self.ordered_keys(ordering)
        matches = index.matching(terms)
        ranking = self._rankings.get(ordering)
        if ranking is None:
            ranking = self._rankings[ordering] = Ranking(index.ids_of(keys))
        return len(matches), [index.key_of(i) for i in ranking.page(matches, offset, limit)]

    def dump(self) -> list[dict[str, Any]]:
        return [orjson.loads(self.documents[key]) for key in sorted(self.documents)]


class _Tenant:
    def __init__(self) -> None:
        # Values are kept serialized: a read or a change works on its own copy (no aliasing),
        # and a JSON round trip is far cheaper than copy.deepcopy.
        self.values: dict[str, bytes] = {}
        self.collections: dict[str, _Collection] = {}


class MemoryStore:
    def __init__(
        self,
        clock: VirtualClock | None = None,
        journal_size: int = 1000,
        random_seed: int = 0,
    ) -> None:
        self._clock = clock or VirtualClock()
        self._lock = threading.RLock()
        self._specs: dict[str, CollectionSpec] = {}
        self._tenants: dict[str, _Tenant] = {}
        self._journal: deque[tuple[int, JournalRecord]] = deque(maxlen=journal_size)
        self._faults: dict[tuple[str, str], dict[str, Any]] = {}
        self._random = random.Random(random_seed)
        self._journal_sequence = 0
        self._stamps = itertools.count(1)
        self._credential_key: bytes | None = None

    # tenants -----------------------------------------------------------------------------
    def _tenant(self, tenant: str) -> _Tenant:
        found = self._tenants.get(tenant)
        if found is None:
            found = self._tenants[tenant] = _Tenant()
        return found

    def _collection(self, tenant: str, name: str) -> _Collection:
        state = self._tenant(tenant)
        found = state.collections.get(name)
        if found is None:
            found = state.collections[name] = _Collection(self._specs[name], self._stamps)
        return found

    def _existing(self, tenant: str, name: str) -> _Collection | None:
        """The collection if the tenant has it; a read never creates a tenant or a collection."""
        state = self._tenants.get(tenant)
        return state.collections.get(name) if state is not None else None

    def _stored(self, tenant: str, name: str) -> dict[str, bytes]:
        """A collection's documents to read (none for a tenant without any)."""
        found = self._existing(tenant, name)
        if found is not None:
            return found.documents
        if name not in self._specs:
            raise KeyError(f"unknown collection {name!r}")
        return _NO_DOCUMENTS

    def ensure_tenant(self, tenant: str, seed: TenantSeed) -> None:
        if tenant in self._tenants:
            return
        with self._lock:
            if tenant not in self._tenants:
                self._load_tenant_locked(tenant, seed())

    def tenants(self) -> list[str]:
        return sorted(self._tenants)

    def reset(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._tenants.clear()
                self._journal.clear()
                self._faults.clear()
                self._clock.reset()
            else:
                self._tenants.pop(tenant, None)
                self.clear_journal(tenant)
                self.clear_faults(tenant)

    def dump_tenant(self, tenant: str) -> dict[str, Any]:
        with self._lock:
            state = self._tenants.get(tenant) or _Tenant()
            return {
                "values": {name: orjson.loads(raw) for name, raw in state.values.items()},
                "collections": {name: c.dump() for name, c in sorted(state.collections.items())},
            }

    def load_tenant(self, tenant: str, state: dict[str, Any]) -> None:
        with self._lock:
            self._load_tenant_locked(tenant, state)

    def _load_tenant_locked(self, tenant: str, state: dict[str, Any]) -> None:
        self._tenants[tenant] = self._built_tenant(state)

    def _built_tenant(self, state: dict[str, Any]) -> _Tenant:
        """A tenant from its dumped state, built apart: a state that cannot load changes nothing."""
        fresh = _Tenant()
        fresh.values = {name: orjson.dumps(value) for name, value in (state.get("values") or {}).items()}
        for name, documents in (state.get("collections") or {}).items():
            if name not in self._specs:
                raise KeyError(f"unknown collection {name!r}")
            collection = fresh.collections[name] = _Collection(self._specs[name], self._stamps)
            for document in documents:
                collection.put(document)
        return fresh

    def dump_all(self) -> dict[str, Any]:
        with self._lock:
            return {
                "clock": self._clock.state(),
                "tenants": {tenant: self.dump_tenant(tenant) for tenant in sorted(self._tenants)},
            }

    def load_all(self, state: dict[str, Any]) -> None:
        """All or nothing: every tenant is built, and the clock read, before anything is replaced."""
        with self._lock:
            tenants = {
                tenant: self._built_tenant(tenant_state)
                for tenant, tenant_state in (state.get("tenants") or {}).items()
            }
            if state.get("clock"):
                VirtualClock().load(state["clock"])  # a clock state that cannot load fails here
            self._tenants = tenants
            if state.get("clock"):
                self._clock.load(state["clock"])

    # values ------------------------------------------------------------------------------
    def get_value(self, tenant: str, name: str, default: Any = None) -> Any:
        with self._lock:
            state = self._tenants.get(tenant)
            raw = state.values.get(name) if state is not None else None
        return orjson.loads(raw) if raw is not None else copy.deepcopy(default)

    def mutate_value(self, tenant: str, name: str, change: Callable[[Any], tuple[Any, R]]) -> R:
        with self._lock:
            values = self._tenant(tenant).values
            raw = values.get(name)
            new_value, result = change(orjson.loads(raw) if raw is not None else None)
            values[name] = orjson.dumps(new_value)
            return result

    def credential_key(self, proposed: bytes | None = None, replace: bool = False) -> bytes:
        with self._lock:
            if replace or self._credential_key is None:
                self._credential_key = proposed or secrets.token_bytes(32)
            return self._credential_key

    # collections -------------------------------------------------------------------------
    def define_collection(self, spec: CollectionSpec) -> None:
        self._specs[spec.name] = spec

    def get_document(self, tenant: str, collection: str, key: str, encoded: bool = False) -> Any:
        """The document (its JSON text when `encoded`), or None."""
        with self._lock:
            raw = self._stored(tenant, collection).get(key)
        return raw if raw is None or encoded else orjson.loads(raw)

    def collection_version(self, tenant: str, collection: str) -> int:
        with self._lock:
            found = self._existing(tenant, collection)
            return found.version if found is not None else 0

    def existing_keys(self, tenant: str, collection: str, keys: Iterable[str]) -> set[str]:
        with self._lock:
            documents = self._stored(tenant, collection)
            return {key for key in keys if key in documents}

    def upsert_documents(
        self, tenant: str, collection: str, documents: Sequence[dict[str, Any]]
    ) -> UpsertCounts:
        with self._lock:
            target = self._collection(tenant, collection)
            inserted = sum(1 for document in documents if target.put(document))
        return UpsertCounts(inserted=inserted, updated=len(documents) - inserted)

    def delete_documents(self, tenant: str, collection: str, keys: Iterable[str]) -> int:
        with self._lock:
            target = self._collection(tenant, collection)
            return sum(1 for key in keys if target.delete(key))

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
        with self._lock:
            target = self._collection(tenant, collection)
            effective = target.spec.effective_ordering(ordering)
            terms = search_terms(search)
            if terms:
                count, page = target.search(effective, terms, offset, limit)
            else:
                keys = target.ordered_keys(effective)
                count, page = len(keys), keys[offset : None if limit is None else offset + limit]
            documents = target.documents
            if encoded:  # the stored bytes themselves: immutable, so sharing them is safe
                return QueryResult(count=count, documents=[documents[key] for key in page])
            return QueryResult(count=count, documents=[orjson.loads(documents[key]) for key in page])

    # clock -------------------------------------------------------------------------------
    def now(self) -> float:
        return self._clock.now()

    def clock_state(self) -> dict[str, Any]:
        return self._clock.state()

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        with self._lock:
            self._clock.advance(seconds)
            return self._clock.state()

    def freeze_clock(self) -> dict[str, Any]:
        with self._lock:
            self._clock.freeze()
            return self._clock.state()

    def release_clock(self) -> dict[str, Any]:
        with self._lock:
            self._clock.release()
            return self._clock.state()

    # journal -----------------------------------------------------------------------------
    def record(self, record: JournalRecord) -> None:
        # Kept as handed over (the caller gives it up): formatted only when read.
        with self._lock:
            self._journal_sequence += 1
            self._journal.append((self._journal_sequence, record))

    def journal(self, tenant: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            kept = [(n, r) for n, r in self._journal if tenant is None or r.tenant == tenant]
        return [journal_entry(sequence, record) for sequence, record in kept]

    def clear_journal(self, tenant: str | None = None) -> int:
        with self._lock:
            before = len(self._journal)
            if tenant is None:
                self._journal.clear()
            else:
                kept = [item for item in self._journal if item[1].tenant != tenant]
                self._journal.clear()
                self._journal.extend(kept)
            return before - len(self._journal)

    # faults ------------------------------------------------------------------------------
    def set_fault(self, tenant: str, operation_id: str, rule: dict[str, Any]) -> None:
        with self._lock:
            self._faults[(tenant, operation_id)] = dict(rule)

    def faults(self, tenant: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"tenant": t, "operation_id": op, **rule}
                for (t, op), rule in sorted(self._faults.items())
                if tenant is None or t in (tenant, ALL_TENANTS)
            ]

    def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int:
        with self._lock:
            doomed = [
                k
                for k in self._faults
                if (tenant is None or k[0] == tenant) and (operation_id is None or k[1] == operation_id)
            ]
            for k in doomed:
                del self._faults[k]
            return len(doomed)

    def take_fault(self, tenant: str, operation_id: str) -> dict[str, Any] | None:
        if not self._faults:
            return None
        with self._lock:
            for key in ((tenant, operation_id), (ALL_TENANTS, operation_id)):
                rule = self._faults.get(key)
                if rule is None:
                    continue
                if self._random.random() >= float(rule.get("probability", 1.0)):
                    return None
                remaining = rule.get("times")
                if remaining is not None:
                    if remaining <= 1:
                        del self._faults[key]
                    else:
                        rule["times"] = remaining - 1
                return dict(rule)
            return None
