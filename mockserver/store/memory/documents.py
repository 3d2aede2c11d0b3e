"""The memory store's documents: each tenant's collections in this process (store/memory/collection.py)."""

import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from mockserver.store.documents import CollectionSpec, QueryResult, UpsertCounts
from mockserver.store.memory.collection import StoredCollection, TenantState
from mockserver.store.search_index import search_terms

NO_DOCUMENTS: dict[str, bytes] = {}  # never written to


class MemoryDocuments:
    _lock: threading.RLock
    _tenants: dict[str, TenantState]
    _specs: dict[str, CollectionSpec]
    _stamps: Iterator[int]

    def define_collection(self, spec: CollectionSpec) -> None:
        self._specs[spec.name] = spec

    def _collection(self, tenant: str, name: str) -> StoredCollection:
        state = self._tenants.get(tenant)
        if state is None:
            state = self._tenants[tenant] = TenantState()
        found = state.collections.get(name)
        if found is None:
            found = state.collections[name] = StoredCollection(self._specs[name], self._stamps)
        return found

    def _existing(self, tenant: str, name: str) -> StoredCollection | None:
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
        return NO_DOCUMENTS

    def get_document(self, tenant: str, collection: str, key: str, encoded: bool = False) -> Any:
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
        search: str | tuple[str, ...] | None = None,
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
