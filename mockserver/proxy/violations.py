"""Violations: one record each, one log line each (secrets masked, payloads cut short), kept for
the live endpoint and the reports."""

import logging
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from mockserver.proxy.exchange import Exchange
from mockserver.spec.provenance import Provenance

logger = logging.getLogger("mockserver.proxy")
EXCERPT = 300  # characters of a payload a violation carries
# A finding of this kind family is a note: the traffic parts from a behaviour the spec's
# provenance says the project decided, which a real DRF service may choose otherwise.
NOTE = "decided"


def is_note(kind: str) -> bool:
    return kind == NOTE or kind.startswith(NOTE + ".")


def note(behaviour: str, decision: Provenance, message: str) -> tuple[str, str]:
    """A note's finding, `decided.<behaviour>` (the behaviour as the spec's provenance names it):
    what differs, and the decision it differs from."""
    where = decision.reference.replace("#", ".md#", 1)
    return (
        f"{NOTE}.{behaviour}",
        f"{message} (differs from the fake's choice, decision {decision.reference}: specs/decisions/{where})",
    )


def excerpt(body: bytes | None) -> str:
    if not body:
        return ""
    text = body[: EXCERPT * 4].decode("utf-8", "replace")
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


@dataclass(frozen=True)
class Violation:
    exchange: int  # the exchange's sequence number
    # request, response.status, response.schema, response.header, behaviour.<name>,
    # upstream.<fault>; decided.<behaviour> for a note
    kind: str
    message: str
    method: str
    path: str
    operation: str | None
    status: int
    tenant: str | None
    tenant_hint: str | None
    curl: str
    request_excerpt: str
    response_excerpt: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def log_line(self) -> str:
        where = self.operation or f"{self.method} {self.path}"
        label = "note" if is_note(self.kind) else "violation"
        line = f"{label} #{self.exchange} [{self.kind}] {where} -> {self.status}: {self.message}"
        if self.tenant_hint:
            line += f" (tenant {self.tenant_hint})"
        if self.response_excerpt:
            line += f" | answer: {self.response_excerpt[:120]}"
        return line


def violation(exchange: Exchange, kind: str, message: str) -> Violation:
    return Violation(
        exchange=exchange.sequence,
        kind=kind,
        message=message,
        method=exchange.method,
        path=exchange.path,
        operation=exchange.operation_id,
        status=exchange.status,
        tenant=exchange.tenant,
        tenant_hint=exchange.tenant_hint,
        curl=exchange.curl(),
        request_excerpt=excerpt(exchange.request_body),
        response_excerpt=excerpt(exchange.response_plain or exchange.response_body),
    )


class ViolationLog:
    """Every violation (or every note), the most recent `kept` of them in memory, with the
    count of all."""

    def __init__(self, kept: int = 10_000) -> None:
        self._items: deque[Violation] = deque(maxlen=kept)
        self._lock = threading.Lock()
        self.total = 0

    def add(self, found: Violation) -> None:
        logger.log(logging.INFO if is_note(found.kind) else logging.WARNING, "%s", found.log_line())
        with self._lock:
            self._items.append(found)
            self.total += 1

    def all(self) -> list[Violation]:
        with self._lock:
            return list(self._items)

    def select(
        self,
        operation: str | None = None,
        tenant: str | None = None,
        kind: str | None = None,
        exchange: int | None = None,
    ) -> list[Violation]:
        """Filtered as the live endpoint asks; a kind matches itself and its sub-kinds."""
        return [
            v
            for v in self.all()
            if (operation is None or v.operation == operation)
            and (tenant is None or v.tenant == tenant)
            and (kind is None or v.kind == kind or v.kind.startswith(kind + "."))
            and (exchange is None or v.exchange == exchange)
        ]
