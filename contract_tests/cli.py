"""`mockserver verify` and `mockserver diff`: the contract suite from the command line."""

import argparse
import difflib
import sys
import time

from contract_tests.context import INTERRUPTED, RunOptions
from contract_tests.plan import Selection, selectable
from contract_tests.preflight import preflight
from contract_tests.progress import Progress
from contract_tests.report import NotRun, Report
from contract_tests.target import Credentials, Target, url_target
from mockserver.apis import available_apis, catalogue
from mockserver.options import DIFF, PREFIXES, VERIFY, Mistake, add_options, did_you_mean
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
    selection = Selection.parse(args.include, args.exclude)
    unknown = selection.unknown(api)
    if unknown:
        raise Mistake(
            f"--include/--exclude name no collection, setup task, operationId or tag of {args.api}: "
            f"{', '.join(unknown)}{did_you_mean(unknown, selectable(api))}"
        )
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
    if args.time_limit:
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
        except KeyboardInterrupt:  # while planning: the checks stop themselves once running
            report.not_run.append(NotRun("(every check)", INTERRUPTED))
    return _finish(report, args)


def diff(args: argparse.Namespace) -> int:
    from contract_tests.diff import run_diff

    target, selection = _target(args)
    report = Report(api=target.api, target=f"{target.base_url} vs the fake", command="diff")
    refused = _refused(target, "diff", report, args)
    if refused is not None:
        return refused
    with Progress(lambda: f"mockserver diff: {target.requests_sent:,} requests sent to {target.base_url}"):
        run_diff(
            target,
            seed=args.seed,
            allow_writes=args.allow_writes,
            pin_decisions=args.pin_decisions,
            report=report,
            selection=selection,
        )
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
