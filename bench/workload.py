"""The bench's workload and servers: the API facts it reads from the catalogue (paths, auth
keywords, keys), the bodies it sends (the collections' own fixtures with their keys varied), and
the servers it measures (a port, a process pinned to a core, a throw-away redis-server). Every
bench module imports them from here."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import orjson

from mockserver.apis import catalogue
from mockserver.resources import fixtures_dir

HOST = "127.0.0.1"
# Every API fact the bench needs is read from the specs (paths, auth keywords, keys) and the
# fixtures (the products the documents name); only the workload's own values are typed here.
AKINON, DATAWIZ = catalogue().api("akinon"), catalogue().api("datawiz")
BEARER = {"Authorization": f"{DATAWIZ.auth_keyword} bench", "Content-Type": "application/json"}
TOKEN = {"Authorization": f"{AKINON.auth_keyword} bench"}


def _fixtures(name: str) -> list[dict]:
    """The upload bodies a collection's fixtures seed every tenant with."""
    collection = DATAWIZ.collection(name)
    return orjson.loads((fixtures_dir() / collection.api / collection.fixtures).read_bytes())


PRODUCTS = tuple(DATAWIZ.collection("products").key_of(item) for item in _fixtures("products")[:3])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def unpinned(command: list[str]) -> list[str]:
    # Children inherit this process's affinity (the load generator's core): give them every core.
    cores = os.cpu_count() or 1
    return ["taskset", "-c", f"0-{cores - 1}", *command] if shutil.which("taskset") and cores > 1 else command


def pinned(command: list[str], core: int) -> list[str]:
    # One core for the server, the other for the load generator, when taskset is there.
    return (
        ["taskset", "-c", str(core), *command]
        if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1
        else command
    )


@contextmanager
def server(
    command: list[str],
    probe_path: str,
    headers: dict[str, str],
    port_flag: str = "--port",
    env: dict[str, str] | None = None,
    pin: bool = True,
) -> Iterator[tuple[int, float, int]]:
    port = free_port()
    started = time.perf_counter()
    launched = [*command, port_flag, str(port)]
    process = subprocess.Popen(
        pinned(launched, 0) if pin else unpinned(launched),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # npx starts node as a child: stop the whole group
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(f"http://{HOST}:{port}{probe_path}", headers=headers, timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.01)
        else:
            raise RuntimeError(f"{command[0]} did not answer 200 on {probe_path} within a minute")
        yield port, time.perf_counter() - started, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time a process has used so far (Linux /proc; None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


# The workload's bodies are the collections' own fixtures with their keys varied, and the
# bench's own values where it pages, orders and searches (price_total, responsible).
DOCUMENTS = DATAWIZ.collection("relocate-documents")
DOCUMENT = orjson.dumps(_fixtures("relocate-documents")[0])
RECEIPTS = DATAWIZ.collection("receipts")
RECEIPT = _fixtures("receipts")[0]
CART_ITEM = RECEIPT[next(iter(RECEIPTS.nested))][0]


def document(index: int) -> dict:
    """A relocate document of two lines: the first fixture, its key varied."""
    body = orjson.loads(DOCUMENT)  # a fresh copy of the fixture
    (key,) = DOCUMENTS.key
    body[key] = f"B{index:07d}"
    body["price_total"] = f"{index % 997}.5000"
    body["responsible"] = f"Відповідальний {index % 37}"  # every document holds the search terms' word
    return body


def receipt(index: int) -> dict:
    """A receipt of three cart items (the fixture's item, each naming another fixture product),
    two of its key fields varied: a new order_id, and a date per second in the fixture's month."""
    (field,) = RECEIPTS.nested
    (number,) = RECEIPTS.nested[field].lookup
    lines = [{**CART_ITEM, number: str(line), "product_id": PRODUCTS[line - 1]} for line in (1, 2, 3)]
    day, hour, minute, second = 1 + index // 86400 % 28, index // 3600 % 24, index // 60 % 60, index % 60
    date = f"{RECEIPT['date'][:8]}{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    return {**RECEIPT, "order_id": f"R{index:07d}", "date": date, field: lines}


STATUS_PATH = AKINON.operation(AKINON.task.operations["status"]).path
DOCUMENTS_PATH = DATAWIZ.collection("relocate-documents").list_path
RECEIPTS_PATH = DATAWIZ.collection("receipts").list_path
PAGE_PATH = DOCUMENTS_PATH + "?page_size=20"
PRODUCTS_PATH = DATAWIZ.collection("products").list_path
PRODUCTS_PAGE_PATH = PRODUCTS_PATH + "?page_size=20&page=2"  # the fixtures hold 300 products
# What the bare app validates its POSTs with: the relocate documents' upload schema (bench/bare_app.py).
BARE_ENV = {
    "BENCH_SPEC_FILE": str(DATAWIZ.spec_path),
    "BENCH_POST_OPERATION": next(
        op.operation_id for op in DATAWIZ.spec.operations if op.method == "POST" and op.path == DOCUMENTS_PATH
    ),
}
# A profile for each API, every knob that changes these requests' answers decided (the upload's
# answer, the status after an outcome) and the others the fake has: what `serve --profile` costs.
_EVIDENCE = {"request": "(the bench: not calibrated)", "status": 200}
PROFILES = {
    DATAWIZ.name: {
        "upload_answer": "pages",
        "list_errors_as_dict": True,
        "not_found_text": "No <Model> matches the given query.",
        "options_decimal_details": True,
    },
    AKINON.name: {"ready_after_outcome": True},
}


def profile_documents() -> dict[str, dict]:
    """The bench's profile documents (mockserver/profile.schema.json), one per API."""
    return {
        api: {
            "mockserver_profile": 1,
            "api": api,
            "knobs": {knob: {"value": value, "evidence": _EVIDENCE} for knob, value in knobs.items()},
            "collections": {},
        }
        for api, knobs in PROFILES.items()
    }


# One product posted again and again: the first fixture under a key of its own.
PRODUCT = {**_fixtures("products")[0], DATAWIZ.collection("products").key[0]: "bench-product"}


@contextmanager
def redis_server() -> Iterator[str | None]:
    """A throw-away redis-server (Debian's package) on a free port, or None when there is none."""
    executable = shutil.which("redis-server")
    if executable is None:
        yield None
        return
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            [
                executable,
                "--port",
                str(port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection((HOST, port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.02)
            yield f"redis://{HOST}:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
