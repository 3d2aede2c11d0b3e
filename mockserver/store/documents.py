"""The documents family: keyed collections of JSON documents, ordered and searched as DRF's
OrderingFilter and SearchFilter do. What a collection is, the interface, and the rules both stores
follow (key joining, sort values, nulls last, the order of keys) are here, once."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Protocol

from mockserver.store.search_index import search_text

# Dates and datetimes are stored in one canonical text form (the serializer's), so they sort as text.
SortType = Literal["text", "number", "datetime", "date"]
KEY_SEPARATOR = "_"  # Datawiz joins the fields of a composite key with "_" in its URLs


def ordering_field(term: str) -> str:
    """The field an ordering term names: DRF's OrderingFilter takes one leading `-` as descending,
    so `--name` names the field `-name`, which no collection has (the term is ignored)."""
    return term[1:] if term.startswith("-") else term


def key_of(values: Iterable[Any]) -> str:
    """A composite key as URLs show it and the store names it: its values joined with "_". The one
    place a key is joined (mockserver/spec/catalogue.py offers it to every reader)."""
    return KEY_SEPARATOR.join(map(str, values))


def item_key(item: Mapping[str, Any], fields: Sequence[str]) -> str:
    """The key of an object or a nested item looked up by `fields`; a missing field shows as
    "None", as a URL built from the object would."""
    return KEY_SEPARATOR.join(str(item.get(name)) for name in fields)


def nulls_last(value: Any) -> tuple[bool, Any]:
    """A sort value as a key that orders a null after every value (both stores sort so)."""
    # Only values of one type meet in a comparison: every None shares the placeholder 0.
    return (value is None, 0 if value is None else value)


def nulls_first(value: Any) -> tuple[bool, Any]:
    """A sort value as a key that orders a null before every value (SQLite's, MySQL's NULLs)."""
    return (value is not None, 0 if value is None else value)


def sort_value(sort_type: str, value: Any) -> Any:
    """A value as its sort type orders it; None for a null (where a database puts nulls varies)."""
    if value is None:
        return None
    if sort_type == "number":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return str(value)


def ordered_keys(
    keys: Iterable[str],
    ordering: Sequence[str],
    value_of: Callable[[str, str], Any],
    first_nulls: bool = False,
) -> list[str]:
    """Keys in the order of `ordering` (each term a field, `-` for descending), the key itself the
    final tie-breaker; `value_of(key, field)` is the document's sort value of that field. A null
    sorts last ascending and first descending, as PostgreSQL orders NULLs; `first_nulls`: first
    ascending and last descending, as SQLite and MySQL do (a profile's null_ordering)."""
    ordered = sorted(keys)
    placed = nulls_first if first_nulls else nulls_last
    for term in reversed(ordering):
        name = ordering_field(term)
        ordered.sort(key=lambda k, n=name: placed(value_of(k, n)), reverse=term.startswith("-"))
    return ordered


@dataclass(frozen=True)
class CollectionSpec:
    """A keyed collection of documents and the fields it can be ordered and searched by.

    `key_field` names the field whose value is a document's key, or several fields whose values
    joined with "_" make it (a composite key, as Datawiz's detail URLs have)."""

    name: str
    key_field: str | tuple[str, ...]
    ordering_fields: dict[str, SortType] = field(default_factory=dict)
    search_fields: tuple[str, ...] = ()
    default_ordering: tuple[str, ...] = ()
    nulls_first: bool = False  # NULLs first ascending (SQLite, MySQL), not last (PostgreSQL)

    @property
    def key_fields(self) -> tuple[str, ...]:
        return (self.key_field,) if isinstance(self.key_field, str) else self.key_field

    def effective_ordering(self, ordering: Sequence[str]) -> tuple[str, ...]:
        """The terms of `ordering` this collection knows (DRF ignores the rest), else its default."""
        known = tuple(term for term in ordering if ordering_field(term) in self.ordering_fields)
        return known or tuple(t for t in self.default_ordering if ordering_field(t) in self.ordering_fields)

    def key_of(self, document: dict[str, Any]) -> str:
        if isinstance(self.key_field, str):
            return str(document[self.key_field])
        return key_of(document[name] for name in self.key_field)

    def search_text(self, document: Mapping[str, Any]) -> str:
        """What a search term is looked for in ("" for a collection without search fields)."""
        return search_text(document.get(name) for name in self.search_fields) if self.search_fields else ""


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int


@dataclass(frozen=True)
class QueryResult:
    count: int
    # Decoded documents, or their JSON text when the query asked for `encoded` documents.
    documents: list[Any]


class Documents(Protocol):
    """Keyed collections per tenant, each with its ordering and search indexes."""

    def define_collection(self, spec: CollectionSpec) -> None: ...
    def get_document(self, tenant: str, collection: str, key: str, encoded: bool = False) -> Any:
        """The document (its JSON text when `encoded`), or None; KeyError for an unknown collection."""
        ...

    def collection_version(self, tenant: str, collection: str) -> int:
        """A number that changes whenever the collection's documents change and never comes
        back (0 while the tenant has none): answers may be cached against it."""
        ...

    def existing_keys(self, tenant: str, collection: str, keys: Iterable[str]) -> set[str]: ...
    def upsert_documents(
        self, tenant: str, collection: str, documents: Sequence[dict[str, Any]]
    ) -> UpsertCounts: ...
    def delete_documents(self, tenant: str, collection: str, keys: Iterable[str]) -> int: ...
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
    ) -> QueryResult: ...
