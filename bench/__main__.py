"""Start the fake and a bare Starlette app with uvicorn, load them from this process, print a table.

python -m bench            # the full run (100,000 stored documents; about a minute)
python -m bench --smoke    # a few seconds: proves every row can be measured
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import orjson

from bench.load import LoadResult, generator_name, run_load
from bench.search import split_for_orderings, worst_case_terms
from bench.workload import (
    AKINON,
    BARE_ENV,
    BEARER,
    DATAWIZ,
    DOCUMENTS_PATH,
    HOST,
    PAGE_PATH,
    PRODUCT,
    PRODUCTS_PAGE_PATH,
    PRODUCTS_PATH,
    RECEIPTS_PATH,
    STATUS_PATH,
    TOKEN,
    cpu_seconds,
    document,
    profile_documents,
    receipt,
    redis_server,
    rss_bytes,
    server,
)


def compile_bytecode() -> None:
    """Both servers start from compiled bytecode, as an installed package does (pip compiles it
    at install time, and Python writes it on first import). Where PYTHONDONTWRITEBYTECODE is set
    (some CI and sandbox machines) an editable checkout would otherwise compile mockserver's
    source on every start, a cost of the checkout, not of start-up (docs/performance.md)."""
    import compileall

    import mockserver

    for package in (Path(mockserver.__file__).parent, Path(__file__).parent):
        compileall.compile_dir(str(package), quiet=1)


def cold_start(
    command: list[str], probe_path: str, headers: dict[str, str], env: dict[str, str] | None = None
) -> float:
    """The time from launching a server to its first 200."""
    with server(command, probe_path, headers, env=env) as (_, seconds, _):
        return seconds


def upload_rate(url: str, make: Callable[[int], dict], total: int) -> float:
    """Items stored per second, uploaded as the published client does: arrays of 2,000 (encoded
    beforehand, so the figure is the server's)."""
    batches = [
        orjson.dumps([make(i) for i in range(start, min(start + 2000, total))])
        for start in range(0, total, 2000)
    ]
    started = time.perf_counter()
    with httpx.Client(headers=BEARER, timeout=300) as client:
        for batch in batches:
            assert client.post(url, content=batch).status_code == 201
    return total / (time.perf_counter() - started)


def median_ms(urls: list[str], headers: dict[str, str], warm_up: str | None = None) -> float:
    """The median time of reading each URL once: distinct pages, so none is a repeat the fake
    answers from its cache of encoded pages."""
    timings = []
    with httpx.Client(headers=headers, timeout=120) as client:
        # The first read of an ordering (or a search) derives its indexes: not what is measured.
        client.get(warm_up or urls[0] + "&page_size=1")
        for url in urls:
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings[len(timings) // 2]


@dataclass
class Paired:
    """Rounds of (yardstick, subject) measured back to back: the ratio of each round is taken
    before the median, so a burst of noise on the machine hits both sides of one round."""

    ours: float  # median requests per second of the subject
    theirs: float  # median requests per second of the yardstick
    ratio: float  # median of the per-round ratios
    errors: int


def paired(rounds: int, yardstick: Callable[[], LoadResult], subject: Callable[[], LoadResult]) -> Paired:
    ours, theirs, ratios, errors = [], [], [], 0
    for _ in range(rounds):
        base, measured = yardstick(), subject()
        ours.append(measured.per_second)
        theirs.append(base.per_second)
        ratios.append(measured.per_second / base.per_second if base.per_second else 0.0)
        errors += measured.errors + base.errors
    return Paired(statistics.median(ours), statistics.median(theirs), statistics.median(ratios), errors)


def prism_command(explicit: str | None) -> list[str] | None:
    """Stoplight Prism: the binary given, or one on PATH, or one npx finds without installing."""
    if explicit:
        return [explicit]
    if shutil.which("prism"):
        return ["prism"]
    if shutil.which("npx"):
        probe = subprocess.run(
            ["npx", "--no-install", "prism", "--version"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0 and probe.stdout.strip().startswith("5."):
            return ["npx", "--no-install", "prism"]
    return None


def bare_page_file(port: int, folder: str) -> str:
    """The fake's own page of 20, saved for the bare app to serve the same JSON."""
    body = httpx.get(f"http://{HOST}:{port}{PAGE_PATH}", headers=BEARER, timeout=30).content
    path = os.path.join(folder, "page.json")
    with open(path, "wb") as page:
        page.write(body)
    return path


def percentile(timings: list[float], fraction: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class ProxyCost:
    direct: list[float]  # milliseconds of each status poll sent straight to the fake
    proxied: list[float]  # and through the proxy, alternately
    throughput: Paired | None  # 16 connections: the fake direct (yardstick) and through the proxy
    # µs of CPU per exchange in the throughput rounds: the proxy's, the fake's behind it, the
    # fake's direct (None where /proc is not there). Unlike req/s on a shared machine, these
    # hardly move with the load elsewhere, and with both servers on one core the throughput
    # ratio is bounded by fake / (fake behind + proxy).
    cpu_us: tuple[float, float, float] | None = None


class Metered:
    """A load run that also counts the CPU time the given processes used during it."""

    def __init__(self, run: Callable[[], LoadResult], pids: tuple[int, ...]) -> None:
        self.run, self.pids = run, pids
        self.requests = 0
        self.seconds = [0.0] * len(pids)
        self.known = True

    def __call__(self) -> LoadResult:
        before = [cpu_seconds(pid) for pid in self.pids]
        result = self.run()
        after = [cpu_seconds(pid) for pid in self.pids]
        self.requests += result.requests
        for index, (start, end) in enumerate(zip(before, after, strict=True)):
            if start is None or end is None:
                self.known = False
            else:
                self.seconds[index] += end - start
        return result

    def per_request_us(self, index: int) -> float:
        return self.seconds[index] / self.requests * 1e6 if self.requests else float("nan")


def proxy_cost(
    mock: list[str], samples: int, rounds: int, load: Callable[..., Callable[[], LoadResult]] | None
) -> ProxyCost:
    """A status poll sent directly to the fake and through `mockserver proxy` in front of it:
    latency with one kept-alive connection, alternately (so a moment of load elsewhere hits
    both); then, with `load`, the throughput of each with 16 connections, in paired rounds. Both
    servers share one core, the load generator has the other."""
    with server(mock, STATUS_PATH, TOKEN) as (port, _, fake_pid):
        upstream = f"http://{HOST}:{port}"
        proxy = [
            sys.executable,
            "-m",
            "mockserver",
            "proxy",
            "--upstream",
            upstream,
            "--log-level",
            "warning",
        ]
        with (
            server(proxy, STATUS_PATH, TOKEN) as (proxy_port, _, proxy_pid),
            httpx.Client(headers=TOKEN) as client,
        ):
            direct, proxied = [], []
            for _ in range(samples):
                for base, timings in ((upstream, direct), (f"http://{HOST}:{proxy_port}", proxied)):
                    started = time.perf_counter()
                    assert client.get(base + STATUS_PATH).status_code == 200
                    timings.append((time.perf_counter() - started) * 1000)
            throughput, cpu_us = None, None
            if load is not None:
                direct_run = Metered(load(port, "GET", STATUS_PATH, headers=TOKEN), (fake_pid,))
                proxied_run = Metered(
                    load(proxy_port, "GET", STATUS_PATH, headers=TOKEN), (proxy_pid, fake_pid)
                )
                throughput = paired(rounds, direct_run, proxied_run)
                if direct_run.known and proxied_run.known:
                    cpu_us = (
                        proxied_run.per_request_us(0),
                        proxied_run.per_request_us(1),
                        direct_run.per_request_us(0),
                    )
    return ProxyCost(direct, proxied, throughput, cpu_us)


def store_rows(
    mock: list[str],
    total_documents: int,
    samples: int,
    load: Callable[..., Callable[[], LoadResult]],
    smoke: bool,
) -> str:
    """The same requests on the memory store and on Redis with 1 and 2 workers, side by side.

    Servers here are not pinned to a core (two workers need both); the load generator shares
    the machine with them, so these rows compare stores, not the machine's ceiling."""
    columns: dict[str, dict[str, str]] = {}
    with redis_server() as url:
        setups = [("memory", [])]
        if url is not None:
            setups += [
                ("redis, 1 worker", ["--store", url]),
                ("redis, 2 workers", ["--store", url, "--workers", "2"]),
            ]
        for label, flags in setups:
            if url is not None:
                import redis

                # Patient: Redis may still be finishing the previous server's last script.
                redis.Redis.from_url(url, socket_timeout=300).flushall()
            with server([*mock, *flags], STATUS_PATH, TOKEN, pin=False) as (port, _, _):
                columns[label] = store_figures(port, total_documents, samples, load)
        trip = round_trip_us(url) if url is not None else None
    names = list(next(iter(columns.values())))
    width = max(len(name) for name in names)
    lines = [
        "stores side by side (servers unpinned, load generator on the same 2 cores):",
        f"{'figure'.ljust(width)}  " + "  ".join(f"{label:>18}" for label in columns),
    ]
    for name in names:
        lines.append(f"{name.ljust(width)}  " + "  ".join(f"{columns[label][name]:>18}" for label in columns))
    if trip is not None:
        lines.append(f"a Redis round trip from this process (PING, median of 2,000): {trip:.0f} µs")
    else:
        lines.append("redis: not measured (no redis-server on PATH; apt-get install redis-server)")
    return "\n".join(lines)


def round_trip_us(url: str) -> float:
    import redis

    with redis.Redis.from_url(url) as connection:
        timings = []
        for _ in range(2000):
            started = time.perf_counter()
            connection.ping()
            timings.append((time.perf_counter() - started) * 1e6)
    return statistics.median(timings)


def store_figures(
    port: int, total_documents: int, samples: int, load: Callable[..., Callable[[], LoadResult]]
) -> dict[str, str]:
    figures: dict[str, str] = {}
    base = f"http://{HOST}:{port}"
    seed = orjson.dumps([document(i) for i in range(100)])
    assert httpx.post(base + DOCUMENTS_PATH, content=seed, headers=BEARER, timeout=60).status_code == 201
    measured = load(port, "GET", STATUS_PATH, headers=TOKEN)()
    figures["store: GET get_async_status (req/s)"] = f"{measured.per_second:,.0f}"
    measured = load(port, "GET", PAGE_PATH, headers=BEARER, unique=True)()
    figures["store: GET a page of 20, every URL new (req/s)"] = f"{measured.per_second:,.0f}"
    body = orjson.dumps(document(0))
    posted = load(port, "POST", DOCUMENTS_PATH, headers=BEARER, body=body)()
    figures["store: POST one relocate document (req/s)"] = f"{posted.per_second:,.0f}"
    errors = measured.errors + posted.errors
    rate = upload_rate(base + DOCUMENTS_PATH, document, total_documents)
    figures["store: bulk POST of 2,000-document arrays (documents/s)"] = f"{rate:,.0f}"
    pages = total_documents // 100
    numbers = [1 + (i * pages) // samples for i in range(samples)]
    page_base = f"{base}{DOCUMENTS_PATH}?page_size=100"
    for label, suffix in (
        ("", ""),
        (", ordering=-price_total", "&ordering=-price_total"),
        (", search matching every document", "&search=B00"),
    ):
        median = median_ms([f"{page_base}{suffix}&page={n}" for n in numbers], BEARER)
        figures[f"store: GET a page of 100 from {total_documents:,}{label} (median ms)"] = f"{median:.2f}"
    # No page 2 when nothing matches: the first page, each URL new (an ignored parameter).
    median = median_ms([f"{page_base}&search=nothing-matches&_n={n}" for n in range(samples)], BEARER)
    figures[f"store: GET a page of 100 from {total_documents:,}, search matching none (median ms)"] = (
        f"{median:.2f}"
    )
    figures["store: errors under load"] = str(errors)
    return figures


def search_worst_cases(base: str) -> list[tuple[str, float]]:
    """GET the first page of 100 (with its count) for terms every document holds and terms none
    holds, each term asked once (bench/search.py), with and without an ordering: the medians."""
    figures = []
    for case, terms in worst_case_terms().items():
        for (label, suffix), half in zip(
            (("", ""), (", ordering=-price_total", "&ordering=-price_total")),
            split_for_orderings(terms),
            strict=True,
        ):
            urls = [f"{base}{suffix}&search={quote(term)}" for term in half]
            median = median_ms(urls, BEARER, warm_up=f"{base}{suffix}&page_size=1&search=b")
            figures.append((f"{case}{label} (count + first page, median)", median))
    return figures


Row = Callable[[str, str, str, bool | None], None]
Load = Callable[..., Callable[[], LoadResult]]
SECTIONS = (
    "start",
    "status",
    "page",
    "post",
    "products",
    "profile",
    "prism",
    "scale",
    "search",
    "proxy",
    "stores",
)


def throughput_rows(
    port: int,
    folder: str,
    rounds: int,
    row: Row,
    load: Load,
    bare: list[str],
    prism: list[str] | None,
    wants: Callable[..., bool],
) -> tuple[int, str]:
    """The paired throughput rows against the bare app (and Prism): the errors under load, and
    what the bare app served (the machine's speed at the time)."""
    errors, yardsticks = 0, []
    post_body, json_type = orjson.dumps(document(0)), {"Content-Type": "application/json"}
    # A page of 20 that is full and has a next link, as a client paging through would see.
    seed = orjson.dumps([document(i) for i in range(100)])
    assert (
        httpx.post(f"http://{HOST}:{port}{DOCUMENTS_PATH}", content=seed, headers=BEARER).status_code == 201
    )
    page_env = {**BARE_ENV, "BENCH_PAGE_FILE": bare_page_file(port, folder)}
    with server(bare, "/bare", {}, env=page_env) as (bare_port, _, _):
        status = None
        if wants("status", "page"):
            status = paired(
                rounds, load(bare_port, "GET", "/bare"), load(port, "GET", STATUS_PATH, headers=TOKEN)
            )
            yardsticks.append(f"bare GET {status.theirs:,.0f} req/s")
            errors += status.errors
        if wants("status"):
            row(
                "GET get_async_status (req/s, ratio to the bare GET)",
                f"{status.ours:,.0f} ({status.ratio:.2f})",
                ">= 0.9 of bare",  # issue #21 item 6 (was 0.8)
                status.ratio >= 0.9,
            )
        if wants("page"):
            page = paired(
                rounds, load(bare_port, "GET", "/bare-page"), load(port, "GET", PAGE_PATH, headers=BEARER)
            )
            row(
                "GET a relocate-documents page of 20 (req/s, ratio to bare serving the same JSON)",
                f"{page.ours:,.0f} ({page.ratio:.2f})",
                ">= 0.8 of bare",
                page.ratio >= 0.8,
            )
            row(
                "GET a relocate-documents page of 20, ratio to the bare 18-byte GET",
                f"{page.ours / status.theirs:.2f}",
                "(stated)",
                None,
            )
            # The same, but every URL new (an ignored _n=<counter> parameter): no answer comes
            # from the fake's cache of encoded pages.
            fresh = paired(
                rounds,
                load(bare_port, "GET", "/bare-page", unique=True),
                load(port, "GET", PAGE_PATH, headers=BEARER, unique=True),
            )
            row(
                "GET a page of 20, every URL new (nothing cached; req/s, ratio)",
                f"{fresh.ours:,.0f} ({fresh.ratio:.2f})",
                "(stated)",
                None,
            )
            errors += page.errors + fresh.errors
        if wants("post"):
            one = paired(
                rounds,
                load(bare_port, "POST", "/bare-post", headers=json_type, body=post_body),
                load(port, "POST", DOCUMENTS_PATH, headers=BEARER, body=post_body),
            )
            row(
                "POST one relocate document (req/s, ratio to bare parse + validate)",
                f"{one.ours:,.0f} ({one.ratio:.2f})",
                ">= 0.8 of bare",  # issue #21 item 6 (was 0.6)
                one.ratio >= 0.8,
            )
            yardsticks.append(f"bare POST+validate {one.theirs:,.0f} req/s")
            errors += one.errors
        if wants("products"):
            # The same two rows for a collection declared in YAML alone, with no hook.
            products = paired(
                rounds,
                load(bare_port, "GET", "/bare-page"),
                load(port, "GET", PRODUCTS_PAGE_PATH, headers=BEARER),
            )
            row(
                "GET a products page of 20 (YAML only; req/s, ratio to bare serving the relocate page)",
                f"{products.ours:,.0f} ({products.ratio:.2f})",
                "(stated)",
                None,
            )
            product = paired(
                rounds,
                load(bare_port, "POST", "/bare-post", headers=json_type, body=post_body),
                load(port, "POST", PRODUCTS_PATH, headers=BEARER, body=orjson.dumps(PRODUCT)),
            )
            row(
                "POST one product (YAML only; req/s, ratio to bare parse + validate)",
                f"{product.ours:,.0f} ({product.ratio:.2f})",
                "(stated)",
                None,
            )
            errors += products.errors + product.errors
    if prism:
        spec = str(AKINON.spec_path)
        with server([*prism, "mock", "-h", HOST, spec], STATUS_PATH, TOKEN, "-p") as (prism_port, _, _):
            versus = paired(
                rounds,
                load(prism_port, "GET", STATUS_PATH, headers=TOKEN),
                load(port, "GET", STATUS_PATH, headers=TOKEN),
            )
        row(
            "GET get_async_status, mockserver / Stoplight Prism (req/s)",
            f"{versus.ours:,.0f} / {versus.theirs:,.0f} ({versus.ratio:.1f}x)",
            ">= 4x Prism",
            versus.ratio >= 4,
        )
        errors += versus.errors
    row("errors under load", str(errors), "0", errors == 0)
    return errors, ", ".join(yardsticks)


def profile_rows(mock: list[str], rounds: int, row: Row, load: Load) -> None:
    """What a loaded profile costs (#25): the fake served with one per API (every knob that
    changes these answers decided, bench/workload.py PROFILES) against the fake without any, in
    paired rounds. Without a profile nothing is looked up per request: the knobs are bound when
    the views are built."""
    post_body = orjson.dumps(document(0))
    with tempfile.TemporaryDirectory() as folder:
        flags = []
        for api, profile in profile_documents().items():
            path = Path(folder) / f"{api}.json"
            path.write_bytes(orjson.dumps(profile))
            flags += ["--profile", str(path)]
        with (
            server(mock, STATUS_PATH, TOKEN) as (plain, _, _),
            server([*mock, *flags], STATUS_PATH, TOKEN) as (profiled, _, _),
        ):
            errors = 0
            for label, method, path_, headers, body in (
                ("GET get_async_status", "GET", STATUS_PATH, TOKEN, b""),
                ("POST one relocate document", "POST", DOCUMENTS_PATH, BEARER, post_body),
            ):
                cost = paired(
                    rounds,
                    load(plain, method, path_, headers=headers, body=body),
                    load(profiled, method, path_, headers=headers, body=body),
                )
                errors += cost.errors
                row(
                    f"{label} with a profile loaded (req/s, ratio to the fake without one)",
                    f"{cost.ours:,.0f} ({cost.ratio:.2f})",
                    "(stated)",
                    None,
                )
            row("errors under load, with a profile loaded", str(errors), "0", errors == 0)


def scale_rows(
    port: int, pid: int, total_documents: int, samples: int, row: Row, wants: Callable[..., bool]
) -> None:
    """Bulk uploads up to `total_documents`, memory per document, pages and search over them."""
    before = rss_bytes(pid)
    rate = upload_rate(f"http://{HOST}:{port}{DOCUMENTS_PATH}", document, total_documents)
    # Sort values and search text are derived on the first read that needs them: count them.
    for query in ("", "&ordering=-price_total", "&search=B00"):
        url = f"http://{HOST}:{port}{DOCUMENTS_PATH}?page_size=1{query}"
        assert httpx.get(url, headers=BEARER, timeout=120).status_code == 200
    per_document = (rss_bytes(pid) - before) / total_documents
    base = f"http://{HOST}:{port}{DOCUMENTS_PATH}?page_size=100"
    if wants("scale"):
        row("bulk POST, arrays of 2,000 documents (documents/s)", f"{rate:,.0f}", ">= 20,000", rate >= 20_000)
        row(
            f"resident memory per stored document ({total_documents:,} stored)",
            f"{per_document:,.0f} B",
            "<= 1,500 B",
            per_document <= 1500,
        )
        total_receipts = min(total_documents, 20_000)
        receipt_rate = upload_rate(f"http://{HOST}:{port}{RECEIPTS_PATH}", receipt, total_receipts)
        row(
            "bulk POST receipts of 3 cart items, arrays of 2,000 (receipts/s, YAML only)",
            f"{receipt_rate:,.0f}",
            "(stated)",
            None,
        )
        pages = total_documents // 100
        # Pages spread over the whole collection, each read once.
        numbers = [1 + (i * pages) // samples for i in range(samples)]
        for label, suffix in (("", ""), (", ordering=-price_total", "&ordering=-price_total")):
            median = median_ms([f"{base}{suffix}&page={n}" for n in numbers], BEARER)
            row(
                f"GET a page of 100 from {total_documents:,}{label} (median)",
                f"{median:.2f} ms",
                "< 5 ms",
                median < 5,
            )
    if wants("search"):
        for label, median in search_worst_cases(base):
            row(
                f"search worst case over {total_documents:,}: {label}",
                f"{median:.2f} ms",
                "< 10 ms",
                median < 10,
            )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--smoke", action="store_true", help="a few seconds, fewer documents")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per load measurement")
    parser.add_argument("--rounds", type=int, default=None, help="back-to-back rounds per throughput row")
    parser.add_argument("--documents", type=int, default=None, help="documents stored for the scale rows")
    parser.add_argument(
        "--prism",
        default=None,
        help="a Stoplight Prism 5.14 binary; by default one on PATH or found by `npx --no-install prism` "
        "(npm install --prefix DIR @stoplight/prism-cli@5.14.2 puts it in DIR/node_modules/.bin)",
    )
    parser.add_argument("--no-prism", action="store_true", help="do not measure Stoplight Prism")
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="the load generator: wrk when installed (auto), or the built-in asyncio one",
    )
    parser.add_argument(
        "--only",
        default=None,
        metavar="SECTION[,SECTION...]",
        help="measure only these sections, to re-measure a few rows without the whole run: "
        + ", ".join(SECTIONS),
    )
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else set(SECTIONS)
    if wanted - set(SECTIONS):
        parser.error(f"--only: unknown section(s) {', '.join(sorted(wanted - set(SECTIONS)))}")

    def wants(*sections: str) -> bool:
        return not wanted.isdisjoint(sections)

    generator = generator_name(None if args.generator == "auto" else args.generator)
    seconds = args.seconds or (1.0 if args.smoke else 2.0)
    rounds = args.rounds or (1 if args.smoke else 5)
    total_documents = args.documents or (4000 if args.smoke else 100_000)
    prism = None if args.no_prism else prism_command(args.prism)
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    rows: list[tuple[str, str, str, bool | None]] = []

    def row(name: str, figure: str, target: str, met: bool | None) -> None:
        rows.append((name, figure, target, met))

    def load(port: int, method: str, path: str, **options) -> Callable[[], LoadResult]:
        return lambda: run_load(HOST, port, method, path, seconds=seconds, generator=generator, **options)

    mock = [sys.executable, "-m", "mockserver", "serve", "--log-level", "warning"]
    # The same server settings as `mockserver serve --log-level warning` (which logs no access lines).
    bare = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bare_app:app",
        "--host",
        HOST,
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    yardsticks = ""
    compile_bytecode()
    if wants("start"):
        # Medians of alternating starts, so a moment of load elsewhere on the machine hits both.
        starts = 1 if args.smoke else 5
        mock_starts, bare_starts = [], []
        for _ in range(starts):
            mock_starts.append(cold_start(mock, STATUS_PATH, TOKEN))
            bare_starts.append(cold_start(bare, "/bare", {}, BARE_ENV))
        mock_start, bare_start = statistics.median(mock_starts), statistics.median(bare_starts)
        served = len(AKINON.collections) + len(DATAWIZ.collections)
        row(
            "cold start of mockserver serve to the first 200",
            f"{mock_start:.2f} s ({served} collections served)",
            "< 1 s",
            mock_start < 1.0,
        )
        row(
            "cold start, ratio to a bare uvicorn + Starlette app's",
            f"{mock_start / bare_start:.2f} ({bare_start:.2f} s bare)",
            "<= 1.5",
            mock_start / bare_start <= 1.5,
        )
    pages = total_documents // 100
    samples = min(pages, 20 if args.smoke else 200)
    throughput = wants("status", "page", "post", "products") or (prism and wants("prism"))
    if throughput or wants("scale", "search"):
        with tempfile.TemporaryDirectory() as folder, server(mock, STATUS_PATH, TOKEN) as (port, _, pid):
            if throughput:
                chosen = prism if wants("prism") else None
                _, yardsticks = throughput_rows(port, folder, rounds, row, load, bare, chosen, wants)
            if wants("scale", "search"):
                scale_rows(port, pid, total_documents, samples, row, wants)
    if wants("profile"):
        profile_rows(mock, rounds, row, load)
    if wants("proxy"):
        cost = proxy_cost(mock, 200 if args.smoke else 3000, rounds, load)
        for label, fraction in (("p50", 0.5), ("p99", 0.99)):
            added = percentile(cost.proxied, fraction) - percentile(cost.direct, fraction)
            row(
                f"proxy: added latency per exchange, {label}, one connection (GET get_async_status)",
                f"{added:.2f} ms ({percentile(cost.direct, fraction):.2f} direct)",
                "<= 1 ms" if label == "p50" else "(stated)",
                added <= 1.0 if label == "p50" else None,
            )
        if cost.throughput is not None:
            row(
                "proxy: throughput with 16 connections (req/s through the proxy, ratio to direct)",
                f"{cost.throughput.ours:,.0f} ({cost.throughput.ratio:.2f}x of {cost.throughput.theirs:,.0f})",
                ">= 0.5x",
                cost.throughput.ratio >= 0.5,
            )
        if cost.cpu_us is not None:
            proxy_us, behind_us, direct_us = cost.cpu_us
            row(
                "proxy: CPU per exchange with 16 connections, the proxy's (the fake's behind it, direct)",
                f"{proxy_us:.0f} us ({behind_us:.0f}, {direct_us:.0f})",
                "(stated)",
                None,
            )
    store_table = store_rows(mock, total_documents, samples, load, args.smoke) if wants("stores") else None
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        + (f"{yardsticks} (medians); " if yardsticks else "")
        + f"{rounds} round(s) of {seconds:g} s per throughput row, 16 connections, load generator: {generator}"
        + (f"; sections: {', '.join(sorted(wanted))}" if args.only else "")
    )
    width = max((len(r[0]) for r in rows), default=10)
    print(f"{'figure'.ljust(width)}  {'measured':>24}  {'target':>16}  met")
    for name, figure, target, met in rows:
        print(
            f"{name.ljust(width)}  {figure:>24}  {target:>16}  {'-' if met is None else ('yes' if met else 'NO')}"
        )
    if store_table is not None:
        print(store_table)
    if wants("prism") and not prism:
        print("prism: not measured (no prism on PATH or through `npx --no-install`; see --prism)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
