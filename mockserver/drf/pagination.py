"""DRF's PageNumberPagination: page/page_size parameters, Invalid page, absolute next/previous."""

import math
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from mockserver.drf.errors import NotFound

LAST_PAGE_WORDS = ("last",)


@dataclass(frozen=True)
class PagePolicy:
    default_size: int = 20
    max_size: int = 1000


@dataclass(frozen=True)
class PageRequest:
    number: str  # as the client sent it ("last" is resolved once the count is known)
    size: int


def _positive_int(text: str, cutoff: int) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return min(value, cutoff)


def page_request(query: dict[str, str], policy: PagePolicy) -> PageRequest:
    size = policy.default_size
    if "page_size" in query:
        try:
            size = _positive_int(query["page_size"], policy.max_size)
        except ValueError:
            size = policy.default_size  # DRF ignores a page_size it cannot read
    # DRF reads `page=` (empty) as the first page: `query_params.get("page") or 1`
    return PageRequest(number=query.get("page") or "1", size=size)


# A page number beyond any count a store can hold: offsets stay within what every store takes.
FARTHEST_PAGE = 2**31


def first_guess(request: PageRequest) -> int:
    """The page to fetch before the count is known: the number asked for, read as Django reads it
    (`int()`, so `٣` is 3 while `³`, which `str.isdigit()` also accepts, is no number), or the
    first page when it is not a page any collection could have (resolve_page_number then answers)."""
    try:
        number = int(request.number)
    except ValueError:
        return 1
    return number if 1 <= number <= FARTHEST_PAGE else 1


def resolve_page_number(request: PageRequest, count: int) -> int:
    """Django's Paginator.validate_number with allow_empty_first_page, as DRF calls it."""
    pages = max(1, math.ceil(count / request.size))
    if request.number in LAST_PAGE_WORDS:
        return pages
    try:
        number = int(request.number)
    except ValueError:
        raise NotFound("Invalid page.") from None
    if number < 1 or number > pages:
        raise NotFound("Invalid page.")
    return number


# Pure functions of their arguments, and a client paging through a list asks for the same few
# links again and again: caching them takes the URL parsing off most page reads.
@lru_cache(maxsize=4096)
def replace_query_param(url: str, key: str, value: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [value]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


@lru_cache(maxsize=4096)
def remove_query_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


def page_links(request_url: str, number: int, count: int, size: int) -> tuple[str | None, str | None]:
    pages = max(1, math.ceil(count / size))
    following = replace_query_param(request_url, "page", str(number + 1)) if number < pages else None
    if number <= 1:
        preceding = None
    elif number == 2:
        preceding = remove_query_param(request_url, "page")
    else:
        preceding = replace_query_param(request_url, "page", str(number - 1))
    return following, preceding
