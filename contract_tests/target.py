"""Where the suite sends requests: the fake in-process, or a base URL. One place for credentials,
the request budget, the rate limit, 429 with Retry-After, and timeouts."""

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from contract_tests.report import curl_line
from mockserver.apis import catalogue
from mockserver.spec.catalogue import ServedApi


class CutOff(Exception):
    """The run stopped a check before its verdict: what the check did not send is not judged, so
    the check is reported not run, with this reason."""


class BudgetExhausted(CutOff):
    """The run reached its request budget (or the check its share of it)."""


class TimeLimitReached(CutOff):
    """The run reached its time limit."""


TIME_LIMIT = "the run's time limit was reached (raise --time-limit)"
SHARE_SPENT = (
    "its share of the request budget ran out, the rest kept for the checks after it (raise --budget)"
)


@dataclass
class Credentials:
    token: str | None = None
    username: str | None = None
    password: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


@dataclass
class Target:
    """One API at one place. `client` is an httpx client (a Starlette TestClient in-process)."""

    api: str
    client: httpx.Client
    base_url: str
    credentials: Credentials
    rate_limit: float | None = None  # requests per second
    budget: int = 5000
    max_retry_after: float = 30.0
    requests_sent: int = 0
    # The check running may send until this many requests were sent in all (its share of the
    # budget; None: the whole budget), and the run may send until this time.monotonic() instant.
    share_end: int | None = None
    deadline: float | None = None
    # (method, path) of every request sent: the report's coverage per operation reads it.
    sent: Counter[tuple[str, str]] = field(default_factory=Counter, repr=False)
    is_fake: bool = False
    fake_auth_mode: str | None = None
    specs_dir: Path | None = None  # a copy of the specs to check against (default: the packaged ones)
    last_response: httpx.Response | None = field(default=None, repr=False)
    _token: str | None = field(default=None, repr=False)
    _last_sent: float = field(default=0.0, repr=False)

    @property
    def facts(self) -> ServedApi:
        """What the specs say about this API."""
        return catalogue(self.specs_dir).api(self.api)

    # credentials -------------------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        if self._token is None:
            self._token = self.credentials.token or self._log_in()
        return {"Authorization": f"{self.facts.auth_keyword} {self._token}"}

    def _log_in(self) -> str:
        creds = self.credentials
        if not creds.username:
            raise ValueError("give a token, or a username and password")
        token_url = self.facts.password_token_url
        if token_url is None:  # DRF's obtain_auth_token
            answer = self.request(
                "POST",
                self.facts.operation("login").path,
                json={"username": creds.username, "password": creds.password},
            )
            answer.raise_for_status()
            return answer.json()["key"]
        answer = self.request(
            "POST",
            token_url,
            data={"grant_type": "password", "username": creds.username, "password": creds.password or ""},
            auth=(creds.client_id or "", creds.client_secret or ""),
        )
        answer.raise_for_status()
        return answer.json()["access_token"]

    # sending -----------------------------------------------------------------------------
    def request(self, method: str, url: str, *, authenticated: bool = False, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if authenticated:
            headers = {**self.auth_headers(), **headers}
        for _ in range(4):
            self._respect_limits()
            response = self.client.request(method, self._url(url), headers=headers, **kwargs)
            self.sent[method.upper(), urlsplit(str(response.request.url)).path] += 1
            self.last_response = response
            if response.status_code != 429:
                return response
            time.sleep(min(self.max_retry_after, _retry_after(response)))
        return response

    def api_call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.request(method, url, authenticated=True, **kwargs)

    def _url(self, url: str) -> str:
        return url if url.startswith(("http://", "https://")) else self.base_url.rstrip("/") + url

    def _respect_limits(self) -> None:
        if self.requests_sent >= self.budget:
            raise BudgetExhausted(f"the request budget of {self.budget} ran out (raise --budget)")
        if self.share_end is not None and self.requests_sent >= self.share_end:
            raise BudgetExhausted(SHARE_SPENT)
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise TimeLimitReached(TIME_LIMIT)
        if self.rate_limit:
            wait = self._last_sent + 1.0 / self.rate_limit - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_sent = time.monotonic()
        self.requests_sent += 1

    # the fake's control API, when the target is the fake ----------------------------------
    def advance_clock(self, seconds: float) -> bool:
        if not self.is_fake:
            return False
        # With the run's credential the control call moves this tenant's clock only, never the
        # time of other tenants sharing the fake (and needs no admin token).
        answer = self.request(
            "POST", "/__mockserver__/clock/advance", authenticated=True, json={"seconds": seconds}
        )
        return answer.status_code == 200

    def describe(self, response: httpx.Response) -> str:
        return curl_line(response.request)


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "1")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0


def probe_fake(client: httpx.Client, base_url: str) -> str | None:
    """The fake's auth mode when the target is a mockserver, else None (a real deployment)."""
    try:
        answer = client.get(base_url.rstrip("/") + "/__mockserver__/health")
        body = answer.json() if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None
    return body.get("auth_mode") if isinstance(body, dict) and body.get("status") == "ok" else None


def url_target(
    api: str,
    base_url: str,
    credentials: Credentials,
    *,
    timeout: float = 30.0,
    verify: Any = True,
    rate_limit: float | None = None,
    budget: int = 5000,
    specs_dir: Path | None = None,
) -> Target:
    client = httpx.Client(timeout=timeout, verify=verify, follow_redirects=False)
    mode = probe_fake(client, base_url)
    return Target(
        api,
        client,
        base_url,
        credentials,
        rate_limit=rate_limit,
        budget=budget,
        is_fake=mode is not None,
        fake_auth_mode=mode,
        specs_dir=specs_dir,
    )


def in_process_target(api: str, app: Any, credentials: Credentials, specs_dir: Path | None = None) -> Target:
    from mockserver.testing import asgi_client  # only the in-process runs need the app's modules

    client = asgi_client(app, base_url="http://testserver", raise_server_exceptions=False)
    mode = probe_fake(client, "http://testserver")
    return Target(
        api,
        client,
        "http://testserver",
        credentials,
        budget=100_000,  # a local fake: the budget protects deployments
        is_fake=mode is not None,
        fake_auth_mode=mode,
        specs_dir=specs_dir,
    )
