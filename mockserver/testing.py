"""The fake inside a test: a handle on one tenant of a fake, in-process, over a socket, or at a URL.

    from mockserver.testing import running

    with running(api="akinon") as fake:                  # uvicorn in a thread, a free loopback port
        requests.post(fake.url + "/api/v1/oms/setup/addresses/execute/", headers=fake.akinon_auth)
        fake.clock.advance(5)

The pytest plugin (mockserver/pytest_plugin.py) gives the same handle as the `mockserver` and
`mockserver_live` fixtures. Every action goes through the control API with the tenant's own
credential, so the handle works the same against an in-process app, a live server, or a fake
started elsewhere (`--mockserver-url`); against a real deployment, which has no control API, the
actions that need one say so instead of failing obscurely.
"""

import secrets
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from mockserver.apis import catalogue
from mockserver.app import create_app
from mockserver.settings import Settings

CONTROL = "/__mockserver__"


class NotAFake(RuntimeError):
    """An action that needs the fake's control API, asked of a deployment that has none."""


@dataclass(frozen=True)
class Endpoint:
    """Where the handle's requests go and whether a fake's control API answers there."""

    url: str
    client: httpx.Client
    is_fake: bool = True
    async_client_factory: Any = None  # () -> httpx.AsyncClient bound to the same place


class _Part:
    def __init__(self, handle: "MockserverHandle") -> None:
        self._handle = handle


class Clock(_Part):
    """This tenant's virtual clock: moving it never moves another tenant's time (another test's,
    another xdist worker's), and a frozen one moves only when advanced.

    A client that logged in as a user (an SDK's login) has that user's tenant: pass the
    Authorization it sends as `auth` to move that tenant's clock instead."""

    def _call(self, method: str, path: str, auth: dict[str, str] | None, **options: Any) -> dict[str, Any]:
        return self._handle.control(method, path, as_tenant=auth, **options)

    def advance(self, seconds: float, auth: dict[str, str] | None = None) -> dict[str, Any]:
        return self._call("POST", "/clock/advance", auth, json={"seconds": seconds})

    def freeze(self, auth: dict[str, str] | None = None) -> dict[str, Any]:
        return self._call("POST", "/clock/freeze", auth)

    def release(self, auth: dict[str, str] | None = None) -> dict[str, Any]:
        return self._call("POST", "/clock/release", auth)

    def now(self, auth: dict[str, str] | None = None) -> float:
        return float(self._call("GET", "/clock", auth)["now"])


class State(_Part):
    """The tenant's state as plain JSON: dump it, load it back (or load a fixture of your own)."""

    def dump(self) -> dict[str, Any]:
        return self._handle.control("GET", "/state")

    def load(self, state: dict[str, Any]) -> None:
        self._handle.control("PUT", "/state", json=state)

    def empty(self) -> None:
        """No fixtures: every collection empty, the setup catalogues empty."""
        self._handle.control("POST", "/fixtures", json={"empty": True})

    def fixtures(self) -> None:
        """Back to the fixtures every new tenant starts with."""
        self._handle.control("POST", "/fixtures", json={})


