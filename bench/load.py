"""A small keep-alive HTTP/1.1 load generator (used when wrk is not installed): asyncio streams,
N connections, a fixed duration; returns requests per second and latencies."""

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def _request_bytes(method: str, path: str, host: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def _worker(
    host: str, port: int, payload: bytes, deadline: float, result: LoadResult, ok: set[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(payload)
            status = await _read_response(reader)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            result.errors += status not in ok
    finally:
        writer.close()


def run_load(
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    seconds: float,
    connections: int = 16,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    ok: set[int] | None = None,
) -> LoadResult:
    payload = _request_bytes(method, path, f"{host}:{port}", headers or {}, body)
    result = LoadResult(0, 0, seconds, [])

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *[_worker(host, port, payload, deadline, result, ok or {200, 201}) for _ in range(connections)]
        )

    asyncio.run(main())
    return result
