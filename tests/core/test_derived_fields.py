"""Derived read-only fields (`x-drf-derived`, mockserver/drf/derived.py): the rules, the start-up
checks, and over HTTP on both stores a value that follows the other collection's writes
(category-managers `access_count`, a sale's `access`, product-inventory `week_day`)."""

from pathlib import Path
from typing import Any

import pytest

from mockserver.drf.derived import DerivedFields, derive, group_by, weekday
from mockserver.spec.collections import Derived
from mockserver.store.memory import MemoryStore
from tests.core.test_spec_engine import assert_refused_naming

H = {"Authorization": "Bearer derived-fields"}
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"  # the first product of products.json
COUNT = Derived("access_count", "count", "categorymanager-products", (("manager_id", "identifier"),))
LIST = Derived("access", "list", "sale-products", (("sale_id", "sale_id"),))


# the rules -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2018-01-16", 1),  # the product-inventory page's example: a Tuesday
        ("2018-01-15", 0),
        ("2018-01-21", 6),
        ("2018-01-16T23:59:59", 1),  # a datetime's date
        (None, None),
        ("", None),
        ("16.01.2018", None),
        (20180116, None),
    ],
)
def test_weekday_is_pythons_with_monday_zero(value: Any, day: int | None) -> None:
    assert weekday(value) == day


def test_groups_are_made_in_one_pass_by_the_text_of_the_fields_and_nulls_join_none() -> None:
    rows = [{"m": "6", "s": 1}, {"m": 6, "s": 2}, {"m": None, "s": 3}, {"m": "7", "s": 4}]
    assert group_by(rows, ("m",)) == {("6",): rows[:2], ("7",): [rows[3]]}


def test_a_count_and_a_list_read_the_group_of_this_objects_fields() -> None:
    groups = {("6",): [{"sale_id": "6", "shop_id": "1"}, {"sale_id": "6", "shop_id": "2"}]}
    assert derive(COUNT, {"identifier": "6"}, {("6",): groups[("6",)]}) == 2
    assert derive(COUNT, {"identifier": "7"}, groups) == 0
    assert derive(COUNT, {"identifier": None}, groups) == 0
    assert derive(LIST, {"sale_id": 6}, groups) == groups[("6",)]
    assert derive(LIST, {"sale_id": "8"}, groups) == []


class CountingStore(MemoryStore):
    """A memory store that counts whole-collection reads."""

    def __init__(self) -> None:
        super().__init__()
        self.scans = 0

    def query_documents(self, *args: Any, **kwargs: Any) -> Any:
        self.scans += 1
        return super().query_documents(*args, **kwargs)


def test_a_page_reads_the_other_collection_once_per_version() -> None:
    """Twenty managers ask one index; a write to the access list builds the next one."""
    from mockserver.apis import catalogue

    datawiz = catalogue().api("datawiz")
    managers, access = datawiz.collection("category-managers"), datawiz.collection("categorymanager-products")
    store = CountingStore()
    store.define_collection(access.store_spec())
    row = {"manager_id": "0", "shop_id": "1", "product_id": "p", "date_from": "2020-01-01"}
    store.upsert_documents("t", access.store_name, [dict(row, product_id=str(i)) for i in range(100)])
    fields = DerivedFields(managers)
    versions = fields.versions(store, "t")
    augment = fields.related(store, "t", versions)
    shown = [augment({"identifier": str(i % 7)})["access_count"] for i in range(20)]
    assert store.scans == 1 and shown[:7] == [100, 0, 0, 0, 0, 0, 0]
    fields.related(store, "t", versions)({"identifier": "0"})  # the same version: no scan
    assert store.scans == 1
    store.upsert_documents("t", access.store_name, [dict(row, manager_id="3")])
    later = fields.versions(store, "t")
    assert later != versions
    assert fields.related(store, "t", later)({"identifier": "3"})["access_count"] == 1
    assert store.scans == 2


# start-up checks -------------------------------------------------------------------------------
def _edit(schema: str, field: str, change: Any):
    def edit(document: dict[str, Any]) -> None:
        change(document["components"]["schemas"][schema]["properties"][field])

    return edit


@pytest.mark.parametrize(
    ("schema", "field", "change", "named"),
    [
        (
            "CategoryManager",
            "access_count",
            lambda p: p.pop("readOnly"),
            "properties.access_count.x-drf-derived: a derived field is read-only",
        ),
        (
            "CategoryManager",
            "access_count",
            lambda p: p["x-drf-derived"].update(count_of="category-manager-products"),
            "x-drf-derived category-managers.access_count: 'category-manager-products' is not a declared",
        ),
        (
            "CategoryManager",
            "access_count",
            lambda p: p["x-drf-derived"].update(where={"manager": "identifier"}),
            "x-drf-derived category-managers.access_count.where.manager: not a stored field",
        ),
        (
            "CategoryManager",
            "access_count",
            lambda p: p["x-drf-derived"].update(where={"manager_id": "code"}),
            "access_count.x-drf-derived.where: 'code' is not a stored field of this object",
        ),
        (
            "CategoryManager",
            "access_count",
            lambda p: p["x-drf-derived"].update(filter=True),
            "access_count.x-drf-derived.filter: unknown key",
        ),
        (
            "CategoryManager",
            "access_count",
            lambda p: p.update({"x-drf-derived": {"sum_of": "x"}}),
            "access_count.x-drf-derived: expected one of",
        ),
        (
            "Sale",
            "access",
            lambda p: p["items"].update({"$ref": "#/components/schemas/ProductPhoto"}),
            "x-drf-derived sale.access.items.photo: not a stored field of sale-products",
        ),
        (
            "ProductInventory",
            "week_day",
            lambda p: p["x-drf-derived"].update(weekday_of="day"),
            "week_day.x-drf-derived.weekday_of: 'day' is not a stored field",
        ),
        (
            "CategoryManagerInput",
            "access_count",
            lambda p: p.pop("readOnly"),
            "the upload form has a writable 'access_count'",
        ),
    ],
)
def test_a_derived_field_the_engine_cannot_serve_stops_start_up(
    tmp_path: Path, schema: str, field: str, change: Any, named: str
) -> None:
    assert_refused_naming(tmp_path, _edit(schema, field, change), named)


