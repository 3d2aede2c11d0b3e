"""scripts/test runs the suite on two pytest-xdist workers with --dist loadgroup: a module whose
tests share module-scoped state (a started DRF reference, a client's uploads) is one xdist_group
and must run whole, in order, on one worker. A pytest and pytest-xdist pair that loses the groups
scatters those tests silently; this catches it."""

import pytest

pytest_plugins = ["pytester"]

ORDERED = """
import os
import pytest

pytestmark = pytest.mark.xdist_group("shared")
SEEN = []

@pytest.mark.parametrize("n", range(12))
def test_in_order(n):
    SEEN.append(n)
    assert SEEN == list(range(n + 1)), SEEN
"""

OTHERS = """
@pytest.mark.parametrize("n", range(12))
def test_free(n):
    pass
"""


def test_a_group_runs_whole_and_in_order_on_one_worker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_shared=ORDERED, test_free="import pytest\n" + OTHERS)
    result = pytester.runpytest_subprocess("-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=24)
