"""`proxy --profile`: the traffic judged against the deployment's profile (mockserver calibrate).
A knob the profile pins that the upstream no longer shows is a violation named after it; the
same traffic in front of a deployment that keeps its profile is none. Each upstream is the fake
served with a profile (the deployment's behaviours)."""

import httpx

from mockserver.app import create_app
from mockserver.profile import NOT_FOUND_MODEL, NOT_FOUND_SHORT, profile_from
from mockserver.settings import Settings
from tests.proxy.harness import STRICT_KEY, proxied

AUTH = {"Authorization": f"Bearer {STRICT_KEY}"}
EVIDENCE = {"request": "GET /x/", "status": 200}


def _profile(not_found: str, page_size: int | None = None):
    collections = {"products": {"page_size": {"value": page_size, "evidence": EVIDENCE}}} if page_size else {}
    document = {
        "mockserver_profile": 1,
        "api": "datawiz",
        "knobs": {"not_found_text": {"value": not_found, "evidence": EVIDENCE}},
        "collections": collections,
    }
    return profile_from(document, "test")


def _run(deployment, judged):
    upstream = create_app(
        Settings(apis=("datawiz",), auth_mode="strict", tokens=(STRICT_KEY,), profiles=(deployment,))
    )
    with (
        proxied(upstream, apis=("datawiz",), profiles=(judged,)) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        assert client.get("/api/v1/products/no-such-product/").status_code == 404
        assert client.get("/api/v1/products/").status_code == 200
    return run


def test_a_deployment_that_keeps_its_profile_is_no_violation():
    deployment = _profile(NOT_FOUND_MODEL, page_size=5)
    run = _run(deployment, deployment)
    assert run.proxy.violations.total == 0, run.describe()


def test_an_upgraded_deployment_is_the_profile_no_longer_matching():
    run = _run(_profile(NOT_FOUND_MODEL, page_size=5), _profile(NOT_FOUND_SHORT, page_size=20))
    assert run.kinds() == {"profile.not_found_text", "profile.page_size"}, run.describe()
    assert "the profile no longer matches: not_found_text" in run.describe()
    assert "the profile no longer matches: page_size@products (pinned 20)" in run.describe()
