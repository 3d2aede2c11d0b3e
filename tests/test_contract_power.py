"""The contract suite is judged by the drift it catches: it fails on each realistic drift of a
deployment and passes on the faithful fake (no false alarm)."""

from collections.abc import Callable

import pytest

from contract_tests.context import RunOptions
from contract_tests.diff import run_diff
from contract_tests.plan import Selection
from contract_tests.suite import run_suite
from contract_tests.target import Credentials, in_process_target
from mockserver.app import create_app
from mockserver.settings import Settings
from tests.drifts import Answer, Drift, DriftedApp, catalogue, collection_drifts, decided_drifts

TOKEN = "power-token"
DRIFTS = catalogue()


def fake():
    return create_app(Settings(auth_mode="strict", tokens=(TOKEN,)))


def options(writes: bool = True, fail_fast: bool = False, pin: bool = False) -> RunOptions:
    # The faithful fake is checked on a sample of ordering and search fields (a different sample
    # each run); a drift proof checks every field and stops at the first failure.
    return RunOptions(
        allow_writes=writes,
        max_examples=2,
        task_timeout=2,
        fail_fast=fail_fast,
        fields_per_collection=None if fail_fast else 2,
        conformance_collections=None if fail_fast else 4,
        pin_decisions=pin,
    )


@pytest.mark.parametrize("api", ["akinon", "datawiz"])
@pytest.mark.parametrize("writes", [True, False])
def test_the_faithful_fake_passes(api, writes):
    report = run_suite(in_process_target(api, fake(), Credentials(token=TOKEN)), options(writes))
    assert report.ok, report.summary()
    assert not report.notes, report.summary()  # the fake follows its own decisions


@pytest.mark.parametrize("drift", DRIFTS, ids=[d.name for d in DRIFTS])
def test_every_drift_is_caught(drift):
    target = in_process_target(drift.api, DriftedApp(fake(), drift, TOKEN), Credentials(token=TOKEN))
    # a drift on a decided behaviour fails only a run that pins decisions (--pin-decisions)
    report = run_suite(target, options(fail_fast=True, pin=drift.decided is not None))
    assert not report.ok, f"{drift.name} ({drift.description}) went unnoticed"
    assert all(failure.check and failure.message for failure in report.failures)
    if drift.caught_by:  # one failure names one promise on one collection
        assert {f.check for f in report.failures} == {drift.caught_by}, report.summary()


DECIDED = decided_drifts()


@pytest.mark.parametrize("drift", DECIDED, ids=[d.name for d in DECIDED])
def test_a_decided_drift_is_a_note_not_a_failure(drift):
    """Where the sources are silent or disagree, a deployment that decided otherwise keeps its
    contract: the promise that sees it says so, naming the decision, and nothing fails."""
    target = in_process_target(drift.api, DriftedApp(fake(), drift, TOKEN), Credentials(token=TOKEN))
    report = run_suite(target, options(fail_fast=True), conformance=False)
    assert report.ok, report.summary()
    noted = {(note.check, note.decision) for note in report.notes}
    assert (drift.caught_by, drift.decided) in noted, report.summary()
    assert "differs from the fake's choice, decision " + str(drift.decided) in report.summary()


# The diff never sends an anonymous execute/: against a real deployment it would start a task.
DIFF_BLIND = {"execute_unguarded"}
# The diff compares statuses, media types and shapes; these drifts change values only.
DIFF_BLIND |= {drift.name for drift in collection_drifts()}
# Of the decided drifts, the diff sees the Allow set, the upload answer and the /.json/ form (as notes).
DIFF_BLIND |= {
    d.name
    for d in DECIDED
    if d.name not in ("instances_allow_writes", "pages_upload_answer", "products_without_slash_suffix")
}


@pytest.mark.parametrize("api", ["akinon", "datawiz"])
def test_diff_finds_no_difference_between_two_faithful_fakes(api):
    report = run_diff(in_process_target(api, fake(), Credentials(token=TOKEN)), allow_writes=True)
    assert report.ok, report.summary()


@pytest.mark.parametrize("drift", [d for d in DRIFTS if d.name not in DIFF_BLIND], ids=lambda d: d.name)
def test_diff_reports_every_drift(drift):
    target = in_process_target(drift.api, DriftedApp(fake(), drift, TOKEN), Credentials(token=TOKEN))
    report = run_diff(target, allow_writes=True, pin_decisions=drift.decided is not None)
    assert not report.ok, f"{drift.name} ({drift.description}) made no difference"
    if drift.decided:  # and without pinning, the same difference is a note naming the decision
        target = in_process_target(drift.api, DriftedApp(fake(), drift, TOKEN), Credentials(token=TOKEN))
        report = run_diff(target, allow_writes=True)
        assert report.ok, report.summary()
        assert drift.decided in {note.decision for note in report.notes}, report.summary()


def _references_labelled_field(references: dict[str, set[str]]) -> Callable[[Answer], None]:
    """DRF's SimpleMetadata labels a PrimaryKeyRelatedField (and a SerializerMethodField) "field"."""

    def rewrite(answer: Answer) -> None:
        data = answer.json()
        names = references.get(answer.path, set())
        if answer.method != "OPTIONS" or not names or not isinstance(data, dict):
            return
        for name, described in ((data.get("actions") or {}).get("POST") or {}).items():
            if name in names:
                described["type"] = "field"
        answer.set_json(data)

    return rewrite


def test_a_reference_field_options_labels_field_is_neither_a_failure_nor_a_note():
    """A DRF service whose references are PrimaryKeyRelatedFields lists them `"type": "field"` in
    OPTIONS where the spec (a CharField checked to exist) says "string": DRF allows both, so the
    suite fails nothing and notes nothing (issue #22: it demanded "string")."""
    facts = in_process_target("datawiz", fake(), Credentials(token=TOKEN)).facts
    references = {
        c.list_path: {
            name
            for name, prop in (c.input_schema.get("properties") or {}).items()
            if (prop.get("x-drf") or {}).get("exists_in")
        }
        for c in facts.collections
    }
    chosen = {"products", "shops", "receipts"}
    assert all(references[c.list_path] for c in facts.collections if c.name in chosen)
    drift = Drift("references_labelled_field", "datawiz", "references are PrimaryKeyRelatedFields")
    drift.rewrite_answer = _references_labelled_field(references)
    target = in_process_target("datawiz", DriftedApp(fake(), drift, TOKEN), Credentials(token=TOKEN))
    report = run_suite(
        target, options(writes=False), conformance=False, selection=Selection(frozenset(chosen))
    )
    assert [c for c in report.passed if c.startswith("collection.options[")], report.summary()
    assert report.ok and not report.notes, report.summary()
