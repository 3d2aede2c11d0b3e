"""The fake against a real Django REST Framework service built from the same spec
(tests/drf_reference): the same hand-picked and generated requests to both, over real sockets,
comparing status, the headers DRF decides and the JSON bodies (docs/fidelity.md)."""

from collections.abc import Iterator

import pytest

from mockserver.resources import fixtures_dir, specs_dir
from tests.drf_reference.cases import KEY_WITH_A_DOT, hand_picked
from tests.drf_reference.compare import Exchange as X
from tests.drf_reference.comparison import Comparison
from tests.drf_reference.declared_cases import collection_cases
from tests.drf_reference.generated import generated_exchanges
from tests.drf_reference.loss_document_cases import loss_document_exchanges
from tests.drf_reference.receipt_cases import receipt_exchanges
from tests.drf_reference.services import COMPARED, both_services

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Comparison]:
    with both_services(tmp_path_factory.mktemp("drf-reference"), collections=COMPARED) as services:
        yield Comparison(services)


def _stale_records(comparison: Comparison, exchanges: list[X], explained: dict[str, str]) -> list[str]:
    return comparison.stale(
        exchanges, explained, "no longer differs that way (fixed? update {key} and docs/fidelity.md)"
    )


def test_hand_picked_requests_get_drfs_answers(comparison: Comparison) -> None:
    counts, unexplained, explained = comparison.run(hand_picked())
    print(f"\nhand-picked: {sum(counts.values())} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained)
    stale = _stale_records(comparison, hand_picked(), explained)
    assert not stale, "\n".join(stale)


# Datawiz resources as the spec declares them: receipts (a composite key, nested cart items) and
# loss documents (a document type with lines), each a named sequence of hand-picked requests.
SPEC_RESOURCE_CASES = {"receipts": receipt_exchanges, "loss-documents": loss_document_exchanges}


@pytest.mark.parametrize("resource", SPEC_RESOURCE_CASES)
def test_spec_resources_hand_picked_get_drfs_answers(comparison: Comparison, resource: str) -> None:
    exchanges = SPEC_RESOURCE_CASES[resource]()
    counts, unexplained, explained = comparison.run(exchanges)
    print(f"\n{resource}, hand-picked: {sum(counts.values())} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained)
    stale = _stale_records(comparison, exchanges, explained)
    assert not stale, "\n".join(stale)


@pytest.mark.parametrize("collection", COMPARED)
def test_every_declared_collection_gets_drfs_answers(comparison: Comparison, collection: str) -> None:
    counts, unexplained, _ = comparison.run(collection_cases(specs_dir(), fixtures_dir(), collection))
    print(f"\n{collection}: {sum(counts.values())} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained)


def test_generated_requests_get_drfs_answers(comparison: Comparison) -> None:
    exchanges = generated_exchanges(COMPARED)
    counts, unexplained, _ = comparison.run(exchanges)
    print(f"\ngenerated: {len(exchanges)} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained[:15])


def test_a_key_with_a_dot_is_the_recorded_difference(comparison: Comparison) -> None:
    _, unexplained, explained = comparison.run([KEY_WITH_A_DOT])
    assert not unexplained, "\n".join(unexplained)
    assert explained == {KEY_WITH_A_DOT.name: "key-with-a-dot"}, (
        "fixed? update drf-fidelity.md and docs/fidelity.md"
    )
