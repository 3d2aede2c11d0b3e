"""One exchange as the proxy saw it: what the client sent and what the upstream answered."""

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, unquote

import orjson

from mockserver.masking import mask_header
from mockserver.proxy.forwarding import Headers
from mockserver.spec.loader import Operation
from mockserver.spec.routing import RouteMatch
from mockserver.store.journal import curl_command

NOT_JSON: Any = object()  # a body that is absent or does not parse as JSON
T = TypeVar("T")


class once(Generic[T]):
    """functools.cached_property without its lock (Python 3.11 takes one on every first read):
    an exchange is checked by one task, and each of its views is read several times."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute, self.name = compute, compute.__name__

    def __get__(self, exchange: Any, owner: type | None = None) -> T:
        value = self.compute(exchange)
        exchange.__dict__[self.name] = value  # later reads find the value, not this descriptor
        return value


def _headers(raw: Headers) -> dict[str, str]:
    """Lower-case names; a repeated header's values joined, as HTTP allows."""
    once_each = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in raw}
    if len(once_each) == len(raw):
        return once_each  # no name repeated: the usual case, in one pass
    joined: dict[str, str] = {}
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        joined[name] = f"{joined[name]}, {text}" if name in joined else text
    return joined


def decoded(body: bytes, encoding: str | None) -> bytes | None:
    """The body without its content coding, for checking only (it is forwarded as received);
    None for a coding the proxy cannot read."""
    coding = (encoding or "identity").strip().lower()
    try:
        if coding == "identity":
            return body
        if coding in ("gzip", "x-gzip"):
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if coding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except zlib.error:
        return None
    return None


def parse_json(body: bytes | None) -> Any:
    if not body:
        return NOT_JSON
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return NOT_JSON


@dataclass
class Exchange:
    sequence: int
    method: str
    raw_path: bytes
    query_string: bytes
    request_headers_raw: Headers
    request_body: bytes
    client_base: str  # scheme://host the client asked for
    status: int = 0
    response_headers_raw: Headers = field(default_factory=list)
    response_body: bytes = b""
    tenant: str | None = None
    operation: Operation | None = None
    match: RouteMatch | None = None
    api: str | None = None
    cleaned: Any = NOT_JSON  # the request body as the spec's serializer cleaned it, when it did

    @once
    def path(self) -> str:
        return unquote(self.raw_path.decode("latin-1"))

    @once
    def query(self) -> dict[str, str]:
        # Django's QueryDict.get: the last value of a repeated parameter.
        return dict(parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True))

    @once
    def request_headers(self) -> dict[str, str]:
        return _headers(self.request_headers_raw)

    @once
    def tenant_hint(self) -> str | None:
        """The masked credential people recognise their own by: made only when a violation or
        the recording needs it."""
        authorization = self.request_headers.get("authorization")
        return mask_header(authorization) if authorization else None

    @once
    def response_headers(self) -> dict[str, str]:
        return _headers(self.response_headers_raw)

    @once
    def media_type(self) -> str | None:
        content_type = self.response_headers.get("content-type")
        return content_type.split(";")[0].strip().lower() if content_type else None

    @once
    def response_plain(self) -> bytes | None:
        return decoded(self.response_body, self.response_headers.get("content-encoding"))

    @once
    def response_json(self) -> Any:
        return parse_json(self.response_plain) if self.media_type == "application/json" else NOT_JSON

    @once
    def request_json(self) -> Any:
        sent = self.request_headers.get("content-type", "application/json").split(";")[0].strip().lower()
        return parse_json(self.request_body) if sent == "application/json" else NOT_JSON

    @property
    def target(self) -> str:
        query = self.query_string.decode("latin-1")
        return self.raw_path.decode("latin-1") + (f"?{query}" if query else "")

    @property
    def url(self) -> str:
        return self.client_base + self.target

    @property
    def operation_id(self) -> str | None:
        return self.operation.operation_id if self.operation else None

    def curl(self) -> str:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.request_headers_raw]
        return curl_command(self.method, self.url, headers, self.request_body)
