"""pytest plugin (the `pytest11` entry point `mockserver`): the fake as fixtures.

- `mockserver`: the fake in-process (no socket), a fresh tenant per test; the handle of
  mockserver/testing.py (`.client`, `.async_client`, `.url`, `.clock`, `.reset()`, `.state`,
  `.journal`, `.faults`, `.akinon`, `.akinon_auth`, `.datawiz_auth`, `.credentials`).
- `mockserver_live`: uvicorn in a thread on a free loopback port, one per session (per xdist
  worker), each test its own tenant; for code that must talk over a socket (requests, SDKs).
- `@pytest.mark.mockserver(api=..., auth="strict", users=..., tokens=..., fixtures=..., empty=True)`:
  settings for one test (a live test with its own settings gets a live fake of its own).
- `--mockserver-url URL` (or MOCKSERVER_URL): both fixtures act on the fake or deployment there,
  through the control API; against a real deployment the actions that need one raise NotAFake.
"""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mockserver.options import PREFIXES, PYTEST, Mistake, marker_values, resolve
from mockserver.testing import (
    Endpoint,
    MockserverHandle,
    at_url,
    handle_for,
    handle_token,
    in_process,
    live,
    settings_for,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    for option in PYTEST:  # read through the settings table: the variable is checked as the flag is
        group.addoption(option.flag, default=None, help=f"{option.help} (env {option.variable('')})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockserver(api='all', auth='open', users=(), tokens=(), fixtures=None, empty=False, ...): "
        "settings of the fake the mockserver fixtures give this test (any serve setting with a marker "
        "name in mockserver/options.py)",
    )
    given = {}
    for option in PYTEST:
        raw = config.getoption(option.dest)
        if raw is not None:
            given[option.dest] = _checked(option.check, raw, f"{option.flag} ")
    values = _checked(resolve, PYTEST, given, PREFIXES["pytest"])
    for dest, value in values.items():
        setattr(config.option, dest, value)


def _checked(read: Callable[..., Any], *arguments: Any) -> Any:
    """A mistake in a setting is pytest's usage error: one line, no traceback."""
    try:
        return read(*arguments)
    except Mistake as mistake:
        raise pytest.UsageError(f"mockserver: {mistake}") from None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every marker is checked before any test runs, as a flag would be."""
    for item in items:
        marker = item.get_closest_marker("mockserver")
        if marker is not None:
            _checked(_marker_values, marker, item.nodeid)


def _marker_values(marker: pytest.Mark, where: str) -> dict[str, Any]:
    if marker.args:
        raise Mistake(f"{where}: @pytest.mark.mockserver takes keyword arguments only")
    return marker_values(marker.kwargs, f"{where}: @pytest.mark.mockserver")


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    marker = request.node.get_closest_marker("mockserver")
    if marker is None:
        return None
    _checked(_marker_values, marker, request.node.nodeid)
    return dict(marker.kwargs)


def _remote(request: pytest.FixtureRequest) -> MockserverHandle | None:
    """A handle on the fake or deployment --mockserver-url names (its settings are its own: a
    marker's tokens say which credential to use there)."""
    url = request.config.getoption("mockserver_url")
    if not url:
        return None
    options = _marker_options(request) or {}
    tokens = options.get("tokens") or ()
    handle = at_url(url, tokens[0] if tokens else request.config.getoption("mockserver_token"))
    if handle.endpoint.is_fake:
        _fits(handle, options)
    return handle


def _fits(handle: MockserverHandle, options: dict[str, Any]) -> None:
    """A fake started elsewhere has settings of its own: a test whose marker asks for others runs
    only where they hold (as the fake reports itself), and says why it does not elsewhere."""
    health = handle.client.get("/__mockserver__/health").json()
    wanted = options.get("api", "all")
    wanted = () if wanted in ("all", None) else ((wanted,) if isinstance(wanted, str) else tuple(wanted))
    missing = [api for api in wanted if api not in health.get("apis", [])]
    reasons = [f"serves {health.get('apis')}, not {missing}"] if missing else []
    if options.get("auth") and options["auth"] != health.get("auth_mode"):
        reasons.append(f"runs in {health.get('auth_mode')} auth mode, not {options['auth']}")
    if reasons:
        handle.client.close()
        pytest.skip(
            f"the fake at {handle.url} " + " and ".join(reasons) + " (the test's marker asks for them)"
        )
    if options.get("empty"):
        handle.empty_after_reset = True


@pytest.fixture
def mockserver(request: pytest.FixtureRequest) -> Iterator[MockserverHandle]:
    """The fake in-process, a fresh tenant for this test."""
    remote = _remote(request)
    if remote is not None:
        yield from _fresh(remote)
        return
    handle, client = in_process(settings_for(**(_marker_options(request) or {})))
    try:
        yield handle
    finally:
        client.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _mockserver_live_url() -> Iterator[str]:
    with live(settings_for()) as url:
        yield url


@pytest.fixture
def mockserver_live(request: pytest.FixtureRequest) -> Iterator[MockserverHandle]:
    """The fake over a real loopback socket; each test its own tenant."""
    remote = _remote(request)
    if remote is not None:
        yield from _fresh(remote)
        return
    options = _marker_options(request)
    if options:  # settings of its own: a live fake of its own
        settings = settings_for(**options)
        with live(settings) as url:
            endpoint = Endpoint(url, httpx.Client(base_url=url))
            yield from _fresh(
                handle_for(endpoint, handle_token(settings), settings, settings.auth_mode == "strict")
            )
        return
    url = request.getfixturevalue("_mockserver_live_url")
    yield from _fresh(
        handle_for(Endpoint(url, httpx.Client(base_url=url)), handle_token(None), settings_for(), False)
    )


def _fresh(handle: MockserverHandle) -> Iterator[MockserverHandle]:
    """The handle, its tenant reset before and after the test on a fake (a configured token may be
    shared by tests); its clients closed after."""
    try:
        if handle.endpoint.is_fake:
            handle.reset()
            if handle.empty_after_reset:  # a marker's empty=True on a fake started elsewhere
                handle.state.empty()
        yield handle
        if handle.endpoint.is_fake:
            handle.reset()
    finally:
        handle.client.close()
