"""Documents in their API form, encoded once per stored version and spliced into answers.

A page of twenty documents would otherwise decode, rebuild and re-encode twenty dictionaries on
every read. The API form depends on the stored JSON text and on the host the client addressed
(absolute URLs), so it is cached by the stored text with a placeholder for the host, and each
answer only substitutes the host. The cache is bounded and keyed by content, so it can never
serve a stale document; it lives in the app instance, not in the store (it is not state).
"""

from collections.abc import Callable
from typing import Any

import orjson

# What the presenters get as the base URL and as the end of a detail URL ("/", or ".json" when the
# request had a format suffix: DRF reverses hyperlinks with the request's format); JSON-encoded,
# the first starts every absolute URL they build. Stored strings cannot hold a NUL (DRF refuses
# "Null characters"), so neither can clash with data.
BASE_PLACEHOLDER = "\x00mockserver-base\x00"
END_PLACEHOLDER = "\x00mockserver-end\x00"
_ENCODED_BASE = b'"' + orjson.dumps(BASE_PLACEHOLDER)[1:-1]
_ENCODED_END = orjson.dumps(END_PLACEHOLDER)[1:-1]

# stored document, base URL, end of detail URLs -> the API form
Presenter = Callable[[dict[str, Any], str, str], dict[str, Any]]


class PresentedDocuments:
    def __init__(self, limit: int = 20_000) -> None:
        self._limit = limit
        # (scope, stored text) -> [template cut at each base URL, last (base, end), last rendering]
        self._entries: dict[tuple[str, bytes], list[Any]] = {}

    def one(
        self, scope: str, stored: bytes, present: Presenter, base_url: str, end: str = "/"
    ) -> orjson.Fragment:
        """The API form of a stored document, ready to be embedded by orjson.dumps."""
        return orjson.Fragment(self._rendered(scope, stored, present, (_base(base_url), end.encode())))

    def many(
        self, scope: str, stored: list[bytes], present: Presenter, base_url: str, end: str = "/"
    ) -> orjson.Fragment:
        """A JSON array of the documents' API forms."""
        place = (_base(base_url), end.encode())
        rendered = self._rendered
        return orjson.Fragment(
            b"[" + b",".join([rendered(scope, raw, present, place) for raw in stored]) + b"]"
        )

    def _rendered(self, scope: str, raw: bytes, present: Presenter, place: tuple[bytes, bytes]) -> bytes:
        """The encoded API form for one base URL and URL end; the last pair is kept (nearly every
        client addresses the fake by one host), any other is joined from the template again."""
        entry = self._entries.get((scope, raw))
        if entry is None:
            encoded = orjson.dumps(present(orjson.loads(raw), BASE_PLACEHOLDER, END_PLACEHOLDER))
            parts = encoded.split(_ENCODED_BASE)
            entry = [[tuple(part.split(_ENCODED_END)) for part in parts], None, b""]
            if len(self._entries) >= self._limit:
                del self._entries[next(iter(self._entries))]  # the oldest entry
            self._entries[(scope, raw)] = entry
        if entry[1] != place:
            base, end = place
            entry[1], entry[2] = place, base.join([end.join(pieces) for pieces in entry[0]])
        return entry[2]

    def clear(self) -> None:
        self._entries.clear()


def _base(base_url: str) -> bytes:
    return b'"' + orjson.dumps(base_url)[1:-1]


def plain(data: Any) -> Any:
    """The same answer with every embedded fragment decoded (for checks and pretty printing)."""
    return orjson.loads(orjson.dumps(data))


class AnswerCache:
    """Whole encoded answers of reads, kept against what they depend on (for a page: tenant,
    collection version, URL), so repeating a read costs a lookup. Bounded in entries and bytes;
    the oldest go first. Keys carry a version that never comes back, so nothing here goes stale.
    """

    def __init__(
        self, max_entries: int = 512, max_bytes: int = 32 * 1024 * 1024, max_answer: int = 256 * 1024
    ) -> None:
        self._answers: dict[Any, orjson.Fragment] = {}
        self._sizes: dict[Any, int] = {}
        self._max_entries, self._max_bytes, self._max_answer = max_entries, max_bytes, max_answer
        self._bytes = 0

    def get(self, key: Any) -> orjson.Fragment | None:
        return self._answers.get(key)

    def put(self, key: Any, encoded: bytes) -> orjson.Fragment:
        """The answer as a fragment to embed, kept unless it is too large to be worth it."""
        answer = orjson.Fragment(encoded)
        if len(encoded) > self._max_answer or key in self._answers:
            return answer
        while self._answers and (
            len(self._answers) >= self._max_entries or self._bytes + len(encoded) > self._max_bytes
        ):
            oldest = next(iter(self._answers))
            del self._answers[oldest]
            self._bytes -= self._sizes.pop(oldest)
        self._answers[key] = answer
        self._sizes[key] = len(encoded)
        self._bytes += len(encoded)
        return answer

    def clear(self) -> None:
        self._answers.clear()
        self._sizes.clear()
        self._bytes = 0
