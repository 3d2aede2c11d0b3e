"""--state-file with the Redis store: `mockserver serve` processes on a real redis-server save the
shared state at shutdown and on control changes, a fresh (empty) Redis is loaded from the file,
a Redis that already holds a fake is never overwritten by a replica's file, and a file written
from one store kind loads into the other unchanged."""

import json
from pathlib import Path

import httpx
import redis

from mockserver.app import build_dispatcher
from mockserver.settings import Settings
from mockserver.state_file import load_state_file, save_state_file
from mockserver.store import MemoryStore
from mockserver.store.redis_store import RedisStore
from tests.e2e.test_serve_socket import serving, wait_ready

BEARER = {"Authorization": "Bearer kept"}
DOCS = "/api/v1/relocate-documents/"
COLLECTION = "datawiz.relocate-documents"
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"


def relocate(relocate_id: str, responsible: str) -> dict:
    return {
        "relocate_id": relocate_id,
        "price_total": "2.0000",
        "relocate_date": "2020-05-01T10:00:00",
        "responsible": responsible,
        "products": [{"product_id": PRODUCT, "qty": "1.0000", "price": "2.0000", "price_total": "2.0000"}],
    }


def found(base: str, search: str) -> list[str]:
    page = httpx.get(f"{base}{DOCS}?search={search}", headers=BEARER, timeout=10)
    assert page.status_code == 200, page.text
    return [item["relocate_id"] for item in page.json()["results"]]


def test_serve_on_redis_saves_the_shared_state_and_loads_it_into_an_empty_redis(redis_url, tmp_path: Path):
    state = tmp_path / "state.json"
    with serving("--store", redis_url, "--state-file", str(state)) as (base, _, _):
        wait_ready(base)
        posted = httpx.post(
            base + DOCS,
            headers=BEARER,
            json=[relocate("kept-1", "Кіра Збишко"), relocate("kept-2", "Ярема Вовчук")],
        )
        assert posted.status_code == 201, posted.text
        # A control change is saved at once, while the process runs.
        assert httpx.post(f"{base}/__mockserver__/clock/advance", json={"seconds": 30}).status_code == 200
        assert json.loads(state.read_text())["clock"]["offset_seconds"] >= 30
    saved = json.loads(state.read_text())  # and everything again at shutdown
    assert saved["credential_key"]
    kept = [
        doc["relocate_id"]
        for tenant in saved["tenants"].values()
        for doc in tenant["collections"].get(COLLECTION, [])
    ]
    assert {"kept-1", "kept-2"} <= set(kept)

    redis.Redis.from_url(redis_url).flushdb()  # a new, empty Redis: the file is loaded into it
    with serving("--store", redis_url, "--state-file", str(state)) as (base, _, _):
        wait_ready(base)
        assert httpx.get(f"{base}/__mockserver__/clock").json()["offset_seconds"] >= 30
        # The same credential reaches the same tenant (the file's key), searched and ordered.
        assert found(base, "ЗБИШКО") == ["kept-1"]
        assert httpx.get(f"{base}{DOCS}kept-2/", headers=BEARER).status_code == 200

    # A Redis that holds the fake already is not overwritten by another replica's older file.
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**saved, "tenants": {}}))
    with serving("--store", redis_url, "--state-file", str(other)) as (base, _, _):
        wait_ready(base)
        assert found(base, "вовчук") == ["kept-2"]
    # ... and that replica's file now holds the shared state it served.
    assert json.loads(other.read_text())["tenants"] == json.loads(state.read_text())["tenants"]


def test_a_state_file_moves_between_the_redis_and_the_memory_store(redis_url, tmp_path: Path):
    """Written from Redis, loaded into memory and back into another Redis prefix: the same state."""
    settings = Settings(state_file=None)
    on_redis = RedisStore(redis_url, prefix="first")
    try:
        build_dispatcher(settings, on_redis)  # defines the collections on the store
        tenant = "tenant-a"
        on_redis.upsert_documents(tenant, COLLECTION, [relocate("moved", "Олена")])
        on_redis.mutate_value(tenant, "marker", lambda old: ({"kept": True}, None))
        on_redis.advance_clock(12.5)
        path = tmp_path / "state.json"
        save_state_file(on_redis, path)

        in_memory = MemoryStore()
        build_dispatcher(settings, in_memory)
        load_state_file(in_memory, path)
        assert in_memory.dump_all()["tenants"] == on_redis.dump_all()["tenants"]
        assert in_memory.query_documents(tenant, COLLECTION, search="олена").count == 1

        again = tmp_path / "again.json"
        save_state_file(in_memory, again)
        second = RedisStore(redis_url, prefix="second")
        try:
            build_dispatcher(settings, second)
            load_state_file(second, again)
            assert second.dump_all()["tenants"] == on_redis.dump_all()["tenants"]
            assert second.clock_state()["offset_seconds"] == on_redis.clock_state()["offset_seconds"]
            assert second.get_value(tenant, "marker") == {"kept": True}
        finally:
            second.close()
    finally:
        on_redis.close()
