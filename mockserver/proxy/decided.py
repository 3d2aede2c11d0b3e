"""The behaviours the project decided where its sources are silent or disagree
(specs/DECISIONS.md): traffic that parts from one of them is a note, "differs from the fake's
choice", never a violation, since a real DRF service may choose otherwise.

The one place the proxy knows which behaviours are decided. When the specs carry their own
provenance (mockserver/spec/provenance.py: `declaration.provenance`, on x-drf-collection and
x-setup-tasks), `collection_decision` and `task_decision` read it from there and this table goes:
page_size -> `of("page_size")`, search_fields -> `of_all("search")`, ordering_fields ->
`of_all("ordering")`, extra_methods -> `of("allow")` of the path's collection, idle_after_outcome
-> the task's `of("outcome_reported")`; a decided Provenance's `reference` is the id to note.
"""

from mockserver.spec.collections import CollectionDeclaration
from mockserver.spec.setup_tasks import SetupTaskDeclaration

# (api, topic) -> the decision; (api, topic, collection) overrides it for one collection.
# Topics: page_size (the default size and the maximum), search_fields, ordering_fields,
# search (whether ?search= is served at all), ordering (likewise), extra_methods (what an
# instance allows beyond the spec's methods), idle_after_outcome (a task's status READY again).
_DECISIONS: dict[tuple[str, ...], str] = {
    ("datawiz", "page_size"): "datawiz.md#17",
    ("datawiz", "search_fields"): "datawiz-resources.md#C4",
    ("datawiz", "ordering_fields"): "datawiz-resources.md#C4",
    ("datawiz", "search"): "datawiz-resources.md#C4",
    ("datawiz", "ordering"): "datawiz-resources.md#C4",
    ("datawiz", "search_fields", "relocate-documents"): "datawiz.md#2",
    ("datawiz", "ordering_fields", "relocate-documents"): "datawiz.md#2",
    ("datawiz", "search_fields", "products"): "datawiz.md#22",
    ("datawiz", "ordering_fields", "products"): "datawiz.md#22",
    ("datawiz", "search_fields", "shops"): "datawiz.md#22",
    ("datawiz", "ordering_fields", "shops"): "datawiz.md#22",
    ("datawiz", "extra_methods"): "datawiz.md#10",
    ("akinon", "idle_after_outcome"): "akinon.md#8",
}
# The seed document names `search` and `ordering` on relocate documents: serving them is
# documented there (which fields they read is not).
_DOCUMENTED = {
    ("datawiz", "search", "relocate-documents"),
    ("datawiz", "ordering", "relocate-documents"),
}


def decision(api: str, topic: str, collection: str | None = None) -> str | None:
    """The decision a behaviour follows, or None when a source documents it (a violation)."""
    if collection is not None:
        if (api, topic, collection) in _DOCUMENTED:
            return None
        found = _DECISIONS.get((api, topic, collection))
        if found is not None:
            return found
    return _DECISIONS.get((api, topic))


def collection_decision(declaration: CollectionDeclaration, topic: str) -> str | None:
    return decision(declaration.api, topic, declaration.name)


def task_decision(declaration: SetupTaskDeclaration, topic: str) -> str | None:
    return decision(declaration.api, topic, declaration.name)
