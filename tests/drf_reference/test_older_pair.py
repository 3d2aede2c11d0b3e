"""The same hand-picked requests against a second, older reference: DRF 3.14.0 on Django 4.2 and
django-oauth-toolkit 2.4 (tests/drf_reference/__init__.py's OLDER_PAIR). Where the decisions say
the fake follows DRF 3.14 (the 404 text, OPTIONS of decimals, SearchFilter, a nullable boolean left
out of a form), the fake must give exactly 3.14's answer: those records are not allowed here.
Generated requests are sent to the pinned pair only (test_differential.py), to stay fast."""

from collections.abc import Iterator

import pytest

from tests.drf_reference.cases import hand_picked
from tests.drf_reference.comparison import Comparison
from tests.drf_reference.differences import OLDER_PAIR_RECORDED
from tests.drf_reference.loss_document_cases import loss_document_exchanges
from tests.drf_reference.older_pair import older_pair_packages
from tests.drf_reference.receipt_cases import receipt_exchanges
from tests.drf_reference.services import COMPARED, both_services

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

CASES = {
    "seed resources": hand_picked,
    "receipts": receipt_exchanges,
    "loss-documents": loss_document_exchanges,
}


@pytest.fixture(scope="module")
def older(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Comparison]:
    packages = older_pair_packages()
    data = tmp_path_factory.mktemp("drf-reference-older")
    with both_services(data, collections=COMPARED, packages=packages) as services:
        yield Comparison(services, OLDER_PAIR_RECORDED)


@pytest.mark.parametrize("cases", CASES)
def test_hand_picked_requests_get_drf_314s_answers(older: Comparison, cases: str) -> None:
    exchanges = CASES[cases]()
    counts, unexplained, explained = older.run(exchanges)
    print(f"\nDRF 3.14, {cases}: {sum(counts.values())} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained)
    stale = older.stale(exchanges, explained, "no longer differs from DRF 3.14 that way")
    assert not stale, "\n".join(stale)