# over HTTP, on both stores ---------------------------------------------------------------------
@pytest.fixture(params=["memory", "redis"])
def fake(request: pytest.FixtureRequest, make_client: Any) -> Any:
    store = "memory" if request.param == "memory" else request.getfixturevalue("redis_url")
    client = make_client(store=store)
    client.headers.update(H)
    return client


def _created(answer: Any) -> None:
    assert answer.status_code == 201, answer.text


def test_a_managers_access_count_follows_its_access_list(fake: Any) -> None:
    manager = {"identifier": "777", "name": "Данилюк Виктор", "access_count": 99}  # read-only: ignored
    _created(fake.post("/api/v1/category-managers/", json=manager))
    assert fake.get("/api/v1/category-managers/777/").json()["access_count"] == 0
    rows = [
        {"manager_id": 777, "product_id": PRODUCT, "shop_id": s, "date_from": "2018-01-01"} for s in (1, 2)
    ]
    _created(fake.post("/api/v1/categorymanager-products/", json=rows))
    page = fake.get("/api/v1/category-managers/?search=777").json()["results"]
    assert [(m["identifier"], m["access_count"]) for m in page] == [("777", 2)]
    assert list(page[0])[-1] == "access_count"  # in the schema's order
    # A cached page and presented document must not outlive a write to the other collection.
    _created(fake.post("/api/v1/categorymanager-products/", json=dict(rows[0], shop_id=3)))
    assert fake.get("/api/v1/category-managers/?search=777").json()["results"][0]["access_count"] == 3
    assert fake.get("/api/v1/category-managers/777/").json()["access_count"] == 3
    _created(fake.post("/api/v1/categorymanager-products/", json=dict(rows[0], shop_id=3)))  # an update
    assert fake.get("/api/v1/category-managers/777/").json()["access_count"] == 3
    fixture = fake.get("/api/v1/category-managers/?search=").json()["results"]
    assert {m["identifier"]: m["access_count"] for m in fixture if m["identifier"] in ("6", "7", "13")} == {
        "6": 3,  # the access fixture's three rows are all manager 6's
        "7": 0,
        "13": 0,
    }


def test_a_sales_access_lists_its_sale_products_with_their_links(fake: Any) -> None:
    sale = {"sale_id": 777, "name": "Акция Молоко", "shops": ["1", "2"], "date_from": "2018-06-12"}
    _created(fake.post("/api/v1/sale/", json={**sale, "date_to": "2018-06-20", "access": [{"shop_id": "1"}]}))
    assert fake.get("/api/v1/sale/777/").json()["access"] == []
    _created(fake.post("/api/v1/sale-products/", json={"sale_id": 777, "product_id": PRODUCT, "shop_id": 2}))
    assert fake.get("/api/v1/sale/?search=777").json()["results"][0]["access"][0]["shop_id"] == "2"
    _created(fake.post("/api/v1/sale-products/", json={"sale_id": 777, "product_id": PRODUCT, "shop_id": 1}))
    shown = fake.get("/api/v1/sale/777.json").json()
    assert [pair["shop_id"] for pair in shown["access"]] == ["1", "2"]  # sale-products' default order
    assert shown["access"][0] == {
        "sale_id": "777",
        "sale_url": "http://testserver/api/v1/sale/777.json",
        "product_id": PRODUCT,
        "product_url": f"http://testserver/api/v1/products/{PRODUCT}.json",
        "shop_id": "1",
        "shop_url": "http://testserver/api/v1/shops/1.json",
    }
    assert fake.get("/api/v1/sale/?search=777").json()["results"][0]["access"] == [
        {k: v.replace(".json", "/") if k.endswith("url") else v for k, v in pair.items()}
        for pair in shown["access"]
    ]
    assert len(fake.get("/api/v1/sale/713/").json()["access"]) == 4  # the page's example


def test_an_inventory_rows_week_day_is_its_dates(fake: Any) -> None:
    rows = [
        {"product_id": PRODUCT, "shop_id": 5, "date": day, "qty": 1, "stock_total_price": 1, "week_day": 3}
        for day in ("2018-01-21", "2018-01-22")
    ]
    _created(fake.post("/api/v1/product-inventory/", json=rows))
    shown = fake.get(f"/api/v1/product-inventory/2018-01-21_5_{PRODUCT}/").json()
    assert shown["week_day"] == 6 and list(shown).index("week_day") == list(shown).index("date") + 1
    page = fake.get("/api/v1/product-inventory/?search=5&ordering=date").json()["results"]
    assert {row["date"]: row["week_day"] for row in page if row["shop_id"] == "5"} == {
        "2018-01-21": 6,
        "2018-01-22": 0,
    }
    assert fake.get("/api/v1/product-inventory/").json()["results"][0]["week_day"] == 1  # 2018-01-16
