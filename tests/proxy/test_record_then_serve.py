"""--record: what the traffic through the proxy showed becomes a state file; the fake started
from it answers the same reads the upstream did, to the same users logging in again, and the
file holds no credential."""

import httpx
import orjson
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st
from omnisdk.api_endpoint import ApiEndpoint
from omnisdk.omnitron.client import OmnitronApiClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.live_server import live_server
from tests.proxy.harness import proxied

USERS = (("alice", "alice-password-1"), ("olena", "olena-password-1"))
CLIENT = ("client-1", "client-secret-1")
BARE = "bare-team-token-123"  # a credential no login issued: its tenant is its keyed hash
SETUP = "/api/v1/oms/setup/addresses/"
READS = [
    SETUP + "get_async_status/",
    SETUP + "is_required/",
]
COLLECTIONS = ["/api/v1/relocate-documents/", "/api/v1/products/", "/api/v1/shops/"]


def settings(**extra) -> Settings:
    return Settings(
        auth_mode="strict",
        users=USERS,
        oauth_clients=(CLIENT,),
        tokens=(BARE,),
        task_seconds=(("addresses", 0),),
        **extra,
    )


def bearer(base: str) -> dict[str, str]:
    answer = httpx.post(
        f"{base}/api/o/token/",
        data={"grant_type": "password", "username": "olena", "password": "olena-password-1"},
        auth=CLIENT,
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def token(base: str) -> dict[str, str]:
    answer = httpx.post(
        f"{base}/api/v1/auth/login/", json={"username": "alice", "password": "alice-password-1"}
    )
    return {"Authorization": f"Token {answer.json()['key']}"}


def walk(client: httpx.Client, base: str, headers: dict[str, str], first: str) -> list[tuple[str, object]]:
    """Every page of a list, and the detail of each document on the first page: (path, answer)."""
    reads, url = [], f"{base}{first}?page_size=100"
    while url:
        page = client.get(url, headers=headers).json()
        reads.append((url.removeprefix(base), page))
        url = page["next"]
    for document in reads[0][1]["results"][:12]:  # type: ignore[index]
        detail = document["url"].removeprefix(base)
        reads.append((detail, client.get(base + detail, headers=headers).json()))
    return reads


def reads_of(base: str) -> list[tuple[str, object]]:
    akinon, datawiz = token(base), bearer(base)
    with httpx.Client() as client:
        seen = [(path, client.get(base + path, headers=akinon).json()) for path in READS]
        for collection in COLLECTIONS:
            seen += walk(client, base, datawiz, collection)
        seen += walk(client, base, {"Authorization": f"Bearer {BARE}"}, COLLECTIONS[0])
    text = orjson.dumps(seen).decode().replace(base, "http://HOST")
    return orjson.loads(text)


def test_the_recorded_fake_answers_the_reads_the_upstream_did(tmp_path):
    state_file = tmp_path / "recorded.json"
    with proxied(create_app(settings()), record=state_file) as run:
        client = OmnitronApiClient(base_url=f"{run.base}/", username="alice", password="alice-password-1")
        assert client.token.startswith("Token ")
        ApiEndpoint(api_class_name="OmnitronApiClient", endpoint="oms/setup/addresses", model=dict, raw=True)(
            path="execute"
        ).create(item={})
        datawiz = bearer(run.base)
        upload = {
            "relocate_id": "recorded-1",
            "price_total": "20.0000",
            "relocate_date": "2016-01-01T00:00:00",
            "responsible": "Olena",
            "products": [
                {
                    "product_id": "a26f866b-1465-11e5-80cb-a01d4897e530",
                    "qty": "2",
                    "price": "10",
                    "price_total": "20",
                }
            ],
        }
        documents = f"{run.base}/api/v1/relocate-documents/"
        assert httpx.post(documents, json=upload, headers=datawiz).status_code == 201
        bare = {"Authorization": f"Bearer {BARE}"}
        upload = {**upload, "relocate_id": "recorded-bare"}
        assert httpx.post(documents, json=upload, headers=bare).status_code == 201
        upstream_reads = reads_of(run.base)
        assert run.proxy.violations.total == 0, run.describe()
    written = state_file.read_text(encoding="utf-8")
    for _, secret in (*USERS, CLIENT, ("bare", BARE)):
        assert secret not in written
    assert "user:alice" in written and "user:olena" in written
    assert any(path.endswith("recorded-1/") for path, _ in upstream_reads)
    assert any(path.endswith("recorded-bare/") for path, _ in upstream_reads)

    with live_server(create_app(settings(state_file=state_file, seed_fixtures=False))) as fake:
        recorded_reads = reads_of(fake)
    assert recorded_reads == upstream_reads
    assert recorded_reads[0] == [SETUP + "get_async_status/", {"result": "FINISHED"}]
    assert recorded_reads[1] == [SETUP + "is_required/", {"result": "false"}]


def test_one_key_sent_to_both_apis_is_recorded_as_one_tenant_with_both(tmp_path):
    """README's own examples send one key as `Token dev` to Akinon and `Bearer dev` to Datawiz:
    one tenant of the fake, so the recording merges both APIs' data instead of writing one over
    the other (issue 24)."""
    state_file = tmp_path / "recorded.json"
    token, bearer_ = {"Authorization": "Token dev"}, {"Authorization": "Bearer dev"}
    product = {"product_id": "recorded-through-bearer", "name": "Молоко", "category_id": "cat-dairy"}
    with proxied(create_app(Settings(task_seconds=(("addresses", 0),))), record=state_file) as run:
        assert httpx.post(f"{run.base}{SETUP}execute/", headers=token).status_code == 204
        assert httpx.get(f"{run.base}{SETUP}get_async_status/", headers=token).json() == {
            "result": "FINISHED"
        }
        assert httpx.get(f"{run.base}{SETUP}is_required/", headers=token).json() == {"result": "false"}
        assert httpx.post(f"{run.base}/api/v1/products/", json=product, headers=bearer_).status_code == 201
        assert (
            httpx.get(f"{run.base}/api/v1/products/recorded-through-bearer/", headers=bearer_).status_code
            == 200
        )
    with live_server(create_app(Settings(state_file=state_file, seed_fixtures=False))) as fake:
        assert (
            httpx.get(f"{fake}/api/v1/products/recorded-through-bearer/", headers=bearer_).status_code == 200
        )
        assert httpx.get(f"{fake}{SETUP}is_required/", headers=token).json() == {"result": "false"}
        assert httpx.get(f"{fake}{SETUP}get_async_status/", headers=token).json() == {"result": "FINISHED"}


CREDENTIALS = ("dev", "qa")
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("upload"), st.sampled_from(CREDENTIALS), st.sampled_from(("p-1", "p-2", "p-3"))),
        st.tuples(st.sampled_from(("execute", "status", "is_required")), st.sampled_from(CREDENTIALS)),
    ),
    min_size=1,
    max_size=8,
)


