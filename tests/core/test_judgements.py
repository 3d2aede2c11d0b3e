"""The DRF judgements the contract suite and the proxy share: pure functions, judged here alone."""

from hypothesis import given
from hypothesis import strategies as st

from mockserver.drf import judgements as j


@given(count=st.integers(0, 500), size=st.integers(1, 50), data=st.data())
def test_every_page_drf_would_answer_is_judged_consistent(count, size, data):
    pages = max(1, -(-count // size))
    number = data.draw(st.integers(1, pages))
    shown, has_next, has_previous = j.expected_page(count, number, size)
    page = {"count": count, "next": "n" if has_next else None, "previous": "p" if has_previous else None}
    page["results"] = [{}] * shown
    assert j.page_problem(page, number, size) is None
    assert j.page_problem({**page, "count": count + 1}, number, size) is not None or number < pages


def test_page_problems_name_what_is_off():
    assert "should hold 2" in j.page_problem(
        {"count": 5, "results": [{}], "next": "x", "previous": None}, 1, 2
    )
    assert "next" in j.page_problem({"count": 5, "results": [{}, {}], "next": None, "previous": None}, 1, 2)
    assert "previous" in j.page_problem(
        {"count": 5, "results": [{}, {}], "next": "x", "previous": None}, 2, 2
    )


def test_links_on_the_host_asked_and_keeping_the_query():
    assert j.link_on_host("http://Host:8000/a/?page=2", ["http://host:8000"])
    assert not j.link_on_host("http://10.0.0.12:8000/a/", ["http://host:8000"])
    assert not j.link_on_host("https://host:8000/a/", ["http://host:8000"])
    assert j.link_keeps_query("http://h/a/?page=2&search=x", {"search": "x", "page": "1"})
    assert not j.link_keeps_query("http://h/a/?page=2", {"search": "x"})


def test_ordering_by_kind_and_direction_as_every_database_agrees():
    kinds = {"price_total": "number", "relocate_id": "text"}
    rows = [{"price_total": "40.0000"}, {"price_total": "7.0000"}, {"price_total": None}]
    assert j.ordering_problem(rows, ["-price_total"], kinds) is None  # where nulls go varies: left out
    assert j.ordering_problem(rows, ["price_total"], kinds) is not None
    assert j.ordering_problem([{"price_total": "7"}, {"price_total": "40"}], ["price_total"], kinds) is None
    assert j.ordering_problem(rows, ["unknown"], kinds) is None  # DRF ignores a field it cannot order by
    ties = [{"relocate_id": "px-b", "price_total": "1"}, {"relocate_id": "px-a", "price_total": "2"}]
    assert j.ordering_problem(ties, ["relocate_id", "price_total"], kinds) is not None
    # Mixed case and other scripts sort differently under database collations: not judged.
    assert j.ordering_problem([{"relocate_id": "b"}, {"relocate_id": "A"}], ["relocate_id"], kinds) is None


def test_search_needs_every_term_in_some_field():
    rows = [{"relocate_id": "PX-1", "responsible": "Olena"}]
    assert j.search_problem(rows, "px olena", ["relocate_id", "responsible"]) is None
    assert j.search_problem(rows, "px,petro", ["relocate_id", "responsible"]) is not None


def test_upsert_counts_and_error_shapes():
    assert j.upsert_problem({"inserted": 1, "updated": 0}, 1, 0) is None
    assert "stored before" in j.upsert_problem({"inserted": 1, "updated": 0}, 1, 1)
    assert "objects sent" in j.upsert_problem({"inserted": 1, "updated": 1}, 1, 0)
    assert j.error_shape_problem(404, {"detail": "Not found."}) is None
    assert j.error_shape_problem(404, {"error": "not found"}) is not None
    assert j.error_shape_problem(400, {"field": ["bad"]}) is None
    assert j.error_form_problem({"a": 1}, 400, [{"a": ["bad"]}]) is not None
    assert j.error_form_problem([{"a": 1}], 400, [{"a": ["bad"]}]) is None
    assert (
        j.challenge_problem(401, {}) is not None
        and j.challenge_problem(401, {"www-authenticate": "Token"}) is None
    )
    assert j.options_actions_problem({"actions": {"POST": {}}}, {"actions": {"POST": {}}}) is None
    assert j.options_actions_problem({}, {"actions": {"POST": {}}}) is not None
