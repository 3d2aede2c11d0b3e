"""Negotiation, pagination links, routing with format suffixes."""

import re

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.drf.errors import NotAcceptable, NotFound
from mockserver.drf.negotiation import BROWSABLE_RENDERER, JSON_RENDERER, select_renderer
from mockserver.drf.pagination import PagePolicy, page_links, page_request, resolve_page_number
from mockserver.drf.parsing import has_long_digits, parse_json
from mockserver.drf.presented import AnswerCache
from mockserver.spec.loader import PathItem
from mockserver.spec.routing import Router


@pytest.mark.parametrize(
    ("accept", "fmt", "expected"),
    [
        (None, None, JSON_RENDERER),
        ("*/*", None, JSON_RENDERER),
        ("application/json", None, JSON_RENDERER),
        ("text/html,application/xhtml+xml,*/*;q=0.8", None, BROWSABLE_RENDERER),
        ("text/html", "json", None),
        ("application/json", "api", None),
        ("*/*", "api", BROWSABLE_RENDERER),
    ],
)
def test_negotiation(accept, fmt, expected):
    if expected is None:
        with pytest.raises(NotAcceptable):
            select_renderer(accept, fmt)
    else:
        assert select_renderer(accept, fmt) is expected


def test_unknown_format_is_not_found():
    with pytest.raises(NotFound):
        select_renderer(None, "xml")


def test_page_size_is_lenient_and_capped():
    policy = PagePolicy(default_size=20, max_size=100)
    assert page_request({"page_size": "abc"}, policy).size == 20
    assert page_request({"page_size": "0"}, policy).size == 20
    assert page_request({"page_size": "5000"}, policy).size == 100


@pytest.mark.parametrize("number", ["0", "3", "x", "1.0", "-1"])
def test_invalid_pages(number):
    with pytest.raises(NotFound) as caught:
        resolve_page_number(page_request({"page": number}, PagePolicy(default_size=5)), count=10)
    assert caught.value.detail == "Invalid page."


def test_empty_first_page_and_last():
    assert resolve_page_number(page_request({}, PagePolicy()), count=0) == 1
    assert resolve_page_number(page_request({"page": "last", "page_size": "3"}, PagePolicy()), count=10) == 4


def test_links_keep_other_parameters_sorted_as_drf_does():
    url = "http://h/api/v1/things/?page_size=2&search=x&page=2"
    following, preceding = page_links(url, 2, count=10, size=2)
    assert following == "http://h/api/v1/things/?page=3&page_size=2&search=x"
    assert preceding == "http://h/api/v1/things/?page_size=2&search=x"
    assert page_links(url, 5, count=10, size=2)[0] is None


def _item(path: str, suffixes=("json", "api")) -> PathItem:
    return PathItem(
        api="t", path=path, operations={}, view_name="V", view_description="", format_suffixes=suffixes
    )


def test_routes_and_format_suffixes():
    collection, detail = _item("/api/v1/docs/"), _item("/api/v1/docs/{doc_id}/")
    router = Router([detail, collection])
    assert router.match("/api/v1/docs/").path_item is collection
    assert router.match("/api/v1/docs/11112/").path_params == {"doc_id": "11112"}
    for path in ("/api/v1/docs.json", "/api/v1/docs.json/", "/api/v1/docs/.json/", "/api/v1/docs/.json"):
        found = router.match(path)
        assert (found.path_item, found.format_suffix) == (collection, "json"), path
    found = router.match("/api/v1/docs/11112.api")
    assert (found.path_item, found.path_params, found.format_suffix) == (detail, {"doc_id": "11112"}, "api")
    assert router.match("/api/v1/docs") is None and router.match_with_slash("/api/v1/docs")


def test_a_value_outside_the_lookup_pattern_meets_no_view():
    """`.exe` is what a generator makes of a lookup it was told is `[^/.]+`: stock DRF has no route
    for /docs/.exe/ (its suffix routes are /docs.exe and /docs/1.exe), so no view, and no Allow of
    another path item; the document's /docs/.json/ form is served for the declared suffixes only."""
    collection, detail = _item("/api/v1/docs/"), _item("/api/v1/docs/{doc_id}/")
    router = Router([detail, collection])
    for path in ("/api/v1/docs/.exe/", "/api/v1/docs/.exe", "/api/v1/docs/.xml/"):
        assert router.match(path) is None, path
    assert router.match("/api/v1/docs.exe/").format_suffix == "exe"  # DRF's own form: 404 by negotiation


def test_the_answer_cache_is_bounded_in_entries_and_bytes():
    cache = AnswerCache(max_entries=2, max_bytes=10, max_answer=6)
    assert bytes(orjson.dumps(cache.put("a", b"[1]"))) == b"[1]"
    cache.put("b", b"[2]")
    cache.put("c", b"[3]")  # the third entry pushes out the oldest
    assert cache.get("a") is None and cache.get("b") is not None
    cache.put("d", b"[1234]")  # 3 + 6 bytes fit, 3 + 3 + 6 do not
    assert cache.get("b") is None and cache.get("c") is not None and cache.get("d") is not None
    cache.put("e", b"[123456]")  # larger than any answer worth keeping: served, not kept
    assert cache.get("e") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"0", b"7", b"9", b"a", b"/", b":", b" ", b'"', b"\xd0"]), max_size=60))
def test_the_long_digit_run_check_finds_what_a_regex_finds(pieces):
    """parse_json reads a body holding 19 digits in a row with Python's json (orjson would read a
    long integer as a float); the byte-mapping check must find exactly such a run."""
    raw = b"".join(pieces)
    assert has_long_digits(raw) == bool(re.search(rb"[0-9]{19}", raw))
    assert has_long_digits(b"[-29293907574366289920]") and not has_long_digits(b"[922337203685477580]")


def test_a_long_integer_is_read_exactly():
    assert parse_json(b'{"f": -29293907574366289920}') == {"f": -29293907574366289920}
    assert parse_json(b'{"f": "1234567890123456789"}') == {"f": "1234567890123456789"}
