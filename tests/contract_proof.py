"""The proof that `verify` keeps its word against the fake: for many run ids (each samples its own
fields, collections and generated cases), both APIs, read-only and with writes, on the memory
store and on Redis, the suite reports no failure; and after a run with writes every object of
every collection either existed before or carries the run's prefix in a key DRF can reverse,
and every list still answers 200.

    python -m tests.contract_proof --seeds 20            # the figures docs/contract-tests.md states
    python -m tests.contract_proof --seeds 2 --stores memory --apis datawiz
    python -m tests.contract_proof --seeds 20 --skip 60  # resume after the first 60 runs

The normal tests run a bounded version (tests/test_contract_proof.py)."""

import argparse
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from contract_tests.context import RunOptions
from contract_tests.report import Report
from contract_tests.suite import run_suite
from contract_tests.target import Credentials, Target, in_process_target

TOKEN = "contract-proof-token"
# What DRF's router matches for a lookup: a text key outside it breaks every list linking to it.
DRF_LOOKUP = re.compile(r"[^/.]+")
APIS = ("akinon", "datawiz")
STORES = ("memory", "redis")


def ci_options(run_id: str, allow_writes: bool) -> RunOptions:
    """The options `pytest tests/contract` runs with in CI (tests/contract/conftest.py): a few
    fields, collections and cases per run, a different few per run id."""
    return RunOptions(
        allow_writes=allow_writes,
        max_examples=8,
        fields_per_collection=2,
        collection_examples=3,
        conformance_collections=4,
        run_id=run_id,
    )


@dataclass
class Inventory:
    """Every object of every collection (its key fields' values), and what each list answered."""

    objects: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def inventory(target: Target) -> Inventory:
    found = Inventory()
    for collection in target.facts.collections:
        keys: set[tuple[str, ...]] = set()
        url: str | None = f"{collection.list_path}?page_size={collection.max_page_size}"
        status = 200
        while url:
            answer = target.api_call("GET", url)
            if answer.status_code != 200:
                status = answer.status_code
                break
            page = answer.json()
            keys |= {tuple(str(item.get(name)) for name in collection.key) for item in page["results"]}
            url = page["next"]
        found.objects[collection.name] = keys
        found.statuses[collection.name] = status
    return found


def written_outside(target: Target, before: Inventory, after: Inventory, prefix: str) -> list[str]:
    """The objects `after` holds that `before` did not and that are not the run's: no key field
    starts with the prefix, or a text key field holds what DRF's lookup cannot reverse."""
    outside = []
    for collection in target.facts.collections:
        properties = collection.input_schema.get("properties") or {}
        text = [
            i
            for i, name in enumerate(collection.key)
            if (properties.get(name, {}).get("x-drf") or {}).get("type", "string") == "string"
        ]
        for key in after.objects.get(collection.name, set()) - before.objects.get(collection.name, set()):
            ours = any(part.startswith(prefix) for part in key)
            reversible = all(DRF_LOOKUP.fullmatch(key[i]) for i in text)
            if not (ours and reversible):
                outside.append(f"{collection.name} {key}")
    return outside


@dataclass
class Outcome:
    api: str
    store: str
    writes: bool
    run_id: str
    report: Report
    outside: list[str]
    failing_lists: dict[str, int]
    seconds: float

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.outside and not self.failing_lists

    def line(self) -> str:
        mode = "writes" if self.writes else "read-only"
        verdict = "ok" if self.ok else "FAILED"
        return (
            f"{self.api:8} {mode:9} {self.store:6} run {self.run_id}: {verdict}, "
            f"{len(self.report.passed)} passed, {len(self.report.failures)} failed, "
            f"{len(self.outside)} objects outside the run, {len(self.failing_lists)} lists not 200, "
            f"{self.report.requests_sent} requests, {self.seconds:.0f} s"
        )


@contextmanager
def fake_app(store: str) -> Iterator[Any]:
    """The fake on the memory store, or on a Redis database of its own (a real redis-server)."""
    from mockserver.app import create_app
    from mockserver.settings import Settings

    if store == "memory":
        yield create_app(Settings(auth_mode="strict", tokens=(TOKEN,), validate_responses=True))
        return
    from tests.redis_server import session_redis_server

    server = session_redis_server()
    url = server.new_database_url()
    import redis

    redis.Redis.from_url(url).flushdb()
    yield create_app(
        Settings(
            auth_mode="strict", tokens=(TOKEN,), validate_responses=True, store=url, store_prefix="proof"
        )
    )


def prove(api: str, store: str, writes: bool, options: RunOptions) -> Outcome:
    started = time.monotonic()
    with fake_app(store) as app:
        target = in_process_target(api, app, Credentials(token=TOKEN))
        before = inventory(target)
        report = run_suite(target, options)
        after = inventory(target)
    outside = written_outside(target, before, after, options.prefix)
    failing = {name: status for name, status in after.statuses.items() if status != 200}
    return Outcome(api, store, writes, options.run_id, report, outside, failing, time.monotonic() - started)


def run_ids(count: int, first: int = 0) -> list[str]:
    """The same run ids in every proof (a failure can be replayed with --first)."""
    return [f"p{index:05d}" for index in range(first, first + count)]


def runs(
    seeds: int, first: int, apis: list[str], modes: list[str], stores: list[str]
) -> list[tuple[str, str, str, str]]:
    """Every run of a proof as (run id, API, mode, store), in the order it runs them."""
    return [
        (run_id, api, mode, store)
        for run_id in run_ids(seeds, first)
        for api in apis
        for mode in modes
        for store in stores
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.contract_proof", description=__doc__)
    parser.add_argument("--seeds", type=int, default=20, help="run ids per API, mode and store")
    parser.add_argument("--first", type=int, default=0, help="the first run id's number (p00000 is 0)")
    parser.add_argument("--apis", nargs="+", default=list(APIS), choices=APIS)
    parser.add_argument("--stores", nargs="+", default=list(STORES), choices=STORES)
    parser.add_argument(
        "--modes", nargs="+", default=["read-only", "writes"], choices=["read-only", "writes"]
    )
    parser.add_argument(
        "--skip",
        type=int,
        default=0,
        help="leave out the first N runs of that order (to resume a proof that was cut off after N runs)",
    )
    args = parser.parse_args(argv)
    planned = runs(args.seeds, args.first, args.apis, args.modes, args.stores)
    if args.skip:
        print(
            f"{min(args.skip, len(planned))} of {len(planned)} runs left out (--skip {args.skip})", flush=True
        )
    outcomes = []
    for run_id, api, mode, store in planned[args.skip :]:
        writes = mode == "writes"
        outcome = prove(api, store, writes, ci_options(run_id, writes))
        outcomes.append(outcome)
        print(outcome.line(), flush=True)
        if not outcome.ok:
            print(outcome.report.summary(), *outcome.outside, outcome.failing_lists, sep="\n")
    failed = [o for o in outcomes if not o.ok]
    total = sum(o.seconds for o in outcomes)
    print(
        f"{len(outcomes)} runs, {len(failed)} failed, {sum(len(o.report.failures) for o in outcomes)} failures, "
        f"{sum(len(o.outside) for o in outcomes)} objects outside their run, {total:.0f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
