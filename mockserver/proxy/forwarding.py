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


# A pool this size covers the clients a proxy in front of staging serves at once; more are opened
# as needed and closed after use.
IDLE_KEPT = 32
_NO_BODY_STATUSES = frozenset({204, 304})
HEAD_LIMIT = 2**20  # an answer's head (status line and headers) longer than this is refused


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


@dataclass
class _Answer:
    status: int
    headers: Headers
    body: bytes
    keep: bool


class _Chunks:
    """A chunked body, de-chunked as its bytes arrive (the framing is hop-by-hop); trailers are
    read and dropped."""

    def __init__(self) -> None:
        self.pending = bytearray()
        self.size: int | None = None  # of the chunk being read; None while its size line is awaited
        self.trailers = False
        self.chunks: list[bytes] = []

    def feed(self, data: bytes) -> tuple[bytes, bytes] | None:
        """(the body, bytes after it) once the last chunk and the trailers are in, else None."""
        pending = self.pending
        pending += data
        while True:
            if self.size is None:
                end = pending.find(b"\r\n")
                if end < 0:
                    if len(pending) > HEAD_LIMIT:
                        raise ValueError("a chunk size line longer than the head limit")
                    return None
                line = bytes(pending[:end])
                del pending[: end + 2]
                if self.trailers:
                    if not line:
                        return b"".join(self.chunks), bytes(pending)
                    continue
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    self.trailers = True
                else:
                    self.size = size
            else:
                if len(pending) < self.size + 2:
                    return None
                self.chunks.append(bytes(pending[: self.size]))
                del pending[: self.size + 2]
                self.size = None


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection to the upstream, one answer at a time: the answer is parsed from
    the bytes as they arrive (no stream reader, no task woken per read), and a future is resolved
    when it is complete."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.waiter: asyncio.Future[_Answer] | None = None
        self._begin(False)

    def _begin(self, head_only: bool) -> None:
        self.head_only = head_only
        self.answered = False  # a byte of the answer arrived: the request was taken
        self.buffer = b""  # the head, while it is incomplete
        self.status = 0
        self.headers: Headers = []
        self.keep = True
        self.length = -1  # the body's declared length; -1 once the head is read: until the close
        self.chunked: _Chunks | None = None
        self.pieces: list[bytes] = []  # of the body
        self.received = 0
        self.head_read = False

    # asyncio.Protocol -----------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            self.close()  # bytes no request asked for: the connection cannot be trusted again
            return
        self.answered = True
        try:
            answer = self._feed(data)
        except ValueError as error:
            self.close()
            waiter.set_exception(error)
            return
        if answer is not None:
            waiter.set_result(answer)

    def eof_received(self) -> bool:
        return False  # the transport closes itself; connection_lost settles the answer

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        if self.head_read and self.length == -1 and self.chunked is None:
            waiter.set_result(_Answer(self.status, self.headers, b"".join(self.pieces), False))
        else:
            message = str(exc) if exc else "the upstream closed the connection before its answer was complete"
            waiter.set_exception(BrokenConnection(message or type(exc).__name__, self.answered))

    # one answer -----------------------------------------------------------------------------
    def _feed(self, data: bytes) -> _Answer | None:
        if not self.head_read:
            buffer = self.buffer + data if self.buffer else data
            while True:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > HEAD_LIMIT:
                        raise ValueError(f"an answer head over {HEAD_LIMIT} bytes")
                    self.buffer = buffer
                    return None
                status, headers, keep = _head(buffer[:end])
                buffer = buffer[end + 4 :]
                if not 100 <= status < 200 or status == 101:
                    break  # an interim answer (100 Continue) is followed by the real one
            self.buffer = b""
            self.status, self.headers, self.keep, self.head_read = status, headers, keep, True
            if self.head_only or status in _NO_BODY_STATUSES:
                return self._done(b"", buffer)
            for key, value in headers:
                if key == b"transfer-encoding" and b"chunked" in value.lower():
                    self.chunked = _Chunks()
                elif key == b"content-length" and self.length == -1:
                    self.length = int(value)
            if self.chunked is not None:
                self.length = -1
            data = buffer
        if self.chunked is not None:
            complete = self.chunked.feed(data)
            return None if complete is None else self._done(*complete)
        if data:
            self.pieces.append(data)
            self.received += len(data)
        if self.length < 0 or self.received < self.length:
            return None  # more to come (or, without a length, until the close)
        joined = self.pieces[0] if len(self.pieces) == 1 else b"".join(self.pieces)
        return self._done(joined[: self.length], joined[self.length :])

    def _done(self, body: bytes, rest: bytes) -> _Answer:
        # Bytes past the answer were never asked for: the connection is not used again.
        return _Answer(self.status, self.headers, body, self.keep and not rest)

    def send(self, request: bytes, head_only: bool) -> "asyncio.Future[_Answer]":
        assert self.transport is not None
        self._begin(head_only)
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.waiter

    def expire(self) -> None:
        """The exchange's time is up: the answer will never be complete; the connection goes."""
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(TimeoutError())
        self.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


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

    async def _connect(self, deadline: float) -> _Connection:
        async with asyncio.timeout_at(deadline):
            _, connection = await asyncio.get_running_loop().create_connection(
                _Connection,
                self.host,
                self.port,
                ssl=self.ssl,
                server_hostname=self.host if self.ssl else None,
            )
        return connection

    async def _exchange(self, method: str, request: bytes, started: float) -> UpstreamAnswer:
        # The whole exchange, connecting included, within the timeout: one timer, not a context
        # per request (asyncio.timeout costs a task lookup and a reschedule each time).
        deadline = asyncio.get_running_loop().time() + self.timeout
        while self._idle:
            connection = self._idle.pop()
            if connection.closed:
                continue
            # A kept connection the upstream has closed meanwhile fails before any answer: the
            # request was not taken, so it goes again on a fresh one.
            try:
                return await self._send(connection, method, request, started, deadline)
            except BrokenConnection as error:
                if error.answered:
                    raise
        return await self._send(await self._connect(deadline), method, request, started, deadline)

    async def _send(
        self, connection: _Connection, method: str, request: bytes, started: float, deadline: float
    ) -> UpstreamAnswer:
        timer = asyncio.get_running_loop().call_at(deadline, connection.expire)
        try:
            answer = await connection.send(request, method == "HEAD")
        except BaseException:
            connection.close()
            raise
        finally:
            timer.cancel()
        if answer.keep and not connection.closed and len(self._idle) < IDLE_KEPT:
            self._idle.append(connection)
        else:
            connection.close()
        return UpstreamAnswer(
            answer.status, end_to_end(answer.headers), answer.body, time.monotonic() - started
        )
