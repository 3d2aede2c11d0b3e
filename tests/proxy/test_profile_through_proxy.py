"""`proxy --profile`: the traffic judged against the deployment's profile (mockserver calibrate).
A knob the profile pins that the upstream no longer shows is a violation named after it; the
same traffic in front of a deployment that keeps its profile is none. Each upstream is the fake
served with a profile (the deployment's behaviours)."""

import httpx

from mockserver.app import create_app
from mockserver.profile import NOT_FOUND_MODEL, NOT_FOUND_SHORT, profile_from
from mockserver.settings import Settings
from tests.proxy.harness import STRICT_KEY, proxied
from tests.proxy.traffic import akinon_traffic

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


def _deployment(api: str, knobs: dict | None = None, collections: dict | None = None):
    document = {"mockserver_profile": 1, "api": api, "knobs": knobs or {}, "collections": collections or {}}
    return profile_from(document, "test")


def _decided(value) -> dict:
    return {"value": value, "evidence": EVIDENCE}


def _fake(api: str, deployment, **settings):
    return create_app(
        Settings(apis=(api,), auth_mode="strict", tokens=(STRICT_KEY,), profiles=(deployment,), **settings)
    )


def _instance_traffic(deployment, judged):
    with (
        proxied(_fake("datawiz", deployment), apis=("datawiz",), profiles=judged) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        key = client.get("/api/v1/products/?page_size=1").json()["results"][0]["product_id"]
        assert client.get(f"/api/v1/products/{key}/").status_code == 200
        assert client.delete(f"/api/v1/products/{key}/").status_code == 204
        assert client.get(f"/api/v1/products/{key}/").status_code == 404
    return run


def test_instance_allow_pinned_is_judged():
    model_viewset = _deployment(
        "datawiz", collections={"products": {"instance_allow": _decided("ModelViewSet")}}
    )
    read_only = _deployment("datawiz", collections={"products": {"instance_allow": _decided("read-only")}})
    kept = _instance_traffic(model_viewset, (model_viewset,))
    assert kept.proxy.violations.total == 0, kept.describe()
    assert {n.kind for n in kept.proxy.notes.all()} == {"decided.allow"}  # the fake's choice, noted
    changed = _instance_traffic(model_viewset, (read_only,))
    assert changed.kinds() == {"profile.instance_allow"}, changed.describe()
    described = changed.describe()
    assert "instance_allow@products (pinned 'read-only'" in described
    assert "answered DELETE with 204" in described and "answered Allow: 'GET, PUT, PATCH" in described
    unjudged = _instance_traffic(model_viewset, ())
    assert unjudged.proxy.violations.total == 0, unjudged.describe()  # no profile: notes, as before


def _uploads(deployment, judged):
    with (
        proxied(_fake("datawiz", deployment), apis=("datawiz",), profiles=judged) as run,
        httpx.Client(base_url=run.base, headers=AUTH) as client,
    ):
        assert client.post("/api/v1/units/", json=[{"unit_id": "px-unit", "name": "Unit"}]).status_code == 201
    return run


def test_upload_answer_pinned_is_judged():
    pages, seed = (_deployment("datawiz", {"upload_answer": _decided(shape)}) for shape in ("pages", "seed"))
    kept = _uploads(pages, (pages,))
    assert kept.proxy.violations.total == 0, kept.describe()
    changed = _uploads(pages, (seed,))
    assert changed.kinds() == {"profile.upload_answer"}, changed.describe()
    assert "upload_answer (pinned 'seed', answered the 'pages' shape)" in changed.describe()
    assert _uploads(pages, ()).proxy.violations.total == 0  # both shapes are the contract


def _task(deployment, judged):
    upstream = _fake("akinon", deployment, task_seconds=(("addresses", 0),), task_polls=(("addresses", 2),))
    with proxied(upstream, apis=("akinon",), profiles=judged) as run:
        akinon_traffic(run.base, STRICT_KEY)
    return run


def test_ready_after_outcome_pinned_is_judged():
    ready, outcome = (
        _deployment("akinon", {"ready_after_outcome": _decided(value)}) for value in (True, False)
    )
    kept = _task(ready, (ready,))
    assert kept.proxy.violations.total == 0, kept.describe()
    changed = _task(ready, (outcome,))
    assert changed.kinds() == {"profile.ready_after_outcome"}, changed.describe()
    assert "ready_after_outcome (pinned false" in changed.describe()
    unjudged = _task(ready, ())  # no profile: READY once the task ended is the document's reading
    assert unjudged.proxy.violations.total == 0, unjudged.describe()
    assert {n.kind for n in unjudged.proxy.notes.all()} == {"decided.outcome_reported"}
    upgraded = _task(outcome, (ready,))  # a deployment now reporting the outcome
    assert upgraded.kinds() == {"profile.ready_after_outcome"}, upgraded.describe()
    assert "pinned true" in upgraded.describe()


def test_auth_challenge_pinned_is_judged():
    basic, oauth2 = (
        _deployment("datawiz", {"auth_challenge": _decided(c)})
        for c in ("BasicAuthentication", "OAuth2Authentication")
    )

    def anonymous(deployment, judged):
        with (
            proxied(_fake("datawiz", deployment), apis=("datawiz",), profiles=judged) as run,
            httpx.Client(base_url=run.base) as client,
        ):
            assert client.get("/api/v1/units/").status_code == 401
            assert client.get("/api/v1/units/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        return run

    # the spec documents the Bearer challenge: a Basic one stays a header the spec does not
    # document (response.header), profile or not; the profile judges which class comes first
    kept = anonymous(basic, (basic,))
    assert kept.kinds() == {"response.header"}, kept.describe()
    changed = anonymous(basic, (oauth2,))
    assert changed.kinds() == {"response.header", "profile.auth_challenge"}, changed.describe()
    assert "pinned OAuth2Authentication" in changed.describe() and "'Basic realm=" in changed.describe()
