"""`mockserver verify`, `mockserver diff` and `mockserver calibrate`: the contract suite from the
command line."""

import argparse
import difflib
import functools
import json
import sys
import time
import traceback
from collections.abc import Callable

from contract_tests.context import INTERRUPTED, RunOptions
from contract_tests.plan import Selection, selectable
from contract_tests.preflight import preflight
from contract_tests.progress import Progress
from contract_tests.report import TOOL_ERROR, NotRun, Report, ToolError
from contract_tests.target import Credentials, CutOff, Target, url_target
from mockserver.apis import available_apis, catalogue
from mockserver.options import CALIBRATE, DIFF, PREFIXES, VERIFY, Mistake, add_options, did_you_mean
from mockserver.profile import Profile
from mockserver.spec.errors import StartupError


def _target(args: argparse.Namespace) -> tuple[Target, Selection]:
    """The target and the checks chosen (a Mistake, exit 2, for a wrong command line)."""
    specs = args.specs
    known = list(available_apis(specs))
    if args.api not in known:
        close = difflib.get_close_matches(args.api, known, n=1)
        raise Mistake(
            f"--api {args.api!r} is not an API the specs describe{f' (did you mean {close[0]}?)' if close else ''}; "
            f"give one of {', '.join(known)} (their x-mockserver-api)"
        )
    try:
        api = catalogue(specs).api(args.api)
        api.collections, api.setup_tasks  # noqa: B018 (read now: a refused spec is said here)
    except (StartupError, ValueError) as error:
        raise Mistake(f"the spec of {args.api} is refused: {error}") from None
    selection = Selection.parse(getattr(args, "include", ()), getattr(args, "exclude", ()))
    unknown = selection.unknown(api)
    if unknown:
        raise Mistake(
            f"--include/--exclude name no collection, setup task, operationId or tag of {args.api}: "
            f"{', '.join(unknown)}{did_you_mean(unknown, selectable(api))}"
        )
    profile = getattr(args, "profile", None)
    if profile is not None and profile.api != args.api:
        raise Mistake(f"--profile {profile.source} describes {profile.api}, not --api {args.api}")
    credentials = Credentials(args.token, args.username, args.password, args.client_id, args.client_secret)
    if not credentials.token and not credentials.username:
        raise Mistake(
            "no credential given; give --token (or MOCKSERVER_VERIFY_TOKEN), or --username and --password"
        )
    verify = False if args.insecure else (str(args.cacert) if args.cacert else True)
    target = url_target(
        args.api,
        args.base_url,
        credentials,
        timeout=args.timeout,
        verify=verify,
        rate_limit=args.rate_limit,
        budget=args.budget,
        specs_dir=specs,
    )
    if getattr(args, "time_limit", None):
        target.deadline = time.monotonic() + args.time_limit
    return target, selection


def _refused(target: Target, command: str, report: Report, args: argparse.Namespace) -> int | None:
    """The preflight's verdict, said once on stderr, as its exit status; None to go on. A refused
    run still writes its reports: every check not run, the preflight's reason given."""
    try:
        refusal = preflight(target, command)
    except KeyboardInterrupt:
        report.not_run.append(NotRun("(every check)", INTERRUPTED))
        return _finish(report, args)
    if refusal is None:
        return None
    print(refusal.message, file=sys.stderr)
    reason = f"the preflight failed (exit {refusal.status}): {refusal.message.split(': ', 1)[-1]}"
    report.not_run.append(NotRun("(every check)", reason))
    report.requests_sent = target.requests_sent
    _write_reports(report, args)
    return refusal.status


OUTSIDE_CHECKS = "(the run, outside any check)"


