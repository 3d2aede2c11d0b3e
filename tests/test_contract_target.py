"""The contract suite's Target: logins, 429 with Retry-After, the request budget, the rate limit,
masked curl lines, and the CLI's environment fallbacks."""

import time
import warnings

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from contract_tests.report import curl_line
from contract_tests.target import BudgetExhausted, Credentials, Target, in_process_target
from mockserver.app import create_app
from mockserver.cli import parse_args
from mockserver.settings import Settings

warnings.filterwarnings("ignore", category=DeprecationWarning)


def _throttled_app(limited: int) -> Starlette:
    """Answers 429 (Retry-After: 0) to the first `limited` requests, then 200."""
    seen = {"n": 0}

    async def endpoint(request: Request) -> JSONResponse:
        seen["n"] += 1
        if seen["n"] <= limited:
            return JSONResponse({"detail": "slow down"}, status_code=429, headers={"Retry-After": "0"})
        return JSONResponse({"n": seen["n"]})

    return Starlette(routes=[Route("/x/", endpoint)])


def _plain_target(app: Starlette, **kwargs: object) -> Target:
    from starlette.testclient import TestClient

    client = TestClient(app, base_url="http://t")
    return Target("akinon", client, "http://t", Credentials(token="k"), **kwargs)  # type: ignore[arg-type]


def test_a_429_is_retried_after_its_retry_after():
    target = _plain_target(_throttled_app(limited=2))
    answer = target.request("GET", "/x/")
    assert answer.status_code == 200 and answer.json() == {"n": 3}
    assert target.requests_sent == 3


def test_the_budget_stops_the_run():
    target = _plain_target(_throttled_app(limited=0), budget=2)
    target.request("GET", "/x/")
    target.request("GET", "/x/")
    with pytest.raises(BudgetExhausted):
        target.request("GET", "/x/")


def test_the_rate_limit_spaces_requests():
    target = _plain_target(_throttled_app(limited=0), rate_limit=20)
    started = time.monotonic()
    for _ in range(5):
        target.request("GET", "/x/")
    assert time.monotonic() - started >= 0.19


def test_curl_lines_mask_the_secret():
    request = httpx.Request(
        "POST", "http://h/api/", headers={"Authorization": "Bearer s3cret"}, json={"a": 1}
    )
    line = curl_line(request)
    assert "s3cret" not in line and "authorization: Bearer " in line and "--data-raw" in line
    assert "…" in line  # masked as the journal masks it


def test_akinon_logs_in_with_a_username():
    app = create_app(Settings(auth_mode="strict", users=(("alice", "secret"),)))
    target = in_process_target("akinon", app, Credentials(username="alice", password="secret"))
    assert target.auth_headers()["Authorization"].startswith("Token ")
    assert target.api_call("GET", "/api/v1/oms/setup/addresses/get_async_status/").status_code == 200


def test_datawiz_logs_in_with_the_password_grant():
    app = create_app(
        Settings(auth_mode="strict", users=(("olena", "pw"),), oauth_clients=(("cid", "csecret"),))
    )
    credentials = Credentials(username="olena", password="pw", client_id="cid", client_secret="csecret")
    target = in_process_target("datawiz", app, credentials)
    assert target.auth_headers()["Authorization"].startswith("Bearer ")
    assert target.api_call("GET", "/api/v1/relocate-documents/").status_code == 200


def test_verify_reads_its_options_from_the_environment(monkeypatch):
    monkeypatch.setenv("MOCKSERVER_VERIFY_BASE_URL", "http://staging.example")
    monkeypatch.setenv("MOCKSERVER_VERIFY_TOKEN", "from-env")
    monkeypatch.setenv("MOCKSERVER_VERIFY_ALLOW_WRITES", "1")
    args = parse_args(["verify", "--api", "datawiz"])
    assert (args.base_url, args.token, args.allow_writes) == ("http://staging.example", "from-env", True)
