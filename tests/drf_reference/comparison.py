"""Send exchanges to both services and sort every answer pair: identical, explained by a recorded
difference (differences.py), or unexplained."""

import re
from collections import Counter

from tests.drf_reference.compare import Answer, Exchange
from tests.drf_reference.differences import RECORDED, Recorded, explain
from tests.drf_reference.services import Pair


class Comparison:
    """Sends exchanges to both services and sorts each answer pair: identical, explained by a
    recorded difference, or unexplained. It remembers the collections DRF can no longer list
    (one holds a key with a dot: every page with it fails to reverse its url), so those 500s
    are put down to the upload that caused them."""

    def __init__(self, pair: Pair, records: list[Recorded] = RECORDED) -> None:
        self.pair = pair
        self.records = records
        self.broken_lists: set[str] = set()

    def stale(self, exchanges: list[Exchange], explained: dict[str, str], no_longer: str) -> list[str]:
        """The recorded differences a request sent here no longer shows (`explained`: what run()
        put each case down to); `no_longer` says so, with `{key}` for the record's key."""
        sent = {exchange.name for exchange in exchanges}
        return [
            f"{recorded.key}: {case!r} " + no_longer.format(key=recorded.key)
            for recorded in self.records
            for case in recorded.cases
            if case in sent and explained.get(case) != recorded.key
        ]

    def run(self, exchanges: list[Exchange]) -> tuple[Counter[str], list[str], dict[str, str]]:
        counts: Counter[str] = Counter()
        unexplained: list[str] = []
        explained: dict[str, str] = {}
        for exchange in exchanges:
            reference, fake = self.pair.exchange(exchange)
            if not reference.differences(fake):
                counts["identical"] += 1
                continue
            recorded = explain(exchange, reference, fake, self.records)
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


def _describe(exchange: Exchange, reference: Answer, fake: Answer) -> str:
    return (
        f"{exchange.name}: {exchange.method} {exchange.path} differs in {reference.differences(fake)}\n"
        f"  DRF : {reference.status} {reference.headers} {str(reference.body)[:400]}\n"
        f"  fake: {fake.status} {fake.headers} {str(fake.body)[:400]}"
    )
