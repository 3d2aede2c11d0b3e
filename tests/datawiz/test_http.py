"""Datawiz over HTTP, in-process, with response validation on."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

H = {"Authorization": "Bearer http-tests"}
DOCS = "/api/v1/relocate-documents/"
EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "datawiz" / "examples"


def document(relocate_id, product="a26f866b-1465-11e5-80cb-a01d4897e530", **changes):
    base = {
        "relocate_id": relocate_id,
        "price_total": "30.0000",
        "relocate_date": "2016-02-01T00:00:00",
        "responsible": "Петренко",
        "sender_shop_id": "1",
        "receiver_shop_id": None,
        "products": [{"product_id": product, "qty": "3.0000", "price": "10.0000", "price_total": "30.0000"}],
    }
    return base | changes


@pytest.fixture
def empty(make_client):
    client = make_client()
    client.post("/__mockserver__/fixtures", headers=H, json={"empty": True})
    client.post("/api/v1/categories/", headers=H, json={"category_id": "milk", "name": "Молоко"})
    client.post(
        "/api/v1/products/",
        headers=H,
        json=[
            {"product_id": "a26f866b-1465-11e5-80cb-a01d4897e530", "name": "Молоко", "category_id": "milk"}
        ],
    )
    return client


def test_the_documents_post_example(client):
    request = json.loads((EXAMPLES / "post-relocate-document-request.json").read_text())
    answer = client.post("/api/v1/relocate-documents/.json", headers=H, json=request)
    assert answer.status_code == 201
    assert answer.json() == json.loads((EXAMPLES / "post-relocate-document-response.json").read_text())
    # The object's url as DRF reverses it: the request's format suffix kept (docs/fidelity.md).
    assert answer.headers["location"] == "http://testserver/api/v1/relocate-documents/11113.json"
    stored = client.get("/api/v1/relocate-documents/11113/", headers=H).json()
    assert stored["products"][0]["product_url"].startswith("http://testserver/api/v1/products/")


def without_urls(value):
    """The document's URLs name its own host; everything else must be equal."""
    if isinstance(value, dict):
        return {k: without_urls(v) for k, v in value.items() if not k.endswith("url")}
    if isinstance(value, list):
        return [without_urls(v) for v in value]
    return value


def test_the_documents_collection_example(client):
    expected = json.loads((EXAMPLES / "collection-page-size-2.json").read_text())
    page = client.get(DOCS + "?format=json&page_size=2", headers=H).json()
    assert page["count"] == expected["count"]
    assert [d["relocate_id"] for d in page["results"]] == [d["relocate_id"] for d in expected["results"]]
    for got, want in zip(page["results"], expected["results"], strict=True):
        assert without_urls(got) == without_urls(want)


def test_upsert_counts_and_whole_replacement(empty):
    first = empty.post(DOCS, headers=H, json=[document("A"), document("B")])
    assert first.json() == {"updated": 0, "inserted": 2}
    replaced = empty.post(DOCS, headers=H, json=document("A", responsible="Іваненко", sender_shop_id=None))
    assert replaced.json() == {"updated": 1, "inserted": 0}
    stored = empty.get(DOCS + "A/", headers=H).json()
    assert (
        stored["responsible"] == "Іваненко"
        and stored["sender_shop_id"] is None
        and stored["sender_shop_url"] is None
    )


def test_all_or_nothing_with_aligned_errors(empty):
    answer = empty.post(
        DOCS, headers=H, json=[document("C"), document("D", product="missing"), {"relocate_id": "E"}]
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body[0] == {}
    assert body[1] == {"products": [{"product_id": ["Object with product_id=missing does not exist."]}]}
    assert set(body[2]) == {"price_total", "relocate_date", "responsible", "products"}
    assert empty.get(DOCS, headers=H).json()["count"] == 0


def test_single_object_errors_are_never_a_list(empty):
    answer = empty.post(DOCS, headers=H, json=document("F", product="missing"))
    assert answer.status_code == 400 and isinstance(answer.json(), dict)


def test_pagination_walks_every_document_once(empty):
    empty.post(DOCS, headers=H, json=[document(f"P{i:02d}") for i in range(7)])
    seen, url = [], DOCS + "?page_size=3&ordering=-relocate_id"
    while url:
        page = empty.get(url, headers=H).json()
        assert page["count"] == 7
        seen += [d["relocate_id"] for d in page["results"]]
        url = page["next"]
    assert seen == [f"P{i:02d}" for i in reversed(range(7))]
    last = empty.get(DOCS + "?page_size=3&page=3", headers=H).json()
    assert parse_qs(urlsplit(last["previous"]).query) == {"page": ["2"], "page_size": ["3"]}
    assert empty.get(DOCS + "?page=4&page_size=3", headers=H).json() == {"detail": "Invalid page."}


def test_search_and_ordering(empty):
    empty.post(
        DOCS,
        headers=H,
        json=[
            document("S1", responsible="Олена", price_total="5"),
            document("S2", responsible="олег", price_total="40"),
        ],
    )
    found = empty.get(DOCS + "?search=ОЛЕ", headers=H).json()
    assert found["count"] == 2
    assert empty.get(DOCS + "?search=олена", headers=H).json()["count"] == 1
    ordered = empty.get(DOCS + "?ordering=-price_total", headers=H).json()["results"]
    assert [d["relocate_id"] for d in ordered] == ["S2", "S1"]
    ignored = empty.get(DOCS + "?ordering=nonsense", headers=H).json()["results"]
    assert [d["relocate_id"] for d in ignored] == ["S1", "S2"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/relocate-documents.json",
        "/api/v1/relocate-documents/.json/",
        "/api/v1/relocate-documents.api",
    ],
)
def test_format_suffixes(client, path):
    answer = client.get(path, headers=H)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "text/html" if path.endswith(".api") else "application/json"
    )


