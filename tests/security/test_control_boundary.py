"""The control API tried as an attacker would: every attempt to reach another tenant's data, or
every tenant's, without the right to is refused with a DRF-shaped error and changes nothing."""

import json
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.security.attacker import (
    ADMIN,
    ADMIN_HEADER,
    PRODUCTS,
    TEAM_A,
    TEAM_B,
    A,
    B,
    C,
    everything,
    refused,
)

DOCS = "/api/v1/relocate-documents/"


def product(product_id: str) -> dict:
    return {"product_id": product_id, "name": f"product {product_id}", "category_id": "cat-dairy"}


@pytest.fixture
def fake() -> Iterator[TestClient]:
    settings = Settings(
        auth_mode="strict",
        tokens=(TEAM_A, TEAM_B),
        users=(("alice", "alice-pass-123"),),
        admin_token=ADMIN,
        validate_responses=True,
        max_body_bytes=4096,
        body_timeout_seconds=1.0,
    )
    with TestClient(create_app(settings)) as client:
        client.app.state.store.freeze_clock()  # type: ignore[attr-defined]  # state compares exactly
        assert client.post(PRODUCTS, json=product("a-only"), headers=A).status_code == 201
        assert client.post(PRODUCTS, json=product("b-only"), headers=B).status_code == 201
        yield client


GLOBAL_CALLS = [
    ("GET", "/state", None),
    ("PUT", "/state", {"tenants": {}}),
    ("GET", "/journal", None),
    ("DELETE", "/journal", None),
    ("POST", "/reset", None),
    ("GET", "/faults", None),
    ("DELETE", "/faults", None),
    ("PUT", "/faults/listProducts", {"status": 503}),
    ("GET", "/tenants", None),
]


@pytest.mark.parametrize(("method", "path", "body"), GLOBAL_CALLS)
def test_calls_that_reach_every_tenant_need_the_admin_token(fake: TestClient, method, path, body) -> None:
    before = everything(fake)
    refused(fake.request(method, C + path, json=body), 403)
    refused(fake.request(method, C + path, json=body, headers={"X-Mockserver-Admin-Token": "guess"}), 403)
    assert everything(fake) == before
    assert fake.request(method, C + path, json=body, headers=ADMIN_HEADER).status_code == 200


def test_a_tenant_sees_and_changes_only_its_own_data(fake: TestClient) -> None:
    mine = fake.get(C + "/state", headers=A).json()
    names = {p["product_id"] for p in mine["collections"]["datawiz.products"]}
    assert "a-only" in names and "b-only" not in names
    journal = fake.get(C + "/journal", headers=A).json()["entries"]
    assert journal and all(entry["tenant"] == journal[0]["tenant"] for entry in journal)
    for filters in (
        "?path=/api",
        "?operation_id=createProducts",
        "?status=201",
        "?method=POST",
        "?limit=1000",
    ):
        entries = fake.get(C + "/journal" + filters, headers=A).json()["entries"]
        assert all(entry["tenant"] == journal[0]["tenant"] for entry in entries), filters
    before_b = fake.get(C + "/state", headers=B).json()
    assert fake.post(C + "/reset", headers=A).json() == {"reset": journal[0]["tenant"]}
    assert fake.get(C + "/state", headers=B).json() == before_b  # B untouched by A's reset


def test_a_fault_for_every_tenant_needs_the_admin_token(fake: TestClient) -> None:
    before = everything(fake)
    refused(fake.put(C + "/faults/listProducts", json={"status": 403, "all_tenants": True}, headers=A), 403)
    assert everything(fake) == before
    mine = fake.put(C + "/faults/listProducts", json={"status": 403}, headers=A)
    assert mine.status_code == 200 and mine.json()["tenant"] != "*"
    assert fake.get(PRODUCTS, headers=B).status_code == 200  # only A's calls fail
    assert fake.get(PRODUCTS, headers=A).status_code == 403


def test_tenant_ids_carry_no_credential_and_cannot_be_used_without_the_admin_token(fake: TestClient) -> None:
    state = fake.get(C + "/state", headers=ADMIN_HEADER).json()
    ids = list(state["tenants"])
    assert ids and not any(TEAM_A in t or TEAM_B in t for t in ids)
    assert set(state["hints"].values()) == {"Bearer team…"}  # masked: what people recognise
    b_id = fake.get(C + "/journal", headers=B).json()["entries"][0]["tenant"]
    assert b_id in ids
    before = everything(fake)
    for guess in (b_id, "token:" + TEAM_B, "ns:anything", "__auth__"):
        refused(fake.get(C + "/state", headers={**A, "X-Mockserver-Tenant": guess}), 403)
        refused(fake.post(C + "/reset", headers={**A, "X-Mockserver-Tenant": guess}), 403)
    assert everything(fake) == before
    named = fake.get(C + "/state", headers={**ADMIN_HEADER, "X-Mockserver-Tenant": b_id})
    assert {p["product_id"] for p in named.json()["collections"]["datawiz.products"]} >= {"b-only"}


