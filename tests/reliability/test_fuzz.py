"""Fuzzing every operation of both APIs and the control API with positive and negative data:
no 5xx and no answer outside the spec (response validation is on, so a drift answers 500).

CI runs a few examples per operation, the Datawiz spec in shards (every operation is fuzzed; under
pytest-xdist the shards run side by side); the full run is
    MOCKSERVER_FUZZ_EXAMPLES=150 pytest -s tests/reliability/test_fuzz.py    # > 10,000 requests
(-s shows the number of requests each spec's run sent.)
"""

import os

import pytest

from contract_tests.conformance import conformance_checks
from contract_tests.context import Context, RunOptions
from contract_tests.plan import run_plan
from contract_tests.report import Report
from contract_tests.target import Credentials, in_process_target
from mockserver.apis import catalogue, spec_path
from mockserver.app import create_app
from mockserver.resources import specs_dir
from mockserver.settings import Settings

EXAMPLES = int(os.environ.get("MOCKSERVER_FUZZ_EXAMPLES", "4"))
DATAWIZ_SHARDS = 4  # the Datawiz spec has over a hundred operations: one shard alone takes minutes


@pytest.mark.parametrize(
    ("api", "spec", "shard", "shards"),
    [
        ("akinon", catalogue().api("akinon").spec_path.name, 0, 1),
        *(
            ("datawiz", catalogue().api("datawiz").spec_path.name, n, DATAWIZ_SHARDS)
            for n in range(DATAWIZ_SHARDS)
        ),
        ("datawiz", spec_path("control").name, 0, 1),  # the fake's own API
    ],
)
def test_fuzz_every_operation(api, spec, shard, shards):
    app = create_app(
        Settings(auth_mode="strict", tokens=("fuzz",), users=(("fuzz", "fuzz"),), validate_responses=True)
    )
    target = in_process_target(api, app, Credentials(token="fuzz"))
    target.budget = 100_000
    report = Report(api=api, target="in-process")
    ctx = Context(target, RunOptions(allow_writes=True, max_examples=EXAMPLES), report)
    checks = conformance_checks(ctx, str(specs_dir() / spec))
    run_plan(ctx, checks[shard::shards])
    print(
        f"fuzz {spec} {shard + 1}/{shards}: {target.requests_sent:,} requests, {EXAMPLES} examples per operation and mode"
    )
    assert report.ok, report.summary()
    assert target.requests_sent > 0
