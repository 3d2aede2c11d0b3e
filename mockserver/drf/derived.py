"""Read-only fields the service computes (`x-drf-derived`, spec/collections.py): a count or a list
of another collection's objects that name this one, or the day of the week of a date.

A derived value is filled into the stored document under the field's name just before the
presenter shows it, so it appears where the schema puts it and is never stored or read from an
upload. Values taken from another collection are read through an index built in one pass over
that collection and kept against its `collection_version`: a page of twenty asks the index
twenty times and scans nothing, and a write to the other collection changes the version, so the
next answer (and every cache keyed by the versions) is computed afresh.
"""

from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

from mockserver.spec.collections import CollectionDeclaration, Derived, store_name
from mockserver.store.base import Store

# A stored document -> the same with its derived fields filled in (a copy; the input is kept).
Augment = Callable[[dict[str, Any]], dict[str, Any]]
# (their field values) -> the objects of the other collection holding them, in its default order
Groups = dict[tuple[str, ...], list[dict[str, Any]]]


def weekday(value: Any) -> int | None:
    """The day of the week of a stored date (`2018-01-16` -> 1, Monday 0, as Python's weekday());
    a datetime's date part counts; null, or text that is no date, has none."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).weekday()
    except ValueError:
        return None


def group_by(documents: list[dict[str, Any]], fields: tuple[str, ...]) -> Groups:
    """One pass: the documents by the values of `fields` (as text, as the ids are compared); a
    document with a null in one of them belongs to no group, as a null never equals in SQL."""
    groups: Groups = {}
    for document in documents:
        values = tuple(document.get(name) for name in fields)
        if any(value is None for value in values):
            continue
        groups.setdefault(tuple(map(str, values)), []).append(document)
    return groups


def derive(rule: Derived, document: dict[str, Any], groups: Groups | None) -> Any:
    """One derived value of a stored document (`groups`: the other collection's, for a count or
    a list)."""
    if rule.form == "weekday":
        return weekday(document.get(rule.source))
    mine = tuple(document.get(field) for _, field in rule.where)
    related = [] if groups is None or None in mine else groups.get(tuple(map(str, mine)), [])
    return len(related) if rule.form == "count" else list(related)


class DerivedFields:
    """The derived fields of one collection, and the indexes of the collections they read (a
    few versions each, in this app instance: they are a cache, never state)."""

    def __init__(self, declaration: CollectionDeclaration, kept: int = 4) -> None:
        self._own = [rule for rule in declaration.derived if not rule.collection]
        self._related = [
            (rule, store_name(declaration.api, rule.collection))
            for rule in declaration.derived
            if rule.collection
        ]
        self.sources = tuple(store_name(declaration.api, name) for name in declaration.derived_from)
        self._kept = kept
        self._indexes: OrderedDict[tuple[Any, ...], Groups] = OrderedDict()

    def own(self) -> Augment | None:
        """The fields computed from the document alone (a week day): a function of the stored
        text, so presented documents stay cached by it."""
        rules = self._own
        if not rules:
            return None

        def augment(document: dict[str, Any]) -> dict[str, Any]:
            return {**document, **{rule.field: derive(rule, document, None) for rule in rules}}

        return augment

    def versions(self, store: Store, tenant: str) -> tuple[int, ...]:
        """The versions of the collections read (empty when none is): part of every cache key of
        an answer showing these fields."""
        return tuple(store.collection_version(tenant, source) for source in self.sources)

    def related(self, store: Store, tenant: str, versions: tuple[int, ...]) -> Augment:
        """The fields read from other collections, as they are at `versions` (read before the
        documents, so the answer is at least that new). An index is built on first use."""
        at = dict(zip(self.sources, versions, strict=True))
        rules = self._related
        ready: dict[tuple[str, tuple[str, ...]], Groups] = {}

        def groups(source: str, fields: tuple[str, ...]) -> Groups:
            found = ready.get((source, fields))
            if found is None:
                found = ready[(source, fields)] = self._index(store, tenant, source, at[source], fields)
            return found

        def augment(document: dict[str, Any]) -> dict[str, Any]:
            shown = dict(document)
            for rule, source in rules:
                their = tuple(field for field, _ in rule.where)
                shown[rule.field] = derive(rule, document, groups(source, their))
            return shown

        return augment

    def _index(self, store: Store, tenant: str, source: str, version: int, fields: tuple[str, ...]) -> Groups:
        key = (tenant, source, version, fields)
        found = self._indexes.get(key)
        if found is None:
            documents = store.query_documents(tenant, source).documents  # the default order
            found = group_by(documents, fields)
            self._indexes[key] = found
            while len(self._indexes) > self._kept:
                self._indexes.popitem(last=False)
        return found
