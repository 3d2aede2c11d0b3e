"""scripts/test runs the suite on two pytest-xdist workers with --dist loadgroup: a module whose
tests share module-scoped state (a started DRF reference, a client's uploads) is one xdist_group
and must run whole, in order, on one worker. A pytest and pytest-xdist pair that loses the groups
scatters those tests silently; this catches it."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ORDERED = """
import os
from pathlib import Path

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


def test_a_long_test_is_collected_before_the_short_ones(pytester: pytest.Pytester) -> None:
    """The suite's own hook (tests/conftest.py) puts `starts_first` tests at the head of the
    collection, which is the order loadgroup hands single tests out in."""
    conftest = Path(__file__).with_name("conftest.py").read_text()
    hook = conftest[conftest.index("def pytest_collection_modifyitems") :]
    pytester.makeconftest("import pytest\n\n" + hook)
    pytester.makeini("[pytest]\nmarkers =\n    starts_first: long\n")
    body = "import pytest\n\ndef test_short(): pass\n\n@pytest.mark.starts_first\ndef test_long(): pass\n"
    pytester.makepyfile(test_order=body)
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    assert result.outlines[:2] == ["test_order.py::test_long", "test_order.py::test_short"]
