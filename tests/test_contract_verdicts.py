"""The contract suite's verdicts: a check that did not run is never called passed (budget, time
limit, interrupt, not deployed, not in the spec), a check's own error is never the deployment's
failure, failures of one cause are told once, and each outcome has its exit status."""

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from contract_tests.context import INTERRUPTED, NEEDS_WRITES, Context, RunOptions
from contract_tests.plan import Check, Selection, run_plan
from contract_tests.report import DRIFT, NOT_RUN, PASSED, TOOL_ERROR, Failure, NotRun, Report
from contract_tests.suite import run_suite
from contract_tests.target import Credentials, Target, in_process_target
from mockserver.app import create_app
from mockserver.settings import Settings

warnings.filterwarnings("ignore", category=DeprecationWarning)

TOKEN = "verdicts-token"


def _app() -> Starlette:
    """Answers GET /page/ with a DRF page, /odd/ with a page whose count is a string."""

    async def page(request: Request) -> JSONResponse:
        return JSONResponse({"count": 1, "next": None, "previous": None, "results": [{"id": "a"}]})

    async def odd(request: Request) -> JSONResponse:
        return JSONResponse({"count": "1", "next": None, "previous": None, "results": []})

    return Starlette(routes=[Route("/page/", page), Route("/odd/", odd)])


def _context(budget: int = 100, **options: Any) -> Context:
    from starlette.testclient import TestClient

    target = Target("akinon", TestClient(_app(), base_url="http://t"), "http://t", Credentials(token="k"))
    target.budget = budget
    return Context(target, RunOptions(**options), Report(api="akinon", target="http://t"))


def _reads(count: int):
    def check(ctx: Context) -> None:
        for _ in range(count):
            ctx.json_of(ctx.target.request("GET", "/page/"), "GET /page/")

    return check


# a check that did not run is not passed -----------------------------------------------------
def test_a_check_cut_off_by_the_budget_is_not_run_and_not_passed():
    ctx = _context(budget=3)
    run_plan(ctx, [Check("first", _reads(2)), Check("second", _reads(5))])
    report = ctx.report
    assert report.passed == ["first"]
    assert [entry.check for entry in report.not_run] == ["second"]
    assert "budget" in report.not_run[0].reason and "--budget" in report.not_run[0].reason
    assert not report.ok and report.exit_status == NOT_RUN
    assert "1 check did not run (reasons above)" in report.summary()


def test_every_check_keeps_a_turn_a_big_check_cannot_spend_it():
    # The first check would spend the whole budget first-come; it may spend all but one request
    # per check after it, so each later check still runs.
    ctx = _context(budget=10)
    run_plan(ctx, [Check("greedy", _reads(50))] + [Check(f"small{i}", _reads(1)) for i in range(4)])
    assert ctx.report.passed == [f"small{i}" for i in range(4)]
    assert [entry.check for entry in ctx.report.not_run] == ["greedy"]
    assert "share of the request budget" in ctx.report.not_run[0].reason


def test_the_fuzz_divides_the_budget_over_every_operation():
    # Akinon read-only, fuzzed with up to 10 cases per mode: the budget holds the fixed checks and
    # a few cases per operation. First-come, the first operations would take it all; shared, every
    # operation runs some cases and the coverage says how many.
    def target(budget: int) -> Target:
        app = create_app(Settings(auth_mode="strict", tokens=(TOKEN,)))
        made = in_process_target("akinon", app, Credentials(token=TOKEN))
        made.budget = budget
        return made

    options = RunOptions(allow_writes=False, max_examples=10, task_timeout=2)
    fixed = run_suite(target(100_000), options, conformance=False).requests_sent
    full = run_suite(target(100_000), options)
    fuzzed = [op for op, seen in full.coverage.items() if seen.cases]
    assert len(fuzzed) >= 8
    budget = fixed + 5 * len(fuzzed) + 2
    shared = run_suite(target(budget), options)
    assert shared.requests_sent <= budget
    assert not [e for e in shared.not_run if e.check.startswith("conformance.")], shared.summary()
    cases = {op: shared.coverage[op].cases for op in fuzzed}
    assert all(1 <= n <= full.coverage[op].cases for op, n in cases.items()), cases
    assert sum(cases.values()) < sum(full.coverage[op].cases for op in fuzzed)  # a smaller sample each
    assert "fuzzed with" in shared.summary()
    data = shared.as_json()
    assert data["coverage"][fuzzed[-1]]["cases"] >= 1 and data["coverage"][fuzzed[-1]]["requests"] >= 1


