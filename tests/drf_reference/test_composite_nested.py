"""A composite key and a nested sub-resource against DRF: the spec-engine test's `visits`
collection (the shape of Datawiz receipts: shop, datetime and order in the key, lines served item
by item) added to a copy of the spec, served by both the fake and the reference built from it."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.drf_reference.compare import Exchange as X
from tests.drf_reference.comparison import Comparison
from tests.drf_reference.declared_cases import collection_cases
from tests.drf_reference.services import both_services
from tests.spec_copies import VISIT_FIXTURES, VISITS, add_visits, spec_copy

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

KEY = "1_2017-07-05T14:11:36_7555405"
NEW = {"shop_id": "3", "date": "2018-01-01T10:00:00", "order_id": "9", "total": "1.5", "lines": []}
SECOND = {"order_id": "10", "date": "2018-01-02T10:00:00"}  # no tie: DRF leaves ties to the database
LINE = {"line_no": 1, "product_id": "a26f866b-1465-11e5-80cb-a01d4897e530", "qty": "2"}


def visit_exchanges() -> list[X]:
    return [
        X("visits: list", "GET", VISITS),
        X("visits: page 2", "GET", VISITS + "?page=2"),
        X("visits: page_size over the maximum", "GET", VISITS + "?page_size=10"),
        X("visits: ordering by a decimal", "GET", VISITS + "?ordering=total"),
        X("visits: ordering by a datetime, descending", "GET", VISITS + "?ordering=-date&page_size=3"),
        X("visits: ordering by text", "GET", VISITS + "?ordering=order_id&page_size=3"),
        X("visits: search", "GET", VISITS + "?search=7555"),
        X("visits: detail by its composite key", "GET", f"{VISITS}{KEY}/"),
        X("visits: detail with a suffix", "GET", f"{VISITS}{KEY}.json"),
        X("visits: detail, unknown order", "GET", f"{VISITS}1_2017-07-05T14:11:36_0/"),
        X("visits: detail, too few key parts", "GET", f"{VISITS}1_7555405/"),
        X("visits: detail, not a datetime in the key", "GET", f"{VISITS}1_yesterday_7555405/"),
        X("visits: HEAD detail", "HEAD", f"{VISITS}{KEY}/"),
        X("visits: OPTIONS list", "OPTIONS", VISITS),
        X("visits: OPTIONS detail", "OPTIONS", f"{VISITS}{KEY}/"),
        X("visits: a nested item", "GET", f"{VISITS}{KEY}/lines/2/"),
        X("visits: a nested item with a suffix", "GET", f"{VISITS}{KEY}/lines/2.json"),
        X("visits: a nested item that is not there", "GET", f"{VISITS}{KEY}/lines/9/"),
        X("visits: a nested item, not a number", "GET", f"{VISITS}{KEY}/lines/abc/"),
        X("visits: a nested item of an unknown visit", "GET", f"{VISITS}1_2017-07-05T14:11:36_0/lines/1/"),
        X("visits: a nested item, wrong method", "POST", f"{VISITS}{KEY}/lines/2/", json={}),
        X("visits: upload", "POST", VISITS, json=[NEW, {**NEW, **SECOND, "lines": [LINE]}]),
        X("visits: upload again (updated)", "POST", VISITS, json=NEW),
        X("visits: uploaded, read back", "GET", f"{VISITS}3_2018-01-02T10:00:00_10/"),
        X("visits: uploaded line, read back", "GET", f"{VISITS}3_2018-01-02T10:00:00_10/lines/1/"),
        X("visits: HEAD a nested item", "HEAD", f"{VISITS}{KEY}/lines/2/"),
        X("visits: OPTIONS a nested item", "OPTIONS", f"{VISITS}{KEY}/lines/2/"),
        X(
            "visits: aware datetime in an upload",
            "POST",
            VISITS,
            json={**NEW, "date": "2018-01-01T12:00:00+02:00"},
        ),
        X("visits: unknown shop", "POST", VISITS, json={**NEW, "shop_id": "no-such-shop"}),
        X(
            "visits: a line with an unknown product",
            "POST",
            VISITS,
            json={**NEW, "lines": [{**LINE, "product_id": "x"}]},
        ),
        X(
            "visits: a line not an integer",
            "POST",
            VISITS,
            json={**NEW, "lines": [{**LINE, "line_no": "one"}]},
        ),
        X("visits: a null line", "POST", VISITS, json={**NEW, "lines": [None]}),
        X("visits: read back all", "GET", VISITS + "?page_size=3&ordering=-date"),
    ]


def add_complete_visits(document: dict[str, Any]) -> None:
    """The spec-engine test's visits, completed as datawiz.yaml declares its collections: HEAD,
    OPTIONS and the suffixes on the nested item too, and the read-only hyperlinks in the upload
    schema (OPTIONS lists them)."""
    add_visits(document)
    line_path = document["paths"][f"{VISITS}{{visit}}/lines/{{line}}/"]
    line_path["x-drf-format-suffixes"] = ["json", "api"]
    line_path["head"] = {"operationId": "headVisitLine", "responses": {"200": {"description": "ok"}}}
    line_path["options"] = {**document["paths"][VISITS]["options"], "operationId": "optionsVisitLine"}
    visit = document["components"]["schemas"]["VisitInput"]["properties"]
    read_only = {"type": "string", "readOnly": True, "x-drf": {"type": "field"}}
    shown = document["components"]["schemas"]["Visit"]["properties"]
    document["components"]["schemas"]["VisitInput"]["properties"] = {
        name: visit.get(name, read_only) for name in shown
    }
    line = visit["lines"]["items"]["properties"]
    visit["lines"]["items"]["properties"] = {
        name: line.get(name, read_only)
        for name in document["components"]["schemas"]["VisitLine"]["properties"]
    }


@pytest.fixture(scope="module")
def visits(tmp_path_factory: pytest.TempPathFactory) -> Iterator["VisitsComparison"]:
    root = tmp_path_factory.mktemp("drf-reference-visits")
    specs, fixtures = spec_copy(root, add_complete_visits)
    (fixtures / "datawiz" / "visits.json").write_text(json.dumps(VISIT_FIXTURES))
    data = root / "data"
    data.mkdir()
    with both_services(data, specs, fixtures, collections=("visits",)) as services:
        yield VisitsComparison(Comparison(services), specs, fixtures)


def test_a_composite_key_and_a_nested_resource_get_drfs_answers(visits: "VisitsComparison") -> None:
    counts, unexplained, _ = visits.comparison.run(visit_exchanges())
    print(f"\ncomposite key and nested: {sum(counts.values())} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained)


def test_the_declared_collection_promises_hold_for_visits(visits: "VisitsComparison") -> None:
    counts, unexplained, _ = visits.comparison.run(collection_cases(visits.specs, visits.fixtures, "visits"))
    print(f"\nvisits, declared-collection requests: {sum(counts.values())} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained)


@dataclass
class VisitsComparison:
    comparison: Comparison
    specs: Path
    fixtures: Path
