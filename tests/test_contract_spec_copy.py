"""The suite reads the spec: a collection added to a copy of a spec with no Python (`visits`: a
composite key, nested lines, references that must exist, hyperlinks) is served by the fake and
checked by the contract suite and by `mockserver verify --specs`, and a drift on it is caught."""

import json
from pathlib import Path

import pytest

from contract_tests.collection_promises import PROMISES
from contract_tests.context import RunOptions
from contract_tests.run_prefix import KeyPlaces
from contract_tests.suite import run_suite
from contract_tests.target import Credentials, in_process_target
from mockserver.apis import catalogue
from mockserver.app import create_app
from mockserver.cli import main
from mockserver.settings import Settings
from tests.drifts import Answer, Drift, DriftedApp
from tests.live_server import live_server
from tests.spec_copies import VISIT_FIXTURES, add_visits, spec_copy, visits_copy

TOKEN = "spec-copy-token"


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, Path]:
    return visits_copy(tmp_path)


def fake(copy: tuple[Path, Path]):
    specs, fixtures = copy
    return create_app(Settings(auth_mode="strict", tokens=(TOKEN,), specs_dir=specs, fixtures_dir=fixtures))


def options(**changes) -> RunOptions:
    return RunOptions(allow_writes=True, max_examples=2, **changes)


def test_the_suite_checks_a_collection_the_spec_copy_adds(copy):
    report = run_suite(
        in_process_target("datawiz", fake(copy), Credentials(token=TOKEN), specs_dir=copy[0]),
        options(),
        conformance=False,
    )
    assert report.ok, report.summary()
    checked = {name for name in report.passed if name.endswith("[visits]") or "[visits." in name}
    assert {
        "collection.upsert_counts[visits]",
        "collection.read_back[visits]",
        "collection.related_must_exist[visits]",
        "collection.nested_items[visits]",
        "collection.hyperlinks_resolve[visits]",
        "collection.own_walk[visits]",
        "collection.ordering_own[visits.total]",
        "collection.search_own[visits.order_id]",
    } <= checked, sorted(checked)


def test_a_write_prefixes_every_key_field_and_reference_the_copy_declares(copy):
    places = KeyPlaces.of(catalogue(copy[0]).api("datawiz"), "ct-x-")
    # visits' text key fields, the shop and product references; not the datetime in the key.
    assert {"shop_id", "order_id", "product_id"} <= places.fields and "date" not in places.fields
    visit = {"shop_id": "1", "date": "2017-07-05T14:11:36", "order_id": 7, "lines": [{"product_id": "p"}]}
    assert places.rewrite(visit) == {
        "shop_id": "ct-x-1",
        "date": "2017-07-05T14:11:36",
        "order_id": "ct-x-7",
        "lines": [{"product_id": "ct-x-p"}],
    }


def _first_line_changed(answer: Answer) -> None:
    """Nested line details that say another quantity than the visit lists."""
    data = answer.json()
    if "/lines/" in answer.path and answer.status == 200 and isinstance(data, dict):
        answer.set_json({**data, "qty": "999.0000"})


def test_a_drift_on_the_added_collection_is_caught(copy):
    drift = Drift(
        "visit_lines_disagree", "datawiz", "a nested line detail", rewrite_answer=_first_line_changed
    )
    target = in_process_target(
        "datawiz", DriftedApp(fake(copy), drift, TOKEN), Credentials(token=TOKEN), specs_dir=copy[0]
    )
    report = run_suite(target, options(fail_fast=True), conformance=False)
    assert {f.check for f in report.failures} == {"collection.nested_items[visits]"}, report.summary()


def test_mockserver_verify_reads_a_spec_copy(copy, tmp_path, capsys):
    report = tmp_path / "verify.json"
    with live_server(fake(copy)) as base:
        code = main(
            [
                "verify",
                *("--api", "datawiz", "--specs", str(copy[0]), "--base-url", base, "--token", TOKEN),
                *("--allow-writes", "--max-examples", "2", "--report-json", str(report)),
                *("--include", "visits"),  # what the copy adds (the rest is the whole spec's run)
            ]
        )
    assert code == 0, capsys.readouterr().out
    passed = set(json.loads(report.read_text())["passed"])
    # the added operations' conformance and the generic promises on the added collection
    assert {"conformance.createVisits", "conformance.getVisitLine", "collection.read_back[visits]"} <= passed


def _read_only_visits(document):
    add_visits(document)
    del document["paths"]["/api/v1/visits/"]["post"]


def test_a_collection_without_uploads_is_seeded_and_gets_every_read_promise(tmp_path):
    # A read-only collection (DRF's ReadOnlyModelViewSet) has no upload serializer: its fixtures
    # are in the presented form (decimals with four places), hyperlinks left out.
    specs, fixtures = spec_copy(tmp_path, _read_only_visits)
    presented = [{**visit, "total": f"{float(visit['total']):.4f}"} for visit in VISIT_FIXTURES]
    (fixtures / "datawiz" / "visits.json").write_text(json.dumps(presented))
    target = in_process_target("datawiz", fake((specs, fixtures)), Credentials(token=TOKEN), specs_dir=specs)
    report = run_suite(target, options(), conformance=False)
    assert report.ok, report.summary()
    checked = {name for name in report.passed if "[visits" in name}
    reads = {name for name, _, writes, applies in PROMISES if not writes}
    assert {f"collection.{name}[visits]" for name in reads} <= checked, sorted(checked)
    assert {"collection.ordering[visits.total]", "collection.search[visits.order_id]"} <= checked
    writes = {name for name, _, writes, _ in PROMISES if writes} | {"ordering_own", "search_own"}
    assert not {name for name in checked if name.split("[")[0].removeprefix("collection.") in writes}
    # the seeded objects were really served: a nested line the fixtures hold; no upload is taken
    line = target.api_call("GET", "/api/v1/visits/1_2017-07-05T14:11:36_7555405/lines/2/")
    assert line.status_code == 200 and line.json()["qty"] == "2.5000", line.text
    assert target.api_call("POST", "/api/v1/visits/", json=[]).status_code == 405
