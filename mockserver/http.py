"""What a handler receives and returns: plain values, no HTTP parsing or rendering."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mockserver.auth import Identity
from mockserver.incoming import IncomingRequest
from mockserver.settings import Settings
from mockserver.spec.loader import Operation, PathItem
from mockserver.store.base import Store


@dataclass(slots=True)
class ApiRequest:
    operation: Operation
    path_item: PathItem
    identity: Identity | None
    tenant: str | None
    path_params: dict[str, str]
    query: dict[str, str]
    body: Any
    store: Store
    settings: Settings
    request: IncomingRequest
    services: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        """scheme://host[:port] exactly as the client addressed this server."""
        return self.request.base_url

    @property
    def full_url(self) -> str:
        return self.request.full_url

    def absolute(self, path: str) -> str:
        return self.base_url + path

    def require_tenant(self) -> str:
        if self.tenant is None:
            raise RuntimeError(f"{self.operation.operation_id} needs a tenant")
        return self.tenant


@dataclass
class ApiResponse:
    status: int = 200
    data: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[ApiRequest], ApiResponse | Awaitable[ApiResponse]]
