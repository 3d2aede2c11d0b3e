"""End to end: `mockserver serve` in a subprocess, over a real socket (plain and TLS)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port

BEARER = {"Authorization": "Bearer e2e"}


@contextmanager
def serving(*flags: str, scheme: str = "http") -> Iterator[tuple[str, subprocess.Popen, list[str]]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--log-level", "warning", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    banner: list[str] = []
    banner_done = threading.Event()

    def read_banner() -> None:
        # A thread, so a server that prints less than expected never blocks the test.
        assert process.stdout is not None
        for line in process.stdout:
            if not banner_done.is_set():
                banner.append(line.rstrip())
                if line.startswith("  Try:"):  # the banner's last line
                    banner_done.set()

    threading.Thread(target=read_banner, daemon=True).start()
    try:
        banner_done.wait(timeout=20)
        yield f"{scheme}://127.0.0.1:{port}", process, banner
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_ready(base: str, verify: object = True) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/__mockserver__/health", verify=verify, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError(f"{base} never answered")


def test_serve_answers_both_apis_and_keeps_state_across_restarts(tmp_path: Path):
    state = tmp_path / "state.json"
    with serving("--state-file", str(state)) as (base, _, banner):
        wait_ready(base)
        assert any("Akinon" in line for line in banner) and any("Datawiz" in line for line in banner)
        assert banner[-2] == f"  Console: {base}/__mockserver__/ui/"
        # The last line is a request to paste into a shell, and the fake answers it.
        tried = subprocess.run(
            ["bash", "-c", banner[-1].removeprefix("  Try: ")], capture_output=True, text=True, timeout=30
        )
        assert json.loads(tried.stdout) == {"result": "true"}, (banner[-1], tried.stderr)
        status = httpx.get(
            f"{base}/api/v1/oms/setup/addresses/get_async_status/", headers={"Authorization": "Token e2e"}
        )
        assert status.status_code == 200 and status.json() == {"result": "READY"}
        assert status.headers["allow"] == "GET, HEAD, OPTIONS"
        page = httpx.get(
            f"{base}/api/v1/relocate-documents/?page_size=2", headers={"Authorization": "Bearer e2e"}
        )
        assert page.status_code == 200 and page.json()["next"].startswith(base)
        product = {"product_id": "kept-across-restarts", "name": "n", "category_id": "cat-dairy"}
        assert httpx.post(f"{base}/api/v1/products/", json=product, headers=BEARER).status_code == 201
        assert httpx.post(f"{base}/__mockserver__/clock/advance", json={"seconds": 30}).status_code == 200
    saved = json.loads(state.read_text())
    assert saved["clock"]["offset_seconds"] >= 30
    assert saved["tenants"] and not any("e2e" in tenant for tenant in saved["tenants"])  # no credential
    with serving("--state-file", str(state)) as (base, _, _):
        wait_ready(base)
        assert httpx.get(f"{base}/__mockserver__/clock").json()["offset_seconds"] >= 30
        # The same credential reaches the same tenant after the restart (its key is in the file).
        kept = httpx.get(f"{base}/api/v1/products/kept-across-restarts/", headers=BEARER)
        assert kept.status_code == 200


def test_serve_with_tls_prints_the_ca_to_trust(tmp_path: Path):
    with serving("--tls", "--tls-dir", str(tmp_path), scheme="https") as (base, _, banner):
        ca = tmp_path / "ca.pem"
        assert any(str(ca) in line for line in banner)
        wait_ready(base, verify=str(ca))
        answer = httpx.get(
            f"{base}/api/v1/relocate-documents/", headers={"Authorization": "Bearer t"}, verify=str(ca)
        )
        assert answer.status_code == 200 and answer.json()["results"][0]["url"].startswith(
            "https://127.0.0.1:"
        )


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_strict_mode_rejects_unknown_tokens():
    with serving("--auth", "strict", "--token", "good") as (base, _, _):
        wait_ready(base)
        url = f"{base}/api/v1/oms/setup/addresses/is_required/"
        assert httpx.get(url, headers={"Authorization": "Token good"}).status_code == 200
        bad = httpx.get(url, headers={"Authorization": "Token bad"})
        assert bad.status_code == 401 and bad.json() == {"detail": "Invalid token."}
        assert bad.headers["www-authenticate"] == "Token"


def test_an_upload_reaches_the_state_file_by_itself_and_survives_sigkill(tmp_path: Path):
    """With --state-file on the memory store an accepted write is on disk within a bound
    (state_file.StateWriter: 0.5 s plus two saves), without a control call or a clean shutdown;
    a SIGKILL after it (a CI timeout, the OOM killer) loses nothing."""
    state = tmp_path / "state.json"
    product = {"product_id": "kept-after-sigkill", "name": "n", "category_id": "cat-dairy"}
    with serving("--state-file", str(state)) as (base, process, _):
        wait_ready(base)
        assert httpx.post(f"{base}/api/v1/products/", json=product, headers=BEARER).status_code == 201
        # Waited for, not slept: on a loaded machine the save may take longer than the bound says.
        deadline = time.monotonic() + 20
        while not (state.exists() and b"kept-after-sigkill" in state.read_bytes()):
            assert time.monotonic() < deadline, "the upload never reached the state file"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    with serving("--state-file", str(state)) as (base, _, _):
        wait_ready(base)
        assert httpx.get(f"{base}/api/v1/products/kept-after-sigkill/", headers=BEARER).status_code == 200


def test_a_strict_fakes_first_request_uses_the_users_own_token(tmp_path: Path):
    """In strict mode the banner never prints the key: the request to try says $TOKEN, and with the
    user's --token in TOKEN it is answered."""
    with serving("--auth", "strict", "--token", "my-secret-key-1234", "--api", "datawiz") as (
        base,
        _,
        banner,
    ):
        wait_ready(base)
        assert "my-secret-key-1234" not in "\n".join(banner)
        assert banner[-1].startswith('  Try: curl -s -H "Authorization: Bearer $TOKEN" ')
        command = banner[-1].removeprefix("  Try: ").split("   (")[0]
        tried = subprocess.run(
            ["bash", "-c", command],
            capture_output=True,
            text=True,
            timeout=30,
            env={"PATH": os.environ["PATH"], "TOKEN": "my-secret-key-1234"},
        )
        assert json.loads(tried.stdout)["count"] >= 1, (banner[-1], tried.stdout)
