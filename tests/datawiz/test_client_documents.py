"""Stock and document resources through the requests the published client sends (see
published_client.py), over TLS: upload_inventory, upload_stock_taking_documents and
upload_incoming_documents with their own chunk sizes and field names, then everything read back
with the client's paging loop: nothing refused, counts, details, decimals and links as sent."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from mockserver.spec.catalogue import key_of
from tests.datawiz.published_client import CHUNK_SIZE, PublishedClient
from tests.datawiz.test_published_client_resources import client  # noqa: F401  (the TLS fixture)

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

INVENTORY_CHUNK_SIZE = 10000  # Up_DW.upload_inventory passes chunk_size=10000
PRODUCTS = [7000000 + i for i in range(50)]  # numbers, as the client's examples send ids
SHOPS = range(1, 13)  # the shops fixture
LINE_FIELDS = {"products"}


def _inventory(count: int) -> list[dict[str, Any]]:
    """The shape of upload_inventory's docstring: one row per (date, shop, product)."""
    rows = []
    per_day = len(PRODUCTS) * len(SHOPS)
    for i in range(count):
        day = date(2019, 1, 1) + timedelta(days=i // per_day)
        rows.append(
            {
                "shop_id": SHOPS[i // len(PRODUCTS) % len(SHOPS)],
                "product_id": PRODUCTS[i % len(PRODUCTS)],
                "date": day.isoformat(),
                "qty": 5,
                "original_price": 69.068,
                "stock_total_price": 345.34,
            }
        )
    return rows


def _stock_taking(i: int) -> dict[str, Any]:
    """upload_stock_taking_documents' columns (`date`, not its docstring's `document_date`)."""
    return {
        "document_id": 7100000 + i,
        "date": f"2018-03-21T10:{i // 60 % 60:02d}:{i % 60:02d}",
        "shop_id": 1 + i % 12,
        "stuff_id": 133,  # a cashier of the fixtures
        "products": [
            {"product_id": PRODUCTS[n], "stock_qty": 18.15, "fact_qty": 20.15 + n} for n in range(3)
        ],
    }


def _incoming(i: int) -> dict[str, Any]:
    """upload_incoming_documents' columns: lines with `total_price`."""
    return {
        "document_id": 7200000 + i,
        "date": f"2018-03-21T11:{i // 60 % 60:02d}:{i % 60:02d}",
        "shop_id": 1 + i % 12,
        "stuff_id": None,
        "products": [
            {"product_id": PRODUCTS[n], "qty": 1.0, "price": 20.15, "total_price": 20.15} for n in range(2)
        ],
    }


# (resource, lookup fields, items, the client's chunk size) in the order an integration uploads.
UPLOADS: list[tuple[str, tuple[str, ...], list[dict[str, Any]], int]] = [
    ("product-inventory", ("date", "shop_id", "product_id"), _inventory(INVENTORY_CHUNK_SIZE + 5), 10000),
    (
        "stock-taking-documents",
        ("document_id", "shop_id"),
        [_stock_taking(i) for i in range(2005)],
        CHUNK_SIZE,
    ),
    ("incoming-documents", ("document_id", "shop_id"), [_incoming(i) for i in range(3)], CHUNK_SIZE),
]


def _key(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return key_of(item[f] for f in fields)


def same(shown: Any, sent: Any) -> bool:
    """A value read back is the value sent: numbers as DRF decimals, ids as strings."""
    if sent is None or shown is None:
        return sent is shown
    if isinstance(sent, float) or (isinstance(sent, int) and isinstance(shown, str) and "." in shown):
        return Decimal(shown) == Decimal(str(sent))
    return str(shown) == str(sent)


def assert_read_back(shown: dict[str, Any], sent: dict[str, Any], resource: str) -> None:
    for field, value in sent.items():
        if field in LINE_FIELDS:
            assert len(shown[field]) == len(value), (resource, field)
            for shown_line, sent_line in zip(shown[field], value, strict=True):
                assert_read_back(shown_line, sent_line, resource)
                assert shown_line["product_url"].endswith(f"/api/v1/products/{sent_line['product_id']}/")
        else:
            assert same(shown[field], value), (resource, field, shown[field], value)


@pytest.fixture(scope="module")
def catalogue(client: PublishedClient) -> PublishedClient:  # noqa: F811
    """The products the documents name, uploaded as upload_products sends them."""
    # category_id names one of the categories fixture (required and checked: products.rst).
    rows = [{"product_id": p, "name": f"docs {p}", "category_id": 778062, "unit_id": None} for p in PRODUCTS]
    client.upload("products", rows)
    return client


@pytest.mark.parametrize(("resource", "lookup", "items", "chunk_size"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_uploads_and_reads_back_as_the_client_does(
    catalogue: PublishedClient,
    resource: str,
    lookup: tuple[str, ...],
    items: list[dict[str, Any]],
    chunk_size: int,
) -> None:
    dw = catalogue
    before = dw.get(resource, {"page_size": 1})["count"]
    answers = dw.upload(resource, items, chunk_size=chunk_size)
    assert len(answers) == -(-len(items) // chunk_size)
    assert sum(a["inserted"] for a in answers) == len(items) and not any(a["updated"] for a in answers)
    stored = {_key(d, lookup): d for d in dw.read_all(resource)}
    assert len(stored) == before + len(items), resource
    for item in items:
        assert_read_back(stored[_key(item, lookup)], item, resource)
    for item in (items[0], items[-1]):
        key = _key(item, lookup)
        shown = stored[key]
        assert shown == dw.get(f"{resource}/{key}"), resource
        assert shown["url"].endswith(f"/api/v1/{resource}/{key}/")
        assert shown["shop_url"].endswith(f"/api/v1/shops/{item['shop_id']}/")
    # the same upload again replaces, and adds nothing
    again = dw.upload(resource, items[:3], chunk_size=chunk_size)
    assert again == [{"updated": 3, "inserted": 0}]
    assert dw.get(resource, {"page_size": 1})["count"] == before + len(items)


def test_stock_taking_links_its_cashier(catalogue: PublishedClient) -> None:
    document = catalogue.get("stock-taking-documents/7100007_8")
    assert document["stuff_url"].endswith("/api/v1/cashiers/133/")
    assert [line["fact_qty"] for line in document["products"]] == ["20.1500", "21.1500", "22.1500"]


def test_a_document_naming_what_does_not_exist_is_refused_whole(catalogue: PublishedClient) -> None:
    good, bad = _incoming(9998), _incoming(9999)
    bad["stuff_id"], bad["products"][1]["product_id"] = "no-such-cashier", "no-such-product"
    answer = catalogue.send_chunk("incoming-documents", [good, bad])
    assert answer.status_code == 400
    assert answer.json() == [
        {},
        {
            "stuff_id": ["Object with cashier_id=no-such-cashier does not exist."],
            "products": [{}, {"product_id": ["Object with product_id=no-such-product does not exist."]}],
        },
    ]
    assert catalogue.get("incoming-documents", {"search": "7209998"})["count"] == 0