@settings_(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=STEPS)
def test_a_recorded_mixed_session_is_served_whole(tmp_path_factory, steps):
    """Random sessions mixing both APIs under keys each used as `Token K` and `Bearer K`: the
    fake started from the recording holds everything the deployment accepted (every uploaded
    product, each tenant's last setup answers)."""
    state_file = tmp_path_factory.mktemp("recorded") / "recorded.json"
    uploaded: dict[str, set[str]] = {}
    answers: dict[tuple[str, str], object] = {}
    with proxied(create_app(Settings(task_seconds=(("addresses", 0),))), record=state_file) as run:
        for step in steps:
            token, bearer_ = {"Authorization": f"Token {step[1]}"}, {"Authorization": f"Bearer {step[1]}"}
            if step[0] == "upload":
                product = {"product_id": step[2], "name": step[1], "category_id": "cat-dairy"}
                answer = httpx.post(f"{run.base}/api/v1/products/", json=product, headers=bearer_)
                assert answer.status_code == 201
                uploaded.setdefault(step[1], set()).add(step[2])
            elif step[0] == "execute":
                assert httpx.post(f"{run.base}{SETUP}execute/", headers=token).status_code == 204
            else:
                path = "get_async_status/" if step[0] == "status" else "is_required/"
                answers[(step[1], path)] = httpx.get(f"{run.base}{SETUP}{path}", headers=token).json()
    with live_server(create_app(Settings(state_file=state_file, seed_fixtures=False))) as fake:
        for credential, products in uploaded.items():
            for product_id in products:
                detail = f"{fake}/api/v1/products/{product_id}/"
                assert httpx.get(detail, headers={"Authorization": f"Bearer {credential}"}).status_code == 200
        for (credential, path), seen in answers.items():
            assert (
                httpx.get(f"{fake}{SETUP}{path}", headers={"Authorization": f"Token {credential}"}).json()
                == seen
            )
