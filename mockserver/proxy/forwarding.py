"""Forward one request byte-faithfully to the upstream and bring its answer back as bytes.

Method, raw path and query, body and headers go as the client sent them, hop-by-hop headers
aside; the answer's body is read raw (no decompression), so compression is neither added nor
removed. Every failure of the upstream becomes an UpstreamFault, never an exception."""

import asyncio
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

# RFC 9110 7.6.1 and the headers proxies have always treated so.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Set from the body actually sent (the whole body is read before it is forwarded).
_FRAMING = frozenset({b"content-length"})

Headers = list[tuple[bytes, bytes]]


@dataclass
class UpstreamAnswer:
    status: int
    headers: Headers  # as received, hop-by-hop ones left out
    body: bytes  # raw: still compressed if the upstream compressed it
    seconds: float

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None


@dataclass
class UpstreamFault:
    kind: str  # refused, timeout, reset, slow, error
    message: str
    seconds: float

    @property
    def status(self) -> int:
        """DRF-shaped answer's status: a gateway that waited too long says 504, else 502."""
        return 504 if self.kind in ("timeout", "slow") else 502


def end_to_end(headers: Headers) -> Headers:
    """The headers a proxy passes on: hop-by-hop ones and those named in Connection left out."""
    named: set[bytes] = set()
    for key, value in headers:
        if key.lower() == b"connection":
            named |= {part.strip().lower() for part in value.split(b",")}
    return [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP and k.lower() not in named]


def _verify(ca_file: Path | None) -> ssl.SSLContext | bool:
    return ssl.create_default_context(cafile=str(ca_file)) if ca_file else True


class Upstream:
    """One deployment, reached through one connection pool."""

    def __init__(
        self, base_url: str, ca_file: Path | None = None, timeout: float = 30.0, own_host: bool = False
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"upstream must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.netloc = parts.netloc
        self.prefix = parts.path.rstrip("/").encode()
        self.timeout = timeout
        self.own_host = own_host
        self.client = httpx.AsyncClient(
            verify=_verify(ca_file), timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
        )
        # httpx's own defaults (Accept-Encoding, User-Agent, ...) would change what the client sent.
        self.client.headers.clear()

    async def close(self) -> None:
        await self.client.aclose()

    def url(self, raw_path: bytes, query: bytes) -> httpx.URL:
        target = self.prefix + raw_path + (b"?" + query if query else b"")
        return httpx.URL(self.origin).copy_with(raw_path=target)

    def outgoing_headers(self, headers: Headers) -> Headers:
        kept = [(k, v) for k, v in end_to_end(headers) if k.lower() not in _FRAMING]
        if self.own_host:
            kept = [(k, v) for k, v in kept if k.lower() != b"host"]
            kept.insert(0, (b"host", self.netloc.encode()))
        return kept

    async def forward(
        self, method: str, raw_path: bytes, query: bytes, headers: Headers, body: bytes
    ) -> UpstreamAnswer | UpstreamFault:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.timeout):
                return await self._exchange(method, raw_path, query, headers, body, started)
        except TimeoutError:
            return UpstreamFault(
                "slow", f"no complete answer within {self.timeout:g} s", time.monotonic() - started
            )
        except httpx.ConnectTimeout:
            return UpstreamFault("timeout", "connecting timed out", time.monotonic() - started)
        except httpx.TimeoutException as error:
            return UpstreamFault("timeout", f"timed out ({type(error).__name__})", time.monotonic() - started)
        except httpx.ConnectError as error:
            return UpstreamFault("refused", f"could not connect: {error}", time.monotonic() - started)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            return UpstreamFault(
                "reset", f"the connection broke: {error or type(error).__name__}", time.monotonic() - started
            )
        except httpx.HTTPError as error:
            return UpstreamFault("error", f"{type(error).__name__}: {error}", time.monotonic() - started)

    async def _exchange(
        self, method: str, raw_path: bytes, query: bytes, headers: Headers, body: bytes, started: float
    ) -> UpstreamAnswer:
        request = self.client.build_request(
            method, self.url(raw_path, query), headers=self.outgoing_headers(headers), content=body or None
        )
        response = await self.client.send(request, stream=True)
        try:
            chunks = [chunk async for chunk in response.aiter_raw()]
        finally:
            await response.aclose()
        return UpstreamAnswer(
            response.status_code,
            end_to_end(list(response.headers.raw)),
            b"".join(chunks),
            time.monotonic() - started,
        )
