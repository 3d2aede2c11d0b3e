"""Shared test fixtures: an in-process fake with response validation on."""

import warnings
from collections.abc import Callable, Iterator

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from starlette.testclient import TestClient  # noqa: E402

from mockserver.app import create_app  # noqa: E402
from mockserver.settings import Settings  # noqa: E402

AKINON_TOKEN = {"Authorization": "Token test-key-1"}
DATAWIZ_BEARER = {"Authorization": "Bearer test-token-1"}


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    """Build a client for a fresh fake; keyword arguments become Settings."""
    clients: list[TestClient] = []

    def build(**overrides: object) -> TestClient:
        settings = Settings(validate_responses=True, **overrides)  # type: ignore[arg-type]
        client = TestClient(create_app(settings))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
