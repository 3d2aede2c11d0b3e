"""DRF behaviours judged from what one answer shows: pure functions shared by the contract suite
(which provokes the answers) and the proxy (which only watches them). Each returns a problem in
words, or None."""

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# DRF's SearchFilter.get_search_terms: terms are separated by whitespace and commas.
_SEARCH_SPLIT = re.compile(r"[\s,]+")


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
    """An absolute link on one of the hosts the client asked (scheme and authority)."""
    parts = urlsplit(link)
    return any(
        (parts.scheme, parts.netloc.lower()) == (urlsplit(b).scheme, urlsplit(b).netloc.lower())
        for b in bases
    )


def link_keeps_query(link: str, query: Mapping[str, str], ignored: Sequence[str] = ("page",)) -> bool:
    """A next/previous link repeats the other query parameters of the page asked."""
    kept = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))
    return all(kept.get(name) == value for name, value in query.items() if name not in ignored)


def sort_value(kind: str, value: Any) -> tuple[bool, Any]:
    """How a value of a sort kind compares (as the store sorts): None after every value."""
    if value is None:
        return (True, 0)
    if kind == "number":
        try:
            return (False, Decimal(str(value)))
        except InvalidOperation:
            return (True, 0)
    return (False, str(value))


def ordering_problem(
    results: Sequence[Mapping[str, Any]], ordering: Sequence[str], kinds: Mapping[str, str]
) -> str | None:
    """Whether each result comes after the one before it, by the ordering terms asked
    (`-name` descending); a term the collection does not order by is ignored, as DRF ignores it."""
    terms = [(t.lstrip("-"), t.startswith("-")) for t in ordering if t.lstrip("-") in kinds]
    if not terms:
        return None
    for index in range(1, len(results)):
        before, after = results[index - 1], results[index]
        for name, descending in terms:
            a = sort_value(kinds[name], before.get(name))
            b = sort_value(kinds[name], after.get(name))
            if a == b:
                continue
            if (a > b) != descending:
                return (
                    f"ordering={','.join(ordering)}: result {index} ({name}={after.get(name)!r}) comes "
                    f"after {before.get(name)!r}"
                )
            break
    return None


def search_terms(text: str) -> list[str]:
    return [term for term in _SEARCH_SPLIT.split(text.replace("\x00", "")) if term]


def search_problem(results: Sequence[Mapping[str, Any]], search: str, fields: Sequence[str]) -> str | None:
    """DRF's SearchFilter (icontains): every term is in one of the search fields of every result."""
    terms = [term.lower() for term in search_terms(search)]
    for result in results:
        texts = [str(result.get(name) or "").lower() for name in fields]
        for term in terms:
            if not any(term in text for text in texts):
                shown = {name: result.get(name) for name in fields}
                return f"search={search!r}: a result matches no search field: {shown}"
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
