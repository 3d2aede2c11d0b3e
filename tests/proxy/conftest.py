"""The fixtures the proxy's tests share."""

from typing import Any

import pytest

from tests.proxy.harness import strict_fake


@pytest.fixture
def fake() -> Any:
    """A fresh strict fake for one test (harness.strict_fake): nothing one test stores reaches another."""
    return strict_fake()
