"""The whole contract suite as one pytest test per API (the report lists each check)."""

from contract_tests.context import RunOptions
from contract_tests.suite import run_suite
from contract_tests.target import Target


def test_the_target_keeps_the_contract(target: Target, options: RunOptions) -> None:
    report = run_suite(target, options)
    assert report.ok, report.summary()
    assert report.passed, "no check ran"
    if target.is_fake:  # the fake follows its own decisions: nothing differs from them
        assert not report.notes, report.summary()
