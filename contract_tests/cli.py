"""`mockserver verify` and `mockserver diff`: the contract suite from the command line."""

import argparse
import os
import sys
from pathlib import Path

from contract_tests.context import RunOptions
from contract_tests.preflight import preflight
from contract_tests.progress import Progress
from contract_tests.report import Report
from contract_tests.spec_facts import SPECS_ENV, apis
from contract_tests.target import Credentials, Target, url_target

ENV = "MOCKSERVER_VERIFY_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV + name.upper(), default)


def _add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--api", required=True, help="the API to check, as its spec names it (x-mockserver-api)"
    )
    parser.add_argument(
        "--specs",
        default=os.environ.get(SPECS_ENV),
        help=f"check against the specs in this directory (a copy; default: the packaged ones; env {SPECS_ENV})",
    )
    parser.add_argument("--base-url", default=_env("base_url"), required=_env("base_url") is None)
    parser.add_argument(
        "--token", default=_env("token"), help="sent as 'Token KEY' (Akinon) or 'Bearer KEY' (Datawiz)"
    )
    parser.add_argument(
        "--username", default=_env("username"), help="log in first (Akinon login / OAuth2 password grant)"
    )
    parser.add_argument("--password", default=_env("password"))
    parser.add_argument("--client-id", default=_env("client_id"), help="OAuth2 client for Datawiz logins")
    parser.add_argument("--client-secret", default=_env("client_secret"))
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        default=_env("allow_writes", "") in ("1", "true"),
        help="also run checks that write (data carries a run prefix)",
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=int(_env("max_examples", "10") or 10),
        help="generated cases per operation and mode",
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=float(_env("rate_limit", "0") or 0) or None,
        help="requests per second",
    )
    parser.add_argument(
        "--budget", type=int, default=int(_env("budget", "5000") or 5000), help="most requests a run may send"
    )
    parser.add_argument(
        "--sample-fields",
        type=int,
        default=int(_env("sample_fields", "0") or 0) or None,
        help="check this many ordering and search fields per collection (a different few each run); default: all",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument(
        "--task-timeout", type=float, default=120.0, help="seconds a setup task may take to end"
    )
    parser.add_argument(
        "--cacert", default=_env("cacert"), help="a CA file to trust (e.g. the one `serve --tls` prints)"
    )
    parser.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")


def _target(args: argparse.Namespace):
    specs = Path(args.specs) if args.specs else None
    known = apis(specs)
    if args.api not in known:
        raise SystemExit(f"mockserver verify: --api must be one of {known} (the specs' x-mockserver-api)")
    credentials = Credentials(args.token, args.username, args.password, args.client_id, args.client_secret)
    if not credentials.token and not credentials.username:
        raise SystemExit("mockserver verify: give --token, or --username and --password")
    verify = False if args.insecure else (args.cacert or True)
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
        fields_per_collection=args.sample_fields,
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
        report = run_diff(target, seed=args.seed, allow_writes=args.allow_writes)
    return _finish(report, args)


def _finish(report: Report, args: argparse.Namespace) -> int:
    """Print the summary, write the requested reports; the exit code says whether all passed."""
    print(report.summary())
    if args.junit_xml:
        report.write_junit(Path(args.junit_xml))
    if args.report_json:
        report.write_json(Path(args.report_json))
    return 0 if report.ok else 1


def add_contract_commands(commands: argparse._SubParsersAction) -> None:
    verify_parser = commands.add_parser(
        "verify",
        help="run the contract suite against a base URL (a fake or a real deployment)",
        description="Checks a deployment against the specs and the documents' promises. Reads only unless --allow-writes.",
    )
    _add_target_arguments(verify_parser)
    verify_parser.add_argument("--junit-xml", default=_env("junit_xml"))
    verify_parser.add_argument("--report-json", default=_env("report_json"))
    verify_parser.set_defaults(run=verify)
    diff_parser = commands.add_parser(
        "diff",
        help="send the same seeded requests to the fake and to a deployment and report every difference",
    )
    _add_target_arguments(diff_parser)
    diff_parser.add_argument("--seed", type=int, default=0)
    diff_parser.add_argument("--junit-xml", default=_env("junit_xml"))
    diff_parser.add_argument("--report-json", default=_env("report_json"))
    diff_parser.set_defaults(run=diff)


if __name__ == "__main__":
    sys.exit(0)
