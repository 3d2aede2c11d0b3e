"""The project's own traffic, the contract suite (`mockserver verify`, writes and generated cases
included), through the proxy in front of the faithful fake: the suite passes and the proxy finds
nothing, so neither side raises a false alarm against the other."""

import pytest

from contract_tests.context import RunOptions
from contract_tests.suite import run_suite
from contract_tests.target import Credentials, url_target
from mockserver.app import create_app
from mockserver.settings import Settings
from tests.proxy.harness import proxied

KEY = "own-traffic-key"


@pytest.mark.parametrize("api", ["akinon", "datawiz"])
def test_the_contract_suite_through_the_proxy(api):
    with proxied(create_app(Settings(auth_mode="strict", tokens=(KEY,)))) as run:
        target = url_target(api, run.base, Credentials(token=KEY))
        # Every promise on every collection; a sample of fields and fuzzed collections, a new one
        # each run, as `pytest tests/contract` takes in CI (the whole of it takes minutes).
        sampled = {"fields_per_collection": 2, "conformance_collections": 4, "collection_examples": 3}
        report = run_suite(target, RunOptions(allow_writes=True, max_examples=3, task_timeout=5, **sampled))
    assert report.ok, report.summary()
    assert run.proxy.traffic.exchanges > 100
    covered = {op for op, _ in run.proxy.traffic.seen}
    assert len(covered) >= 10
    assert run.proxy.violations.total == 0, run.describe()
