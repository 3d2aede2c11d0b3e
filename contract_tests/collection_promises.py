"""What every declared DRF collection promises, checked the same way for each (schemathesis'
checks style): one small function per promise, run once per collection (and per ordering or
search field), so a failure names one promise on one collection. Everything a promise needs
(paths, key, ordering types, search fields, paging, forms, hyperlinks, nested items, related
objects) comes from the collection's declaration in the spec.

The read promises (collection_reads.py) work on whatever data the target holds; the write
promises (collection_writes.py) create tagged objects (objects.py) and read them back through
other endpoints."""

from collections.abc import Callable, Iterable

from contract_tests.collection_reads import (
    detail_agrees,
    head,
    hyperlinks_resolve,
    links,
    max_page_size,
    nested_items,
    options,
    ordering,
    page_past_end,
    page_shape,
    page_walk,
    search,
    suffixes,
    unknown_detail,
)
from contract_tests.collection_writes import (
    can_isolate,
    derived_values,
    errors_aligned,
    findable,
    ordering_own,
    own_walk,
    read_back,
    references,
    related_must_exist,
    replace_whole,
    search_own,
    upsert_counts,
)
from contract_tests.context import Context
from contract_tests.objects import free_text, writable
from mockserver.spec.collections import CollectionDeclaration as Collection

Promise = Callable[[Context, Collection], None]
FieldPromise = Callable[[Context, Collection, str], None]


def uploadable(c: Collection) -> bool:
    """A collection that takes uploads (a POST) whose objects the suite can read back (at a detail
    path, or found in the list by a key field): a read-only one cannot be written by the suite and
    gets the read promises only."""
    return c.takes_uploads and findable(c)


# name, promise, writes, what the collection must declare for it to apply
PROMISES: list[tuple[str, Promise, bool, Callable[[Collection], bool]]] = [
    ("page_shape", page_shape, False, lambda c: True),
    ("max_page_size", max_page_size, False, lambda c: True),
    ("page_walk", page_walk, False, lambda c: c.detail_path is not None or bool(c.key)),
    ("page_past_end", page_past_end, False, lambda c: True),
    ("links", links, False, lambda c: bool(c.hyperlinks)),
    ("detail_agrees", detail_agrees, False, lambda c: c.detail_path is not None),
    ("hyperlinks_resolve", hyperlinks_resolve, False, lambda c: any(h.source_fields for h in c.hyperlinks)),
    ("nested_items", nested_items, False, lambda c: bool(c.nested)),
    ("head", head, False, lambda c: True),
    ("options", options, False, lambda c: True),
    ("suffixes", suffixes, False, lambda c: True),
    ("unknown_detail", unknown_detail, False, lambda c: c.detail_path is not None),
    ("upsert_counts", upsert_counts, True, uploadable),
    ("read_back", read_back, True, uploadable),
    ("replace_whole", replace_whole, True, uploadable),
    ("errors_aligned", errors_aligned, True, uploadable),
    (
        "related_must_exist",
        related_must_exist,
        True,
        lambda c: uploadable(c) and bool(references(c)),
    ),
    ("own_walk", own_walk, True, can_isolate),
    ("derived_values", derived_values, True, lambda c: uploadable(c) and bool(c.derived)),
]
# name, promise, writes, the fields it runs for
FIELD_PROMISES: list[tuple[str, FieldPromise, bool, Callable[[Collection], list[str]]]] = [
    ("ordering", ordering, False, lambda c: list(c.ordering)),
    # The _own promises run for the fields they can write (ordering) or fill with their tag
    # (search); the others are judged on the target's own data above. A check planned for a field
    # it cannot test would count as passed having tested nothing.
    ("ordering_own", ordering_own, True, lambda c: own_fields(c, c.ordering, writable(c.input_schema))),
    ("search", search, False, lambda c: list(c.search)),
    ("search_own", search_own, True, lambda c: own_fields(c, c.search, free_text(c))),
]


def own_fields(c: Collection, declared: Iterable[str], testable: Iterable[str]) -> list[str]:
    """The declared fields an _own promise can test, where the run can isolate its objects."""
    chosen = set(testable)
    return [name for name in declared if name in chosen] if can_isolate(c) else []
