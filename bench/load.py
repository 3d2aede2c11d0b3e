"""Keep-alive HTTP/1.1 load for a fixed duration over N connections: wrk (the distribution
package) when it is installed, otherwise a small asyncio generator. Both return the same
LoadResult, and `generator_name()` says which one ran, so the printed table can say it too."""

import asyncio
import itertools
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


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


def request_bytes(method: str, path: str, host: str, headers: dict[str, str], body: bytes) -> bytes:
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
    host: str, port: int, payload: Callable[[], bytes], deadline: float, result: LoadResult, ok: set[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(payload())
            status = await _read_response(reader)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            result.errors += status not in ok
    finally:
        writer.close()


# wrk reports through this Lua hook: one machine-readable line, no parsing of its prose.
_WRK_SCRIPT = """
wrk.method = {method}
for name, value in pairs({headers}) do wrk.headers[name] = value end
local body_file = io.open({body_path}, "rb")
wrk.body = body_file:read("*a")
body_file:close()
if {unique} then
  local counter = 0
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  request = function()
    counter = counter + 1
    return wrk.format(nil, wrk.path .. separator .. "_n=" .. counter)
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("mockserver-bench %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, summary.duration, latency:percentile(50)))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generator_name(prefer: str | None = None) -> str:
    """Which generator runs: wrk when it is installed, unless prefer="python" asks otherwise."""
    if prefer == "python":
        return "python"
    if prefer == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed")
    return "wrk" if shutil.which("wrk") else "python"


def _run_wrk(
    host: str,
    port: int,
    method: str,
    path: str,
    seconds: float,
    connections: int,
    headers: dict,
    body: bytes,
    unique: bool,
) -> LoadResult:
    with tempfile.TemporaryDirectory() as folder:
        body_path = Path(folder, "body")
        body_path.write_bytes(body)
        script = Path(folder, "load.lua")
        lua_headers = (
            "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()) + "}"
        )
        script.write_text(
            _WRK_SCRIPT.format(
                method=_lua_string(method),
                headers=lua_headers,
                body_path=_lua_string(str(body_path)),
                unique="true" if unique else "false",
            )
        )
        run = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(script),
                f"http://{host}:{port}{path}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    line = next((line for line in run.stdout.splitlines() if line.startswith("mockserver-bench ")), None)
    if run.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {run.stdout[-1000:]} {run.stderr[-1000:]}")
    requests, errors, duration_us, median_us = (int(field) for field in line.split()[1:])
    return LoadResult(requests, errors, duration_us / 1e6, [median_us / 1000])


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
    generator: str | None = None,
    unique: bool = False,
) -> LoadResult:
    """`ok` (default 200 and 201) applies to the Python generator; wrk counts any status outside
    2xx/3xx as an error. `unique` adds a new `_n=<counter>` query parameter to every request, so
    no two URLs are the same (nothing can be answered from a cache of earlier answers)."""
    if generator_name(generator) == "wrk":
        return _run_wrk(host, port, method, path, seconds, connections, headers or {}, body, unique)
    fixed = request_bytes(method, path, f"{host}:{port}", headers or {}, body)
    counter = itertools.count(1)
    separator = "&" if "?" in path else "?"

    def payload() -> bytes:
        if not unique:
            return fixed
        return request_bytes(
            method, f"{path}{separator}_n={next(counter)}", f"{host}:{port}", headers or {}, body
        )

    result = LoadResult(0, 0, seconds, [])

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *[_worker(host, port, payload, deadline, result, ok or {200, 201}) for _ in range(connections)]
        )

    asyncio.run(main())
    return result
