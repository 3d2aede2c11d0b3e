"""`mockserver verify` and `mockserver diff`: the contract suite from the command line."""

import argparse
import difflib
import sys

from contract_tests.context import RunOptions
from contract_tests.preflight import preflight
from contract_tests.progress import Progress
from contract_tests.report import Report
from contract_tests.target import Credentials, Target, url_target
from mockserver.apis import available_apis
from mockserver.options import DIFF, PREFIXES, VERIFY, Mistake, add_options


def _target(args: argparse.Namespace):
    specs = args.specs
    known = list(available_apis(specs))
    if args.api not in known:
        close = difflib.get_close_matches(args.api, known, n=1)
        raise Mistake(
            f"--api {args.api!r} is not an API the specs describe{f' (did you mean {close[0]}?)' if close else ''}; "
            f"give one of {', '.join(known)} (their x-mockserver-api)"
        )
    credentials = Credentials(args.token, args.username, args.password, args.client_id, args.client_secret)
    if not credentials.token and not credentials.username:
        raise Mistake(
            "no credential given; give --token (or MOCKSERVER_VERIFY_TOKEN), or --username and --password"
        )
    verify = False if args.insecure else (str(args.cacert) if args.cacert else True)
    return url_target(
        args.api,
        args.base_url,
        credentials,
        timeout=args.timeout,
        verify=verify,
        rate_limit=args.rate_limit,
        budget=args.budget,
        specs_dir=specs,
    )


def _refused(target: Target, command: str) -> int | None:
    """The preflight's verdict, said once on stderr, as its exit status; None to go on."""
    refusal = preflight(target, command)
    if refusal is None:
        return None
    print(refusal.message, file=sys.stderr)
    return refusal.status


def verify(args: argparse.Namespace) -> int:
    from contract_tests.suite import run_suite

    target = _target(args)
    refused = _refused(target, "verify")
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
    report = Report(api=target.api, target=target.base_url)

    def describe() -> str:
        done, failed = len(report.passed) + len(report.failures), len(report.failures)
        return f"mockserver verify: {done} checks done, {failed} failed, {target.requests_sent:,} requests"

    with Progress(describe):
        run_suite(target, options, report=report)
    return _finish(report, args)


def diff(args: argparse.Namespace) -> int:
    from contract_tests.diff import run_diff

    target = _target(args)
    refused = _refused(target, "diff")
    if refused is not None:
        return refused
    with Progress(lambda: f"mockserver diff: {target.requests_sent:,} requests sent to {target.base_url}"):
        report = run_diff(
            target, seed=args.seed, allow_writes=args.allow_writes, pin_decisions=args.pin_decisions
        )
    return _finish(report, args)


def _finish(report: Report, args: argparse.Namespace) -> int:
    """Print the summary, write the requested reports; the exit code says whether all passed."""
    print(report.summary())
    if args.junit_xml:
        report.write_junit(args.junit_xml)
    if args.report_json:
        report.write_json(args.report_json)
    return 0 if report.ok else 1


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
