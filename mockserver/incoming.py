"""The request as the fake reads it: a light view of the ASGI scope, decoded once, lazily."""

import re
from functools import lru_cache
from urllib.parse import parse_qsl

from starlette.datastructures import URL
from starlette.types import Receive, Scope

# The Host headers clients send (name or IPv4, optional port) need none of Starlette's checks.
_SIMPLE_HOST = re.compile(r"[A-Za-z0-9.-]+(?::([1-9][0-9]{0,4}))?\Z")


@lru_cache(maxsize=256)
def _simple_base_url(scheme: str, host: str) -> str | None:
    """scheme://host for a Host header clients send (a client sends the same one every time)."""
    simple = _SIMPLE_HOST.match(host)
    if simple is not None and (simple.group(1) is None or int(simple.group(1)) <= 65535):
        return f"{scheme}://{host}"
    return None


class ClientDisconnected(Exception):
    """The client went away before its body arrived."""


class IncomingRequest:
    """The parts of an ASGI request the fake reads, decoded once and only when asked for.

    Starlette's Request builds URL and header objects on every access; on the hot path the
    dispatcher needs only the method, the path, a few headers and the body.
    """

    __slots__ = (
        "_base_url",
        "_full_url",
        "_query",
        "_receive",
        "_url",
        "body_read",
        "headers",
        "method",
        "path",
        "query_string",
        "raw_body",
        "scope",
    )

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self._receive = receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: str = scope.get("query_string", b"").decode("latin-1")
        # Lower-case names; the first of repeated headers wins, as with Starlette's Headers.get.
        self.headers: dict[str, str] = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in reversed(scope["headers"])
        }
        self._query: dict[str, str] | None = None
        self._url: URL | None = None
        self.raw_body = b""  # the body as received, once it has been read
        self.body_read = False  # whether reading it began (a body is received once)
        self._base_url: str | None = None
        self._full_url: str | None = None

    @property
    def query(self) -> dict[str, str]:
        """The query parameters; the last of repeated names wins, as Django's QueryDict.get."""
        if self._query is None:
            text = self.query_string
            self._query = dict(parse_qsl(text, keep_blank_values=True)) if text else {}
        return self._query

    @property
    def url(self) -> URL:
        if self._url is None:
            self._url = URL(scope=self.scope)
        return self._url

    @property
    def base_url(self) -> str:
        """scheme://host[:port] exactly as the client addressed this server."""
        if self._base_url is None:
            self._base_url = self._read_base_url()
        return self._base_url

    def _read_base_url(self) -> str:
        host = self.headers.get("host")
        if host is not None:
            simple = _simple_base_url(self.scope.get("scheme", "http"), host)
            if simple is not None:
                return simple
        url = self.url  # anything unusual: Starlette's own rules
        return f"{url.scheme}://{url.netloc}"

    @property
    def full_url(self) -> str:
        """The absolute URL of this request, as Starlette's URL would give it."""
        if self._full_url is None:
            self._full_url = self._read_full_url()
        return self._full_url

    def _read_full_url(self) -> str:
        if self._url is not None or self.headers.get("host") is None:
            return str(self.url)
        path = self.path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
        raw_query: bytes = self.scope.get("query_string", b"")
        try:
            query = raw_query.decode()
        except UnicodeDecodeError:
            query = raw_query.decode("latin-1")
        return self.base_url + path + ("?" + query if query else "")

    async def chunk(self) -> tuple[bytes, bool]:
        """The next piece of the body and whether more follows (no async generator: cheaper)."""
        message = await self._receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected()
        return message.get("body", b""), message.get("more_body", False)
