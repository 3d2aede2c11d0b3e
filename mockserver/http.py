"""What a handler receives and returns: plain values, no HTTP parsing or rendering."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from mockserver.incoming import IncomingRequest
from mockserver.settings import Settings
from mockserver.spec.catalogue import Catalogue
from mockserver.spec.loader import Operation, PathItem
from mockserver.store.base import Store


class Identity(NamedTuple):  # a tuple: built on every request, cheaper than a frozen dataclass
    """Who made a request, as its credential says (mockserver/auth/ authenticates it)."""

    tenant: str
    user: str | None
    scheme: str


class Credentials(Protocol):
    """The app's credentials as handlers use them (mockserver.auth.Authenticator)."""

    keys: Any  # the CredentialKeys tenant ids and issued keys derive from (mockserver/auth/keys.py)

    def hint(self, tenant: str) -> str | None: ...


class Tenants(Protocol):
    """How a handler makes sure a tenant exists, seeded as every new tenant is."""

    def ensure_tenant(self, tenant: str) -> None: ...
    def initial_tenant_state(self) -> dict[str, Any]: ...


@dataclass(slots=True)
class AppContext:
    """What the app shares with every handler, each under its own name and type."""

    catalogue: Catalogue  # what is served: the specs, their collections and setup tasks
    tenants: Tenants
    auth: Credentials


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
class RawBody:
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
