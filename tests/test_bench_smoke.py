"""The benchmark runs and prints every row (figures are not asserted: they belong to the machine)."""

import subprocess
import sys
from pathlib import Path

ROWS = (
    "cold start of mockserver serve",
    "GET get_async_status",
    "GET a relocate-documents page of 20",
    "POST one relocate document",
    "errors under load",
    "GET get_async_status with a profile loaded",
    "POST one relocate document with a profile loaded",
    "bulk POST, arrays of 2,000 documents",
    "bulk POST receipts of 3 cart items",
    "resident memory per stored document",
    "GET a page of 100 from",
    "ordering=-price_total",
    "search worst case over 4,000: a term of 1-3 characters every document holds (",
    "search worst case over 4,000: a longer term every document holds, ordering=-price_total",
    "search worst case over 4,000: a term no document holds",
    "each of its trigrams in every document",
    "proxy: added latency per exchange, p50",
    "proxy: added latency per exchange, p99",
    "proxy: throughput with 16 connections",
    "proxy: CPU per exchange with 16 connections",
    "stores side by side",
    "redis, 2 workers",
    "store: GET a page of 100 from",
    "search matching none",
    "a Redis round trip from this process",
)


def test_bench_smoke_prints_every_row():
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for row in ROWS:
        assert row in run.stdout, f"missing row: {row}\n{run.stdout}"
    errors_line = next(line for line in run.stdout.splitlines() if line.startswith("errors under load"))
    assert errors_line.split()[3] == "0", errors_line


def test_soak_smoke_has_no_errors_and_bounded_memory():
    run = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--seconds", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    assert "soak: ok" in run.stdout and " 0 errors" in run.stdout
