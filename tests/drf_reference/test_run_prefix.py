"""`verify --allow-writes` against the DRF reference (a real Django + DRF service built from the
declarations) writes only inside its run: afterwards every object of every collection it serves
either existed before or carries the run's prefix in a key DRF can reverse, and every list that
answered 200 still does (a key with a dot made DRF's lists answer 500 for everyone)."""

from pathlib import Path

from contract_tests.suite import run_suite
from contract_tests.target import Credentials, url_target
from mockserver.resources import fixtures_dir
from tests.contract_proof import ci_options, inventory, written_outside
from tests.drf_reference.process import reference_server
from tests.drf_reference.serve import BEARER_TOKEN
from tests.drf_reference.services import COMPARED  # the collections the reference serves today


def test_verify_with_writes_leaves_nothing_outside_its_run_in_the_drf_reference(tmp_path: Path) -> None:
    with reference_server(tmp_path, fixtures_dir() / "datawiz", collections=COMPARED, timeout=300) as url:
        target = url_target("datawiz", url, Credentials(token=BEARER_TOKEN), budget=20_000)
        before = inventory(target)
        served = {name for name, status in before.statuses.items() if status == 200}
        assert served, before.statuses
        options = ci_options("dr0f", allow_writes=True)
        report = run_suite(target, options)
        after = inventory(target)
    assert report.requests_sent > 100
    created = sum(len(after.objects[name] - before.objects[name]) for name in served)
    assert created > 0, "the run wrote nothing: there is nothing to judge"
    assert written_outside(target, before, after, options.prefix) == []
    assert {name: after.statuses[name] for name in served if after.statuses[name] != 200} == {}
