"""The proxy in front of an upstream app, both served by uvicorn on free loopback ports."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mockserver.app import create_app
from mockserver.proxy.app import ProxyApp
from mockserver.proxy.settings import ProxySettings
from mockserver.settings import Settings
from tests.live_server import live_server

STRICT_KEY = "proxy-strict-key"  # the one credential the strict fake accepts


def strict_fake() -> Any:
    """The fake the proxy's drift tests put upstream (the `fake` fixture, tests/proxy/conftest.py):
    strict auth with one key, the address task ending at its second poll with no time to wait."""
    return create_app(
        Settings(
            auth_mode="strict",
            tokens=(STRICT_KEY,),
            task_seconds=(("addresses", 0),),
            task_polls=(("addresses", 2),),
        )
    )


@dataclass
class Proxied:
    base: str  # the proxy's base URL: what clients are pointed at
    upstream: str
    proxy: ProxyApp

    def kinds(self) -> set[str]:
        return {v.kind for v in self.proxy.violations.all()}

    def describe(self) -> str:
        return "\n".join(v.log_line() for v in self.proxy.violations.all())


@contextmanager
def proxied(upstream_app: Any, **settings: Any) -> Iterator[Proxied]:
    """Yields while both serve; the proxy's reports and recording are written when it stops."""
    with live_server(upstream_app) as upstream:
        app = ProxyApp(ProxySettings(upstream=upstream, **settings))
        with live_server(app) as base:  # type: ignore[arg-type]
            yield Proxied(base, upstream, app)