def test_an_interrupt_marks_the_check_and_every_later_one_not_run():
    def interrupted(ctx: Context) -> None:
        raise KeyboardInterrupt

    ctx = _context()
    run_plan(ctx, [Check("before", _reads(1)), Check("during", interrupted), Check("after", _reads(1))])
    assert ctx.report.passed == ["before"]
    assert ctx.report.not_run == [NotRun("during", INTERRUPTED), NotRun("after", INTERRUPTED)]
    assert ctx.report.exit_status == NOT_RUN


def test_the_time_limit_cuts_off_what_is_left():
    ctx = _context()
    ctx.target.deadline = 0.0  # long past
    run_plan(ctx, [Check("late", _reads(1))])
    assert ctx.report.not_run[0].check == "late" and "--time-limit" in ctx.report.not_run[0].reason


def test_a_write_check_in_a_read_only_run_is_skipped_not_passed_and_said_once():
    ctx = _context(allow_writes=False)
    run_plan(ctx, [Check(f"write{i}", _reads(1), writes=True) for i in range(412)])
    report = ctx.report
    assert not report.passed and len(report.skipped) == 412 and report.exit_status == PASSED
    lines = [line for line in report.summary().splitlines() if "--allow-writes" in line]
    assert lines == [f"- 412 checks: {NEEDS_WRITES} (skipped)"]


# a check's own error is not the deployment's failure -----------------------------------------
def test_an_error_of_a_check_is_a_tool_error_with_its_traceback(tmp_path: Path):
    def buggy(ctx: Context) -> None:
        body = ctx.json_of(ctx.target.request("GET", "/page/"), "GET /page/")
        body["no-such-key-the-check-forgot"]

    ctx = _context()
    run_plan(ctx, [Check("buggy", buggy), Check("fine", _reads(1))])
    report = ctx.report
    assert not report.failures and report.passed == ["fine"]
    (error,) = report.errors
    assert error.check == "buggy" and error.error.startswith("KeyError")
    assert "no-such-key-the-check-forgot" in error.traceback and "Traceback" in error.traceback
    assert report.exit_status == TOOL_ERROR
    assert "not of the deployment" in report.summary()
    report.write_junit(tmp_path / "r.xml")
    report.write_json(tmp_path / "r.json")
    (node,) = ElementTree.parse(tmp_path / "r.xml").getroot().iter("error")
    assert "no-such-key-the-check-forgot" in (node.text or "")
    assert json.loads((tmp_path / "r.json").read_text())["errors"][0]["check"] == "buggy"


