"""Shared test fixtures: an in-process fake with response validation on."""

import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from starlette.testclient import TestClient  # noqa: E402

from mockserver.app import create_app  # noqa: E402
from mockserver.settings import Settings  # noqa: E402

if TYPE_CHECKING:
    from tests.redis_server import RedisServer

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


@pytest.fixture(scope="session")
def redis_server() -> Iterator["RedisServer"]:
    """One real redis-server for the session, on a free loopback port; stopped at the end."""
    from tests.redis_server import session_redis_server

    yield session_redis_server()


@pytest.fixture
def redis_url(redis_server: "RedisServer") -> Iterator[str]:
    """A database of the session's redis-server, emptied before the test."""
    import redis

    url = redis_server.new_database_url()
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    connection.close()
    yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first. pytest-xdist's loadgroup hands out groups by size, then single tests in
    collection order: a long single test collected last leaves the other worker idle at the end."""
    items.sort(key=lambda item: item.get_closest_marker("starts_first") is None)
