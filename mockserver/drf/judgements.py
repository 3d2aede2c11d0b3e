"""DRF behaviours judged from what one answer shows: pure functions shared by the contract suite
(which provokes the answers) and the proxy (which only watches them). Each returns a problem in
words, or None."""

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from mockserver.store.documents import sort_value

# DRF's SearchFilter.get_search_terms: terms are separated by whitespace and commas (and nulls).
_SEARCH_SPLIT = re.compile(r"[\s,\x00]+")
PLAIN_TEXT = re.compile(r"[a-z0-9]*")  # sorts the same under any database collation
# Django's reverse() leaves RFC 3986 sub-delimiters and ':@' unquoted in a path segment.
SEGMENT_SAFE = "!$&'()*+,;=:@-._~"


def expected_page(count: int, number: int, size: int) -> tuple[int, bool, bool]:
    """(results on the page, has a next page, has a previous page) for DRF's PageNumberPagination."""
    shown = max(0, min(size, count - (number - 1) * size))
    return shown, number * size < count, number > 1


def page_problem(page: Mapping[str, Any], number: int, size: int) -> str | None:
    """Whether a page's results, `next` and `previous` agree with its `count` and the page asked."""
    count, results = page.get("count"), page.get("results")
    if not isinstance(count, int) or not isinstance(results, list):
        return None  # the schema check reports a page without them
    shown, has_next, has_previous = expected_page(count, number, size)
    if len(results) != shown:
        return (
            f"page {number} of size {size} with count {count} should hold {shown} results, "
            f"holds {len(results)}"
        )
    if bool(page.get("next")) != has_next:
        return f"page {number} of {count} results by {size}: next is {page.get('next')!r}"
    if bool(page.get("previous")) != has_previous:
        return f"page {number} of {count} results by {size}: previous is {page.get('previous')!r}"
    return None


def link_on_host(link: str, bases: Sequence[str]) -> bool:
    """An absolute link under one of the base URLs the client asked (scheme, host and any prefix)."""
    scheme, _, rest = link.partition("://")
    for base in bases:
        base_scheme, _, base_rest = base.rstrip("/").partition("://")
        host, _, prefix = base_rest.partition("/")
        wanted = f"{host.lower()}/{prefix}/" if prefix else f"{host.lower()}/"
        link_host, _, link_path = rest.partition("/")
        if scheme.lower() == base_scheme.lower() and f"{link_host.lower()}/{link_path}".startswith(wanted):
            return True
    return False


def fill_path(template: str, *values: str) -> str:
    """A path template's parameters, in order, filled as Django's reverse() quotes them."""
    path = template
    for value in values:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + quote(value, safe=SEGMENT_SAFE) + path[end + 1 :]
    return path


def same_url(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and unquote(a) == unquote(b)


def self_link_problem(
    link: Any, bases: Sequence[str], detail_path: str, key: str, suffix: str | None = None
) -> str | None:
    """A HyperlinkedIdentityField is the object's own detail URL (trailing slash included; with
    the request's format suffix in its place when the request had one, as DRF's reverse() does)."""
    path = fill_path(detail_path, key)
    paths = [path, f"{path.rstrip('/')}.{suffix}"] if suffix else [path]
    if isinstance(link, str) and "?" in link:
        # reverse() keeps a request's ?format= (preserve_builtin_query_params), and nothing else
        link, _, query = link.partition("?")
        if not query.startswith("format=") or "&" in query:
            return f"{link}?{query!r} is not the detail URL of {key} ({path})"
    if any(same_url(link, base.rstrip("/") + candidate) for base in bases for candidate in paths):
        return None
    return f"{link!r} is not the detail URL of {key} ({fill_path(detail_path, key)})"


def link_keeps_query(link: str, query: Mapping[str, str], ignored: Sequence[str] = ("page",)) -> bool:
    """A next/previous link repeats the other query parameters of the page asked."""
    kept = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))
    return all(kept.get(name) == value for name, value in query.items() if name not in ignored)


def portable(sort_type: str, values: list[Any]) -> list[Any]:
    """The values whose order every database agrees on: text past the prefix all share must be
    lower-case letters and digits, which any collation orders as code points do; other text is
    left out rather than risk a false alarm (and nulls, which databases place differently)."""
    present = [v for v in values if v is not None]
    if sort_type != "text" or not present:
        return present
    common = len(os.path.commonprefix(present))  # noqa: RUF071 (text, not paths)
    return [v for v in present if PLAIN_TEXT.fullmatch(v[common:])]


