"""The Store interface: coarse operations on plain JSON-able data, partitioned by tenant.

Everything an API needs to remember goes through these operations, so a shared store (for
example over Redis) can implement the same interface when several processes serve one fake.
The one exception is the request journal: it takes a JournalRecord of references, which the
memory store formats only when the journal is read; a shared store formats it on record
(store/journal.py, entry()).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Protocol, TypeVar

from mockserver.store.journal import JournalRecord

R = TypeVar("R")
# Dates and datetimes are stored in one canonical text form (the serializer's), so they sort as text.
SortKind = Literal["text", "number", "datetime", "date"]
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
    # Only values of one kind meet in a comparison: every None shares the placeholder 0.
    return (value is None, 0 if value is None else value)


def sort_value(kind: str, value: Any) -> Any:
    """A value as its sort kind orders it; None for a null (where a database puts nulls varies)."""
    if value is None:
        return None
    if kind == "number":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return str(value)


@dataclass(frozen=True)
class CollectionSpec:
    """A keyed collection of documents and the fields it can be ordered and searched by.

    `key_field` names the field whose value is a document's key, or several fields whose values
    joined with "_" make it (a composite key, as Datawiz's detail URLs have)."""

    name: str
    key_field: str | tuple[str, ...]
    ordering_fields: dict[str, SortKind] = field(default_factory=dict)
    search_fields: tuple[str, ...] = ()
    default_ordering: tuple[str, ...] = ()

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


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int


@dataclass(frozen=True)
class QueryResult:
    count: int
    # Decoded documents, or their JSON text when the query asked for `encoded` documents.
    documents: list[Any]


TenantSeed = Callable[[], dict[str, Any]]


class StoreUnavailable(Exception):
    """A shared store cannot be reached (for now): the request is answered 503, nothing written."""


class Store(Protocol):
    # tenants
    def ensure_tenant(self, tenant: str, seed: TenantSeed) -> None: ...
    def tenants(self) -> list[str]: ...
    def reset(self, tenant: str | None = None) -> None: ...
    def dump_tenant(self, tenant: str) -> dict[str, Any]: ...
    def load_tenant(self, tenant: str, state: dict[str, Any]) -> None: ...
    def dump_all(self) -> dict[str, Any]: ...
    def load_all(self, state: dict[str, Any]) -> None: ...

    # small values, changed atomically by a pure function (old value -> (new value, result))
    def get_value(self, tenant: str, name: str, default: Any = None) -> Any: ...
    def mutate_value(self, tenant: str, name: str, change: Callable[[Any], tuple[Any, R]]) -> R: ...

    # keyed collections
    def define_collection(self, spec: CollectionSpec) -> None: ...
    def credential_key(self, proposed: bytes | None = None, replace: bool = False) -> bytes:
        """The key tenant ids are derived with: one per fake, so the same in every process that
        shares this store (the first one proposed is kept unless `replace`)."""
        ...

    def get_document(self, tenant: str, collection: str, key: str, encoded: bool = False) -> Any: ...
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
        search: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        encoded: bool = False,
    ) -> QueryResult: ...

    # the virtual clock, shared by every tenant
    def now(self) -> float: ...
    def clock_state(self) -> dict[str, Any]: ...
    def advance_clock(self, seconds: float) -> dict[str, Any]: ...
    def freeze_clock(self) -> dict[str, Any]: ...
    def release_clock(self) -> dict[str, Any]: ...

    # the request journal (bounded)
    def record(self, record: JournalRecord) -> None: ...
    def journal(self, tenant: str | None = None) -> list[dict[str, Any]]: ...
    def clear_journal(self, tenant: str | None = None) -> int: ...

    # fault rules, keyed by tenant ("*" for all) and operationId
    def set_fault(self, tenant: str, operation_id: str, rule: dict[str, Any]) -> None: ...
    def faults(self, tenant: str | None = None) -> list[dict[str, Any]]: ...
    def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int: ...
    def take_fault(self, tenant: str, operation_id: str) -> dict[str, Any] | None: ...
