"""The supplier documents through the requests the published client sends (see
published_client.py), over TLS: upload_purchase_doc, upload_receive_doc, upload_supplier_refunds
and upload_order_pay_documents with their docstrings' fields, read back with the client's own
loops (DW.raw_purchase_documents and raw_receive_documents ask `page_size=10000` with empty
date bounds): nothing refused, counts, details, decimals and the links between documents."""

from typing import Any

import pytest

from mockserver.spec.catalogue import key_of
from tests.datawiz.published_client import CHUNK_SIZE, PublishedClient
from tests.datawiz.test_client_documents import PRODUCTS, assert_read_back, catalogue  # noqa: F401
from tests.datawiz.test_published_client_resources import client  # noqa: F401  (the TLS fixture)

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

SUPPLIER = 15930  # in the suppliers fixture
PURCHASE_LOOKUP = ("order_date", "shop_id", "document_number", "document_id")
RECEIVE_LOOKUP = ("shop_id", "document_id")


def _purchase(i: int) -> dict[str, Any]:
    """upload_purchase_doc as the page's Python example calls it (with a document_number)."""
    return {
        "document_id": 7300000 + i,
        "document_number": f"S10-{i:08d}",
        "shop_id": 1 + i % 12,
        "supplier_id": SUPPLIER,
        "responsible": "Якоб Фон Петрович",
        "order_date": f"2018-03-21T10:{i // 60 % 60:02d}:{i % 60:02d}",
        "receive_date": "2018-03-22T09:00:00",
        "items_qty": 2.0,
        "price_total": 44.1,
        "products": [
            {"product_id": PRODUCTS[0], "qty": 1.0, "price": 20.15, "price_total": 20.15},
            {"product_id": PRODUCTS[1], "qty": 1.0, "price": 23.95, "price_total": 23.95},
        ],
    }


def _receive(i: int, order_id: str | None) -> dict[str, Any]:
    """upload_receive_doc's docstring; `order_id` names a purchase document by its key."""
    return {
        "document_id": 7400000 + i,
        "shop_id": 1 + i % 12,
        "supplier_id": SUPPLIER,
        "responsible": "Якоб Фон Петрович",
        "order_id": order_id,
        "document_date": f"2018-03-22T09:00:{i % 60:02d}",
        "items_qty": 1.0,
        "price_total": 20.15,
        "products": [{"product_id": PRODUCTS[0], "qty": 1.0, "price": 20.15, "price_total": 20.15}],
    }


def _refund(i: int, receive_key: str | None) -> dict[str, Any]:
    """upload_supplier_refunds' columns (its docstring is a copy of the receive documents')."""
    return {
        "document_id": 7500000 + i,
        "supplier_id": SUPPLIER,
        "shop_id": 2,
        "date": f"2018-03-23T08:00:{i % 60:02d}",
        "responsible": "Якоб Фон Петрович",
        "description": None,
        "products": [
            {
                "product_id": PRODUCTS[2],
                "receive_document_id": receive_key,
                "qty": 1.0,
                "price": 12.05,
                "total_price": 12.05,
            }
        ],
    }


def _pay(i: int, receive_key: str) -> dict[str, Any]:
    """upload_order_pay_documents' docstring."""
    return {
        "document_id": 7600000 + i,
        "supplier_id": SUPPLIER,
        "shop_id": 3,
        "date": f"2018-03-24T12:00:{i % 60:02d}",
        "receive_document_id": receive_key,
        "total_price": 20.15,
    }


