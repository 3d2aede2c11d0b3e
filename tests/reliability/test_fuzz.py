"""Fuzzing every operation of both APIs and the control API with positive and negative data:
no 5xx and no answer outside the spec (response validation is on, so a drift answers 500).

CI runs a few examples per operation; the full run is
    MOCKSERVER_FUZZ_EXAMPLES=150 pytest -s tests/reliability/test_fuzz.py    # > 10,000 requests
(-s shows the number of requests each spec's run sent.)
"""

import os

import pytest

from contract_tests.conformance import check_operations
from contract_tests.context import Context, RunOptions
from contract_tests.report import Report
from contract_tests.target import Credentials, in_process_target
from mockserver.apis import catalogue, spec_path
from mockserver.app import create_app
from mockserver.resources import specs_dir
from mockserver.settings import Settings

EXAMPLES = int(os.environ.get("MOCKSERVER_FUZZ_EXAMPLES", "4"))


@pytest.mark.parametrize(
    ("api", "spec"),
    [
        ("akinon", catalogue().api("akinon").spec_path.name),
        ("datawiz", catalogue().api("datawiz").spec_path.name),
        ("datawiz", spec_path("control").name),  # the fake's own API
    ],
)
def test_fuzz_every_operation(api, spec):
    app = create_app(
        Settings(auth_mode="strict", tokens=("fuzz",), users=(("fuzz", "fuzz"),), validate_responses=True)
    )
    target = in_process_target(api, app, Credentials(token="fuzz"))
    target.budget = 100_000
    report = Report(api=api, target="in-process")
    check_operations(
        Context(target, RunOptions(allow_writes=True, max_examples=EXAMPLES), report), str(specs_dir() / spec)
    )
    print(f"fuzz {spec}: {target.requests_sent:,} requests, {EXAMPLES} examples per operation and mode")
    assert report.ok, report.summary()
    assert target.requests_sent > 0
