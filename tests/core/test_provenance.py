"""Provenance in the specs: every judged behaviour is documented (its sources cited) or decided
(a decision's id in specs/decisions/), read from the declarations and checked at start-up."""

import json
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.context import Context, RunOptions
from contract_tests.report import Report
from contract_tests.target import Target
from mockserver.apis import spec_path
from mockserver.app import create_app
from mockserver.resources import specs_dir
from mockserver.settings import Settings
from mockserver.spec.collections import read_collections
from mockserver.spec.errors import StartupError
from mockserver.spec.loader import load_spec
from mockserver.spec.provenance import decision_text
from mockserver.spec.setup_tasks import read_setup_tasks
from tests.spec_copies import spec_copy


def _collections(api: str = "datawiz") -> dict[str, Any]:
    return {c.name: c for c in read_collections(load_spec(spec_path(api, specs_dir())))}


def test_every_collection_and_setup_task_names_its_sources_and_decisions() -> None:
    for collection in _collections().values():
        assert collection.provenance.sources, f"{collection.name} cites no source"
        # no source states a default page size (decision 17)
        assert collection.provenance.of("page_size").reference == "datawiz#17", collection.name
        assert collection.provenance.of("upload_answer").decided or not collection.takes_uploads
        assert collection.provenance.of("allow").decided, collection.name
    (task,) = read_setup_tasks(load_spec(spec_path("akinon", specs_dir())))
    assert task.provenance.sources
    assert task.provenance.of("outcome_reported").reference == "akinon#8"


def test_search_and_ordering_are_documented_only_where_a_source_names_the_field() -> None:
    products = _collections()["products"].provenance
    # the seed: "search = text matches name; ordering = name | identifier"
    assert not products.of("search", "name").decided
    assert not products.of("ordering", "name").decided
    assert products.of("search", "barcode").reference == "datawiz-resources#C4"
    assert products.of("ordering", "product_id").reference == "datawiz-resources#C4"
    relocate = _collections()["relocate-documents"].provenance
    assert relocate.of("search", "relocate_id").reference == "datawiz#2"  # the seed's lines were copied
    assert relocate.of_all("search").decided


def test_a_decision_reads_its_own_text_from_its_file() -> None:
    decisions = specs_dir() / "decisions"
    assert "default 20" in (decision_text(decisions, "datawiz#17") or "")
    # an escaped pipe inside a cell is text, not a border
    assert "relocate_id" in (decision_text(decisions, "datawiz#2") or "")
    assert decision_text(decisions, "datawiz#999") is None
    assert decision_text(decisions, "no-such-file#1") is None
    reason = _collections()["products"].provenance.of("page_size").describe()
    assert reason.startswith("decision datawiz#17 (specs/decisions/datawiz.md, row 17): page_size default 20")


def _copy(tmp_path: Path, change) -> Path:
    """datawiz.yaml and the decisions beside it, the first collection's provenance changed."""
    (tmp_path / "decisions").mkdir()
    for name in ("datawiz.md", "datawiz-resources.md", "akinon.md"):
        shutil.copy(specs_dir() / "decisions" / name, tmp_path / "decisions" / name)
    document = yaml.safe_load(spec_path("datawiz", specs_dir()).read_text(encoding="utf-8"))
    change(document["paths"]["/api/v1/products/"]["x-drf-collection"])
    target = tmp_path / "datawiz.yaml"
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _decided(**changes: Any):
    return lambda declaration: declaration["provenance"]["decided"].update(changes)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            _decided(page_size="datawiz#999"),
            "provenance.decided.page_size: no row '999' in decisions/datawiz.md",
        ),
        (
            _decided(page_size="D17"),
            "provenance.decided.page_size: expected a decision id such as `datawiz#17`",
        ),
        (_decided(paging="datawiz#17"), "provenance.decided.paging: not a behaviour judged here"),
        (
            _decided(search={"colour": "datawiz-resources#C4"}),
            "decided.search.colour: not a declared search field",
        ),
        (lambda d: d["provenance"].update(sources=[]), "provenance.sources: cite what documents it"),
        (lambda d: d["provenance"].update(source="x"), "provenance: expected {sources:"),
    ],
)
def test_a_provenance_the_engine_cannot_read_is_refused(tmp_path: Path, change, named: str) -> None:
    spec = load_spec(_copy(tmp_path, change))
    with pytest.raises(StartupError) as refused:
        read_collections(spec)
    assert named in str(refused.value)
    assert str(refused.value).startswith("datawiz.yaml: paths./api/v1/products/.x-drf-collection.provenance")


