"""Over a real socket: 64 concurrent clients upserting overlapping documents lose nothing; a
SIGKILL while the state file is written never leaves a corrupt file."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import httpx

from mockserver.app import create_app
from mockserver.auth.keys import CredentialKeys
from mockserver.settings import Settings
from tests.e2e.test_serve_socket import free_port, wait_ready
from tests.live_server import live_server

PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"
H = {"Authorization": "Bearer concurrency"}


def upload(relocate_id: str) -> dict:
    return {
        "relocate_id": relocate_id,
        "price_total": "1",
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": "c",
        "products": [{"product_id": PRODUCT, "qty": "1", "price": "1", "price_total": "1"}],
    }


def test_64_clients_upserting_overlapping_documents():
    clients, per_client, distinct = 64, 100, 1000
    with live_server(create_app(Settings())) as base:
        httpx.post(f"{base}/__mockserver__/fixtures", headers=H, json={"empty": True})
        httpx.post(f"{base}/api/v1/categories/", headers=H, json={"category_id": "c", "name": "c"})
        httpx.post(
            f"{base}/api/v1/products/",
            headers=H,
            json={"product_id": PRODUCT, "name": "p", "category_id": "c"},
        )

        async def one_client(number: int, http: httpx.AsyncClient) -> tuple[int, int]:
            inserted = updated = 0
            for batch_start in range(0, per_client, 25):
                ids = [f"C{(number * 37 + i) % distinct:04d}" for i in range(batch_start, batch_start + 25)]
                answer = await http.post(
                    f"{base}/api/v1/relocate-documents/", headers=H, json=[upload(i) for i in ids]
                )
                assert answer.status_code == 201, answer.text
                inserted += answer.json()["inserted"]
                updated += answer.json()["updated"]
            return inserted, updated

        async def run_all() -> list[tuple[int, int]]:
            async with httpx.AsyncClient(timeout=60) as http:
                return await asyncio.gather(*(one_client(n, http) for n in range(clients)))

        results = asyncio.run(run_all())
        total_inserted = sum(r[0] for r in results)
        total_updated = sum(r[1] for r in results)
        assert total_inserted + total_updated == clients * per_client
        stored = httpx.get(f"{base}/api/v1/relocate-documents/?page_size=1000", headers=H).json()
        ids = {d["relocate_id"] for d in stored["results"]}
        expected = {f"C{(n * 37 + i) % distinct:04d}" for n in range(clients) for i in range(per_client)}
        assert stored["count"] == len(expected) == total_inserted and ids == expected


def test_sigkill_while_saving_never_corrupts_the_state_file(tmp_path):
    state = tmp_path / "state.json"
    for round_number in range(3):
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mockserver",
                "serve",
                "--port",
                str(port),
                "--state-file",
                str(state),
                "--log-level",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base)
            httpx.get(
                f"{base}/api/v1/relocate-documents/",
                headers={"Authorization": f"Bearer round-{round_number}"},
            )
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:  # every non-GET control call saves the file
                httpx.post(f"{base}/__mockserver__/clock/advance", json={"seconds": 1})
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        saved = json.loads(state.read_text())  # always a whole file: the old one or the new one
        keys = CredentialKeys(bytes.fromhex(saved["credential_key"]))  # kept so tenant ids survive
        assert keys.tenant(f"round-{round_number}") in saved["tenants"]
        assert not [
            p for p in tmp_path.iterdir() if p.name != "state.json" and not p.name.startswith(".state.json.")
        ]
