"""The fake against a real Django REST Framework service built from the same spec
(tests/drf_reference): the same hand-picked and generated requests to both, over real sockets,
comparing status, the headers DRF decides and the JSON bodies (docs/fidelity.md)."""

import re
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.drf_reference.cases import hand_picked
from tests.drf_reference.compare import Answer, Exchange
from tests.drf_reference.differences import RECORDED, explain
from tests.drf_reference.generated import generated_exchanges
from tests.drf_reference.services import Pair, both_services

pytest.importorskip("rest_framework", reason="the test extras (Django, DRF, django-oauth-toolkit) are needed")


class Comparison:
    """Sends exchanges to both services and sorts each answer pair: identical, explained by a
    recorded difference, or unexplained. It remembers the collections DRF can no longer list
    (one holds a key with a dot: every page with it fails to reverse its url), so those 500s
    are put down to the upload that caused them."""

    def __init__(self, pair: Pair) -> None:
        self.pair = pair
        self.broken_lists: set[str] = set()

    def run(self, exchanges: list[Exchange]) -> tuple[Counter[str], list[str], dict[str, str]]:
        counts: Counter[str] = Counter()
        unexplained: list[str] = []
        explained: dict[str, str] = {}
        for exchange in exchanges:
            reference, fake = self.pair.exchange(exchange)
            if not reference.differences(fake):
                counts["identical"] += 1
                continue
            recorded = explain(exchange, reference, fake)
            key = recorded.key if recorded else self._broken_list(exchange, reference)
            if key is None:
                counts["unexplained"] += 1
                unexplained.append(_describe(exchange, reference, fake))
                continue
            counts[key] += 1
            explained[exchange.name] = key
            if key == "key-with-a-dot":
                self.broken_lists.add(_collection_path(exchange.path))
        return counts, unexplained, explained

    def _broken_list(self, exchange: Exchange, reference: Answer) -> str | None:
        if reference.status == 500 and _collection_path(exchange.path) in self.broken_lists:
            return "key-with-a-dot"
        return None


def _collection_path(path: str) -> str:
    """/api/v1/shops/ for any URL of the shops list (suffixes and queries included)."""
    match = re.match(r"(/api/v1/[^/.?]+)", path)
    return match[1] + "/" if match else path


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Comparison]:
    with both_services(tmp_path_factory.mktemp("drf-reference")) as services:
        yield Comparison(services)


def _describe(exchange: Exchange, reference: Answer, fake: Answer) -> str:
    return (
        f"{exchange.name}: {exchange.method} {exchange.path} differs in {reference.differences(fake)}\n"
        f"  DRF : {reference.status} {reference.headers} {str(reference.body)[:400]}\n"
        f"  fake: {fake.status} {fake.headers} {str(fake.body)[:400]}"
    )


def test_hand_picked_requests_get_drfs_answers(comparison: Comparison) -> None:
    counts, unexplained, explained = comparison.run(hand_picked())
    print(f"\nhand-picked: {sum(counts.values())} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained)
    stale = [
        f"{recorded.key}: {case!r} no longer differs that way (fixed? update {recorded.key} and docs/fidelity.md)"
        for recorded in RECORDED
        for case in recorded.cases
        if explained.get(case) != recorded.key
    ]
    assert not stale, "\n".join(stale)


def test_generated_requests_get_drfs_answers(comparison: Comparison) -> None:
    exchanges = generated_exchanges()
    counts, unexplained, _ = comparison.run(exchanges)
    print(f"\ngenerated: {len(exchanges)} requests, {dict(counts)}")
    assert not unexplained, "\n".join(unexplained[:15])
