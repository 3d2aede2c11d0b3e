"""The console's control operations in-process: its files, the spec documents, the tenants, a page
of a collection, the tenant header and the admin boundary (the browser tests drive the page)."""

import yaml

from mockserver.console import ASSETS
from mockserver.control.console import with_tags
from mockserver.resources import specs_dir

AKINON = {"Authorization": "Token console-key"}
UI = "/__mockserver__/ui/"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def _tenant(client) -> str:
    client.get("/api/v1/oms/setup/addresses/get_async_status/", headers=AKINON)
    (tenant,) = client.get("/__mockserver__/tenants").json()["tenants"]
    return tenant["id"]


def test_the_console_and_every_file_it_names_are_served_from_the_package(client):
    page = client.get(UI)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for name in ASSETS:
        answer = client.get(UI + name)
        assert answer.status_code == 200, name
        assert answer.content == ASSETS[name].read_bytes()
    assert client.get(UI + "swagger-ui-bundle.js").headers["content-type"].startswith("text/javascript")
    assert client.get(UI + "swagger-ui.css").headers["cache-control"] == "public, max-age=86400"
    assert client.get(UI + "console.js").headers["cache-control"] == "no-cache"
    for page in (UI, UI + "docs.html"):
        policy = client.get(page).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy


def test_nothing_else_of_the_package_is_served(client):
    for name in ("VENDORED.md", "__init__.py", "..%2F__init__.py", "LICENSE", "index.j2"):
        answer = client.get(UI + name)
        assert answer.status_code == 404, name
        assert answer.json() == {"detail": "Not found."}
    assert client.get("/__mockserver__/ui", follow_redirects=False).headers["location"] == UI


def test_the_spec_documents_are_served_as_json_and_as_the_shipped_yaml(client):
    listing = client.get("/__mockserver__/specs").json()["documents"]
    assert [d["api"] for d in listing] == ["akinon", "datawiz", "control"]
    for document in listing:
        source = next(
            p
            for p in specs_dir().glob("*.yaml")
            if yaml.safe_load(p.read_text())["x-mockserver-api"] == document["api"]
        )
        as_json = client.get(document["json"])
        assert as_json.json() == with_tags(yaml.safe_load(source.read_text(encoding="utf-8")))
        assert "servers" not in as_json.json()  # "try it out" goes to this fake
        as_yaml = client.get(document["yaml"])
        assert as_yaml.headers["content-type"] == "application/yaml"
        assert as_yaml.content == source.read_bytes()
    assert client.get("/__mockserver__/specs/akinon.xml").status_code == 404
    assert client.get("/__mockserver__/specs/nothing.json").status_code == 404


def test_the_docs_group_operations_by_collection_and_speak_to_the_apis_users(client):
    """Swagger UI shows one section per collection (the tag DRF's schema generators give: the
    first segment after /api/v1/), not 245 operations under "default"; the text is for a user of
    the API: public documents named, no path inside this repository."""
    datawiz = client.get("/__mockserver__/specs/datawiz.json").json()
    tags = {
        path: {tag for method in METHODS if method in item for tag in item[method]["tags"]}
        for path, item in datawiz["paths"].items()
    }
    assert (
        tags["/api/v1/receipts/"]
        == tags["/api/v1/receipts/{receipt_id}/cartitems/{cartitem_id}/"]
        == {"receipts"}
    )
    assert tags["/api/v1/relocate-documents/{relocate_id}/"] == {"relocate-documents"}
    assert tags["/api/o/token/"] == {"o/token"}
    assert len(set().union(*tags.values())) >= 30
    akinon = client.get("/__mockserver__/specs/akinon.json").json()
    assert akinon["paths"]["/api/v1/oms/setup/addresses/execute/"]["post"]["tags"] == ["oms"]
    for document in (akinon, datawiz):
        for text in _texts_shown(document):
            for internal in ("../shared", "seeds/", "specs/decisions", "DECISIONS.md"):
                assert internal not in text, text


