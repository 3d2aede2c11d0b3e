"""Per-request cost in-process: the ASGI apps called directly, no socket, no load generator.

python -m bench.profile                     # µs per request: the fake and the bare app, side by side
python -m bench.profile --only post         # rows whose name holds the text
python -m bench.profile --profile 30        # and a cProfile of the fake's requests, the top 30 by own time

Under load on a shared 2-core machine req/s swing by a third from one minute to the next; the cost
of one request called in-process is what a change to the request path moves, so it is what this
measures: the best of several repeats, the fake's and the bare app's alternating, so a moment of
load elsewhere shows as a slower repeat, not a slower figure.
"""

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from bench.workload import BARE_ENV, BEARER, DOCUMENTS_PATH, STATUS_PATH, TOKEN, document
from mockserver.app import create_app

Asgi = Callable


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


def bare_app() -> Asgi:
    """The bench's yardstick app (bench/bare_app.py), configured as `python -m bench` runs it."""
    os.environ.update(BARE_ENV)
    from bench import bare_app

    return bare_app.app


def scope_of(case: Case) -> dict:
    path, _, query = case.path.partition("?")
    headers = [(name.lower().encode(), value.encode()) for name, value in case.headers.items()]
    if case.body:
        headers.append((b"content-length", str(len(case.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": case.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def call(app: Asgi, case: Case, calls: int) -> int:
    """Call the app `calls` times with the case's request; the status of the last answer."""
    base = scope_of(case)
    message = {"type": "http.request", "body": case.body, "more_body": False}
    status = 0

    async def receive() -> dict:
        return message

    async def send(event: dict) -> None:
        nonlocal status
        if event["type"] == "http.response.start":
            status = event["status"]

    for _ in range(calls):
        await app(dict(base), receive, send)
    return status


def per_request_us(pairs: list[tuple[Asgi, Case]], calls: int, repeats: int) -> list[float]:
    """For each (app, case): the best of `repeats` runs of `calls` requests, in µs per request.
    The runs of the apps alternate, so a moment of load elsewhere on the machine hits each."""
    loop = asyncio.new_event_loop()
    try:
        for app, case in pairs:
            status = loop.run_until_complete(call(app, case, 50))  # warm: tenant seeded, caches filled
            if status >= 400:
                raise SystemExit(f"{case.name}: answered {status}")
        best = [float("inf")] * len(pairs)
        for _ in range(repeats):
            for index, (app, case) in enumerate(pairs):
                started = time.perf_counter()
                loop.run_until_complete(call(app, case, calls))
                best[index] = min(best[index], (time.perf_counter() - started) / calls * 1e6)
        return best
    finally:
        loop.close()


def profile(app: Asgi, case: Case, calls: int, top: int) -> str:
    loop = asyncio.new_event_loop()
    profiler = cProfile.Profile()
    try:
        loop.run_until_complete(call(app, case, 50))
        profiler.enable()
        loop.run_until_complete(call(app, case, calls))
        profiler.disable()
    finally:
        loop.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def cases() -> list[tuple[Case, Case]]:
    """(the fake's request, the bare app's yardstick for it), as `python -m bench` pairs them."""
    post_body = orjson.dumps(document(0))
    return [
        (
            Case("GET get_async_status", "GET", STATUS_PATH, TOKEN),
            Case("bare GET", "GET", "/bare", {}),
        ),
        (
            Case("POST one relocate document", "POST", DOCUMENTS_PATH, BEARER, post_body),
            Case("bare POST parse + validate", "POST", "/bare-post", BEARER, post_body),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--calls", type=int, default=3000, help="requests per repeat")
    parser.add_argument("--repeats", type=int, default=7, help="repeats; the best is shown")
    parser.add_argument("--only", default="", help="only the rows whose name holds this text (any case)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also a cProfile top N per row")
    args = parser.parse_args()
    fake, bare = create_app(), bare_app()
    print(f"{'request':<32} {'fake µs':>9} {'bare µs':>9} {'bare/fake':>10}")
    for ours, theirs in cases():
        if args.only.lower() not in ours.name.lower():
            continue
        fake_us, bare_us = per_request_us([(fake, ours), (bare, theirs)], args.calls, args.repeats)
        print(f"{ours.name:<32} {fake_us:>9.1f} {bare_us:>9.1f} {bare_us / fake_us:>10.2f}")
        if args.profile:
            print(profile(fake, ours, args.calls, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