def _key(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return key_of(item[f] for f in fields)


PURCHASES = [_purchase(i) for i in range(CHUNK_SIZE + 5)]
RECEIVES = [_receive(0, _key(PURCHASES[0], PURCHASE_LOOKUP)), _receive(1, None), _receive(2, None)]
REFUNDS = [_refund(0, _key(RECEIVES[0], RECEIVE_LOOKUP)), _refund(1, None)]
PAYMENTS = [_pay(i, _key(RECEIVES[i], RECEIVE_LOOKUP)) for i in range(3)]


def _upload(dw: PublishedClient, resource: str, items: list[dict[str, Any]]) -> None:
    answers = dw.upload(resource, items)
    assert len(answers) == -(-len(items) // CHUNK_SIZE)
    assert sum(a["inserted"] for a in answers) == len(items) and not any(a["updated"] for a in answers)


def _raw(dw: PublishedClient, resource: str) -> list[dict[str, Any]]:
    """DW.raw_purchase_documents / raw_receive_documents (_custom_load_get)."""
    return [
        d
        for body in dw.pages(resource, page_size=10000, date_from=None, date_to=None)
        for d in body["results"]
    ]


@pytest.fixture(scope="module")
def uploaded(catalogue: PublishedClient) -> PublishedClient:  # noqa: F811
    """Every supplier document uploaded in the order an integration must use (what a document
    names exists first)."""
    dw = catalogue
    BEFORE.update({r: dw.get(r, {"page_size": 1})["count"] for r in RESOURCES})
    for resource, items in RESOURCES.items():
        _upload(dw, resource, items)
    return dw


BEFORE: dict[str, int] = {}  # each resource's count before the uploads
RESOURCES = {
    "purchase-documents": PURCHASES,
    "receive-documents": RECEIVES,
    "supplier-refunds": REFUNDS,
    "order-pay-documents": PAYMENTS,
}


def test_purchase_documents_read_back_through_the_clients_raw_loop(uploaded: PublishedClient) -> None:
    stored = {_key(d, PURCHASE_LOOKUP): d for d in _raw(uploaded, "purchase-documents")}
    assert len(stored) == BEFORE["purchase-documents"] + len(PURCHASES)
    for item in PURCHASES:
        shown = stored[_key(item, PURCHASE_LOOKUP)]
        assert_read_back(shown, item, "purchase-documents")
        assert shown["commodity_credit_days"] is None
    key = _key(PURCHASES[-1], PURCHASE_LOOKUP)
    assert key == "2018-03-21T10:33:24_1_S10-00002004_7302004"
    assert uploaded.get(f"purchase-documents/{key}") == stored[key]
    assert stored[key]["url"].endswith(f"/api/v1/purchase-documents/{key}/")
    assert stored[key]["supplier_url"].endswith(f"/api/v1/suppliers/{SUPPLIER}/")


def test_receive_documents_link_the_purchase_they_name(uploaded: PublishedClient) -> None:
    stored = {_key(d, RECEIVE_LOOKUP): d for d in _raw(uploaded, "receive-documents")}
    assert len(stored) == BEFORE["receive-documents"] + len(RECEIVES)
    for item in RECEIVES:
        key = _key(item, RECEIVE_LOOKUP)
        assert_read_back(stored[key], item, "receive-documents")
        assert uploaded.get(f"receive-documents/{key}") == stored[key]
    first = stored[_key(RECEIVES[0], RECEIVE_LOOKUP)]
    assert first["order_url"].endswith(f"/api/v1/purchase-documents/{RECEIVES[0]['order_id']}/")
    assert uploaded.get(first["order_url"].split("/api/v1/", 1)[1].rstrip("/"))["document_id"] == "7300000"
    assert stored[_key(RECEIVES[1], RECEIVE_LOOKUP)]["order_url"] is None


def test_supplier_refunds_link_the_receive_document_of_each_line(uploaded: PublishedClient) -> None:
    stored = {_key(d, ("document_id", "shop_id")): d for d in uploaded.read_all("supplier-refunds")}
    assert len(stored) == BEFORE["supplier-refunds"] + len(REFUNDS)
    for item in REFUNDS:
        key = _key(item, ("document_id", "shop_id"))
        shown = stored[key]
        assert uploaded.get(f"supplier-refunds/{key}") == shown
        # a line shows the link it is given as receive_document_id, not the id itself
        sent_lines = [
            {k: v for k, v in line.items() if k != "receive_document_id"} for line in item["products"]
        ]
        assert_read_back(shown, {**item, "products": sent_lines}, "supplier-refunds")
        (line,) = shown["products"]
        receive_key = item["products"][0]["receive_document_id"]
        assert "receive_document_id" not in line
        if receive_key is None:
            assert line["receive_document_url"] is None
        else:
            assert line["receive_document_url"].endswith(f"/api/v1/receive-documents/{receive_key}/")


def test_order_pay_documents_are_a_collection_without_detail(uploaded: PublishedClient) -> None:
    listed = uploaded.read_all("order-pay-documents")
    assert len(listed) == BEFORE["order-pay-documents"] + len(PAYMENTS)
    shown = {_key(d, ("document_id", "shop_id")): d for d in listed}
    for item in PAYMENTS:
        document = shown[_key(item, ("document_id", "shop_id"))]
        assert_read_back(document, item, "order-pay-documents")
        assert "url" not in document
        assert document["receive_document_url"].endswith(
            f"/api/v1/receive-documents/{item['receive_document_id']}/"
        )
    again = uploaded.upload("order-pay-documents", PAYMENTS[:1])
    assert again == [{"updated": 1, "inserted": 0}]


def test_a_payment_for_a_receive_document_that_does_not_exist_is_refused(uploaded: PublishedClient) -> None:
    answer = uploaded.send_chunk(
        "order-pay-documents", [_pay(98, "3_no-such-document"), _pay(99, _key(RECEIVES[0], RECEIVE_LOOKUP))]
    )
    assert answer.status_code == 400
    assert answer.json() == [
        {"receive_document_id": ["Object with receive_document_id=3_no-such-document does not exist."]},
        {},
    ]
    assert uploaded.get("order-pay-documents", {"search": "7600099"})["count"] == 0
