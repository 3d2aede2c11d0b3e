"""The assortment, access and manager resources through the requests the published client sends
(see published_client.py), over TLS: each `Up_DW.upload_*` method's URL, chunk size and query
parameters, then its paging loop to read everything back; nothing refused, counts and details
match. Ids go as numbers, as the client's docstring examples send them (`'shop_id': 10`)."""

import base64
from typing import Any

import pytest

from mockserver.apis import catalogue as served
from mockserver.spec.catalogue import key_of
from tests.datawiz import test_published_client_resources as catalogue
from tests.datawiz.published_client import CHUNK_SIZE, PublishedClient

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

# The catalogue test's server and login: a strict fake over TLS, an OAuth2 password grant.
client = catalogue.client

ACCESS_CHUNK = 10_000  # upload_suppliers_access, upload_sale_access, upload_categorymanageraccess
PRODUCTS = [910_000 + i for i in range(12)]  # uploaded first, as an integration does
SHOPS = list(range(1, 13))  # the shops fixture's "1".."12"
SUPPLIER = 15930  # in the suppliers fixture
CATEGORY = 778062  # in the categories fixture (a product names one: products.rst)
PHOTO_URL = "https://images.example.invalid/products/{}.jpg"
PHOTO_BASE64 = base64.b64encode(bytes(range(256)) * 8).decode()  # far longer than the wiki's 200


def _many(count: int, row: Any) -> list[dict[str, Any]]:
    return [row(i) for i in range(count)]


class Upload:
    """One `upload_*` call: the resource URL, how the client chunks it, what it sends, and the
    fields that identify an uploaded object (its detail key when the page documents a detail)."""

    def __init__(
        self,
        resource: str,
        key: tuple[str, ...],
        items: list[dict[str, Any]],
        chunk_size: int = CHUNK_SIZE,
        params: dict[str, Any] | None = None,
        detail: bool = True,
        shown: dict[str, Any] | None = None,
    ) -> None:
        self.resource, self.key, self.items = resource, key, items
        self.chunk_size, self.params, self.detail = chunk_size, params, detail
        self.shown = shown or {}  # fields the client leaves out, as the API shows them


# Fields the service derives from other resources (x-drf-derived): a read made before the related
# upload shows them as they were then (checked once everything is uploaded, below).
DERIVED = {c.name: {d.field for d in c.derived if d.collection} for c in served().api("datawiz").collections}


