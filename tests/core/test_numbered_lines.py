"""Lines no upload identifies (a document's products): the service numbers them, each is served at
its own detail path, and each shows its own URL (a self link on a nested item)."""

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.spec.errors import StartupError
from tests.spec_copies import spec_copy

H = {"Authorization": "Bearer numbered-lines"}
DOCS = "/api/v1/purchase-documents/"
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"


def _document(lines: int) -> dict[str, Any]:
    line = {"product_id": PRODUCT, "qty": 1, "price": 2, "price_total": 2}
    return {
        "document_id": "n1",
        "document_number": "N1",
        "shop_id": 1,
        "supplier_id": 15930,
        "order_date": "2018-03-21T10:48:48",
        "price_total": 2 * lines,
        "items_qty": lines,
        "products": [line] * lines,
    }


def test_lines_are_numbered_served_and_linked(client: TestClient) -> None:
    assert client.post(DOCS, json=_document(2), headers=H).status_code == 201
    key = "2018-03-21T10:48:48_1_N1_n1"
    lines = client.get(f"{DOCS}{key}/", headers=H).json()["products"]
    assert [line["document_product_id"] for line in lines] == [1, 2]
    assert lines[1]["url"] == f"http://testserver{DOCS}{key}/products/2/"
    assert list(lines[0])[:2] == ["url", "document_product_id"]  # the page's order
    assert client.get(lines[1]["url"], headers=H).json() == lines[1]
    suffixed = client.get(f"{DOCS}{key}/products/1.json", headers=H).json()
    assert suffixed["url"] == f"http://testserver{DOCS}{key}/products/1.json"
    assert client.get(f"{DOCS}{key}/products/3/", headers=H).status_code == 404
    # a replacement is numbered afresh: it is replaced whole
    assert client.post(DOCS, json=_document(1), headers=H).json() == {"updated": 1, "inserted": 0}
    assert client.get(f"{DOCS}{key}/products/2/", headers=H).status_code == 404


def test_a_number_not_shown_still_names_the_line(client: TestClient) -> None:
    line = client.get("/api/v1/supplier-refunds/133241_4/", headers=H).json()["products"][1]
    assert "document_product_id" not in line  # the refunds page shows a line's url only
    assert line["url"].endswith("/api/v1/supplier-refunds/133241_4/products/2/")
    assert client.get(line["url"], headers=H).json() == line


def _writable_number(document: dict[str, Any]) -> None:
    items = document["components"]["schemas"]["PurchaseDocumentInput"]["properties"]["products"]["items"]
    items["properties"]["document_product_id"] = {"type": "integer", "x-drf": {"type": "integer"}}


def _self_link_without_nested(document: dict[str, Any]) -> None:
    del document["paths"]["/api/v1/purchase-documents/"]["x-drf-collection"]["nested"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_writable_number, "a numbered item is looked up by one field no upload writes"),
        (_self_link_without_nested, "needs 'products' declared under nested"),
    ],
)
def test_a_numbering_the_engine_cannot_serve_stops_start_up(tmp_path: Path, change, named: str) -> None:
    specs, fixtures = spec_copy(tmp_path, change)
    with pytest.raises(StartupError) as refused:
        create_app(Settings(apis=("datawiz",), specs_dir=specs, fixtures_dir=fixtures))
    assert named in str(refused.value)


def test_loss_document_lines_are_served_at_the_url_their_page_shows(client: TestClient) -> None:
    """loss-documents.rst shows each line's `url` (`/loss-documents/69340_26/products/600456/`) in
    its examples and its lines table: each line is numbered and served there, as the other
    document types' lines are (decision datawiz-resources #29, D18)."""
    detail = "/api/v1/loss-documents/69340_1/"
    lines = client.get(detail, headers=H).json()["products"]
    assert [line["url"] for line in lines] == [
        f"http://testserver{detail}products/{n}/" for n in range(1, len(lines) + 1)
    ]
    assert list(lines[0])[:2] == ["url", "product_id"]  # the page's order
    assert client.get(lines[-1]["url"], headers=H).json() == lines[-1]
    assert client.get(f"{detail}products/{len(lines) + 1}/", headers=H).status_code == 404
    described = client.options("/api/v1/loss-documents/", headers=H).json()["actions"]["POST"]
    assert described["products"]["child"]["children"]["url"]["read_only"] is True


# Every document type whose page shows its lines, and the list that holds them.
LINES = {
    "receipts": "cartitems",
    "loss-documents": "products",
    "stock-taking-documents": "products",
    "incoming-documents": "products",
    "purchase-documents": "products",
    "receive-documents": "products",
    "supplier-refunds": "products",
}


@pytest.mark.parametrize("collection", LINES)
def test_options_lists_every_field_a_line_shows(client: TestClient, collection: str) -> None:
    """DRF's OPTIONS lists every field of the lines' serializer, the read-only ones too: a line's
    `url` (and purchase and receive lines' `document_product_id`), which every page shows,
    is listed read-only, first as the page shows it (decisions datawiz-resources #29, D18)."""
    field = LINES[collection]
    documents = client.get(f"/api/v1/{collection}/", headers=H).json()["results"]
    line = next(document[field][0] for document in documents if document[field])
    described = client.options(f"/api/v1/{collection}/", headers=H).json()["actions"]["POST"]
    listed = described[field]["child"]["children"]
    assert set(line) <= set(listed), set(line) - set(listed)
    assert next(iter(listed)) == "url" and listed["url"]["read_only"] is True
    if "document_product_id" in line:
        assert listed["document_product_id"] == {
            "type": "field",
            "required": False,
            "read_only": True,
            "label": "Document product id",
        }


def test_relocate_document_lines_have_no_url_as_the_seed_shows_them(client: TestClient) -> None:
    """Seed 004 (the relocate documents' authority, decision datawiz #14) shows lines without a
    `url`, in its examples and its OPTIONS example; relocate_documents.rst's own shape is not
    mixed in (decision datawiz #26)."""
    documents = client.get("/api/v1/relocate-documents/", headers=H).json()["results"]
    line = next(document["products"][0] for document in documents if document["products"])
    described = client.options("/api/v1/relocate-documents/", headers=H).json()["actions"]["POST"]
    assert "url" not in line and "url" not in described["products"]["child"]["children"]
