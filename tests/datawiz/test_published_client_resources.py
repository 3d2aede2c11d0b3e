"""Every served Datawiz resource through the requests the published client sends (see
published_client.py), over TLS: the whole catalogue uploaded in the client's order and chunks,
then read back with its paging loop; nothing refused, counts and details match."""

from decimal import Decimal
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.spec.catalogue import key_of
from mockserver.tls import generate_localhost_certificate
from tests.datawiz.published_client import CHUNK_SIZE, PublishedClient
from tests.live_server import live_server

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"  # in the products fixture


def _named(key: str, count: int, **extra: Any) -> list[dict[str, Any]]:
    # Ids as numbers, as the client's docstring examples send them (`'unit_id': 5`).
    return [{key: 900000 + i, "name": f"e2e {key} {i}", **extra} for i in range(count)]


def _receipt(i: int) -> dict[str, Any]:
    """The shape of the client's upload_receipts docstring: three cart items, numbers as floats."""
    lines = [
        {
            "order_no": n + 1,
            "product_id": PRODUCT,
            "base_price": 10.5,
            "price": 10.0,
            "qty": 2,
            "total_price": 20.0,
        }
        for n in range(3)
    ]
    return {
        "order_id": f"e2e-{i}",
        "date_open": "2017-07-05T19:54:35",
        "date": f"2017-07-05T19:{i // 60 % 60:02d}:{i % 60:02d}",
        "terminal_id": 900000,
        "cartitems": lines,
        "loyalty_id": 900000,
        "cashier_id": 900000,
        "shop_id": 1,
    }


# (resource, lookup fields, items) in the order an integration uploads its catalogue.
UPLOADS: list[tuple[str, tuple[str, ...], list[dict[str, Any]]]] = [
    ("units", ("unit_id",), _named("unit_id", CHUNK_SIZE + 5, packed=1, pack_capacity=5)),
    # A parent must exist before the request naming it (DRF validates a whole list before saving
    # any of it): an integration uploads a tree level by level.
    ("categories", ("category_id",), [{"category_id": 900000, "name": "e2e root", "parent_id": None}]),
    (
        "categories",
        ("category_id",),
        [{"category_id": 900001 + i, "name": f"e2e {i}", "parent_id": 900000} for i in range(5)],
    ),
    ("brands", ("brand_id",), _named("brand_id", 3)),
    ("producers", ("producer_id",), _named("producer_id", 3)),
    ("shop-format", ("format_id",), _named("format_id", 3)),
    (
        "shop-groups",
        ("group_id",),
        [{"group_id": 900000, "name": "e2e", "region_codes": ["ua-kk"]}],
    ),
    ("shop-groups", ("group_id",), [{"group_id": 900001, "name": "e2e child", "parent_id": 900000}]),
    ("terminals", ("terminal_id",), _named("terminal_id", 2, shop_id=1)),
    ("cashiers", ("cashier_id",), _named("cashier_id", 2)),
    ("suppliers", ("supplier_id",), _named("supplier_id", 2, phone="063 000 00 00")),
    ("contractors", ("contractor_id",), _named("contractor_id", 2, address="Київ")),
    ("loyalty-group", ("group_id",), _named("group_id", 2)),
    (
        "loyalty",
        ("loyalty_id",),
        [{"loyalty_id": 900000, "client_name": "e2e", "cardno": "9845344534867234", "group_id": 900000}],
    ),
    ("receipt-markers", ("marker_id",), _named("marker_id", 2)),
    ("loss-types", ("loss_type_id",), _named("loss_type_id", 2)),
    (
        "loss-documents",
        ("document_id", "shop_id"),
        [
            {
                "document_id": 900000 + i,
                "shop_id": 2,
                "loss_type_id": 900000,
                "date": "2018-03-21T10:48:48",
                "stuff_id": 900000,
                "note": "",
                "products": [{"product_id": PRODUCT, "qty": 1.0, "price": 20.15, "total_price": 20.15}],
            }
            for i in range(3)
        ],
    ),
    (
        "receipts",
        ("shop_id", "date", "terminal_id", "order_id"),
        [_receipt(i) for i in range(CHUNK_SIZE + 5)],
    ),
]


def _key(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return key_of(item[f] for f in fields)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    files = generate_localhost_certificate(tmp_path_factory.mktemp("tls"))
    settings = Settings(
        auth_mode="strict", users=(("olena", "pw"),), oauth_clients=(("client-1", "client-secret"),)
    )
    with live_server(create_app(settings), str(files.cert_chain), str(files.private_key)) as base:
        published = PublishedClient(base, str(files.ca_cert), "client-1", "client-secret")
        assert published.login("olena", "pw")["token_type"] == "Bearer"
        yield published


def test_the_whole_catalogue_uploads_and_reads_back(client: PublishedClient) -> None:
    for resource, lookup, items in UPLOADS:
        before = client.get(resource, {"page_size": 1})["count"]
        answers = client.upload(resource, items)
        assert len(answers) == -(-len(items) // 2000)
        assert sum(a["inserted"] for a in answers) == len(items) and not any(a["updated"] for a in answers)
        stored = {_key(d, lookup): d for d in client.read_all(resource)}
        assert len(stored) == before + len(items), resource
        for item in (items[0], items[-1]):
            key = _key({**item, "date": item.get("date")}, lookup)
            shown = stored[key]
            assert shown == client.get(f"{resource}/{key}"), resource
            assert shown["url"].endswith(f"/api/v1/{resource}/{key}/")
            for field, value in item.items():
                if field not in ("cartitems", "products", "region_codes"):
                    assert str(shown[field]) in (str(value), "True"), (resource, field)


def test_receipts_read_back_with_their_cart_items_and_links(client: PublishedClient) -> None:
    key = "1_2017-07-05T19:00:07_900000_e2e-7"
    receipt = client.get(f"receipts/{key}")
    assert receipt["shop_url"].endswith("/api/v1/shops/1/")
    assert receipt["terminal_url"].endswith("/api/v1/terminals/900000/")
    assert receipt["loyalty_url"].endswith("/api/v1/loyalty/900000/") and receipt["contractor_url"] is None
    assert [line["order_no"] for line in receipt["cartitems"]] == ["1", "2", "3"]
    assert all(Decimal(line["total_price"]) == Decimal("20") for line in receipt["cartitems"])
    assert all(line["product_url"].endswith(f"/api/v1/products/{PRODUCT}/") for line in receipt["cartitems"])
    assert client.get(f"receipts/{key}/cartitems/2") == receipt["cartitems"][1]
    category = client.get("categories/900003")
    assert category["parent_url"].endswith("/api/v1/categories/900000/")


def test_a_receipt_naming_what_does_not_exist_is_refused_whole(client: PublishedClient) -> None:
    bad = _receipt(99999)
    bad["terminal_id"], bad["cartitems"][1]["product_id"] = "no-such-terminal", "no-such-product"
    answer = client.send_chunk("receipts", [_receipt(99998), bad])
    assert answer.status_code == 400
    assert answer.json() == [
        {},
        {
            "terminal_id": ["Object with terminal_id=no-such-terminal does not exist."],
            "cartitems": [{}, {"product_id": ["Object with product_id=no-such-product does not exist."]}, {}],
        },
    ]
    assert client.get("receipts", {"search": "e2e-9999"})["count"] == 0
