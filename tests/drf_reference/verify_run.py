"""`mockserver verify --allow-writes` against the DRF reference (tests/drf_reference/): the
contract suite's word on a real Django + DRF service built from the same spec, with the spec's
decided behaviours as declared or set the other way a DRF developer writes them by default.

    python -m tests.drf_reference.verify_run [--api akinon] [--drf-defaults] [--older-pair] [--report-json F]

One bounded run (the options CI uses: two ordering and two search fields per collection, four
collections fuzzed, three cases each); the summary is printed, the exit status is verify's."""

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from contract_tests.context import RunOptions
from contract_tests.report import Report
from contract_tests.suite import run_suite
from contract_tests.target import Credentials, url_target
from mockserver.resources import fixtures_dir
from tests.drf_reference.older_pair import older_pair_packages
from tests.drf_reference.process import reference_server
from tests.drf_reference.serve import BEARER_TOKEN, DRF_TOKEN

KEYS = {"datawiz": BEARER_TOKEN, "akinon": DRF_TOKEN}  # the reference's credentials, per API


def bounded_options(seed: str = "ref001") -> RunOptions:
    return RunOptions(
        allow_writes=True,
        max_examples=3,
        task_timeout=10,
        fields_per_collection=2,
        collection_examples=2,
        conformance_collections=4,
        run_id=seed,
    )


@contextmanager
def reference(data_dir: Path, *, drf_defaults: bool = False, packages: Path | None = None) -> Iterator[str]:
    """A fresh reference serving every collection and the Akinon task; its URL."""
    with reference_server(
        data_dir,
        fixtures_dir() / "datawiz",
        packages=packages,
        drf_defaults=drf_defaults,
        document_forms=True,
        timeout=180,
    ) as url:
        yield url


def verify_at(url: str, api: str, options: RunOptions | None = None) -> tuple[Report, float]:
    """An API's suite with writes against a running reference; the report and its seconds."""
    target = url_target(api, url, Credentials(token=KEYS[api]), budget=20_000)
    started = time.monotonic()
    report = run_suite(target, options or bounded_options())
    return report, time.monotonic() - started


def verify_reference(
    data_dir: Path,
    *,
    api: str = "datawiz",
    drf_defaults: bool = False,
    packages: Path | None = None,
    options: RunOptions | None = None,
) -> tuple[Report, float]:
    """An API's suite with writes against a fresh reference; the report and its seconds."""
    with reference(data_dir, drf_defaults=drf_defaults, packages=packages) as url:
        return verify_at(url, api, options)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", default="datawiz", choices=sorted(KEYS))
    parser.add_argument("--drf-defaults", action="store_true")
    parser.add_argument("--older-pair", action="store_true", help="DRF 3.14 on Django 4.2")
    parser.add_argument("--report-json")
    args = parser.parse_args()
    packages = older_pair_packages() if args.older_pair else None
    with tempfile.TemporaryDirectory() as data:
        report, seconds = verify_reference(
            Path(data), api=args.api, drf_defaults=args.drf_defaults, packages=packages
        )
    print(report.summary())
    print(f"{seconds:.0f} s")
    if args.report_json:
        report.write_json(Path(args.report_json))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
