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

# What the presenters get as the base URL; JSON-encoded it starts every absolute URL they build.
# Stored strings cannot hold a NUL (DRF refuses "Null characters"), so it cannot clash with data.
BASE_PLACEHOLDER = "\x00mockserver-base\x00"
_ENCODED_PLACEHOLDER = b'"' + orjson.dumps(BASE_PLACEHOLDER)[1:-1]

Presenter = Callable[[dict[str, Any], str], dict[str, Any]]


class PresentedDocuments:
    def __init__(self, limit: int = 20_000) -> None:
        self._limit = limit
        self._templates: dict[tuple[str, bytes], tuple[bytes, ...]] = {}

    def one(self, kind: str, stored: bytes, present: Presenter, base_url: str) -> orjson.Fragment:
        """The API form of a stored document, ready to be embedded by orjson.dumps."""
        return orjson.Fragment(_base(base_url).join(self._template(kind, stored, present)))

    def many(self, kind: str, stored: list[bytes], present: Presenter, base_url: str) -> orjson.Fragment:
        """A JSON array of the documents' API forms."""
        base = _base(base_url)
        return orjson.Fragment(
            b"[" + b",".join([base.join(self._template(kind, raw, present)) for raw in stored]) + b"]"
        )

    def _template(self, kind: str, raw: bytes, present: Presenter) -> tuple[bytes, ...]:
        """The encoded API form cut at each base URL (joining is far cheaper than bytes.replace)."""
        templates = self._templates
        template = templates.get((kind, raw))
        if template is None:
            encoded = orjson.dumps(present(orjson.loads(raw), BASE_PLACEHOLDER))
            template = tuple(encoded.split(_ENCODED_PLACEHOLDER))
            if len(templates) >= self._limit:
                del templates[next(iter(templates))]  # the oldest entry
            templates[(kind, raw)] = template
        return template

    def clear(self) -> None:
        self._templates.clear()


def _base(base_url: str) -> bytes:
    return b'"' + orjson.dumps(base_url)[1:-1]


def plain(data: Any) -> Any:
    """The same answer with every embedded fragment decoded (for checks and pretty printing)."""
    return orjson.loads(orjson.dumps(data))
