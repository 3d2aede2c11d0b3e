"""Products, shops and receipts' cart items carry every field their client pages document
(datawizio/pythonAPI docs/topics/products.rst, shops.rst, receipts.rst; decisions P1-P12)."""

import pytest

H = {"Authorization": "Bearer documented-fields"}
HOST = "https://api.datawiz.io"

# products.rst's detail example, as the page shows it.
PRODUCT_3479 = {
    "url": f"{HOST}/api/v1/products/3479/",
    "product_id": "3479",
    "name": "Сигареты Красные Столичные",
    "article": "2042",
    "barcode": "4820000363433,4820000361590,288",
    "category_id": "1002",
    "category_url": f"{HOST}/api/v1/categories/1002/",
    "brand_id": "1207",
    "brand_url": f"{HOST}/api/v1/brands/1207/",
    "producer_id": None,
    "producer_url": None,
    "unit_id": "1",
    "unit_url": f"{HOST}/api/v1/units/1/",
    "active": False,
    "width": None,
    "height": None,
    "depth": None,
}

# shops.rst's detail example.
SHOP_30 = {
    "url": f"{HOST}/api/v1/shops/30/",
    "shop_id": "30",
    "format_id": "5",
    "format_url": f"{HOST}/api/v1/shop-format/5/",
    "group_id": "15",
    "group_url": f"{HOST}/api/v1/shop-groups/15/",
    "name": "Магазин №22",
    "address": "ул. Спартака, д. 88",
    "open_date": None,
    "latitude": "49.42127200",
    "longitude": "27.00445200",
}


def upload_form(shown: dict) -> dict:
    """What a client sends for a shown object: its fields without the read-only links."""
    return {name: value for name, value in shown.items() if not name.endswith("url")}


def on_this_host(shown: dict) -> dict:
    return {k: v.replace(HOST, "http://testserver") if isinstance(v, str) else v for k, v in shown.items()}


@pytest.fixture
def fake(make_client):
    client = make_client()
    for path, body in (
        ("/api/v1/categories/", {"category_id": "1002", "name": "Сигареты"}),
        ("/api/v1/brands/", {"brand_id": "1207", "name": "Столичные"}),
        ("/api/v1/units/", {"unit_id": "1", "name": "шт"}),
        ("/api/v1/shop-groups/", {"group_id": "15", "name": "Хмельницкая обл."}),
    ):
        assert client.post(path, headers=H, json=body).status_code == 201, path
    return client


def test_the_product_page_example_is_accepted_and_read_back(fake):
    answer = fake.post("/api/v1/products/", headers=H, json=[upload_form(PRODUCT_3479)])
    assert answer.status_code == 201, answer.text
    assert fake.get("/api/v1/products/3479/", headers=H).json() == on_this_host(PRODUCT_3479)
    listed = fake.get("/api/v1/products/?search=3479", headers=H).json()["results"]
    assert listed == [on_this_host(PRODUCT_3479)]


def test_a_products_sizes_are_decimals_and_active_a_boolean(fake):
    sent = upload_form(PRODUCT_3479) | {"width": 12.5, "height": "3", "depth": None, "active": "true"}
    assert fake.post("/api/v1/products/", headers=H, json=sent).status_code == 201
    shown = fake.get("/api/v1/products/3479/", headers=H).json()
    assert (shown["width"], shown["height"], shown["depth"], shown["active"]) == (
        "12.5000",
        "3.0000",
        None,
        True,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("category_id", "no-such-category"), ("brand_id", "no-such-brand"), ("unit_id", "no-such-unit")],
)
def test_a_product_naming_an_unknown_reference_is_refused_naming_the_field(fake, field, value):
    answer = fake.post("/api/v1/products/", headers=H, json=upload_form(PRODUCT_3479) | {field: value})
    assert answer.status_code == 400
    assert answer.json() == {field: [f"Object with {field}={value} does not exist."]}
    assert fake.get("/api/v1/products/3479/", headers=H).status_code == 404


def test_a_product_needs_its_category(fake):
    sent = {name: value for name, value in upload_form(PRODUCT_3479).items() if name != "category_id"}
    answer = fake.post("/api/v1/products/", headers=H, json=sent)
    assert answer.status_code == 400
    assert answer.json() == {"category_id": ["This field is required."]}


def test_the_shop_page_example_is_accepted_and_read_back(fake):
    answer = fake.post("/api/v1/shops/", headers=H, json=upload_form(SHOP_30))
    assert answer.status_code == 201, answer.text
    assert fake.get("/api/v1/shops/30/", headers=H).json() == on_this_host(SHOP_30)


def test_a_shop_naming_an_unknown_format_is_refused_naming_the_field(fake):
    answer = fake.post("/api/v1/shops/", headers=H, json=upload_form(SHOP_30) | {"format_id": "77"})
    assert answer.status_code == 400
    assert answer.json() == {"format_id": ["Object with format_id=77 does not exist."]}


def test_a_receipts_cart_item_shows_its_own_url(client):
    receipt = client.get("/api/v1/receipts/?page_size=1", headers=H).json()["results"][0]
    item = receipt["cartitems"][0]
    assert item["url"] == f"{receipt['url']}cartitems/{item['order_no']}/"
    assert client.get(item["url"], headers=H).json() == item
    options = client.options("/api/v1/receipts/", headers=H).json()
    child = options["actions"]["POST"]["cartitems"]["child"]["children"]
    assert child["url"] == {"type": "field", "required": False, "read_only": True, "label": "Url"}
