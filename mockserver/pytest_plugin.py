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

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.testing import MockserverHandle, Target, at_url, handle_token, in_process, live, settings_for

URL_ENV = "MOCKSERVER_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    group.addoption(
        "--mockserver-url",
        default=os.environ.get(URL_ENV),
        help="run the mockserver fixtures against the fake or deployment at this URL (env MOCKSERVER_URL)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockserver(api='all', auth='open', users=(), tokens=(), fixtures=None, empty=False): "
        "settings of the fake the mockserver fixtures give this test",
    )


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    marker = request.node.get_closest_marker("mockserver")
    if marker is None:
        return None
    if marker.args:
        raise pytest.UsageError("@pytest.mark.mockserver takes keyword arguments only")
    return dict(marker.kwargs)


def _remote(request: pytest.FixtureRequest) -> MockserverHandle | None:
    """A handle on the fake or deployment --mockserver-url names (its settings are its own: a
    marker's tokens say which credential to use there)."""
    url = request.config.getoption("mockserver_url")
    if not url:
        return None
    tokens = (_marker_options(request) or {}).get("tokens") or ()
    return at_url(url, tokens[0] if tokens else None)


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
            yield from _fresh(
                MockserverHandle(Target(url, httpx.Client(base_url=url)), handle_token(settings), settings)
            )
        return
    url = request.getfixturevalue("_mockserver_live_url")
    yield from _fresh(
        MockserverHandle(Target(url, httpx.Client(base_url=url)), handle_token(None), settings_for())
    )


def _fresh(handle: MockserverHandle) -> Iterator[MockserverHandle]:
    """The handle, its tenant reset before and after the test on a fake (a configured token may be
    shared by tests); its clients closed after."""
    try:
        if handle.target.is_fake:
            handle.reset()
        yield handle
        if handle.target.is_fake:
            handle.reset()
    finally:
        handle.client.close()