def _key(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return key_of(item[name] for name in fields)


def _as_shown(field: str, value: Any) -> Any:
    """What an uploaded value reads back as: ids as strings (DRF CharField), lists of ids too."""
    if isinstance(value, list):
        return [str(item) for item in value]
    if field.endswith("_id") or field == "identifier":
        return str(value)
    return value


def _shown_key(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return _key({name: _as_shown(name, value) for name, value in item.items()}, fields)


UPLOADS: list[Upload] = [
    Upload(
        "products",
        ("product_id",),
        [{"product_id": p, "name": f"catalog {p}", "category_id": CATEGORY} for p in PRODUCTS],
    ),
    # upload_product_matrix: its columns product_id, shop_id, date_from, date_to; no detail page
    Upload(
        "product-matrix",
        ("shop_id", "product_id", "date_from"),
        _many(
            CHUNK_SIZE + 3,
            lambda i: {
                "product_id": PRODUCTS[i % 12],
                "shop_id": SHOPS[i // 12 % 12],
                "date_from": f"20{10 + i // 144 % 10}-{1 + i // 1440 % 12:02d}-01",
                "date_to": None if i % 2 else "2030-12-31",
            },
        ),
        detail=False,
    ),
    # upload_suppliers_access: columns supplier_id, shop_id, product_id, deferment, bonus; 10,000 a chunk
    Upload(
        "supplier-products",
        ("supplier_id", "shop_id", "product_id"),
        _many(
            144,
            lambda i: {
                "supplier_id": SUPPLIER,
                "shop_id": SHOPS[i // 12],
                "product_id": PRODUCTS[i % 12],
                "deferment": i % 30,
                "bonus": 1.5,
            },
        ),
        chunk_size=ACCESS_CHUNK,
        shown={"bonus": "1.500", "date_from": None, "date_to": None},
    ),
    # upload_categorymanagers: one object a request, with ?sync=0
    Upload(
        "category-managers",
        ("identifier",),
        _many(
            3,
            lambda i: {
                "shops": SHOPS[: 4 + i],
                "identifier": 920_000 + i,
                "name": f"Менеджер {i}",
                "date_from": "2017-03-13",
            },
        ),
        chunk_size=1,
        params={"sync": 0},
        shown={"categories": []},
    ),
    # upload_categorymanageraccess: manager_id, shop_id, product_id, date_from, date_to; 10,000 a chunk
    Upload(
        "categorymanager-products",
        ("manager_id", "shop_id", "product_id", "date_from"),
        _many(
            ACCESS_CHUNK + 8,
            lambda i: {
                "manager_id": 920_000 + i % 3,
                "shop_id": SHOPS[i // 3 % 12],
                "product_id": PRODUCTS[i // 36 % 12],
                "date_from": f"{2000 + i // 432 % 30}-{1 + i // 12960 % 12:02d}-01",
                "date_to": "2040-01-01",
            },
        ),
        chunk_size=ACCESS_CHUNK,
    ),
    # upload_sales: columns sale_id, name, description, date_from, date_to, shops (to /sale/)
    Upload(
        "sale",
        ("sale_id",),
        _many(
            5,
            lambda i: {
                "sale_id": 930_000 + i,
                "name": f"Акція {i}",
                "description": "" if i % 2 else "Молоко",
                "date_from": "2018-06-12",
                "date_to": "2018-06-20",
                "shops": ["1", "2", "3"] if i % 2 else SHOPS[: i + 1],
            },
        ),
        shown={"status": None, "sale_type": None},
    ),
    # upload_sale_access: columns shop_id, product_id, sale_id; 10,000 a chunk; no detail page
    Upload(
        "sale-products",
        ("sale_id", "shop_id", "product_id"),
        _many(
            720,
            lambda i: {
                "shop_id": SHOPS[i // 5 % 12],
                "product_id": PRODUCTS[i // 60],
                "sale_id": 930_000 + i % 5,
            },
        ),
        chunk_size=ACCESS_CHUNK,
        detail=False,
    ),
    # upload_products_photo: columns product_id, photo (a URL or the image in base64); no detail page
    Upload(
        "product-photo",
        ("product_id",),
        [
            {"product_id": p, "photo": PHOTO_URL.format(p) if i % 2 else PHOTO_BASE64}
            for i, p in enumerate(PRODUCTS)
        ],
        detail=False,
    ),
    # upload_people_traffic: columns traffic_id, shop_id, date
    Upload(
        "people-traffic",
        ("traffic_id",),
        _many(
            CHUNK_SIZE + 5,
            lambda i: {
                "traffic_id": 940_000 + i,
                "shop_id": SHOPS[i % 12],
                "date": f"2018-06-{1 + i // 96 % 28:02d}T{i // 4 % 24:02d}:{i % 4 * 15:02d}:00",
            },
        ),
        shown={"qty": None},
    ),
]


@pytest.fixture(scope="module")
def uploaded(client: PublishedClient) -> dict[str, list[dict[str, Any]]]:
    """Every upload in the client's order; what each resource reads back afterwards."""
    read: dict[str, list[dict[str, Any]]] = {}
    for upload in UPLOADS:
        before = client.get(upload.resource, {"page_size": 1})["count"]
        answers = client.upload(upload.resource, upload.items, upload.chunk_size, upload.params)
        assert len(answers) == -(-len(upload.items) // upload.chunk_size), upload.resource
        assert sum(a["inserted"] for a in answers) == len(upload.items), upload.resource
        assert not any(a["updated"] for a in answers), upload.resource
        read[upload.resource] = client.read_all(upload.resource)
        assert len(read[upload.resource]) == before + len(upload.items), upload.resource
    return read


@pytest.mark.parametrize("upload", UPLOADS[1:], ids=lambda u: u.resource)
def test_everything_the_client_uploads_reads_back(
    client: PublishedClient, uploaded: dict[str, list[dict[str, Any]]], upload: Upload
) -> None:
    stored = {_key(d, upload.key): d for d in uploaded[upload.resource]}
    assert len(stored) == len(uploaded[upload.resource])  # the paging loop saw each object once
    for item in upload.items:
        shown = stored[_shown_key(item, upload.key)]
        for field, value in item.items():
            if field not in upload.shown:
                assert shown[field] == _as_shown(field, value), (upload.resource, field)
        for field, value in upload.shown.items():
            assert shown[field] == value, (upload.resource, field)
    for item in (upload.items[0], upload.items[-1]):
        key = _shown_key(item, upload.key)
        if upload.detail:
            detail = client.get(f"{upload.resource}/{key}")
            derived = DERIVED[upload.resource]
            assert {k: v for k, v in detail.items() if k not in derived} == {
                k: v for k, v in stored[key].items() if k not in derived
            }
            assert stored[key]["url"].endswith(f"/api/v1/{upload.resource}/{key}/")
        for field in ("product", "shop", "sale"):
            if f"{field}_url" in stored[key]:
                collection = "sale" if field == "sale" else f"{field}s"
                assert stored[key][f"{field}_url"].endswith(f"/api/v1/{collection}/{item[f'{field}_id']}/")


def test_the_derived_fields_show_what_the_client_uploaded(
    client: PublishedClient, uploaded: dict[str, list[dict[str, Any]]]
) -> None:
    """A manager's access_count counts its categorymanager-products (M18); a sale's access lists
    its sale-products as that list shows them (S2), read after both uploads."""
    access = uploaded["categorymanager-products"]
    for i in range(3):
        manager = str(920_000 + i)
        shown = client.get(f"category-managers/{manager}")["access_count"]
        assert shown == sum(row["manager_id"] == manager for row in access) == -(-(ACCESS_CHUNK + 8 - i) // 3)
    pairs = uploaded["sale-products"]
    for i in range(5):
        sale = str(930_000 + i)
        assert client.get(f"sale/{sale}")["access"] == [row for row in pairs if row["sale_id"] == sale]
    by_page = {sale["sale_id"]: sale["access"] for sale in client.read_all("sale")}
    assert len(by_page[str(930_000)]) == 720 // 5


def test_an_upload_again_updates_in_place(client: PublishedClient, uploaded: dict[str, Any]) -> None:
    """The page's unique fields are the identity: the same rows again are updates, not copies."""
    for upload in UPLOADS[1:]:
        rows = upload.items[:2]
        answers = client.upload(upload.resource, rows, upload.chunk_size, upload.params)
        assert sum(a["updated"] for a in answers) == 2 and not any(a["inserted"] for a in answers)
        assert client.get(upload.resource, {"page_size": 1})["count"] == len(uploaded[upload.resource])


def test_supplier_access_left_without_bonus_or_deferment_shows_the_defaults(client: PublishedClient) -> None:
    """The page's own example sends neither; its answers show `"bonus": "0.000"`, `"deferment": 0`."""
    row = {"supplier_id": SUPPLIER, "product_id": PRODUCTS[0], "shop_id": 12, "date_from": "2018-06-10"}
    client.upload("supplier-products", [row], ACCESS_CHUNK)
    shown = client.get(f"supplier-products/{SUPPLIER}_12_{PRODUCTS[0]}")
    assert (shown["bonus"], shown["deferment"], shown["date_from"]) == ("0.000", 0, "2018-06-10")


def test_an_access_naming_what_does_not_exist_is_refused_whole(
    client: PublishedClient, uploaded: dict[str, Any]
) -> None:
    """The good row names manager 920000, which the client's category-managers upload made."""
    before = client.get("categorymanager-products", {"page_size": 1})["count"]
    good = {"manager_id": 920_000, "shop_id": 1, "product_id": PRODUCTS[0], "date_from": "1999-01-01"}
    bad = {**good, "manager_id": "no-such-manager", "shop_id": "no-such-shop"}
    answer = client.send_chunk("categorymanager-products", [good, bad])
    assert answer.status_code == 400
    assert answer.json() == [
        {},
        {
            "manager_id": ["Object with identifier=no-such-manager does not exist."],
            "shop_id": ["Object with shop_id=no-such-shop does not exist."],
        },
    ]
    assert client.get("categorymanager-products", {"page_size": 1})["count"] == before


def test_the_sales_page_url_is_the_clients(client: PublishedClient) -> None:
    """The page names /sales/; its examples and the client's upload_sales use /sale/ (decision S1)."""
    assert client.get("sale/713")["url"].endswith("/api/v1/sale/713/")
    answer = client.session.get(f"{client.api}/sales/", headers=client.headers, verify=client.ca_cert)
    assert answer.status_code == 404


def test_a_sale_naming_a_shop_that_does_not_exist_is_refused(client: PublishedClient) -> None:
    bad = {
        "sale_id": 939_999,
        "name": "x",
        "date_from": "2018-06-12",
        "date_to": "2018-06-20",
        "shops": [1, 99],
    }
    answer = client.send_chunk("sale", [bad])
    assert answer.status_code == 400
    assert answer.json() == [{"shops": {"1": ["Object with shop_id=99 does not exist."]}}]
