"""Several `mockserver serve` processes on one Redis: workers and replicas share everything, a
contract run passes against them, and a Redis restart under load answers 503 and loses nothing."""

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from tests.e2e.test_serve_socket import serving, wait_ready
from tests.e2e.test_verify_socket import run_cli
from tests.redis_server import RedisServer

DOCS = "/api/v1/relocate-documents/"
PRODUCTS = "/api/v1/products/"
# --no-fixtures: the product's documented category is created first
CATEGORIES = "/api/v1/categories/"
CATEGORY = {"category_id": "cat-dairy", "name": "Молочні продукти", "parent_id": None}
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"
BEARER = {"Authorization": "Bearer shared"}


def document(relocate_id: str, total: int = 1) -> dict:
    return {
        "relocate_id": relocate_id,
        "price_total": f"{total}.0000",
        "relocate_date": "2020-05-01T10:00:00",
        "responsible": "Олена",
        "products": [
            {"product_id": PRODUCT, "qty": "1.0000", "price": f"{total}.0000", "price_total": f"{total}.0000"}
        ],
    }


@contextmanager
def replicas(store: str, count: int, *flags: str) -> Iterator[list[str]]:
    """`count` replicas of one fake on the store, each on its own port."""
    with ExitStack() as stack:
        bases = [
            stack.enter_context(serving("--store", store, "--no-fixtures", *flags))[0] for _ in range(count)
        ]
        for base in bases:
            wait_ready(base)
        yield bases


def test_the_memory_store_refuses_several_workers():
    run = run_cli(["serve", "--workers", "2"])
    assert run.returncode == 2
    assert "refusing --workers 2 with the memory store" in run.stderr and "--store redis://" in run.stderr


def test_64_writers_over_two_replicas_of_two_workers_lose_nothing(redis_url):
    with replicas(redis_url, 2, "--workers", "2") as bases:
        with httpx.Client(timeout=30) as client:
            assert client.post(bases[0] + CATEGORIES, headers=BEARER, json=CATEGORY).status_code == 201
            assert (
                client.post(
                    bases[0] + PRODUCTS,
                    headers=BEARER,
                    json={"product_id": PRODUCT, "name": "Молоко", "category_id": "cat-dairy"},
                ).status_code
                < 300
            )
            # A write on one replica is seen by the next read on the other (version stamps in Redis).
            assert client.post(bases[0] + DOCS, headers=BEARER, json=[document("first")]).status_code == 201
            assert client.get(bases[1] + DOCS + "first/", headers=BEARER).status_code == 200
        counts = {"inserted": 0, "updated": 0}
        failures: list[str] = []
        lock = threading.Lock()

        def writer(number: int) -> None:
            base = bases[number % 2]
            with httpx.Client(timeout=60) as client:
                for batch in range(5):
                    # Every writer inserts its own 4 documents and updates one all writers share.
                    documents = [document(f"w{number}-b{batch}-{i}") for i in range(4)]
                    documents.append(document("shared", total=number))
                    answer = client.post(base + DOCS, headers=BEARER, json=documents)
                    if answer.status_code != 201:
                        failures.append(f"{answer.status_code} {answer.text[:200]}")
                        continue
                    with lock:
                        counts["inserted"] += answer.json()["inserted"]
                        counts["updated"] += answer.json()["updated"]

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(64)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        # 64 writers x 5 batches x 4 own documents, plus "shared" inserted once and updated 319 times.
        assert counts == {"inserted": 64 * 5 * 4 + 1, "updated": 64 * 5 - 1}
        for base in bases:
            page = httpx.get(base + DOCS + "?page_size=1", headers=BEARER, timeout=30).json()
            assert page["count"] == 1 + 64 * 5 * 4 + 1
        journal = httpx.get(bases[1] + "/__mockserver__/journal", timeout=30).json()["entries"]
        # One journal for all four processes: every API call numbered once (4 + 320 + 2 of them).
        ids = [entry["id"] for entry in journal]
        assert len(set(ids)) == len(ids) and max(ids) == 326


def test_verify_passes_against_two_workers_on_redis(redis_url):
    with replicas(redis_url, 1, "--workers", "2", "--auth", "strict", "--token", "ci-key") as (base,):
        for api in ("akinon", "datawiz"):
            run = run_cli(
                [
                    *("verify", "--api", api, "--base-url", base),
                    "--token",
                    "ci-key",
                    "--allow-writes",
                    "--max-examples",
                    "3",
                    # every promise on every collection, a sample of fields and fuzzed collections
                    *("--sample-fields", "2", "--conformance-collections", "4"),
                ]
            )
            assert run.returncode == 0, run.stdout + run.stderr
            assert " 0 failed" in run.stdout


@pytest.fixture
def restartable_redis() -> Iterator[RedisServer]:
    server = RedisServer(persistent=True)
    server.start()
    yield server
    server.close()


def test_a_redis_restart_under_load_answers_503_then_recovers_with_no_partial_batch(restartable_redis):
    with replicas(restartable_redis.url, 1) as (base,):
        httpx.post(base + CATEGORIES, headers=BEARER, json=CATEGORY, timeout=10)
        httpx.post(
            base + PRODUCTS,
            headers=BEARER,
            json={"product_id": PRODUCT, "name": "Молоко", "category_id": "cat-dairy"},
            timeout=10,
        )
        statuses: list[int] = []
        acknowledged: list[int] = []
        stop = threading.Event()

        def writer(number: int) -> None:
            batch = 0
            with httpx.Client(timeout=30) as client:
                while not stop.is_set():
                    name = f"w{number}-{batch}"
                    answer = client.post(
                        base + DOCS, headers=BEARER, json=[document(f"{name}-{i}") for i in range(25)]
                    )
                    statuses.append(answer.status_code)
                    if answer.status_code == 201:
                        acknowledged.append(1)
                    elif answer.status_code == 503:
                        assert answer.json()["detail"].startswith("Service temporarily unavailable")
                    batch += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        restartable_redis.stop()
        time.sleep(1.0)
        down = httpx.get(base + DOCS, headers=BEARER, timeout=30)
        assert down.status_code == 503 and "detail" in down.json()
        restartable_redis.start()
        deadline = time.monotonic() + 20
        while httpx.get(base + DOCS, headers=BEARER, timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the fake did not recover"
            time.sleep(0.1)
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join()
        assert 503 in statuses and statuses[-1] == 201
        assert set(statuses) <= {201, 503}
        batches: dict[str, int] = {}
        url = base + DOCS + "?page_size=1000"
        while url:
            page = httpx.get(url, headers=BEARER, timeout=60).json()
            for found in page["results"]:
                name = found["relocate_id"].rsplit("-", 1)[0]
                batches[name] = batches.get(name, 0) + 1
            url = page["next"]
        assert set(batches.values()) == {25}  # every batch whole: none half-written
        assert len(batches) >= len(acknowledged)  # everything acknowledged survived the restart
