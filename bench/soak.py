"""Sustained mixed load against `mockserver serve`: zero errors, and resident memory that stays
within a bound (the request journal is bounded, stored data is not growing: uploads replace).

    python -m bench.soak              # 60 seconds
    python -m bench.soak --seconds 3  # the CI smoke form (tests/test_bench_smoke.py)
"""

import argparse
import sys
import time

import orjson

from bench.__main__ import BEARER, HOST, TOKEN, document, rss_bytes, server
from bench.load import run_load

GROWTH_BOUND = 64 * 1024 * 1024  # bytes of resident memory the soak may add after warm-up


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    mock = [sys.executable, "-m", "mockserver", "serve", "--log-level", "warning"]
    mix = [
        ("GET", "/api/v1/oms/setup/addresses/get_async_status/", TOKEN, b""),
        ("GET", "/api/v1/relocate-documents/?page_size=20&ordering=-price_total", BEARER, b""),
        ("POST", "/api/v1/relocate-documents/", BEARER, orjson.dumps([document(i) for i in range(10)])),
        ("GET", "/api/v1/relocate-documents/B0000003/", BEARER, b""),
    ]
    with server(mock, "/api/v1/oms/setup/addresses/get_async_status/", TOKEN) as (port, _, pid):
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
