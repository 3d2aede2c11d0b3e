"""The tenants family: a tenant's whole state (its values and collections) seeded, dumped, loaded
and reset at once. These operations span the other families (a reset clears the tenant's journal
entries and faults too), so a store composes them over its other parts."""

from collections.abc import Callable
from typing import Any, Protocol

TenantSeed = Callable[[], dict[str, Any]]


class Tenants(Protocol):
    def ensure_tenant(self, tenant: str, seed: TenantSeed) -> None:
        """Loads `seed()` once, the first time the tenant is met (by any process of the store)."""
        ...

    def tenants(self) -> list[str]: ...
    def reset(self, tenant: str | None = None) -> None:
        """Forgets a tenant (its data, journal entries and faults), or everything and the clock."""
        ...

    def dump_tenant(self, tenant: str) -> dict[str, Any]: ...
    def load_tenant(self, tenant: str, state: dict[str, Any]) -> None: ...
    def dump_all(self) -> dict[str, Any]: ...
    def load_all(self, state: dict[str, Any]) -> None:
        """All or nothing: every tenant and the clock replaced, or (on a bad state) nothing."""
        ...
