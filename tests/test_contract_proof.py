"""The bounded proof that `verify` keeps its word against the fake (tests/contract_proof.py runs
the long one): two run ids, both APIs, read-only and with writes, each pair once on the memory
store and once on Redis: no failure, nothing written outside the run, every list still 200."""

import pytest

from tests.contract_proof import APIS, STORES, ci_options, main, prove, run_ids, runs

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


def test_a_cut_off_proof_resumes_where_it_stopped(capsys):
    order = runs(20, 0, list(APIS), ["read-only", "writes"], list(STORES))
    assert len(order) == 160
    # The 61st run is the first after p00000..p00006 (8 each) and p00007's four Akinon runs.
    assert order[60] == ("p00007", "datawiz", "read-only", "memory")
    assert main(["--seeds", "1", "--skip", "8"]) == 0
    out = capsys.readouterr().out
    assert "8 of 8 runs left out (--skip 8)" in out
    assert "0 runs, 0 failed" in out
