"""What a handler receives and returns: plain values, no HTTP parsing or rendering."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from mockserver.auth import Identity
from mockserver.incoming import IncomingRequest
from mockserver.settings import Settings
from mockserver.spec.loader import ApiSpec, Operation, PathItem
from mockserver.store.base import Store

if TYPE_CHECKING:
    from mockserver.auth import Authenticator
    from mockserver.drf.presented import AnswerCache, PresentedDocuments
    from mockserver.setup_task.views import SetupTaskViews


class Tenants(Protocol):
    """How a handler makes sure a tenant exists, seeded as every new tenant is."""

    def ensure_tenant(self, tenant: str) -> None: ...
    def initial_tenant_state(self) -> dict[str, Any]: ...


@dataclass(slots=True)
class AppContext:
    """What the app shares with every handler, each under its own name and type."""

    specs: list[ApiSpec]
    tenants: Tenants
    presented: "PresentedDocuments"
    answers: "AnswerCache"
    auth: "Authenticator"  # credentials: the keys tenant ids and issued keys derive from, hints
    setup_tasks: "list[SetupTaskViews]" = field(default_factory=list)
    collections: list[str] = field(default_factory=list)  # the store's names of the served collections


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
    app: AppContext
    format_suffix: str | None = None  # the URL's format suffix (`/things/1.json`), if any
    admin: bool = False  # a control call made with the admin token (or with none configured)

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


@dataclass(frozen=True, slots=True)
class RawContent:
    """Data that already is a body in a media type (a page, a script, a YAML document): an answer
    whose data is one goes out as it is, instead of being rendered as JSON."""

    body: bytes
    media_type: str


@dataclass
class ApiResponse:
    status: int = 200
    data: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[ApiRequest], ApiResponse | Awaitable[ApiResponse]]
