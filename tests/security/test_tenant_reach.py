"""More attempts as an attacker would: every control route read with another tenant's credential,
a namespace guessed on a strict fake, a body that never finishes arriving, tenant ids that carry a
credential smuggled in through PUT /state or an older state file. Each is refused (or defused) and
leaves nothing changed."""

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from starlette.testclient import TestClient

from mockserver.apis import spec_path
from mockserver.app import create_app
from mockserver.auth.keys import stored_form
from mockserver.auth.tokens import AUTH_TENANT
from mockserver.settings import Settings
from tests.live_server import live_server, read_answer
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

B_MARK = "b-only-product"


def strict_settings(**more) -> Settings:
    return Settings(auth_mode="strict", tokens=(TEAM_A, TEAM_B), admin_token=ADMIN, **more)


@pytest.fixture
def fake() -> Iterator[TestClient]:
    with TestClient(create_app(strict_settings())) as client:
        client.app.state.store.freeze_clock()  # type: ignore[attr-defined]
        product = {"product_id": B_MARK, "name": "b", "category_id": "cat-dairy"}
        assert client.post(PRODUCTS, json=product, headers=B).status_code == 201
        namespaced = {**B, "X-Mockserver-Namespace": "ci-run-1"}
        assert client.post(
            PRODUCTS,
            json={"product_id": B_MARK + "-ns", "name": "b", "category_id": "cat-dairy"},
            headers=namespaced,
        )
        yield client


def control_reads() -> list[tuple[str, str]]:
    """Every GET of the control API, as specs/control.yaml declares it (path parameters filled)."""
    spec = spec_path("control")
    document = load_spec_document(spec)
    reads = []
    for path, item in document["paths"].items():
        if "get" not in item:
            continue
        filled = path.replace("{collection}", "datawiz.products").replace("{operation_id}", "listProducts")
        filled = filled.replace("{document}", "control.json").replace("{asset}", "console.js")
        reads.append(("GET", filled))
    assert len(reads) >= 10, reads
    return reads


def load_spec_document(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text())


def others(client: TestClient) -> str:
    """Every tenant's state but the caller's (a read makes the caller's own tenant on first use)."""
    keys = client.app.state.dispatcher.authenticator.keys  # type: ignore[attr-defined]
    mine = {keys.tenant(TEAM_A), "ns:mine"}
    state = client.app.state.store.dump_all()  # type: ignore[attr-defined]
    return json.dumps({t: v for t, v in state["tenants"].items() if t not in mine}, sort_keys=True)


@pytest.mark.parametrize(("method", "path"), control_reads())
def test_no_control_read_shows_another_tenants_data(fake: TestClient, method: str, path: str) -> None:
    before = others(fake)
    for headers in (A, {**A, "X-Mockserver-Namespace": "mine"}):
        answer = fake.request(method, path, headers=headers)
        assert answer.status_code < 500, (path, answer.status_code)
        assert B_MARK not in answer.text, path
        assert TEAM_B not in answer.text and TEAM_A not in answer.text, path
    assert others(fake) == before


def test_a_namespace_on_a_strict_fake_needs_a_valid_credential(fake: TestClient) -> None:
    before = everything(fake)
    guessed = {"X-Mockserver-Namespace": "ci-run-1"}
    for method, path in (("GET", "/state"), ("GET", "/journal"), ("POST", "/reset"), ("DELETE", "/journal")):
        refused(fake.request(method, C + path, headers=guessed), 401)
        refused(fake.request(method, C + path, headers={**guessed, "Authorization": "Bearer guess"}), 401)
    refused(fake.put(C + "/faults/listProducts", json={"status": 500}, headers=guessed), 401)
    assert everything(fake) == before
    # With a valid credential, as on the API, the namespace is reached.
    state = fake.get(C + "/state", headers={**A, **guessed}).json()
    assert B_MARK + "-ns" in json.dumps(state)


