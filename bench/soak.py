"""Sustained mixed load against `mockserver serve`: zero errors, and resident memory that stays
within a bound (the request journal is bounded, stored data is not growing: uploads replace).

    python -m bench.soak              # 60 seconds
    python -m bench.soak --seconds 3  # the CI smoke form (tests/test_bench_smoke.py)
"""

import argparse
import sys
import time

import orjson

from bench.load import run_load
from bench.workload import (
    BEARER,
    DATAWIZ,
    DOCUMENTS_PATH,
    HOST,
    STATUS_PATH,
    TOKEN,
    document,
    rss_bytes,
    server,
)
from contract_tests.collection_http import detail_path

GROWTH_BOUND = 64 * 1024 * 1024  # bytes of resident memory the soak may add after warm-up


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    mock = [sys.executable, "-m", "mockserver", "serve", "--log-level", "warning"]
    documents = DATAWIZ.collection("relocate-documents")
    mix = [
        ("GET", STATUS_PATH, TOKEN, b""),
        ("GET", f"{DOCUMENTS_PATH}?page_size=20&ordering=-price_total", BEARER, b""),
        ("POST", DOCUMENTS_PATH, BEARER, orjson.dumps([document(i) for i in range(10)])),
        ("GET", detail_path(documents, documents.key_of(document(3))), BEARER, b""),
    ]
    with server(mock, STATUS_PATH, TOKEN) as (port, _, pid):
        slice_seconds = max(0.25, args.seconds / 20)
        warm = rss_bytes(pid)
        requests = errors = 0
        peak = warm
        deadline = time.monotonic() + args.seconds
        round_number = 0
        while time.monotonic() < deadline:
            method, path, headers, body = mix[round_number % len(mix)]
            result = run_load(
                HOST, port, method, path, seconds=slice_seconds, connections=8, headers=headers, body=body
            )
            requests, errors = requests + result.requests, errors + result.errors
            peak = max(peak, rss_bytes(pid))
            round_number += 1
        growth = peak - warm
    print(
        f"soak: {args.seconds:g} s, {requests:,} requests, {errors} errors, resident memory {warm / 2**20:.1f} MiB -> peak {peak / 2**20:.1f} MiB (growth {growth / 2**20:.1f} MiB, bound {GROWTH_BOUND / 2**20:.0f} MiB)"
    )
    ok = errors == 0 and growth <= GROWTH_BOUND
    print("soak: ok" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