def ordering_problem(
    results: Sequence[Mapping[str, Any]], ordering: Sequence[str], sort_types: Mapping[str, str]
) -> str | None:
    """Whether the results are sorted by the first ordering term asked (`-name` descending), as
    far as every database would agree; a field the collection does not order by is ignored, as
    DRF's OrderingFilter ignores it."""
    terms = [t for t in ordering if t.lstrip("-") in sort_types]
    if not terms:
        return None
    name, descending = terms[0].lstrip("-"), terms[0].startswith("-")
    comparable = portable(sort_types[name], [sort_value(sort_types[name], r.get(name)) for r in results])
    if comparable != sorted(comparable, reverse=descending):
        shown = [str(v) for v in comparable][:20]
        return f"ordering={terms[0]} should sort by {sort_types[name]}, {'descending' if descending else 'ascending'}: {shown}"
    return None


def search_terms(text: str) -> list[str]:
    return [term for term in _SEARCH_SPLIT.split(text) if term]


def search_misses(
    results: Sequence[Mapping[str, Any]], search: str, fields: Sequence[str]
) -> list[Mapping[str, Any]]:
    """DRF's SearchFilter (icontains): the results missing a search term in every search field."""
    terms = [term.lower() for term in search_terms(search)]
    return [
        result
        for result in results
        if not all(any(term in str(result.get(name) or "").lower() for name in fields) for term in terms)
    ]


def search_problem(results: Sequence[Mapping[str, Any]], search: str, fields: Sequence[str]) -> str | None:
    missed = search_misses(results, search, fields)
    if missed:
        shown = {name: missed[0].get(name) for name in fields}
        return f"search={search!r}: {len(missed)} result(s) match no search field, such as {shown}"
    return None


def challenge_problem(status: int, headers: Mapping[str, str]) -> str | None:
    """A 401 carries a WWW-Authenticate challenge (DRF answers 403 when there is none to give)."""
    if status == 401 and not headers.get("www-authenticate"):
        return "a 401 carries no WWW-Authenticate challenge"
    return None


def upsert_problem(counts: Mapping[str, Any], uploaded: int, known_stored: int) -> str | None:
    """An upsert's counts: inserted and updated add up to the objects sent, and each object known
    to be stored before was updated, not inserted."""
    inserted, updated = counts.get("inserted"), counts.get("updated")
    if not isinstance(inserted, int) or not isinstance(updated, int):
        return None  # the schema check reports it
    if inserted + updated != uploaded:
        return f"{uploaded} objects sent, but inserted {inserted} + updated {updated}"
    if updated < known_stored:
        return f"{known_stored} of the objects sent were stored before, but updated says {updated}"
    return None


# The statuses DRF answers with its one-message shape ({"detail": "..."}), from exceptions.py.
DETAIL_STATUSES = frozenset({401, 403, 404, 405, 406, 415, 429})


def error_shape_problem(status: int, data: Any) -> str | None:
    """DRF's error bodies: {"detail": "<message>"} for the statuses its exceptions answer."""
    if status in DETAIL_STATUSES and not (isinstance(data, dict) and isinstance(data.get("detail"), str)):
        return f'a {status} answer from DRF is {{"detail": "<message>"}}, got {str(data)[:120]}'
    return None


def error_form_problem(sent: Any, status: int, data: Any) -> str | None:
    """A serializer's errors have the form of what was sent: one object's errors are an object
    (a list only for a list of objects, ListSerializer's form)."""
    if status == 400 and isinstance(sent, dict) and isinstance(data, list):
        return "one object was sent, but its errors come as a list"
    return None


def parse_error_problem(status: int, data: Any) -> str | None:
    """A 400 to a body that parsed comes from the serializer: per-field errors (`{"field":
    ["message"]}`, `non_field_errors`, or a list aligned with a list upload), never the
    `{"detail": ...}` of DRF's ParseError, which only a body that does not parse gets."""
    if status == 400 and isinstance(data, dict) and set(data) == {"detail"}:
        return f"a 400 to a well-formed body is the serializer's per-field errors, got {str(data)[:120]}"
    return None


def options_actions_problem(data: Any, expected: Mapping[str, Any]) -> str | None:
    """DRF's SimpleMetadata: `actions` describes exactly the view's POST and PUT (to a caller
    allowed to use them)."""
    if not isinstance(data, dict):
        return None
    shown = data.get("actions")
    wanted = sorted(expected.get("actions") or {})
    got = sorted(shown) if isinstance(shown, dict) else []
    if got != wanted:
        return f"OPTIONS actions are {got}, the view's writes are {wanted}"
    return None
