"""Where the sources are silent the project decided (specs/DECISIONS.md), and a real DRF service
may decide otherwise: in front of a deployment that chose the other way, the proxy notes the
difference and reports no violation. Each deployment here is the fake with one decision flipped."""

import json
from typing import Any

import httpx

from mockserver.resources import fixtures_dir
from tests.drifts import Answer, Drift, DriftedApp
from tests.proxy.harness import STRICT_KEY, Proxied, proxied
from tests.proxy.traffic import akinon_traffic
from tests.spec_copies import spec_copy

KEY = STRICT_KEY
AUTH = {"Authorization": f"Bearer {KEY}"}
UNITS = "/api/v1/units/"


def only_notes(run: Proxied, topic: str) -> None:
    assert run.proxy.violations.total == 0, run.describe()
    assert {n.kind for n in run.proxy.notes.all()} == {f"decided.{topic}"}, [
        n.log_line() for n in run.proxy.notes.all()
    ]


def pages_of_ten(fake: Any, **settings: Any) -> Proxied:
    """A deployment whose default page is 10 (no source states Datawiz's; decision 17 chose 20,
    DRF's tutorial uses 10), walked by an ordinary client through the proxy."""

    def ten(query: dict[str, str]) -> dict[str, str]:
        return query if "page_size" in query else {**query, "page_size": "10"}

    drift = Drift("page_size_10", "datawiz", "pages of 10 by default", rewrite_query=ten, query_path=UNITS)
    with (
        proxied(DriftedApp(fake, drift, KEY), **settings) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        units = [{"unit_id": f"pd-{i:02d}", "name": f"unit {i}"} for i in range(25)]
        assert client.post(UNITS, json=units).status_code == 201
        page = client.get(UNITS).json()
        seeded = len(json.loads((fixtures_dir() / "datawiz" / "units.json").read_text()))
        assert len(page["results"]) == 10 and page["count"] == 25 + seeded
        client.get(page["next"])
        client.get(UNITS + "?page=3")
        assert client.get(UNITS + "?page_size=5").json()["results"].__len__() == 5
    return run


def test_a_default_page_size_of_ten_is_a_note(fake):
    only_notes(pages_of_ten(fake), "page_size")


def _page_size_documented(document: dict[str, Any]) -> None:
    """The units' provenance no longer says their page size is decided: a source documents it."""
    del document["paths"][UNITS]["x-drf-collection"]["provenance"]["decided"]["page_size"]


def test_the_verdict_follows_the_spec_provenance(fake, tmp_path):
    # The same traffic judged against a spec copy whose provenance documents the units' page size:
    # the page of 10 is no longer the fake's choice but a broken promise.
    specs, _ = spec_copy(tmp_path, _page_size_documented)
    run = pages_of_ten(fake, specs=specs)
    assert run.proxy.notes.total == 0, [n.log_line() for n in run.proxy.notes.all()]
    assert run.kinds() == {"behaviour.pagination"}, run.describe()


def _more_methods(answer: Answer) -> None:
    if "/relocate-documents/" in answer.path and answer.path.count("/") > 4 and "allow" in answer.headers:
        answer.headers["allow"] = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"  # a ModelViewSet's instance
    if answer.method == "PUT" and answer.status == 405:
        answer.status = 200
        answer.set_json({})


def more_methods(fake: Any, **settings: Any) -> Proxied:
    drift = Drift("model_viewset", "datawiz", "instances are a ModelViewSet's", rewrite_answer=_more_methods)
    with (
        proxied(DriftedApp(fake, drift, KEY), **settings) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        assert client.get("/api/v1/relocate-documents/11112/").status_code == 200
        client.options("/api/v1/relocate-documents/11112/")
        assert client.put("/api/v1/relocate-documents/11112/", json={}).status_code == 200
    return run


def test_an_instance_allowing_more_methods_is_a_note(fake):
    only_notes(more_methods(fake), "allow")


def _allow_documented(document: dict[str, Any]) -> None:
    collection = document["paths"]["/api/v1/relocate-documents/"]["x-drf-collection"]
    del collection["provenance"]["decided"]["allow"]


def test_extra_methods_break_a_documented_allow(fake, tmp_path):
    specs, _ = spec_copy(tmp_path, _allow_documented)
    run = more_methods(fake, specs=specs)
    assert run.proxy.notes.total == 0, [n.log_line() for n in run.proxy.notes.all()]
    assert run.kinds() == {"response.header", "response.status"}, run.describe()


def test_an_instance_allowing_fewer_methods_is_a_violation(fake):
    def fewer(answer: Answer) -> None:
        if answer.path.endswith("/11112/") and "allow" in answer.headers:
            answer.headers["allow"] = "GET, OPTIONS"

    drift = Drift("no_head", "datawiz", "instances lost HEAD", rewrite_answer=fewer)
    with (
        proxied(DriftedApp(fake, drift, KEY)) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        client.get("/api/v1/relocate-documents/11112/")
    assert {v.kind for v in run.proxy.violations.all()} == {"response.header"}


def test_ready_after_an_outcome_is_a_note(fake):
    # "If there is no active task, the result will be returned as READY" (decision 8 reports
    # the outcome until the next execute instead): a service may say READY once a task ended.
    drift = Drift("ready_after_end", "akinon", "READY once an ended task was reported")

    def rewrite(answer: Answer) -> None:
        data = answer.json()
        if "get_async_status" in answer.path and isinstance(data, dict) and data.get("result") == "FINISHED":
            drift.state["ended"] = drift.state.get("ended", 0) + 1
            if drift.state["ended"] > 1:
                answer.set_json({"result": "READY"})

    drift.rewrite_answer = rewrite
    with proxied(DriftedApp(fake, drift, KEY)) as run:
        akinon_traffic(run.base, KEY)
    assert drift.state["ended"] > 2
    only_notes(run, "outcome_reported")


def test_the_idle_state_spelt_as_the_example_is_a_note(fake):
    # The document lists READY and answers "Ready" in its example (decision akinon#3).
    drift = Drift("ready_spelt", "akinon", "READY spelt Ready")

    def rewrite(answer: Answer) -> None:
        data = answer.json()
        if "get_async_status" in answer.path and isinstance(data, dict) and data.get("result") == "READY":
            drift.state["respelt"] = drift.state.get("respelt", 0) + 1
            answer.set_json({"result": "Ready"})

    drift.rewrite_answer = rewrite
    with proxied(DriftedApp(fake, drift, KEY)) as run:
        akinon_traffic(run.base, KEY)
    assert drift.state["respelt"] >= 1
    only_notes(run, "state_spelling")


def test_search_matching_a_field_no_source_names_is_a_note(fake):
    # A product search that also reads category_id, which no source names for search.
    def wider(answer: Answer) -> None:
        data, extra = answer.json(), drift.state.get("extra")
        if answer.query.get("search") == "cat-dairy" and isinstance(data, dict) and extra:
            answer.set_json({**data, "count": data["count"] + 1, "results": [*data["results"], extra]})

    drift = Drift("search_wider", "datawiz", "search reads one more field", rewrite_answer=wider)
    product = "/api/v1/products/a26f866b-1465-11e5-80cb-a01d4897e530/"
    with (
        proxied(DriftedApp(fake, drift, KEY)) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        drift.state["extra"] = client.get(product).json()
        page = client.get("/api/v1/products/?search=cat-dairy").json()
        assert page["count"] == 1
    only_notes(run, "search")


def test_notes_are_reported_but_never_fail(fake, tmp_path):
    drift = Drift("model_viewset", "datawiz", "instances are a ModelViewSet's", rewrite_answer=_more_methods)
    reports = {"report_json": tmp_path / "proxy.json", "junit_xml": tmp_path / "proxy.xml"}
    with (
        proxied(DriftedApp(fake, drift, KEY), mode="enforce", **reports) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        answer = client.get("/api/v1/relocate-documents/11112/")
        assert answer.status_code == 200 and "x-mockserver-violations" not in answer.headers
        live = client.get("/__mockserver__/violations").json()
        assert live["total"] == 0 and live["notes_total"] == 1
    report = json.loads(reports["report_json"].read_text())
    assert report["ok"] and report["violations_total"] == 0
    assert [n["kind"] for n in report["notes"]] == ["decided.allow"]
    assert "datawiz#10" in report["notes"][0]["message"]
    junit = reports["junit_xml"].read_text()
    assert 'failures="0"' in junit and "note [decided.allow]" in junit
    assert run.proxy.exit_status == 0