def tool_errors(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """An exception escaping `verify`, `diff` or `calibrate` outside any check (planning, the
    preflight, the probes, the reports) is an error of mockserver itself, never the
    deployment's: one line (the traceback with --debug) and the documented tool error status,
    as a check that broke gets."""

    @functools.wraps(command)
    def guarded(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (Mistake, KeyboardInterrupt):
            raise
        except Exception as error:
            raise Mistake(
                f"tool error: {type(error).__name__}: {error}; an error of mockserver itself, not of "
                "the deployment" + ("" if args.debug else " (run again with --debug for the traceback)"),
                status=TOOL_ERROR,
            ) from error

    return guarded


def _broke(report: Report, error: Exception, args: argparse.Namespace) -> None:
    """An error outside any check, once the run has a report: in it, as a check's own error is."""
    if args.debug:
        traceback.print_exc()
    report.errors.append(
        ToolError(OUTSIDE_CHECKS, f"{type(error).__name__}: {error}", traceback.format_exc())
    )


@tool_errors
def verify(args: argparse.Namespace) -> int:
    from contract_tests.suite import run_suite

    target, selection = _target(args)
    report = Report(api=target.api, target=target.base_url)
    refused = _refused(target, "verify", report, args)
    if refused is not None:
        return refused
    options = RunOptions(
        allow_writes=args.allow_writes,
        max_examples=args.max_examples,
        task_timeout=args.task_timeout,
        fields_per_collection=args.sample_fields or None,
        pin_decisions=args.pin_decisions,
        collection_examples=args.collection_examples,
        conformance_collections=args.conformance_collections or None,
    )

    def describe() -> str:
        done, failed = len(report.passed) + len(report.failures), len(report.failures)
        return f"mockserver verify: {done} checks done, {failed} failed, {target.requests_sent:,} requests"

    with Progress(describe):
        try:
            run_suite(target, options, report=report, selection=selection)
            _judge_profile(target, args.profile, report, args.allow_writes, options.run_id)
        except KeyboardInterrupt:  # while planning: the checks stop themselves once running
            report.not_run.append(NotRun("(every check)", INTERRUPTED))
        except Exception as error:  # planning, or after the checks: the summary and reports still come
            _broke(report, error, args)
    return _finish(report, args)


def _judge_profile(
    target: Target, profile: Profile | None, report: Report, allow_writes: bool, run_id: str | None = None
) -> None:
    """--profile: the calibration's probes again; each pinned knob that changed is a failure."""
    if profile is None:
        return
    from contract_tests.calibrate import profile_failures

    try:
        failures, matched = profile_failures(target, dict(profile.document), allow_writes, run_id)
    except CutOff as error:
        report.not_run.append(NotRun("profile", str(error)))
        return
    report.failures += failures
    report.passed += [f"profile: {knob}" for knob in matched]
    report.requests_sent = target.requests_sent


@tool_errors
def calibrate(args: argparse.Namespace) -> int:
    """Probe the deployment, write the profile, print the fidelity table (exit 0), or the
    preflight's verdict (3-5) when the deployment cannot be probed; a probe or anything else of
    its own that breaks is a tool error (7), never a knob decided."""
    from contract_tests.calibrate import calibrated_document

    target, _ = _target(args)
    refusal = preflight(target, "calibrate")
    if refusal is not None:
        print(refusal.message, file=sys.stderr)
        return refusal.status
    document, table = calibrated_document(target, args.allow_writes)
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    decided = sum(1 for line in _decisions(document) if "undecided" not in line)
    print("\n".join(_decisions(document)))
    if document["not_deployed"]:
        print(f"  not deployed (their lists answer 404), not probed: {', '.join(document['not_deployed'])}")
    print(table)
    print(
        f"mockserver calibrate: {decided} knobs decided, profile written to {args.out} "
        f"({target.requests_sent} requests sent to {target.base_url})"
    )
    return 0


def _decisions(document: dict) -> list[str]:
    lines = []
    named = [(name, d) for name, d in document["knobs"].items()]
    for collection, knobs in document.get("collections", {}).items():
        named += [(f"{name}@{collection}", d) for name, d in knobs.items()]
    for name, decision in named:
        shown = (
            json.dumps(decision["value"]) if "value" in decision else f"undecided: {decision['undecided']}"
        )
        lines.append(f"  {name}: {shown}")
    return lines


@tool_errors
def diff(args: argparse.Namespace) -> int:
    from contract_tests.diff import run_diff

    target, selection = _target(args)
    report = Report(api=target.api, target=f"{target.base_url} vs the fake", command="diff")
    refused = _refused(target, "diff", report, args)
    if refused is not None:
        return refused
    with Progress(lambda: f"mockserver diff: {target.requests_sent:,} requests sent to {target.base_url}"):
        try:
            run_diff(
                target,
                seed=args.seed,
                allow_writes=args.allow_writes,
                pin_decisions=args.pin_decisions,
                report=report,
                selection=selection,
                profile=args.profile,
            )
            _judge_profile(target, args.profile, report, args.allow_writes)
        except KeyboardInterrupt:  # building the fake to compare with: the steps stop themselves
            report.not_run.append(NotRun("(every step)", INTERRUPTED))
        except Exception as error:
            _broke(report, error, args)
    return _finish(report, args)


def _write_reports(report: Report, args: argparse.Namespace) -> None:
    if args.junit_xml:
        report.write_junit(args.junit_xml)
    if args.report_json:
        report.write_json(args.report_json)


def _finish(report: Report, args: argparse.Namespace) -> int:
    """Print the summary, write the requested reports; the exit status says what the run found
    (docs/contract-tests.md: 0 all passed, 1 drift, 6 checks not run, 7 an error of the tool)."""
    print(report.summary())
    _write_reports(report, args)
    return report.exit_status


def add_contract_commands(commands: argparse._SubParsersAction) -> None:
    verify_parser = commands.add_parser(
        "verify",
        help="run the contract suite against a base URL (a fake or a real deployment)",
        description="Checks a deployment against the specs and the documents' promises. Reads only unless "
        "--allow-writes. Every flag also reads MOCKSERVER_VERIFY_<FLAG>.",
    )
    add_options(verify_parser, VERIFY, PREFIXES["verify"])
    verify_parser.set_defaults(run=verify)
    diff_parser = commands.add_parser(
        "diff",
        help="send the same seeded requests to the fake and to a deployment and report every difference",
        description="Every flag also reads MOCKSERVER_VERIFY_<FLAG>.",
    )
    add_options(diff_parser, DIFF, PREFIXES["diff"])
    diff_parser.set_defaults(run=diff)
    calibrate_parser = commands.add_parser(
        "calibrate",
        help="probe a deployment and write the profile of its DRF behaviours (serve/verify/diff --profile)",
        description="Read-only probes decide which variant of each knob the deployment shows "
        "(docs/fidelity.md, 'Profiles'), with the evidence; the profile is written to --out, with the "
        "fidelity table (the probes the fake answers identically before and after applying it). "
        "Every flag also reads MOCKSERVER_VERIFY_<FLAG>.",
    )
    add_options(calibrate_parser, CALIBRATE, PREFIXES["calibrate"])
    calibrate_parser.set_defaults(run=calibrate)