def test_a_decision_that_does_not_exist_stops_start_up(tmp_path: Path) -> None:
    specs, fixtures = spec_copy(
        tmp_path,
        lambda document: document["paths"]["/api/v1/shops/"]["x-drf-collection"]["provenance"][
            "decided"
        ].update(allow="datawiz-resources#C99"),
    )
    with pytest.raises(StartupError) as refused:
        create_app(Settings(apis=("datawiz",), specs_dir=specs, fixtures_dir=fixtures))
    assert "shops/.x-drf-collection.provenance.decided.allow: no row 'C99'" in str(refused.value)


def test_a_setup_task_provenance_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / "decisions").mkdir()
    shutil.copy(specs_dir() / "decisions" / "akinon.md", tmp_path / "decisions" / "akinon.md")
    document = yaml.safe_load(spec_path("akinon", specs_dir()).read_text(encoding="utf-8"))
    document["x-setup-tasks"]["addresses"]["provenance"]["decided"]["outcome_reported"] = "akinon#99"
    target = tmp_path / "akinon.yaml"
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(
        StartupError, match=r"x-setup-tasks\.addresses\.provenance\.decided\.outcome_reported: no row"
    ):
        read_setup_tasks(load_spec(target))


# Context.decided: a note, or a failure when the run pins decisions ---------------------------
class _Nowhere:
    last_response = None


def _context(pin: bool) -> Context:
    target: Target = _Nowhere()  # type: ignore[assignment]  # no request is described
    return Context(target, RunOptions(pin_decisions=pin), Report(api="datawiz", target="http://deployment"))


def _run_one_decided_difference(pin: bool) -> Report:
    decision = _collections()["products"].provenance.of("page_size")
    documented = _collections()["products"].provenance.of("search", "name")

    def check(ctx: Context) -> None:
        ctx.judge(
            decision,
            False,
            "GET /api/v1/products/",
            "the default page holds 20 objects",
            expected=20,
            actual=10,
        )
        ctx.judge(documented, True, "GET /api/v1/products/?search=", "search finds an object by its name")

    ctx = _context(pin)
    ctx.run("collection.page_shape[products]", check)
    return ctx.report


def test_a_decided_behaviour_that_differs_is_a_note_in_every_report(tmp_path: Path) -> None:
    report = _run_one_decided_difference(pin=False)
    assert report.ok and report.passed == ["collection.page_shape[products]"] and not report.failures
    (note,) = report.notes
    assert (note.check, note.decision, note.expected, note.actual) == (
        "collection.page_shape[products]",
        "datawiz#17",
        "20",
        "10",
    )
    summary = report.summary()
    assert "the default page holds 20 objects: differs from the fake's choice, decision datawiz#17" in summary
    assert "1 passed, 0 failed, 0 not run, 0 skipped, 0 tool errors, 1 notes" in summary
    report.write_json(tmp_path / "report.json")
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["ok"] is True and data["notes"][0]["decision"] == "datawiz#17"
    report.write_junit(tmp_path / "report.xml")
    suite = ElementTree.parse(tmp_path / "report.xml").getroot()
    (case,) = suite.findall("testcase")
    assert suite.get("failures") == "0" and case.find("failure") is None
    assert "decision datawiz#17" in (case.findtext("system-out") or "")


def test_a_run_that_pins_decisions_fails_on_them() -> None:
    report = _run_one_decided_difference(pin=True)
    assert not report.ok and not report.notes
    (failure,) = report.failures
    assert "pinned: decision datawiz#17" in failure.message


def test_a_documented_behaviour_that_differs_is_a_failure() -> None:
    documented = _collections()["products"].provenance.of("search", "name")
    ctx = _context(pin=False)
    ctx.run("search", lambda c: c.judge(documented, False, "GET /api/v1/products/?search=", "finds it"))
    assert not ctx.report.ok and not ctx.report.notes


def test_verify_and_diff_take_pin_decisions() -> None:
    import argparse

    from contract_tests.cli import add_contract_commands

    parser = argparse.ArgumentParser()
    add_contract_commands(parser.add_subparsers())
    for command in ("verify", "diff"):
        args = parser.parse_args([command, "--api", "datawiz", "--base-url", "http://x", "--pin-decisions"])
        assert args.pin_decisions is True
        # left out, it stays off (the settings table resolves it, from MOCKSERVER_VERIFY_PIN_DECISIONS too)
        assert not parser.parse_args([command, "--api", "datawiz", "--base-url", "http://x"]).pin_decisions
