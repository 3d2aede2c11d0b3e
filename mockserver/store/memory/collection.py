"""The memory store's primitive: a tenant's state (values and collections, kept serialized) and a
collection with its ordering and search indexes."""

from collections import deque
from collections.abc import Iterator
from typing import Any

import orjson

from mockserver.store.documents import CollectionSpec, ordered_keys, sort_value
from mockserver.store.search_index import Ranking, SearchIndex


def first_seen(seen: dict[Any, Any], value: Any) -> Any:
    """The first of the equal values seen (a value that cannot be hashed, as is)."""
    try:
        return seen.setdefault(value, value)
    except TypeError:  # a signalling NaN
        return value


class StoredCollection:
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
        fields, spec = self.spec.ordering_fields.items(), self.spec
        sort_values, documents = self.sort_values, self.documents
        # Equal sort values written in one batch are kept once (dates, prices, people repeat
        # across documents: a Decimal is about 100 bytes); equal values sort alike.
        seen: dict[Any, Any] = {}

        def derived() -> Iterator[tuple[str, str]]:  # each document decoded once for both
            for key in self._stale:
                document = orjson.loads(documents[key])
                sort_values[key] = tuple(
                    first_seen(seen, sort_value(sort_type, document.get(name))) for name, sort_type in fields
                )
                if spec.search_fields:
                    yield key, spec.search_text(document)

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
        values, index = self.sort_values, self._field_index
        keys = ordered_keys(
            self.documents, ordering, lambda key, name: values[key][index[name]], self.spec.nulls_first
        )
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


class TenantState:
    def __init__(self) -> None:
        # Values are kept serialized: a read or a change works on its own copy (no aliasing),
        # and a JSON round trip is far cheaper than copy.deepcopy.
        self.values: dict[str, bytes] = {}
        self.collections: dict[str, StoredCollection] = {}