def test_a_masked_or_unknown_credential_is_refused_in_strict_mode(fake: TestClient) -> None:
    shown = fake.get(C + "/journal", headers=A).json()["entries"][0]["request_headers"]["authorization"]
    assert shown == "Bearer team…"
    before = everything(fake)
    for header in (shown, "Bearer team-a-secret-12", f"Bearer {TEAM_A}x", "Token nope", "Signature keyId=x"):
        sent = {"Authorization": header.encode()}  # bytes: the mask's "…" is not ASCII
        refused(fake.get(C + "/state", headers=sent), 401)
        refused(fake.post(C + "/reset", headers=sent), 401)
    refused(fake.post(C + "/reset", headers={"Authorization": "Token"}), 403)  # names no tenant: global
    assert everything(fake) == before


PATH_TRICKS = [
    "/__MOCKSERVER__/state",
    "/__mockserver__/state/",
    "/__mockserver__/state%2F",
    "/__mockserver__//state",
    "/__mockserver__/./state",
    "/__mockserver__/x/../state",
    "/__mockserver__/%2e%2e/__mockserver__/state",
    "/__mockserver__/state;admin=1",
    "/__mockserver__/state%00",
    "/__mockserver__/state.json",
    "/api/v1/../__mockserver__/state",
    "/__mockserver__/reset%20",
    "/__mockserver__/Reset",
]


@pytest.mark.parametrize("path", PATH_TRICKS)
def test_path_tricks_never_reach_a_global_call(fake: TestClient, path: str) -> None:
    before = everything(fake)
    for method in ("GET", "POST", "PUT", "DELETE"):
        answer = fake.request(method, path, json={"tenants": {}})
        assert answer.status_code in (301, 401, 403, 404, 405), (method, path, answer.status_code)
        if answer.status_code == 200:  # pragma: no cover - the assertion above says why
            raise AssertionError(answer.text)
    assert everything(fake) == before


def test_oversized_and_slow_bodies_are_refused_without_change(fake: TestClient) -> None:
    before = everything(fake)
    big = {"tenants": {"ns:x": {"values": {"filler": "x" * 10_000}}}}
    refused(fake.put(C + "/state", json=big, headers=ADMIN_HEADER), 413)
    refused(
        fake.put(
            C + "/state", content=b"{" * 5000, headers={**ADMIN_HEADER, "Content-Type": "application/json"}
        ),
        413,
    )
    assert everything(fake) == before


def test_a_crafted_state_cannot_plant_credentials_or_overwrite_another_tenant(fake: TestClient) -> None:
    before = everything(fake)
    planted = {
        "tenants": {
            "__auth__": {"collections": {"auth.tokens": [{"digest": "x", "kind": "token", "user": "alice"}]}}
        }
    }
    refused_answer = fake.put(C + "/state", json=planted, headers=ADMIN_HEADER)
    assert refused_answer.status_code == 400
    for crafted in (
        {"collections": {"auth.tokens": [{"digest": "x", "kind": "bearer", "user": "alice"}]}},
        {"collections": {"datawiz.products": "not a list"}},
        {"values": [], "collections": {}},
        {"tenants": {"token:someone-else": {}}},
        "a string",
    ):
        answer = fake.put(C + "/state", json=crafted, headers=A)
        assert answer.status_code == 400, (crafted, answer.status_code, answer.text)
    half_bad = {
        "tenants": {
            "ns:good": {"collections": {}},
            "ns:bad": {"collections": {"datawiz.products": [{"x": 1}]}},
        },
        "clock": {"offset_seconds": 0},
    }
    assert fake.put(C + "/state", json=half_bad, headers=ADMIN_HEADER).status_code == 400
    assert everything(fake) == before  # nothing half-written
    # What a tenant loads lands in its own tenant, whatever the body says.
    own = {
        "collections": {
            "datawiz.products": [{"product_id": "loaded", "name": "n", "category_id": "cat-dairy"}]
        }
    }
    assert fake.put(C + "/state", json=own, headers=A).status_code == 200
    assert fake.get(PRODUCTS + "loaded/", headers=B).status_code == 404
    assert fake.get(PRODUCTS + "loaded/", headers=A).status_code == 200


def test_an_issued_key_cannot_be_worked_out_from_a_user_name(fake: TestClient) -> None:
    login = fake.post("/api/v1/auth/login/", json={"username": "alice", "password": "alice-pass-123"})
    key = login.json()["key"]
    import hashlib

    assert key != hashlib.sha1(b"mockserver-akinon:alice").hexdigest()  # the old, guessable derivation
    assert fake.post(
        "/api/v1/auth/login/", json={"username": "alice", "password": "alice-pass-123"}
    ).json() == {"key": key}
    stored = json.dumps(fake.app.state.store.dump_all())  # type: ignore[attr-defined]
    assert key not in stored
