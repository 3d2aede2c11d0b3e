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
    cause: str  # refused, timeout, reset, slow, error
    message: str
    seconds: float

    @property
    def status(self) -> int:
        """DRF-shaped answer's status: a gateway that waited too long says 504, else 502."""
        return 504 if self.cause in ("timeout", "slow") else 502


def end_to_end(headers: Headers, also: frozenset[bytes] = frozenset()) -> Headers:
    """The headers a proxy passes on: hop-by-hop ones, those named in Connection and `also` left
    out (one lower-casing per header: this runs twice on every exchange)."""
    dropped = HOP_BY_HOP | also
    for key, value in headers:
        if key.lower() == b"connection":
            dropped = dropped | {part.strip().lower() for part in value.split(b",")}
    return [(k, v) for k, v in headers if k.lower() not in dropped]


def _ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


class BrokenConnection(Exception):
    """The upstream closed or reset the connection before its answer was complete."""

    def __init__(self, message: str, answered: bool) -> None:
        super().__init__(message)
        self.answered = answered  # whether any byte of an answer had arrived


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def close(self) -> None:
        self.writer.close()


# A pool this size covers the clients a proxy in front of staging serves at once; more are opened
# as needed and closed after use.
IDLE_KEPT = 32
_NO_BODY_STATUSES = frozenset({204, 304})


def _head(raw: bytes) -> tuple[int, Headers, bool]:
    """(status, headers with lower-case names, whether the connection may be kept) of an
    answer's head."""
    lines = raw.split(b"\r\n")
    version, _, rest = lines[0].partition(b" ")
    status = int(rest[:3])
    headers: Headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(b":")
            headers.append((name.strip().lower(), value.strip()))
    connection = b",".join(v for k, v in headers if k == b"connection").lower()
    keep = b"close" not in connection and (version != b"HTTP/1.0" or b"keep-alive" in connection)
    return status, headers, keep


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    """A chunked body, de-chunked (the framing is hop-by-hop); trailers are read and dropped."""
    chunks = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


class Upstream:
    """One deployment, reached over kept-alive HTTP/1.1 connections of its own: a request is
    written as the client sent it and the answer read raw, with nothing a client library would
    add or undo (httpx's pool also cost a proxied exchange several milliseconds under load)."""

    def __init__(
        self, base_url: str, ca_file: Path | None = None, timeout: float = 30.0, own_host: bool = False
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"upstream must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.netloc = parts.netloc
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = _ssl_context(ca_file) if parts.scheme == "https" else None
        self.prefix = parts.path.rstrip("/").encode()
        self.timeout = timeout
        self.own_host = own_host
        self._idle: list[_Connection] = []

    async def close(self) -> None:
        while self._idle:
            self._idle.pop().close()

    def outgoing_headers(self, headers: Headers) -> Headers:
        if self.own_host:
            return [(b"host", self.netloc.encode()), *end_to_end(headers, _FRAMING | {b"host"})]
        kept = end_to_end(headers, _FRAMING)
        if not any(k.lower() == b"host" for k, _ in kept):
            kept.insert(0, (b"host", self.netloc.encode()))
        return kept

    def request_bytes(
        self, method: str, raw_path: bytes, query: bytes, headers: Headers, body: bytes
    ) -> bytes:
        target = self.prefix + raw_path + (b"?" + query if query else b"")
        lines = [method.encode() + b" " + target + b" HTTP/1.1"]
        lines += [k + b": " + v for k, v in self.outgoing_headers(headers)]
        if body or method not in ("GET", "HEAD", "OPTIONS", "DELETE", "TRACE"):
            lines.append(b"content-length: " + str(len(body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + body

    async def forward(
        self, method: str, raw_path: bytes, query: bytes, headers: Headers, body: bytes
    ) -> UpstreamAnswer | UpstreamFault:
        started = time.monotonic()
        request = self.request_bytes(method, raw_path, query, headers, body)
        try:
            async with asyncio.timeout(self.timeout):
                return await self._exchange(method, request, started)
        except TimeoutError:
            return UpstreamFault(
                "slow", f"no complete answer within {self.timeout:g} s", time.monotonic() - started
            )
        except ConnectionRefusedError as error:
            return UpstreamFault("refused", f"could not connect: {error}", time.monotonic() - started)
        except BrokenConnection as error:
            return UpstreamFault("reset", f"the connection broke: {error}", time.monotonic() - started)
        except (ssl.SSLError, OSError, ValueError) as error:
            cause = (
                "refused" if isinstance(error, OSError) and not isinstance(error, ssl.SSLError) else "error"
            )
            return UpstreamFault(cause, f"{type(error).__name__}: {error}", time.monotonic() - started)

    async def _connect(self) -> _Connection:
        reader, writer = await asyncio.open_connection(
            self.host, self.port, ssl=self.ssl, server_hostname=self.host if self.ssl else None, limit=2**20
        )
        return _Connection(reader, writer)

    async def _exchange(self, method: str, request: bytes, started: float) -> UpstreamAnswer:
        while self._idle:
            # A kept connection the upstream has closed meanwhile fails before any answer: the
            # request was not taken, so it goes again on a fresh one.
            connection = self._idle.pop()
            try:
                return await self._send(connection, method, request, started)
            except BrokenConnection as error:
                if error.answered:
                    raise
        return await self._send(await self._connect(), method, request, started)

    async def _send(
        self, connection: _Connection, method: str, request: bytes, started: float
    ) -> UpstreamAnswer:
        answered = False
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            while True:
                raw = await connection.reader.readuntil(b"\r\n\r\n")
                answered = True
                status, headers, keep = _head(raw[:-4])
                if not 100 <= status < 200 or status == 101:
                    break  # an interim answer (100 Continue) is followed by the real one
            lengths = [v for k, v in headers if k == b"content-length"]
            chunked = any(k == b"transfer-encoding" and b"chunked" in v.lower() for k, v in headers)
            if method == "HEAD" or status in _NO_BODY_STATUSES:
                body = b""
            elif chunked:
                body = await _chunked(connection.reader)
            elif lengths:
                body = await connection.reader.readexactly(int(lengths[0]))
            else:
                body, keep = await connection.reader.read(), False  # delimited by the close
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError) as error:
            connection.close()
            raise BrokenConnection(str(error) or type(error).__name__, answered) from None
        except BaseException:
            connection.close()
            raise
        if keep and len(self._idle) < IDLE_KEPT:
            self._idle.append(connection)
        else:
            connection.close()
        return UpstreamAnswer(status, end_to_end(headers), body, time.monotonic() - started)
