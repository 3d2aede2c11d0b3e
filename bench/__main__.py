"""Start the fake and a bare Starlette app with uvicorn, load them from this process, print a table.

python -m bench            # the full run (100,000 stored documents; about a minute)
python -m bench --smoke    # a few seconds: proves every row can be measured
"""

import argparse
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import orjson

from bench.load import run_load

HOST = "127.0.0.1"
PRODUCTS = ("a26f866b-1465-11e5-80cb-a01d4897e530", "a26f866b-1465-11e5-80cb-a01d4897e531")
BEARER = {"Authorization": "Bearer bench", "Content-Type": "application/json"}
TOKEN = {"Authorization": "Token bench"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def pinned(command: list[str], core: int) -> list[str]:
    # One core for the server, the other for the load generator, when taskset is there.
    return (
        ["taskset", "-c", str(core), *command]
        if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1
        else command
    )


@contextmanager
def server(
    command: list[str], probe_path: str, headers: dict[str, str], port_flag: str = "--port"
) -> Iterator[tuple[int, float, int]]:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        pinned([*command, port_flag, str(port)], 0), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(f"http://{HOST}:{port}{probe_path}", headers=headers, timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.01)
        yield port, time.perf_counter() - started, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def document(index: int) -> dict:
    return {
        "relocate_id": f"B{index:07d}",
        "price_total": f"{index % 997}.5000",
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": f"Відповідальний {index % 37}",
        "sender_shop_id": "1",
        "receiver_shop_id": "2",
        "products": [
            {"product_id": PRODUCTS[0], "qty": "2.0000", "price": "10.0000", "price_total": "20.0000"},
            {
                "product_id": PRODUCTS[1],
                "qty": "1.0000",
                "price": f"{index % 997}.5000",
                "price_total": f"{index % 997}.5000",
            },
        ],
    }


def median_ms(url: str, headers: dict[str, str], count: int) -> float:
    timings = []
    with httpx.Client(headers=headers, timeout=30) as client:
        client.get(url)  # the first read may build an index
        for _ in range(count):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings[len(timings) // 2]


def measure_prism(binary: str, ours: float, seconds: float, row: Callable[..., None]) -> None:
    """Stoplight Prism mocking the same Akinon spec, on the same core, the same load."""
    path = "/api/v1/oms/setup/addresses/get_async_status/"
    with server([binary, "mock", "-h", HOST, "specs/akinon-oms-address-setup.yaml"], path, TOKEN, "-p") as (
        port,
        _,
        _,
    ):
        theirs = run_load(HOST, port, "GET", path, seconds=seconds, headers=TOKEN).per_second
    ratio = ours / theirs if theirs else float("inf")
    row(
        "GET get_async_status, mockserver / Stoplight Prism",
        f"{ours:,.0f} / {theirs:,.0f} ({ratio:.1f}x)",
        ">= 4x Prism",
        ratio >= 4,
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--smoke", action="store_true", help="a few seconds, fewer documents")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per throughput row")
    parser.add_argument("--documents", type=int, default=None, help="documents stored for the scale rows")
    parser.add_argument(
        "--prism",
        default=None,
        help="a Stoplight Prism binary (npm install --prefix DIR @stoplight/prism-cli@5.14.2; DIR/node_modules/.bin/prism) to measure side by side",
    )
    args = parser.parse_args()
    seconds = args.seconds or (0.5 if args.smoke else 5.0)
    total_documents = args.documents or (4000 if args.smoke else 100_000)
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    rows: list[tuple[str, str, str, bool | None]] = []

    def row(name: str, figure: str, target: str, met: bool | None) -> None:
        rows.append((name, figure, target, met))

    mock = [sys.executable, "-m", "mockserver", "serve", "--log-level", "warning"]
    bare = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--host", HOST, "--log-level", "warning"]
    post_body = orjson.dumps(document(0))
    with server(bare, "/bare", {}) as (bare_port, _, _):
        bare_get = run_load(HOST, bare_port, "GET", "/bare", seconds=seconds)
        bare_post = run_load(
            HOST,
            bare_port,
            "POST",
            "/bare-post",
            seconds=seconds,
            headers={"Content-Type": "application/json"},
            body=post_body,
        )
    with server(mock, "/api/v1/oms/setup/addresses/get_async_status/", TOKEN) as (port, cold_start, pid):
        row(
            "cold start of mockserver serve to the first 200",
            f"{cold_start:.2f} s",
            "< 1 s",
            cold_start < 1.0,
        )
        status = run_load(
            HOST, port, "GET", "/api/v1/oms/setup/addresses/get_async_status/", seconds=seconds, headers=TOKEN
        )
        if args.prism:
            measure_prism(args.prism, status.per_second, seconds, row)
        ratio = status.per_second / bare_get.per_second
        row(
            "GET get_async_status (req/s, ratio to bare GET)",
            f"{status.per_second:,.0f} ({ratio:.2f})",
            ">= 0.8 of bare",
            ratio >= 0.8,
        )
        page = run_load(
            HOST, port, "GET", "/api/v1/relocate-documents/?page_size=20", seconds=seconds, headers=BEARER
        )
        ratio = page.per_second / bare_get.per_second
        row(
            "GET a relocate-documents page of 20 (req/s, ratio)",
            f"{page.per_second:,.0f} ({ratio:.2f})",
            ">= 0.8 of bare",
            ratio >= 0.8,
        )
        one = run_load(
            HOST, port, "POST", "/api/v1/relocate-documents/", seconds=seconds, headers=BEARER, body=post_body
        )
        ratio = one.per_second / bare_post.per_second
        row(
            "POST one relocate document (req/s, ratio to bare validate)",
            f"{one.per_second:,.0f} ({ratio:.2f})",
            ">= 0.6 of bare",
            ratio >= 0.6,
        )
        errors = status.errors + page.errors + one.errors
        row("errors under load", str(errors), "0", errors == 0)

        before = rss_bytes(pid)
        batches = [
            orjson.dumps([document(i) for i in range(start, min(start + 2000, total_documents))])
            for start in range(0, total_documents, 2000)
        ]
        started = time.perf_counter()
        with httpx.Client(headers=BEARER, timeout=120) as client:
            for batch in batches:
                assert (
                    client.post(f"http://{HOST}:{port}/api/v1/relocate-documents/", content=batch).status_code
                    == 201
                )
        rate = total_documents / (time.perf_counter() - started)
        row("bulk POST, arrays of 2,000 documents (documents/s)", f"{rate:,.0f}", ">= 20,000", rate >= 20_000)
        per_document = (rss_bytes(pid) - before) / total_documents
        row(
            f"resident memory per stored document ({total_documents:,} stored)",
            f"{per_document:,.0f} B",
            "<= 1,500 B",
            per_document <= 1500,
        )
        middle = max(1, total_documents // 200)  # a page in the middle of the collection
        base = f"http://{HOST}:{port}/api/v1/relocate-documents/?page_size=100"
        samples = 20 if args.smoke else 200
        cases = (
            ("", f"&page={middle}", True),
            (", ordering=-price_total", f"&page={middle}&ordering=-price_total", True),
            (", search (a scan of every document)", "&search=B00", False),
        )
        for label, suffix, has_target in cases:
            median = median_ms(base + suffix, BEARER, samples)
            row(
                f"GET a page of 100 from {total_documents:,}{label} (median)",
                f"{median:.2f} ms",
                "< 5 ms" if has_target else "(stated)",
                median < 5 if has_target else None,
            )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"bare GET {bare_get.per_second:,.0f} req/s, bare POST+validate {bare_post.per_second:,.0f} req/s; "
        f"{seconds:g} s per throughput row, 16 connections"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'figure'.ljust(width)}  {'measured':>20}  {'target':>16}  met")
    for name, figure, target, met in rows:
        print(
            f"{name.ljust(width)}  {figure:>20}  {target:>16}  {'-' if met is None else ('yes' if met else 'NO')}"
        )
    if not args.prism:
        print("prism: not measured (pass --prism PATH to a @stoplight/prism-cli 5.14 binary)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