def _texts_shown(node):
    """Every description and summary Swagger UI shows (the x- declarations are not shown)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary") and isinstance(value, str):
                yield value
            elif not str(key).startswith("x-"):
                yield from _texts_shown(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts_shown(value)


def test_tenants_list_their_collections_with_counts_and_never_the_issued_credentials(client):
    client.post("/api/i1/auth/login/", json={"username": "u", "password": "p"})
    tenant = _tenant(client)
    tenants = client.get("/__mockserver__/tenants").json()["tenants"]
    assert [t["id"] for t in tenants] == [tenant]
    assert tenants[0]["collections"]["datawiz.shops"] == 12
    refused = client.get("/__mockserver__/state", headers={"X-Mockserver-Tenant": "__auth__"})
    assert refused.status_code == 403


def test_a_collection_pages_by_the_tenant_header(client):
    tenant = _tenant(client)
    named = {"X-Mockserver-Tenant": tenant}
    first = client.get("/__mockserver__/collections/datawiz.shops?page_size=5", headers=named).json()
    third = client.get("/__mockserver__/collections/datawiz.shops?page_size=5&page=3", headers=named).json()
    assert (first["count"], first["page"], len(first["results"]), len(third["results"])) == (12, 1, 5, 2)
    everything = client.get("/__mockserver__/state", headers=AKINON).json()["collections"]["datawiz.shops"]
    shown = [shop["shop_id"] for shop in first["results"] + third["results"]]
    assert shown == [shop["shop_id"] for shop in everything[:5] + everything[10:]]
    found = client.get("/__mockserver__/collections/datawiz.shops?search=Хрещатик", headers=named).json()
    assert found["count"] == 1


def test_a_collection_page_refuses_what_it_cannot_serve(client):
    tenant = _tenant(client)
    named = {"X-Mockserver-Tenant": tenant}
    assert client.get("/__mockserver__/collections/datawiz.shops").status_code == 400
    assert client.get("/__mockserver__/collections/nothing", headers=named).status_code == 404
    for query in ("page=0", "page=x", "page_size=501", "page_size=-1"):
        answer = client.get(f"/__mockserver__/collections/datawiz.shops?{query}", headers=named)
        assert answer.status_code == 400, query
        assert set(answer.json()) <= {"page", "page_size"}


def test_the_tenant_header_acts_on_that_tenant_only(client):
    tenant = _tenant(client)
    client.get("/api/v1/oms/setup/addresses/get_async_status/", headers={"Authorization": "Token other"})
    named = {"X-Mockserver-Tenant": tenant}
    journal = client.get("/__mockserver__/journal", headers=named).json()
    assert journal["count"] == 1 and journal["entries"][0]["tenant"] == tenant
    queued = client.post("/__mockserver__/akinon/next-outcomes", headers=named, json={"outcomes": ["FAILED"]})
    assert queued.status_code == 200

    def outcomes(headers: dict[str, str]) -> list[str]:
        return client.get("/__mockserver__/akinon/addresses", headers=headers).json()["next_outcomes"]

    assert outcomes(AKINON) == ["FAILED"]
    assert outcomes({"Authorization": "Token other"}) == []


def test_the_journal_shows_the_answers_headers(client):
    client.get("/api/v1/oms/setup/addresses/get_async_status/", headers=AKINON)
    (entry,) = client.get("/__mockserver__/journal").json()["entries"]
    assert entry["response_headers"] == {
        "Allow": "GET, HEAD, OPTIONS",
        "Vary": "Accept",
        "Content-Type": "application/json",
    }


def test_with_an_admin_token_data_needs_it_and_the_console_files_do_not(make_client):
    client = make_client(admin_token="s3cret")
    for path in (UI, UI + "console.js", "/__mockserver__/specs", "/__mockserver__/specs/control.json"):
        assert client.get(path).status_code == 200, path
    for path in (
        "/__mockserver__/tenants",
        "/__mockserver__/journal",
        "/__mockserver__/collections/datawiz.shops",
    ):
        assert client.get(path, headers={"X-Mockserver-Tenant": "ns:x"}).status_code == 403, path
        assert client.get(path, headers={"X-Mockserver-Admin-Token": "wrong"}).status_code == 403, path
    admin = {"X-Mockserver-Admin-Token": "s3cret"}
    assert client.get("/__mockserver__/tenants", headers=admin).status_code == 200