def test_a_control_shaped_path_in_another_case_is_a_json_404(fake: TestClient) -> None:
    before = everything(fake)
    for path in ("/__MOCKSERVER__/state", "/__Mockserver__/reset", "/__mockserver__/STATE"):
        for method in ("GET", "POST", "PUT"):
            refused(fake.request(method, path, headers=ADMIN_HEADER, json={"tenants": {}}), 404)
    assert everything(fake) == before


def test_a_state_naming_a_tenant_by_its_credential_is_loaded_under_the_derived_id(fake: TestClient) -> None:
    """An old dump (or a crafted one) names a tenant `token:<credential>`: the credential is never
    kept as an id, and the data lands in the tenant that credential reaches."""
    dump = fake.get(C + "/state", headers=ADMIN_HEADER).json()
    planted = {
        "collections": {
            "datawiz.products": [{"product_id": "planted", "name": "p", "category_id": "cat-dairy"}]
        }
    }
    dump["tenants"][f"token:{TEAM_B}"] = planted
    del dump["hints"]
    assert fake.put(C + "/state", json=dump, headers=ADMIN_HEADER).status_code == 200
    assert TEAM_B not in everything(fake)
    assert fake.get(PRODUCTS + "planted/", headers=B).status_code == 200
    assert fake.get(PRODUCTS + "planted/", headers=A).status_code == 404


def test_an_older_state_file_with_credentials_in_clear_is_rewritten_without_them(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    old_key = "0123456789abcdef0123456789abcdef01234567"  # an Akinon key as older versions issued it
    older = {
        "tenants": {
            f"token:{TEAM_B}": {
                "collections": {
                    "datawiz.products": [{"product_id": "kept", "name": "k", "category_id": "cat-dairy"}]
                }
            },
            AUTH_TENANT: {
                "collections": {"auth.tokens": [{"token": old_key, "kind": "token", "user": "bob"}]}
            },
        }
    }
    state_file.write_bytes(orjson.dumps(older))
    with TestClient(create_app(strict_settings(state_file=state_file))) as client:
        assert client.get(PRODUCTS + "kept/", headers=B).status_code == 200  # still B's data
        me = client.get("/api/v1/active_user/", headers={"Authorization": f"Token {old_key}"})
        assert me.status_code == 200  # a key issued before the upgrade still works
    written = state_file.read_text()
    assert TEAM_B not in written and old_key not in written
    assert stored_form(old_key) in written


def test_a_configured_tenant_secret_is_never_written_to_the_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    settings = strict_settings(state_file=state_file, tenant_secret="shared-tenant-secret")
    with TestClient(create_app(settings)) as client:
        assert (
            client.post(
                PRODUCTS, json={"product_id": "p1", "name": "n", "category_id": "cat-dairy"}, headers=A
            ).status_code
            == 201
        )
        tenant = client.app.state.dispatcher.authenticator.keys.tenant(TEAM_A)  # type: ignore[attr-defined]
    saved = json.loads(state_file.read_text())
    assert "credential_key" not in saved and tenant in saved["tenants"]
    # The same secret on the next start: the same tenant.
    with TestClient(create_app(settings)) as client:
        assert client.get(PRODUCTS + "p1/", headers=A).status_code == 200


def test_a_body_that_never_finishes_arriving_is_answered_408_over_a_socket() -> None:
    settings = strict_settings(body_timeout_seconds=0.5)
    app = create_app(settings)
    with live_server(app) as base:
        assert httpx.post(f"{base}{C}/clock/freeze", headers=ADMIN_HEADER).status_code == 200
        before = httpx.get(f"{base}{C}/state", headers=ADMIN_HEADER).json()
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(
                b"PUT /__mockserver__/state HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"X-Mockserver-Admin-Token: {ADMIN}\r\n".encode()
                + b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                + b'{"tenants": {'
            )
            started = time.monotonic()
            answer = read_answer(raw)
            waited = time.monotonic() - started
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), answer
        assert isinstance(json.loads(body)["detail"], str)
        assert waited < 5  # the slow client held the request for the timeout, not for ever
        assert httpx.get(f"{base}{C}/state", headers=ADMIN_HEADER).json() == before
