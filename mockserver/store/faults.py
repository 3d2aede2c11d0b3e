"""The faults family: rules that make an operation fail on purpose, keyed by tenant ("*" for all)
and operationId, with a probability and an optional budget of times. Which rules a listing or a
clearing selects, and how a listing looks, are decided here for both stores."""

from collections.abc import Iterable
from typing import Any, Protocol

ALL_TENANTS = "*"
FaultKey = tuple[str, str]  # (tenant, operation_id)


class Faults(Protocol):
    def set_fault(self, tenant: str, operation_id: str, rule: dict[str, Any]) -> None: ...
    def faults(self, tenant: str | None = None) -> list[dict[str, Any]]: ...
    def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int: ...
    def take_fault(self, tenant: str, operation_id: str) -> dict[str, Any] | None:
        """The rule that applies now (the tenant's before "*"), its budget spent by one; None if
        none applies or its probability says not this time."""
        ...


def applies_to(key: FaultKey, tenant: str | None) -> bool:
    """A rule a tenant's listing shows: its own and those for all tenants (every rule for None)."""
    return tenant is None or key[0] in (tenant, ALL_TENANTS)


def selected(key: FaultKey, tenant: str | None, operation_id: str | None) -> bool:
    """A rule a clearing removes: of that tenant (exactly) and that operation, None meaning any."""
    return (tenant is None or key[0] == tenant) and (operation_id is None or key[1] == operation_id)


def listing(rules: Iterable[tuple[FaultKey, dict[str, Any]]], tenant: str | None) -> list[dict[str, Any]]:
    """The rules as the control API lists them, in (tenant, operation) order."""
    return [
        {"tenant": t, "operation_id": op, **rule}
        for (t, op), rule in sorted(rules, key=lambda item: item[0])
        if applies_to((t, op), tenant)
    ]


def candidates(tenant: str, operation_id: str) -> tuple[FaultKey, FaultKey]:
    """The rules a request may meet, in the order they are tried."""
    return (tenant, operation_id), (ALL_TENANTS, operation_id)
