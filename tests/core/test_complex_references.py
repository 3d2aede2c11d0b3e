"""Hyperlinks to a collection with a composite key, from one field holding the whole key (Datawiz's
"complex identifier" `<shop_id>_<document_id>`), and from a stored field the API does not show."""

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.spec.collections import Hyperlink
from mockserver.spec.errors import StartupError
from tests.spec_copies import spec_copy

BEARER = {"Authorization": "Bearer complex-references"}
RECEIVE = {
    "document_id": "r1",
    "shop_id": "3",
    "supplier_id": "15930",
    "document_date": "2018-02-01T09:35:33",
    "price_total": "1",
    "items_qty": "1",
    "products": [],
}


def test_links_read_from_the_declarations() -> None:
    from mockserver.apis import catalogue

    datawiz = catalogue().api("datawiz")
    refund_link = Hyperlink("receive_document_url", "receive-documents", ("receive_document_id",), "products")
    assert refund_link in datawiz.collection("supplier-refunds").hyperlinks
    pay_link = Hyperlink("receive_document_url", "receive-documents", ("receive_document_id",))
    assert pay_link in datawiz.collection("order-pay-documents").hyperlinks


def test_a_whole_key_in_one_field_links_and_must_exist(client: TestClient) -> None:
    H = BEARER
    assert client.post("/api/v1/receive-documents/", json=RECEIVE, headers=H).status_code == 201
    line = {"product_id": "a26f866b-1465-11e5-80cb-a01d4897e530", "qty": 1, "price": 2, "total_price": 2}
    refund = {"document_id": "f1", "supplier_id": "15930", "shop_id": "1", "date": "2018-03-21T08:38:21"}
    lines = [{**line, "receive_document_id": "3_r1"}, {**line, "receive_document_id": None}]
    assert (
        client.post("/api/v1/supplier-refunds/", json={**refund, "products": lines}, headers=H).status_code
        == 201
    )
    shown = client.get("/api/v1/supplier-refunds/f1_1/", headers=H).json()["products"]
    assert shown[0]["receive_document_url"] == "http://testserver/api/v1/receive-documents/3_r1/"
    assert shown[1]["receive_document_url"] is None
    assert "receive_document_id" not in shown[0]  # stored, linked, not shown
    wrong = [{**line, "receive_document_id": "r1_3"}]  # the fields in the wrong order
    refused = client.post("/api/v1/supplier-refunds/", json={**refund, "products": wrong}, headers=H)
    assert refused.status_code == 400
    assert refused.json() == {
        "products": [{"receive_document_id": ["Object with receive_document_id=r1_3 does not exist."]}]
    }


def _link(document: dict[str, Any], source: list[str]) -> None:
    schema = document["components"]["schemas"]["OrderPayDocument"]["properties"]["receive_document_url"]
    schema["x-drf-hyperlink"]["from"] = source


@pytest.mark.parametrize(
    ("source", "named"),
    [
        (["receive_document_id", "shop_id", "document_id"], "is looked up by ['shop_id', 'document_id']"),
        (["receive_document_key"], "no property 'receive_document_key'"),
    ],
)
def test_a_link_the_engine_cannot_build_stops_start_up(tmp_path: Path, source: list[str], named: str) -> None:
    specs, fixtures = spec_copy(tmp_path, lambda document: _link(document, source))
    with pytest.raises(StartupError) as refused:
        create_app(Settings(apis=("datawiz",), specs_dir=specs, fixtures_dir=fixtures))
    assert named in str(refused.value)
