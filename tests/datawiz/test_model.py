"""The Datawiz rules, without HTTP: the line-price rule, and the relocate documents' stored and
presented forms as the engine compiles them from specs/datawiz.yaml (the hook applied)."""

import pytest

from mockserver.apis.datawiz import model
from mockserver.apis.datawiz.handlers import API
from mockserver.drf.generic import collection_views
from mockserver.resources import specs_dir
from mockserver.spec.collections import read_collections
from mockserver.spec.loader import load_spec

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)


@pytest.fixture(scope="module")
def relocate_views():
    spec = load_spec(specs_dir() / API.spec_file)
    views = collection_views(spec, read_collections(spec), API.hooks)
    return next(v for v in views if v.declaration.name == "relocate-documents")


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


def test_stored_document_fills_optional_fields_and_applies_the_rule(relocate_views):
    stored = relocate_views.stored(
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
    assert "url" not in stored and "product_url" not in stored["products"][0]  # read-only: never stored


STORED = {
    "relocate_id": "R1",
    "price_total": "1.0000",
    "relocate_date": "2016-01-01T00:00:00",
    "responsible": "",
    "sender_shop_id": "3",
    "receiver_shop_id": None,
    "products": [{"product_id": "p", "qty": "1.0000", "price": "1.0000", "price_total": "1.0000"}],
}


def test_presented_urls_follow_the_host_and_nulls(relocate_views):
    shown = relocate_views.present(STORED, "https://h:8443", "/")
    assert list(shown) == [
        "relocate_id",
        "url",
        "price_total",
        "relocate_date",
        "responsible",
        "sender_shop_id",
        "sender_shop_url",
        "receiver_shop_id",
        "receiver_shop_url",
        "products",
    ]
    assert shown["url"] == "https://h:8443/api/v1/relocate-documents/R1/"
    assert shown["sender_shop_url"] == "https://h:8443/api/v1/shops/3/" and shown["receiver_shop_url"] is None
    assert shown["products"][0]["product_url"] == "https://h:8443/api/v1/products/p/"


def test_a_format_suffix_ends_every_hyperlink(relocate_views):
    shown = relocate_views.present(STORED, "http://h", ".json")
    assert shown["url"] == "http://h/api/v1/relocate-documents/R1.json"
    assert shown["sender_shop_url"] == "http://h/api/v1/shops/3.json"
    assert shown["products"][0]["product_url"] == "http://h/api/v1/products/p.json"