def test_an_error_outside_any_check_is_a_tool_error_with_the_summary_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    """Planning the run broke (no check was running): the tool's error, exit 7, never exit 1, and
    the summary and the reports still say so."""
    import contract_tests.cli
    import contract_tests.suite
    from mockserver.cli import main

    def broken_plan(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug of the planner")

    monkeypatch.setattr(contract_tests.cli, "preflight", lambda *args: None)
    monkeypatch.setattr(contract_tests.suite, "run_suite", broken_plan)
    report = tmp_path / "r.json"
    argv = ["verify", "--api", "akinon", "--base-url", "http://127.0.0.1:9", "--token", "k"]
    assert main([*argv, "--report-json", str(report)]) == TOOL_ERROR
    out = capsys.readouterr().out
    assert "RuntimeError: a bug of the planner" in out and "not of the deployment" in out, out
    assert "Traceback" not in out
    (error,) = json.loads(report.read_text())["errors"]
    assert "a bug of the planner" in error["traceback"]


def test_calibrate_probes_that_break_are_a_tool_error_and_debug_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    """A bug in calibrate's probes (the deployment answered the preflight) is mockserver's error:
    exit 7, no profile written; --debug adds the traceback and keeps the status."""
    import contract_tests.calibrate
    import contract_tests.cli
    from mockserver.cli import main

    def broken_probes(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug of the probes")

    monkeypatch.setattr(contract_tests.cli, "preflight", lambda *args: None)
    monkeypatch.setattr(contract_tests.calibrate, "calibrated_document", broken_probes)
    out = tmp_path / "profile.json"
    argv = [
        "calibrate",
        "--api",
        "akinon",
        "--base-url",
        "http://127.0.0.1:9",
        "--token",
        "k",
        "--out",
        str(out),
    ]
    assert main(argv) == TOOL_ERROR
    err = capsys.readouterr().err
    assert "tool error: RuntimeError: a bug of the probes" in err and "Traceback" not in err, err
    assert main([*argv, "--debug"]) == TOOL_ERROR
    err = capsys.readouterr().err
    assert "Traceback" in err and "broken_probes" in err, err
    assert not out.exists()


def test_a_check_states_the_shape_it_reads_and_fails_naming_the_field():
    def counts(ctx: Context) -> None:
        page = ctx.json_of(ctx.target.request("GET", "/odd/"), "GET /odd/")
        ctx.field(page, "count", int, "GET /odd/") + 1

    ctx = _context()
    run_plan(ctx, [Check("counts", counts)])
    (failure,) = ctx.report.failures
    assert not ctx.report.errors and ctx.report.exit_status == DRIFT
    assert "'count'" in failure.message and failure.expected == "an integer" and failure.actual == "'1'"


def test_a_missing_field_is_named_as_missing():
    ctx = _context()
    ctx.run("reads", lambda c: c.field({"results": []}, "count", int, "GET /x/"))
    (failure,) = ctx.report.failures
    assert failure.actual == "(missing)" and "'count'" in failure.message


# reports --------------------------------------------------------------------------------------
def test_not_run_checks_are_in_the_summary_junit_and_json(tmp_path: Path):
    report = Report(api="akinon", target="http://t")
    report.passed.append("ran")
    report.not_run += [NotRun("a", "the request budget of 5 ran out (raise --budget)")] * 2
    report.skip("w", NEEDS_WRITES)
    report.write_junit(tmp_path / "r.xml")
    report.write_json(tmp_path / "r.json")
    suite = ElementTree.parse(tmp_path / "r.xml").getroot()
    messages = [node.get("message") for node in suite.iter("skipped")]
    assert messages.count("not run: the request budget of 5 ran out (raise --budget)") == 2
    assert f"skipped: {NEEDS_WRITES}" in messages and suite.get("skipped") == "3"
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["ok"] is False and data["exit_status"] == NOT_RUN
    assert data["not_run"][0] == {"check": "a", "reason": "the request budget of 5 ran out (raise --budget)"}
    summary = report.summary()
    assert "- 2 checks: the request budget of 5 ran out (raise --budget) (not run)" in summary
    assert "1 passed, 0 failed, 2 not run, 1 skipped" in summary


@pytest.mark.parametrize("command", ["verify", "diff"])
def test_a_refused_preflight_still_writes_its_reports_with_every_check_not_run(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture
):
    """Nothing answers (exit 3): the JUnit and JSON reports asked for still come, the run marked
    not run with the preflight's reason, never an empty report a CI reads as passed."""
    from contract_tests.preflight import UNREACHABLE
    from mockserver.cli import main

    junit, data = tmp_path / "r.xml", tmp_path / "r.json"
    argv = [command, "--api", "akinon", "--base-url", "http://127.0.0.1:9", "--token", "k", "--timeout", "5"]
    assert main([*argv, "--junit-xml", str(junit), "--report-json", str(data)]) == UNREACHABLE
    capsys.readouterr()
    (entry,) = json.loads(data.read_text())["not_run"]
    assert entry["check"] == "(every check)" and entry["reason"].startswith("the preflight failed (exit 3)")
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("failures") == "0" and suite.get("skipped") == "1"
    (skipped,) = suite.iter("skipped")
    assert skipped.get("message", "").startswith("not run: the preflight failed (exit 3)")


def test_failures_of_one_cause_are_one_finding_and_the_json_keeps_each():
    report = Report(api="datawiz", target="http://t")
    for name in ("units", "brands", "shops"):
        report.failures.append(
            Failure(
                f"collection.upsert_counts[{name}]",
                f"POST /api/v1/{name}/",
                'the answer must be {"updated", "inserted"}',
                actual=f"{{'results': {{'updated': 0, 'created': {len(name)}}}}}",
                actual_shape="{'results': {'created': 'int', 'updated': 'int'}}",
            )
        )
    report.failures.append(
        Failure("collection.page_shape[units]", "GET", "the default page holds 20 objects")
    )
    summary = report.summary()
    assert summary.count('the answer must be {"updated", "inserted"}') == 1
    assert "✗ 3 checks (3 failures): the answer must be" in summary
    data = report.as_json()
    assert len(data["failures"]) == 4 and [f["count"] for f in data["findings"]] == [3, 1]


def test_the_diff_summary_names_mockserver_diff():
    assert Report(api="akinon", target="x", command="diff").summary().startswith("mockserver diff: ")


# what the deployment serves ------------------------------------------------------------------
class _NotDeployed:
    """The fake, except the paths `hidden` names: a plain 404 page, as a project that never routed
    them answers."""

    def __init__(self, app: Any, hidden: Callable[[str], bool]) -> None:
        self.app, self.hidden = app, hidden

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.hidden(scope["path"]):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _without_shops(app: Any) -> _NotDeployed:
    return _NotDeployed(app, lambda path: path.startswith("/api/v1/shops"))


def test_a_collection_not_deployed_is_said_once_and_its_checks_not_run():
    app = _without_shops(create_app(Settings(auth_mode="strict", tokens=(TOKEN,))))
    target = in_process_target("datawiz", app, Credentials(token=TOKEN))
    options = RunOptions(allow_writes=False, max_examples=1, fields_per_collection=1)
    report = run_suite(target, options, conformance=False, selection=Selection.parse(["shops,units"], None))
    assert not report.failures and not report.errors, report.summary()
    assert report.not_run and all("[shops" in e.check for e in report.not_run)
    assert any("[units" in name for name in report.passed)
    lines = [line for line in report.summary().splitlines() if "not deployed" in line]
    assert len(lines) == 1 and "GET /api/v1/shops/ answered 404 without a DRF body" in lines[0]
    assert report.exit_status == NOT_RUN


def test_include_and_exclude_choose_checks_by_collection_operation_or_task():
    selection = Selection.parse(["units", "brands,listShops"], ["brands"])
    assert selection.include == {"units", "brands", "listShops"} and selection.exclude == {"brands"}
    assert selection.reason_to_skip(frozenset({"units"})) is None
    assert selection.reason_to_skip(frozenset({"brands", "units"})) == "excluded by --exclude brands"
    assert selection.reason_to_skip(frozenset({"products"})) == "not chosen by --include"
    from mockserver.apis import catalogue

    assert Selection.parse(["nope", "units"], ["getAddressSetupStatus"]).unknown(
        catalogue().api("datawiz")
    ) == [
        "getAddressSetupStatus",
        "nope",
    ]


@pytest.fixture
def setup_only_specs(tmp_path: Path) -> Path:
    """A copy of the specs whose Akinon spec keeps only the seed's three setup endpoints."""
    from tests.spec_copies import keep_setup_paths, spec_copy

    return spec_copy(tmp_path, keep_setup_paths, api="akinon")[0]


def test_a_check_whose_operation_the_spec_copy_lacks_is_not_run(setup_only_specs: Path):
    app = create_app(Settings(auth_mode="strict", tokens=(TOKEN,)))
    target = in_process_target("akinon", app, Credentials(token=TOKEN), specs_dir=setup_only_specs)
    report = run_suite(
        target, RunOptions(allow_writes=True, max_examples=1, task_timeout=2), conformance=False
    )
    assert not report.errors and not report.failures, report.summary()
    assert NotRun("akinon.login_answers", "the spec declares no operation login") in report.not_run
    assert "akinon.task_lifecycle" in report.passed


def test_the_diff_reports_a_collection_not_deployed_once_and_runs_the_rest():
    from contract_tests.diff import run_diff

    app = _without_shops(create_app(Settings(auth_mode="strict", tokens=(TOKEN,))))
    target = in_process_target("datawiz", app, Credentials(token=TOKEN))
    report = run_diff(target, selection=Selection.parse(["shops,units"], None))
    assert not report.failures and not report.errors, report.summary()
    assert report.not_run and all("/api/v1/shops" in entry.check for entry in report.not_run)
    assert any("/api/v1/units" in name for name in report.passed)
    assert all("/api/v1/brands" not in name for name in report.passed)  # not chosen
    summary = report.summary()
    assert summary.startswith("mockserver diff: ")
    assert len([line for line in summary.splitlines() if "shops is not deployed" in line]) == 1
    assert report.exit_status == NOT_RUN


def _copy_without(tmp_path: Path, spec: str, removed: str) -> Path:
    import shutil

    import yaml

    from mockserver.resources import specs_dir

    copy = tmp_path / "specs"
    shutil.copytree(specs_dir(), copy)
    document = yaml.safe_load((copy / spec).read_text(encoding="utf-8"))
    del document["paths"][removed]
    (copy / spec).write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return copy


AKINON_SPEC = "akinon-oms-address-setup.yaml"


def _akinon_paths() -> list[str]:
    from mockserver.apis import catalogue

    return [item.path for item in catalogue().api("akinon").spec.path_items]


@pytest.mark.parametrize("removed", _akinon_paths())
def test_an_akinon_spec_copy_without_any_one_path_runs_without_an_error_of_the_tool(tmp_path, removed):
    from mockserver.apis import catalogue
    from mockserver.cli import main
    from mockserver.spec.errors import StartupError

    copy = _copy_without(tmp_path, AKINON_SPEC, removed)
    try:
        catalogue(copy).api("akinon")
    except StartupError:  # the fake refuses such a copy too: verify says so, no traceback
        assert (
            main(["verify", "--api", "akinon", "--specs", str(copy), "--base-url", "http://127.0.0.1:9"]) == 2
        )
        return
    app = create_app(Settings(auth_mode="strict", tokens=(TOKEN,)))
    target = in_process_target("akinon", app, Credentials(token=TOKEN), specs_dir=copy)
    options = RunOptions(allow_writes=True, max_examples=1, task_timeout=2)
    report = run_suite(target, options, conformance=False)
    assert not report.errors and not report.failures, report.summary()
    assert report.passed
    assert all("declares no" in entry.reason for entry in report.not_run), report.summary()


def test_a_spec_copy_the_loader_refuses_is_a_usage_error(tmp_path, capsys):
    from mockserver.cli import main

    copy = _copy_without(tmp_path, "datawiz.yaml", "/api/v1/products/{product_id}/")
    args = ["verify", "--api", "datawiz", "--specs", str(copy), "--base-url", "http://127.0.0.1:9"]
    assert main([*args, "--token", "k"]) == 2
    assert "the spec of datawiz is refused" in capsys.readouterr().err


def test_a_datawiz_spec_copy_without_the_relocate_documents_list_runs_the_rest(tmp_path):
    copy = _copy_without(tmp_path, "datawiz.yaml", "/api/v1/relocate-documents/")
    app = create_app(Settings(auth_mode="strict", tokens=(TOKEN,)))
    target = in_process_target("datawiz", app, Credentials(token=TOKEN), specs_dir=copy)
    options = RunOptions(allow_writes=True, max_examples=1, fields_per_collection=1)
    chosen = Selection.parse(["units,relocate-documents"], None)
    report = run_suite(target, options, conformance=False, selection=chosen)
    assert not report.errors and not report.failures, report.summary()
    assert any("[units" in name for name in report.passed)
    assert (
        NotRun("datawiz.line_price_rule", "the spec declares no collection relocate-documents")
        in report.not_run
    )


def test_paths_outside_collections_not_deployed_are_not_run_not_failed():
    # the seed's three setup endpoints only, as a deployment (no control API): the Omnitron SDK's
    # login and active_user answer a plain 404 page
    fake = create_app(Settings(auth_mode="strict", tokens=(TOKEN,)))
    app = _NotDeployed(fake, lambda path: "/setup/" not in path)
    target = in_process_target("akinon", app, Credentials(token=TOKEN))
    report = run_suite(target, RunOptions(allow_writes=True, max_examples=1, task_timeout=10))
    assert not report.failures and not report.errors, report.summary()
    reasons = {entry.check: entry.reason for entry in report.not_run}
    assert reasons["akinon.login_answers"].startswith("/api/v1/auth/login/ is not deployed (OPTIONS")
    assert (
        "/api/v1/active_user/ is not deployed"
        in reasons["auth.every_secured_operation[/api/v1/active_user/]"]
    )
    assert "/api/v1/active_user/ is not deployed" in reasons["conformance.getActiveUser"]
    assert {"akinon.documented_answers", "akinon.task_lifecycle"} <= set(report.passed)
    assert report.exit_status == NOT_RUN


class _AsTheExamplesShow:
    """The fake, with the setup task's GET endpoints written from the document's examples: they
    take POST too, and the idle state is spelt "Ready" as the example answer spells it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        getter = path.endswith(("/get_async_status/", "/is_required/"))
        if scope["type"] == "http" and getter and scope["method"] == "POST":
            scope = {**scope, "method": "GET"}
        if scope["type"] != "http" or not getter:
            await self.app(scope, receive, send)
            return

        async def respelt(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message["headers"] if k.lower() not in (b"allow", b"content-length")
                ]
                headers.append((b"allow", b"GET, POST, HEAD, OPTIONS"))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and message.get("body") == b'{"result":"READY"}':
                message = {**message, "body": b'{"result":"Ready"}'}
            await send(message)

        await self.app(scope, receive, respelt)


def test_what_the_akinon_document_shows_two_ways_is_a_note_not_a_failure():
    """The document heads its GET endpoints GET but POSTs in their examples (akinon#1), and lists
    READY but answers "Ready" in its example (akinon#3): either keeps the document."""
    app = _AsTheExamplesShow(create_app(Settings(auth_mode="strict", tokens=(TOKEN,))))
    target = in_process_target("akinon", app, Credentials(token=TOKEN))
    options = RunOptions(allow_writes=True, max_examples=2, task_timeout=2)
    report = run_suite(target, options, conformance=True, selection=Selection.parse(None, ["login"]))
    assert not report.failures and not report.errors, report.summary()
    assert {note.decision for note in report.notes} == {"akinon#1", "akinon#3"}, report.summary()
    fresh = _AsTheExamplesShow(create_app(Settings(auth_mode="strict", tokens=(TOKEN,))))  # READY again
    pinned = run_suite(
        in_process_target("akinon", fresh, Credentials(token=TOKEN)),
        RunOptions(allow_writes=False, max_examples=1, pin_decisions=True),
        conformance=False,
    )
    assert {f.check for f in pinned.failures} >= {
        "akinon.get_endpoints_refuse_post",
        "akinon.documented_values",
    }


def test_an_optional_reference_to_a_collection_not_deployed_is_left_out_not_failed():
    # products name a producer only optionally (products.rst): a deployment may serve no producers
    fake = create_app(Settings(auth_mode="strict", tokens=(TOKEN,)))
    app = _NotDeployed(fake, lambda path: path.startswith("/api/v1/producers"))
    target = in_process_target("datawiz", app, Credentials(token=TOKEN))
    options = RunOptions(allow_writes=True, max_examples=1, fields_per_collection=1)
    report = run_suite(target, options, conformance=False, selection=Selection.parse(["products"], None))
    assert not report.failures and not report.errors, report.summary()
    assert "collection.upsert_counts[products]" in report.passed
    # products name categories, brands and units too: those it can try, so the check ran
    assert "collection.related_must_exist[products]" in report.passed


def test_made_integers_stay_small_whatever_range_a_decision_gives():
    from contract_tests.objects import scalar

    bigint = {"type": "integer", "minimum": -9223372036854775808, "maximum": 9223372036854775807}
    assert [scalar("integer", bigint, i, nested=False) for i in range(3)] == [1, 2, 3]
    assert scalar("integer", {"type": "integer", "minimum": 5}, 0, nested=False) == 6


class _ModelLimits:
    """The fake, except that OPTIONS lists what a stock DRF model serializer adds to a field: a
    CharField's max_length and a model field's help_text, which no document states."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        data = json.loads(b"".join(chunks) or b"null")
        for info in ((data or {}).get("actions") or {}).get("POST", {}).values():
            if info.get("type") == "string":
                info.setdefault("max_length", 200)
                info["help_text"] = "the model's own"
        body = json.dumps(data).encode()
        headers = [(k, v) for k, v in started["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**started, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def test_the_diff_takes_the_field_limits_of_a_deployments_models_in_options():
    """A DRF service whose CharFields have a max_length lists it in OPTIONS: the pages state no
    limit, so the diff finds no difference (issue #22: it failed every collection's OPTIONS)."""
    from contract_tests.diff import run_diff

    app = _ModelLimits(create_app(Settings(auth_mode="strict", tokens=(TOKEN,))))
    target = in_process_target("datawiz", app, Credentials(token=TOKEN))
    report = run_diff(target, selection=Selection.parse(["producers,cashiers,relocate-documents"], None))
    assert not report.failures and not report.errors, report.summary()
    assert any(name.endswith("OPTIONS /api/v1/producers/") for name in report.passed), report.summary()


def test_the_diff_still_sees_a_field_limit_the_spec_states_and_a_deployment_lacks():
    from contract_tests.diff import without_own_details

    fake = {"actions": {"POST": {"responsible": {"type": "str", "max_length": "int"}}}}
    lacking = {"actions": {"POST": {"responsible": {"type": "str"}}}}
    assert without_own_details(lacking, fake) == lacking  # still differs from the fake's shape
    extra = {"actions": {"POST": {"responsible": {"type": "str", "max_length": "int", "min_length": "int"}}}}
    assert without_own_details(extra, fake) == fake


class _ParentRequired:
    """The fake, except that a category upload must name parent_id (the POST table says it is
    required; decided optional, datawiz-resources#2): null names a root, leaving it out is refused."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/api/v1/categories/":
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        sent = json.loads(body or b"null")
        items = sent if isinstance(sent, list) else [sent]
        errors = [{} if "parent_id" in item else {"parent_id": ["This field is required."]} for item in items]
        if any(errors):
            answer = errors if isinstance(sent, list) else errors[0]
            await JSONResponse(answer, status_code=400)(scope, receive, send)
            return

        async def replay() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def test_the_diff_transitions_hold_where_a_category_must_name_its_parent():
    """The transitions upload a category for their product: sent with parent_id null, a service
    that follows the POST table (parent_id required) takes it as the fake does."""
    from contract_tests.diff import TRANSITIONS, run_diff

    app = _ParentRequired(create_app(Settings(auth_mode="strict", tokens=(TOKEN,))))
    target = in_process_target("datawiz", app, Credentials(token=TOKEN))
    report = run_diff(target, allow_writes=True, selection=Selection.parse(["producers"], None))
    assert not report.failures and not report.errors, report.summary()
    assert TRANSITIONS in report.passed, report.summary()


def test_the_diff_transitions_replace_the_document_uploaded():
    """The replacement sends every line field, a line's price too (required by decision
    datawiz#4, optional by the seed's table), so it replaces on either decision."""
    from contract_tests.diff import datawiz_transitions

    fake = in_process_target(
        "datawiz", create_app(Settings(auth_mode="strict", tokens=(TOKEN,))), Credentials(token=TOKEN)
    )
    steps = datawiz_transitions(fake, RunOptions().prefix)
    assert steps[:3] == [
        (201, {"updated": 0, "inserted": 1}),
        (201, {"updated": 1, "inserted": 0}),
        (201, {"updated": 0, "inserted": 1}),
    ]
    assert steps[3][1]["products"][0]["qty"] == "3.0000"  # read back as replaced


def _order_no_refused_unless_a_number(path: str, body: bytes) -> bytes:
    """A DecimalField order_no: a receipt upload naming a cart item by text is refused (sent
    blank, so the fake answers 400 naming cartitems)."""
    if not path.startswith("/api/v1/receipts"):
        return body
    sent = json.loads(body or b"null")
    for receipt in sent if isinstance(sent, list) else [sent]:
        for item in (receipt or {}).get("cartitems") or []:
            if isinstance(item, dict) and not str(item.get("order_no", "")).replace(".", "").isdigit():
                item["order_no"] = ""
    return json.dumps(sent).encode()


def test_a_cart_items_order_no_typed_a_number_as_its_page_says_fails_nothing():
    """receipts.rst types order_no "число" (a number); the project decided a string
    (datawiz-resources#20, behaviour `type`): the suite sends a number's text, so a service with
    a DecimalField keeps its contract (issue #22: it refused every receipt made with a text
    order_no)."""
    from tests.drifts import Drift, DriftedApp

    drift = Drift("order_no_a_number", "datawiz", "a cart item's order_no is a DecimalField")
    drift.rewrite_request = _order_no_refused_unless_a_number
    app = DriftedApp(create_app(Settings(auth_mode="strict", tokens=(TOKEN,))), drift, TOKEN)
    target = in_process_target("datawiz", app, Credentials(token=TOKEN))
    options = RunOptions(allow_writes=True, max_examples=1, fields_per_collection=1)
    report = run_suite(target, options, conformance=False, selection=Selection.parse(["receipts"], None))
    ran = {"collection.upsert_counts[receipts]", "collection.read_back[receipts]"}
    assert ran <= set(report.passed), report.summary()
    assert not report.failures and not report.errors, report.summary()


def test_a_decided_number_typed_field_reads_back_as_the_number_sent():
    """A DecimalField(decimal_places=1) shows the order_no "1" sent as "1.0" (receipts.rst shows
    "196.0"): the same number where its type is decided; a text field stays compared as text."""
    from contract_tests.objects import differences
    from mockserver.apis import catalogue

    receipts = catalogue().api("datawiz").collection("receipts")
    sent = {"order_id": "7", "cartitems": [{"order_no": "1", "product_id": "p"}]}
    shown = {"order_id": "7", "cartitems": [{"order_no": "1.0", "product_id": "p"}]}
    assert differences(sent, shown, receipts.input_schema, receipts.provenance) == []
    assert differences(sent, {**shown, "order_id": "7.0"}, receipts.input_schema, receipts.provenance) == [
        "order_id"
    ]
    assert differences(sent, shown, receipts.input_schema) == ["cartitems"]  # without its provenance


def test_own_promises_are_planned_only_for_fields_they_can_test():
    """search_own fills a field with the run's tag: a reference (shop_id) cannot hold it, and a
    check planned for it returned at once and counted as passed, having tested nothing."""
    from contract_tests.collection_promises import FIELD_PROMISES
    from contract_tests.objects import free_text, writable
    from mockserver.apis import catalogue

    planned = {name: fields_of for name, _, _, fields_of in FIELD_PROMISES}
    for c in catalogue().api("datawiz").collections:
        assert set(planned["search_own"](c)) <= free_text(c), c.name
        assert set(planned["ordering_own"](c)) <= set(writable(c.input_schema)), c.name
    terminals = catalogue().api("datawiz").collection("terminals")
    assert "shop_id" not in planned["search_own"](terminals)
    assert "shop_id" in planned["ordering_own"](terminals)