def test_options_metadata_matches_the_document(client):
    expected = json.loads((EXAMPLES / "options-relocate-documents.json").read_text())
    got = client.options(DOCS, headers=H).json()
    assert (
        got["name"] == expected["name"]
        and got["renders"] == expected["renders"]
        and got["parses"] == expected["parses"]
    )
    assert list(got["actions"]["POST"]) == list(expected["actions"]["POST"])
    line = got["actions"]["POST"]["products"]["child"]["children"]
    assert set(line) == set(expected["actions"]["POST"]["products"]["child"]["children"])


def test_published_client_habits(client):
    """A `{}` body even on GET, Accept: application/json, a constant Date header."""
    headers = H | {
        "Accept": "application/json",
        "Date": "Tue, 10 Nov 2015 18:11:05 GMT",
        "Content-Type": "application/json",
    }
    answer = client.request("GET", DOCS + "?page=1", headers=headers, content=b"{}")
    assert answer.status_code == 200


def test_oauth_token_and_refresh(make_client):
    client = make_client(auth_mode="strict", users=(("olena", "pw"),), oauth_clients=(("cid", "csecret"),))
    bad_client = client.post(
        "/api/o/token/",
        data={"grant_type": "password", "username": "olena", "password": "pw"},
        auth=("cid", "x"),
    )
    assert bad_client.status_code == 401 and bad_client.json() == {"error": "invalid_client"}
    bad_user = client.post(
        "/api/o/token/",
        data={"grant_type": "password", "username": "olena", "password": "x"},
        auth=("cid", "csecret"),
    )
    assert bad_user.status_code == 400 and bad_user.json()["error"] == "invalid_grant"
    token = client.post(
        "/api/o/token/",
        data={"grant_type": "password", "username": "olena", "password": "pw"},
        auth=("cid", "csecret"),
    ).json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 36000
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get(DOCS, headers=auth).status_code == 200
    refreshed = client.post(
        "/api/o/token/",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=("cid", "csecret"),
    )
    assert refreshed.status_code == 200
    client.post("/__mockserver__/clock/advance", json={"seconds": 36001})
    expired = client.get(DOCS, headers=auth)
    assert expired.status_code == 401 and 'error="invalid_token"' in expired.headers["www-authenticate"]


def test_products_and_shops(client):
    assert client.get("/api/v1/products/?search=молоко&page_size=5", headers=H).json()["count"] > 0
    created = client.post(
        "/api/v1/shops/", headers=H, json={"shop_id": "99", "name": "Склад", "open_date": "2020-01-31"}
    )
    assert created.status_code == 201
    assert client.get("/api/v1/shops/99/", headers=H).json()["open_date"] == "2020-01-31"
    bad = client.post(
        "/api/v1/shops/", headers=H, json={"shop_id": "98", "name": "X", "open_date": "2020-02-31"}
    )
    assert bad.json() == {
        "open_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }


def test_a_repeated_page_follows_every_change_of_the_collection(empty):
    """Pages are cached against the collection's version: writes, deletes through a reset,
    other hosts and other tenants never see a stale answer."""
    url = DOCS + "?page_size=2&ordering=relocate_id"
    assert empty.get(url, headers=H).json()["count"] == 0
    empty.post(DOCS, headers=H, json=[document("C1"), document("C2")])
    first = empty.get(url, headers=H).json()
    assert first["count"] == 2 and [d["relocate_id"] for d in first["results"]] == ["C1", "C2"]
    empty.post(DOCS, headers=H, json=[document("C0", responsible="Інший")])
    again = empty.get(url, headers=H).json()
    assert again["count"] == 3 and again["results"][0]["responsible"] == "Інший"
    assert (
        again["next"]
        == "http://testserver/api/v1/relocate-documents/?ordering=relocate_id&page=2&page_size=2"
    )
    other_host = empty.get(url, headers={**H, "Host": "fake.example:8080"}).json()
    assert other_host["next"].startswith("http://fake.example:8080/")
    assert empty.get(url, headers={"Authorization": "Bearer someone-else"}).json()["count"] != 3
    empty.post("/__mockserver__/fixtures", headers=H, json={"empty": True})
    assert empty.get(url, headers=H).json()["count"] == 0
