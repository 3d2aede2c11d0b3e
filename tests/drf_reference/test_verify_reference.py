"""No false alarm, proven on a real DRF service: `verify --allow-writes` (the contract suite with
writes, bounded as CI runs it) against the DRF reference serving every Datawiz collection and the
Akinon task passes, on the pinned DRF 3.18 pair and on DRF 3.14; and with the reference's decided
behaviours set the other way a DRF developer would write them by default (a page of 10, search
and ordering only on the fields a source names, ModelViewSet instances, the client pages' upload
answer) it still passes, with notes naming those decisions. The run with writes stays inside its
run: afterwards every object of every collection either existed before or carries the run's
prefix in a key DRF can reverse, and every list still answers 200.

Each run takes minutes, so each reference is started and verified once per module (the tests
below share the outcome) and the 3.18 reference serves both APIs' runs (docs/contract-tests.md has
the figures and how to reproduce them)."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from contract_tests.report import Report
from contract_tests.target import Credentials, url_target
from tests.contract_proof import Inventory, inventory, written_outside
from tests.drf_reference.older_pair import older_pair_packages
from tests.drf_reference.serve import BEARER_TOKEN
from tests.drf_reference.verify_run import bounded_options, reference, verify_at

# Each reference is started and verified once, by a module-scoped fixture: under xdist's --dist
# loadgroup the tests reading one reference's runs are one group (on one worker), and the three
# references can run side by side.
AS_DECLARED = pytest.mark.xdist_group("drf-reference-verify-318")

# What the DRF-defaults reference differs in, each a decision the suite must name in a note.
FLIPPED = {"datawiz#17", "datawiz-resources#C4", "datawiz-resources#C8", "datawiz#25", "datawiz#10"}


@dataclass
class Verified:
    report: Report
    before: Inventory | None = None
    after: Inventory | None = None
    outside: list[str] | None = None


def _say(variant: str, report: Report, seconds: float) -> None:
    print(f"\n{variant}: {report.summary().splitlines()[-1]}, {seconds:.0f} s")


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Verified]]:
    """DRF 3.18 as declared: Datawiz with writes (its collections inventoried before and after),
    then the Akinon task on the same reference."""
    options = bounded_options()
    with reference(tmp_path_factory.mktemp("reference-318")) as url:
        target = url_target("datawiz", url, Credentials(token=BEARER_TOKEN))
        before = inventory(target)
        report, seconds = verify_at(url, "datawiz", options)
        _say("datawiz, as declared, DRF 3.18", report, seconds)
        after = inventory(target)
        outside = written_outside(target, before, after, options.prefix)
        akinon, seconds = verify_at(url, "akinon")
        _say("akinon, DRF 3.18", akinon, seconds)
    yield {"datawiz": Verified(report, before, after, outside), "akinon": Verified(akinon)}


@pytest.fixture(scope="module")
def older(tmp_path_factory: pytest.TempPathFactory) -> Report:
    with reference(tmp_path_factory.mktemp("reference-314"), packages=older_pair_packages()) as url:
        report, seconds = verify_at(url, "datawiz")
    _say("datawiz, as declared, DRF 3.14", report, seconds)
    return report


@pytest.fixture(scope="module")
def drf_defaults(tmp_path_factory: pytest.TempPathFactory) -> Report:
    with reference(tmp_path_factory.mktemp("reference-defaults"), drf_defaults=True) as url:
        report, seconds = verify_at(url, "datawiz")
    _say("datawiz, --drf-defaults, DRF 3.18", report, seconds)
    return report


@AS_DECLARED
def test_verify_with_writes_passes_against_the_reference(declared: dict[str, Verified]) -> None:
    report = declared["datawiz"].report
    assert report.ok, report.summary()
    assert not report.notes, report.summary()  # it follows every decision as declared
    assert len(report.passed) > 300


@AS_DECLARED
def test_verify_with_writes_leaves_nothing_outside_its_run(declared: dict[str, Verified]) -> None:
    run = declared["datawiz"]
    assert run.before is not None and run.after is not None
    served = {name for name, status in run.before.statuses.items() if status == 200}
    assert len(served) == len(run.before.statuses), run.before.statuses  # every collection is served
    created = sum(len(run.after.objects[name] - run.before.objects[name]) for name in served)
    assert created > 0, "the run wrote nothing: there is nothing to judge"
    assert run.outside == []
    assert {name: status for name, status in run.after.statuses.items() if status != 200} == {}


@AS_DECLARED
def test_verify_with_writes_passes_against_the_reference_akinon_task(declared: dict[str, Verified]) -> None:
    report = declared["akinon"].report
    assert report.ok, report.summary()
    assert "akinon.task_lifecycle" in report.passed and not report.notes


@pytest.mark.xdist_group("drf-reference-verify-314")
@pytest.mark.starts_first  # a reference started and verified: one long test
def test_verify_with_writes_passes_against_the_reference_on_drf_314(older: Report) -> None:
    assert older.ok, older.summary()
    assert len(older.passed) > 300


@pytest.mark.xdist_group("drf-reference-verify-defaults")
@pytest.mark.starts_first
def test_a_reference_that_decided_otherwise_gets_notes_not_failures(drf_defaults: Report) -> None:
    assert drf_defaults.ok, drf_defaults.summary()
    noted = {note.decision for note in drf_defaults.notes}
    assert noted >= FLIPPED, f"not noted: {FLIPPED - noted}\n{drf_defaults.summary()}"
