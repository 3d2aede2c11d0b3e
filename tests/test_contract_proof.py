"""The bounded proof that `verify` keeps its word against the fake (tests/contract_proof.py runs
the long one): two run ids, both APIs, read-only and with writes, each pair once on the memory
store and once on Redis: no failure, nothing written outside the run, every list still 200."""

import pytest

from tests.contract_proof import APIS, STORES, ci_options, prove, run_ids

RUNS = [
    (api, mode, STORES[(seed + m) % 2], run_id)
    for seed, run_id in enumerate(run_ids(2))
    for api in APIS
    for m, mode in enumerate(("read-only", "writes"))
]


@pytest.mark.parametrize(("api", "mode", "store", "run_id"), RUNS, ids=["-".join(run) for run in RUNS])
def test_verify_against_the_fake_fails_nothing_and_writes_only_inside_its_run(api, mode, store, run_id):
    writes = mode == "writes"
    outcome = prove(api, store, writes, ci_options(run_id, writes))
    assert outcome.report.passed, "no check ran"
    assert outcome.report.ok, outcome.report.summary()
    assert outcome.outside == [], outcome.outside
    assert outcome.failing_lists == {}, outcome.failing_lists
