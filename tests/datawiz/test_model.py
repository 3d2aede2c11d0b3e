"""The Datawiz rules, without HTTP."""

import pytest

from mockserver.apis.datawiz import model


@pytest.mark.parametrize(
    ("qty", "price", "total", "expected"),
    [
        ("2.0000", "10.0000", "20.0000", "10.0000"),  # consistent: kept
        ("3.0000", "10.0000", "20.0000", "6.6667"),  # inconsistent: total / qty, half-up
        ("2.0000", None, "5.0000", "2.5000"),  # missing: total / qty
        ("0.0000", "4.0000", "0.0000", "4.0000"),  # zero qty: kept, never a division by zero
        ("0.0000", None, "1.0000", "0.0000"),
    ],
)
def test_price_rule(qty, price, total, expected):
    assert model.line_price(qty, price, total) == expected


def test_stored_document_fills_optional_fields_and_applies_the_rule():
    stored = model.stored_relocate_document(
        {
            "relocate_id": "R1",
            "price_total": "30.0000",
            "relocate_date": "2016-02-01T00:00:00",
            "responsible": "",
            "products": [{"product_id": "p", "qty": "4.0000", "price": "10.0000", "price_total": "30.0000"}],
        }
    )
    assert stored["sender_shop_id"] is None and stored["receiver_shop_id"] is None
    assert stored["products"][0]["price"] == "7.5000"


def test_presented_urls_follow_the_host_and_nulls():
    stored = {
        "relocate_id": "R1",
        "price_total": "1.0000",
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": "",
        "sender_shop_id": "3",
        "receiver_shop_id": None,
        "products": [{"product_id": "p", "qty": "1.0000", "price": "1.0000", "price_total": "1.0000"}],
    }
    shown = model.present_relocate_document(stored, "https://h:8443")
    assert shown["url"] == "https://h:8443/api/v1/relocate-documents/R1/"
    assert shown["sender_shop_url"] == "https://h:8443/api/v1/shops/3/" and shown["receiver_shop_url"] is None
    assert shown["products"][0]["product_url"] == "https://h:8443/api/v1/products/p/"


def test_ordering_terms():
    assert model.ordering_terms(" -price_total, relocate_id ,") == ["-price_total", "relocate_id"]
