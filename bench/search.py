"""Search's worst cases over the bench's documents: terms every document holds and terms none
holds, each asked once (a term's result is remembered until the next write, so a repeated term
would measure the memo, not the index).

    python -m bench.search                   # the store calls timed in-process, memory and Redis
    python -m bench.search --documents 20000 # quicker

`python -m bench` asks the same terms over HTTP (rows "search worst case: ...")."""

import argparse
import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

# Every bench document's `responsible` is "Відповідальний N" and its key "B" + 7 digits.
WORD = "відповідальний"


def _substrings(word: str) -> list[str]:
    return sorted({word[i:j] for i in range(len(word)) for j in range(i + 1, len(word) + 1)})


def _trigrams(term: str) -> set[str]:
    return {term[i : i + 3] for i in range(len(term) - 2)}


def worst_case_terms() -> dict[str, list[str]]:
    """Distinct terms per case, each as written by a client (mixed case)."""
    pieces = _substrings(WORD)
    present = _trigrams(WORD)
    # Longer terms none of whose trigrams is missing from every document, yet no document holds
    # the term: every candidate the trigrams give has to be checked against its text.
    decoys = sorted(
        {
            a + b
            for a in pieces
            for b in pieces
            if len(a) >= 2 and len(a + b) >= 5 and (a + b) not in WORD and _trigrams(a + b) <= present
        },
        key=lambda term: (len(term), term),
    )
    return {
        "a term of 1-3 characters every document holds": [p.upper() for p in pieces if len(p) <= 3],
        "a longer term every document holds": [p.title() for p in pieces if len(p) > 3],
        "a term no document holds (a gram no document has)": [f"Zq{n}" for n in range(200)],
        "a longer term no document holds, each of its trigrams in every document": decoys,
    }


def split_for_orderings(terms: list[str]) -> tuple[list[str], list[str]]:
    """Two disjoint halves: the ordered rows must not meet a term the unordered rows asked."""
    return terms[0::2], terms[1::2]


def timed_ms(calls: Iterator[Callable[[], object]]) -> list[float]:
    timings = []
    for call in calls:
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def in_process(store, total: int, label: str) -> list[str]:
    """The store's own calls on `total` bench documents: upload, the first read that derives the
    indexes, and every worst case (count and the first page of 100)."""
    from bench.workload import document

    collection = "datawiz.relocate-documents"
    lines = []
    started = time.perf_counter()
    for start in range(0, total, 2000):
        store.upsert_documents(
            "bench", collection, [document(i) for i in range(start, min(start + 2000, total))]
        )
    lines.append(
        f"{label}: upsert {total:,} in batches of 2,000: {total / (time.perf_counter() - started):,.0f} documents/s"
    )
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    for ordering in ([], ["-price_total"]):
        store.query_documents("bench", collection, ordering=ordering, search="b", limit=1)
    gc.collect()
    lines.append(
        f"{label}: first searched reads (sort values, search index, two rankings derived): "
        f"{time.perf_counter() - started:.2f} s, {(rss_bytes() - before) / total:,.0f} B per document"
    )
    for case, terms in worst_case_terms().items():
        for ordering, half in zip(([], ["-price_total"]), split_for_orderings(terms), strict=True):
            calls = (
                (
                    lambda t=term, o=ordering: store.query_documents(
                        "bench", collection, ordering=o, search=t, limit=100
                    )
                )
                for term in half
            )
            timings = timed_ms(calls)
            lines.append(
                f"{label}: {case}{', ordering=-price_total' if ordering else ''}: "
                f"median {statistics.median(timings):.2f} ms, max {max(timings):.2f} ms ({len(timings)} terms)"
            )
    return lines


def redis_used_memory(store) -> int:
    return int(store._redis.info("memory")["used_memory"])


def run(kind: str, total: int) -> None:
    """One store kind, in a process of its own (so its resident memory is its own)."""
    from bench.workload import redis_server
    from mockserver.apis import catalogue
    from mockserver.store import MemoryStore

    collections = [c.store_spec() for c in catalogue().collections]  # as the fake defines them
    if kind == "memory":
        memory = MemoryStore()
        for collection in collections:
            memory.define_collection(collection)
        for line in in_process(memory, total, "memory"):
            print(line, flush=True)
        return
    with redis_server() as url:
        if url is None:
            print("redis: not measured (no redis-server on PATH)")
            return
        from mockserver.store.redis_store import RedisStore

        shared = RedisStore(url, prefix="bench-search")
        for collection in collections:
            shared.define_collection(collection)
        try:
            before = redis_used_memory(shared)
            for line in in_process(shared, total, "redis (this process: its search index and rankings)"):
                print(line, flush=True)
            held = (redis_used_memory(shared) - before) / total
            print(
                f"redis: memory Redis holds per document (documents, sorted sets, texts, change log): {held:,.0f} B"
            )
        finally:
            shared.close()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--only", choices=("memory", "redis"), default=None)
    args = parser.parse_args()
    if args.only:
        run(args.only, args.documents)
        return 0
    for kind in ("memory", "redis"):
        command = [sys.executable, "-m", "bench.search", "--only", kind, "--documents", str(args.documents)]
        if subprocess.run(command, check=False).returncode != 0:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
