"""A full session against `mockserver serve` over a real socket, then every answer, every log line
and every file it wrote is searched for each credential the session used: none may appear,
except in the two answers whose very job is to hand a credential out (the login, the token)."""

import base64
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import requests
from httpsig.requests_auth import HTTPSignatureAuth

from tests.live_server import free_port

TEAM_TOKEN = "team-secret-123"
PASSWORD = "alice-pass-123"
SIGNING_SECRET = "signing-secret-123"
CLIENT_SECRET = "client-secret-123"
ADMIN = "admin-secret-123"
OTHER_TOKEN = "other-team-token-123"  # in open mode a team's own tenant; in strict mode refused
C = "/__mockserver__"


def start(tmp_path: Path, port: int, log, auth: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--log-level", "info",
        "--auth", auth, "--token", TEAM_TOKEN, "--user", f"alice:{PASSWORD}",
        "--signing-key", f"k1:{SIGNING_SECRET}", "--oauth-client", f"cli-id:{CLIENT_SECRET}",
        "--admin-token", ADMIN, "--state-file", str(tmp_path / "state.json"),
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(
                f"{base}{C}/health", headers={"X-Mockserver-Admin-Token": ADMIN}, timeout=1
            ).is_success:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError("mockserver serve never answered")


def session(base: str) -> tuple[list[str], list[str]]:
    """Everything a team would do in a day; returns (what may be searched, the secrets it got)."""
    seen: list[str] = []
    issued: list[str] = []
    client = httpx.Client(base_url=base, timeout=10)

    def keep(answer: httpx.Response) -> httpx.Response:
        seen.append(f"{answer.status_code} {dict(answer.headers)} {answer.text}")
        return answer

    def handed_out(answer: httpx.Response, *fields: str) -> None:
        """A login that succeeds (open mode takes any password) hands credentials out: they join
        those searched for; a refused one is searched like any answer."""
        if answer.status_code == 200:
            issued.extend(answer.json()[field] for field in fields)
        else:
            keep(answer)

    login = client.post("/api/v1/auth/login/", json={"username": "alice", "password": PASSWORD})
    key = login.json()["key"]
    issued.append(key)
    akinon = {"Authorization": f"Token {key}"}
    for path in ("is_required/", "execute/", "get_async_status/"):
        method = "POST" if path == "execute/" else "GET"
        keep(client.request(method, f"/api/v1/oms/setup/addresses/{path}", headers=akinon))
    keep(
        client.get(
            "/api/v1/oms/setup/addresses/is_required/", headers={"Authorization": f"Token {TEAM_TOKEN}"}
        )
    )
    keep(client.get("/api/v1/active_user/", headers=akinon))
    wrong = client.post("/api/v1/auth/login/", json={"username": "alice", "password": "wrong-password-1"})
    handed_out(wrong, "key")

    basic = {"Authorization": "Basic " + base64.b64encode(f"cli-id:{CLIENT_SECRET}".encode()).decode()}
    grant = {"grant_type": "password", "username": "alice", "password": PASSWORD}
    tokens = client.post("/api/o/token/", data=grant, headers=basic).json()
    issued += [tokens["access_token"], tokens["refresh_token"]]
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    keep(client.get("/api/v1/products/?page_size=2", headers=bearer))
    keep(
        client.post(
            "/api/v1/products/",
            json={"product_id": "leak-test", "name": "n", "category_id": "cat-dairy"},
            headers=bearer,
        )
    )
    refreshed = client.post(
        "/api/o/token/",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        headers=basic,
    ).json()
    issued += [refreshed["access_token"], refreshed["refresh_token"]]
    keep(client.get("/api/v1/shops/", headers={"Authorization": f"Bearer {refreshed['access_token']}"}))
    keep(client.get("/api/v1/shops/", headers={"Authorization": f"Bearer {tokens['access_token']}x"}))
    wrong = client.post("/api/o/token/", data={**grant, "password": "wrong-password-2"}, headers=basic)
    handed_out(wrong, "access_token", "refresh_token")

    signed = HTTPSignatureAuth(
        key_id="k1",
        secret=SIGNING_SECRET,
        algorithm="hmac-sha256",
        headers=["accept", "date", "host", "(request-target)"],
    )
    answer = requests.get(
        f"{base}/api/v1/products/",
        auth=signed,
        headers={"Accept": "application/json", "Date": "Tue, 10 Nov 2015 18:11:05 GMT"},
    )
    seen.append(f"{answer.status_code} {dict(answer.headers)} {answer.text}")

    other = {"Authorization": f"Bearer {OTHER_TOKEN}"}
    keep(
        client.post(
            "/api/v1/products/",
            json={"product_id": "other", "name": "n", "category_id": "cat-dairy"},
            headers=other,
        )
    )
    keep(client.get("/api/v1/products/other/", headers={**other, "X-Mockserver-Namespace": "ci-7"}))
    keep(client.get(C + "/state", headers=other))
    keep(client.get(C + "/journal?path=/api/v1/products/", headers=other))
    keep(client.put(C + "/faults/listProducts", json={"status": 503, "times": 1}, headers=other))
    keep(client.get(C + "/faults", headers=other))
    admin = {"X-Mockserver-Admin-Token": ADMIN}
    for path in ("/state", "/journal?limit=1000", "/faults", "/tenants", "/health", "/clock"):
        keep(client.get(C + path, headers=admin))
    for headers in (akinon, bearer, {"Authorization": f"Token {TEAM_TOKEN}"}):
        keep(client.get(C + "/state", headers=headers))
        keep(client.get(C + "/journal", headers=headers))
    keep(client.put(C + "/faults/listShops", json={"status": 404, "times": 1}, headers=bearer))
    keep(client.post(C + "/clock/advance", json={"seconds": 5}, headers=akinon))
    keep(client.get(C + "/state", headers={"Authorization": f"Token {TEAM_TOKEN}x"}))  # refused: 401
    keep(client.get(C + "/state"))  # refused: 403
    keep(client.get(C + "/state", headers={"X-Mockserver-Admin-Token": "wrong-admin-token"}))
    client.close()
    return seen, issued


@pytest.mark.parametrize("auth", ["strict", "open"])
def test_no_credential_appears_in_any_answer_log_or_file(tmp_path: Path, auth: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        process = start(tmp_path, port, log, auth)
        try:
            wait_ready(base)
            seen, issued = session(base)
        finally:
            process.send_signal(signal.SIGINT)  # the state file is written on the way out
            process.wait(timeout=20)
    # The session did what it says: logged in, got tokens, was served and journaled.
    assert len(issued) >= 5 and all(len(secret) >= 20 for secret in issued)
    assert sum(answer.startswith("200 ") for answer in seen) >= 15
    assert any('"authorization":"Bearer' in answer and "tenant_hint" in answer for answer in seen)
    if auth == "strict":  # wrong credentials were refused, and their answers searched too
        assert any(answer.startswith("401 ") for answer in seen)
    written = [log_path.read_text(), *(p.read_text() for p in tmp_path.glob("state.json*"))]
    assert "Uvicorn running" in written[0] or "mockserver serving" in written[0]
    assert len(written) >= 2 and '"tenants"' in written[1]  # the state file exists and holds state
    secrets = [TEAM_TOKEN, OTHER_TOKEN, PASSWORD, SIGNING_SECRET, CLIENT_SECRET, ADMIN, *issued]
    secrets.append(base64.b64encode(f"cli-id:{CLIENT_SECRET}".encode()).decode())
    for secret in secrets:
        for place, text in (
            ("answers", "\n".join(seen)),
            ("server log", written[0]),
            *(("file", w) for w in written[1:]),
        ):
            assert secret not in text, f"a credential ({secret[:4]}…) appears in the {place}"