class Journal(_Part):
    """The requests this tenant made, newest first, filtered as the control API filters."""

    def __call__(
        self,
        *,
        operation_id: str | None = None,
        method: str | None = None,
        status: int | None = None,
        path: str | None = None,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        query = {
            "operation_id": operation_id,
            "method": method,
            "status": status,
            "path": path,
            "limit": limit,
        }
        params = {k: str(v) for k, v in query.items() if v is not None}
        return self._handle.control("GET", "/journal", params=params)["entries"]

    def clear(self) -> int:
        return int(self._handle.control("DELETE", "/journal")["cleared"])


class Faults(_Part):
    """Latency and forced statuses on one operation, for this tenant only."""

    def set(
        self,
        operation_id: str,
        *,
        status: int | None = None,
        latency_ms: int | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> dict[str, Any]:
        rule = {"status": status, "latency_ms": latency_ms, "times": times, "probability": probability}
        body = {k: v for k, v in rule.items() if v is not None}
        return self._handle.control("PUT", f"/faults/{operation_id}", json=body)

    def list(self) -> list[dict[str, Any]]:
        return self._handle.control("GET", "/faults")["faults"]

    def clear(self, operation_id: str | None = None) -> int:
        params = {"operation_id": operation_id} if operation_id else None
        return int(self._handle.control("DELETE", "/faults", params=params)["cleared"])


class Akinon(_Part):
    """The Akinon address setup's scripting: how the next tasks end, and the catalogues."""

    def next_outcomes(self, outcomes: list[str]) -> list[str]:
        return self._handle.control("POST", "/akinon/next-outcomes", json={"outcomes": outcomes})[
            "next_outcomes"
        ]

    def addresses(self) -> dict[str, Any]:
        return self._handle.control("GET", "/akinon/addresses")

    def task_settings(self, *, duration_seconds: float | None = None, polls: int | None = None) -> dict:
        body = {"duration_seconds": duration_seconds, "polls": polls}
        return self._handle.control(
            "PUT", "/akinon/task-settings", json={k: v for k, v in body.items() if v is not None}
        )


@cache
def _api_keyword(api: str, specs_dir: Path | None) -> str:
    """The keyword the API's spec declares its key is sent with (spec/security.py)."""
    return catalogue(specs_dir).api(api).auth_keyword


@dataclass
class MockserverHandle:
    """One tenant of a fake: its URL, clients, the credentials that reach it, and its controls."""

    endpoint: Endpoint
    token: str  # the credential of this tenant: `Token <token>` (Akinon), `Bearer <token>` (Datawiz)
    settings: Settings | None = None  # the fake's settings, when this process started it
    # A tenant of its own when the token is shared (a strict fake's configured token, a remote one):
    # the fake names the tenant by this namespace once the credential is valid.
    namespace: str | None = None
    empty_after_reset: bool = False
    _async_clients: list[httpx.AsyncClient] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.clock = Clock(self)
        self.state = State(self)
        self.journal = Journal(self)
        self.faults = Faults(self)
        self.akinon = Akinon(self)

    @property
    def url(self) -> str:
        return self.endpoint.url

    @property
    def client(self) -> httpx.Client:
        """An httpx client bound to the fake (relative URLs); add the credentials you mean to send."""
        return self.endpoint.client

    @property
    def async_client(self) -> httpx.AsyncClient:
        if self.endpoint.async_client_factory is None:
            client = httpx.AsyncClient(base_url=self.url)
        else:
            client = self.endpoint.async_client_factory()
        self._async_clients.append(client)
        return client

    def _tenant_headers(self, keyword: str) -> dict[str, str]:
        headers = {"Authorization": f"{keyword} {self.token}"}
        if self.namespace:
            headers["X-Mockserver-Namespace"] = self.namespace
        return headers

    def _keyword(self, api: str) -> str:
        return _api_keyword(api, self.settings.specs_dir if self.settings else None)

    @property
    def akinon_auth(self) -> dict[str, str]:
        """Headers that reach this tenant on the Akinon API."""
        return self._tenant_headers(self._keyword("akinon"))

    @property
    def datawiz_auth(self) -> dict[str, str]:
        """Headers that reach this tenant on the Datawiz API."""
        return self._tenant_headers(self._keyword("datawiz"))

    @property
    def credentials(self) -> dict[str, Any]:
        """What works: this tenant's token, the headers per API, and the users of a strict fake."""
        users = dict(self.settings.users) if self.settings else {}
        return {"token": self.token, "akinon": self.akinon_auth, "datawiz": self.datawiz_auth, "users": users}

    def control(self, method: str, path: str, as_tenant: dict[str, str] | None = None, **options: Any) -> Any:
        """A control API call acting on this tenant (its credential names it), or on the tenant the
        headers `as_tenant` name (another client's Authorization)."""
        if not self.endpoint.is_fake:
            raise NotAFake(
                f"{method} {CONTROL}{path} needs a mockserver fake; {self.url} is a real deployment, which "
                "has no control API (its clock, faults, journal and state cannot be driven from a test)."
            )
        headers = {**(as_tenant or self.akinon_auth), **options.pop("headers", {})}
        answer = self.client.request(method, CONTROL + path, headers=headers, **options)
        if answer.status_code >= 400:
            raise AssertionError(f"{method} {CONTROL}{path} answered {answer.status_code}: {answer.text}")
        return answer.json()

    def reset(self) -> None:
        """Forget this tenant's data: the next request starts it again from the fixtures."""
        self.control("POST", "/reset")

    async def aclose(self) -> None:
        for client in self._async_clients:
            await client.aclose()


def new_token() -> str:
    """A credential no other test uses, so every handle has a tenant of its own."""
    return f"mockserver-test-{secrets.token_hex(8)}"


def settings_for(**arguments: Any) -> Settings:
    """Settings from the keyword arguments the marker and `running` take (api, auth, users,
    tokens, fixtures, empty, ...: every serve setting with a marker name in mockserver/options.py),
    each checked as its flag is; a mistake raises options.Mistake, one line."""
    from mockserver.options import marker_values, settings_from

    return settings_from(marker_values(arguments, "mockserver settings"))


def handle_token(settings: Settings | None) -> str:
    """A strict fake accepts only its configured tokens: the handle uses the first one."""
    if settings is not None and settings.auth_mode == "strict":
        if not settings.tokens:
            raise ValueError(
                "a strict fake for a test needs tokens=(...): the handle's requests and control calls "
                "use the first (users=... are for the code under test to log in with)"
            )
        return settings.tokens[0]
    return new_token()


def handle_for(endpoint: Endpoint, token: str, settings: Settings | None, shared: bool) -> MockserverHandle:
    """A handle with a tenant of its own: a shared token gets a namespace no other handle uses."""
    namespace = f"mockserver-test-{secrets.token_hex(6)}" if shared else None
    return MockserverHandle(endpoint, token, settings, namespace)


def asgi_client(app: Any, **options: Any) -> Any:
    """A synchronous httpx client calling `app` in this process (Starlette's TestClient).

    Importing it makes Starlette announce its own move away from httpx: a notice for Starlette's
    users, not for a user of this fake, so it is kept out of their run (where `-W error` would make
    it an error)."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from starlette.testclient import TestClient

    return TestClient(app, **options)


def in_process(settings: Settings) -> tuple[MockserverHandle, Any]:
    """The fake in this process, no socket: returns the handle and the TestClient to close."""
    app = create_app(settings)
    client = asgi_client(app)
    client.__enter__()  # runs the lifespan (a state file is loaded)

    def async_client() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    endpoint = Endpoint("http://testserver", client, True, async_client)
    return handle_for(endpoint, handle_token(settings), settings, settings.auth_mode == "strict"), client


def probe(url: str, client: httpx.Client) -> bool:
    """Whether a mockserver fake answers at the URL (a real deployment has no control API)."""
    try:
        answer = client.get(CONTROL + "/health", timeout=5)
    except httpx.HTTPError as error:
        raise RuntimeError(f"mockserver: nothing answers at {url} ({error.__class__.__name__})") from None
    return (
        answer.status_code == 200
        and answer.headers.get("content-type", "").startswith("application/json")
        and (answer.json().get("status") == "ok")
    )


def at_url(url: str, token: str | None = None) -> MockserverHandle:
    """A handle on a fake started elsewhere, or on a real deployment (reads only then); a token
    given is shared by every test, so each handle names a tenant of its own beside it."""
    client = httpx.Client(base_url=url.rstrip("/"), timeout=30)
    endpoint = Endpoint(url.rstrip("/"), client, probe(url, client))
    return handle_for(endpoint, token or new_token(), None, token is not None)


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as probe_socket:
        probe_socket.bind((host, 0))
        return probe_socket.getsockname()[1]


@contextmanager
def live(settings: Settings, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """uvicorn serving the fake in a thread; yields its URL, stops it on the way out."""
    port = port or free_port(host)
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"mockserver:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"mockserver did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextmanager
def running(
    api: str | tuple[str, ...] = "all",
    auth: str = "open",
    port: int = 0,
    host: str = "127.0.0.1",
    **options: Any,
) -> Iterator[MockserverHandle]:
    """A threaded live fake and a handle on a tenant of it, for unittest and scripts (as moto's
    ThreadedMotoServer): `with running(api="datawiz") as fake: ...`."""
    settings = settings_for(api=api, auth=auth, **options)
    with live(settings, host, port) as url:
        client = httpx.Client(base_url=url, timeout=30)
        handle = handle_for(Endpoint(url, client, True), handle_token(settings), settings, auth == "strict")
        try:
            yield handle
        finally:
            client.close()
