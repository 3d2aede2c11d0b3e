"""What is served, as every reader sees it, comes from the specs (mockserver/spec/catalogue.py)."""

from pathlib import Path

import pytest

from mockserver.apis import available_apis, catalogue, load_catalogue
from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.spec.catalogue import item_key, key_of
from mockserver.spec.errors import StartupError
from tests.spec_copies import spec_copy


def test_each_api_is_found_by_the_name_its_spec_gives_itself():
    assert sorted(available_apis()) == ["akinon", "datawiz"]
    # the registry's file for each API is the spec that says it describes that API
    assert [catalogue().api(api).spec.name for api in available_apis()] == list(available_apis())


def test_keywords_states_and_keys_are_read_from_the_spec():
    akinon, datawiz = catalogue().api("akinon"), catalogue().api("datawiz")
    assert (akinon.auth_keyword, datawiz.auth_keyword) == ("Token", "Bearer")
    enum = (
        akinon.operation("getAddressSetupStatus")
        .responses["200"]
        .content["application/json"]["properties"]["result"]["enum"]
    )
    # the states, each once: another spelling the enum gives (the example's "Ready") is not one
    assert akinon.task_states == tuple(v for v in enum if v not in akinon.setup_tasks[0].spellings)
    assert set(enum) - set(akinon.task_states) == {"Ready"}
    assert {c.name for c in datawiz.collections} == {
        *("relocate-documents", "products", "shops", "units", "categories", "brands", "producers"),
        *("shop-format", "shop-groups", "terminals", "cashiers", "suppliers", "contractors"),
        *("loyalty-group", "loyalty", "receipt-markers", "loss-types", "receipts", "loss-documents"),
        *("product-matrix", "supplier-products", "category-managers", "categorymanager-products"),
        *("sale", "sale-products", "product-photo", "people-traffic"),
        *("product-inventory", "stock-taking-documents", "incoming-documents", "purchase-documents"),
        *("receive-documents", "supplier-refunds", "order-pay-documents"),
    }
    # every text key, and every reference to one (lines' product_id, the shops the urls are built
    # from, a tree's parent_id); a receipt's `date` is part of its key but not text: never prefixed
    assert datawiz.key_fields == {
        *("relocate_id", "product_id", "shop_id", "sender_shop_id", "receiver_shop_id", "unit_id"),
        *("category_id", "parent_id", "brand_id", "producer_id", "format_id", "group_id"),
        *("terminal_id", "cashier_id", "supplier_id", "contractor_id", "loyalty_id", "marker_id"),
        *("loss_type_id", "order_id", "document_id", "stuff_id", "identifier", "manager_id"),
        *("sale_id", "traffic_id"),
        *("loss_type_id", "order_id", "document_id", "stuff_id", "document_number", "receive_document_id"),
    }
    assert datawiz.password_token_url == "/api/o/token/" and akinon.password_token_url is None


def _keyword(value):
    def change(document):
        document["components"]["securitySchemes"]["tokenAuth"]["x-drf-auth-keyword"] = value

    return change


def test_a_changed_keyword_in_a_spec_copy_is_what_the_suite_sends(tmp_path: Path):
    specs, _ = spec_copy(tmp_path, _keyword("Key"), "akinon")
    assert catalogue(specs).api("akinon").auth_keyword == "Key"


@pytest.mark.parametrize("value", ["Token key", 7])
def test_a_misshapen_keyword_stops_start_up(tmp_path: Path, value):
    specs, fixtures = spec_copy(tmp_path, _keyword(value), "akinon")
    with pytest.raises(StartupError, match="x-drf-auth-keyword"):
        create_app(Settings(apis=("akinon",), specs_dir=specs, fixtures_dir=fixtures))


def test_the_control_paths_are_those_of_the_apis_served():
    both, datawiz = load_catalogue(("akinon", "datawiz")), load_catalogue(("datawiz",))
    assert both.control is not None and datawiz.names == ("datawiz",)
    akinon_only = {
        item.path
        for item in both.control.path_items
        if item.extensions.get("x-mockserver-requires-api") == "akinon"
    }
    assert akinon_only and not akinon_only & datawiz.control_paths
    assert datawiz.control_paths < both.control_paths
    assert "/__mockserver__/health" in datawiz.control_paths


def test_every_operation_has_one_place_in_the_catalogue():
    served = catalogue()
    for api in served.apis:
        for op in api.spec.operations:
            assert served.operations[op.operation_id] is op
            roles = (op.operation_id in served.collection_roles) + (op.operation_id in served.task_roles)
            assert roles <= 1, op.operation_id
    receipts = served.api("datawiz").collection("receipts")
    operations = receipts.operations(served.api("datawiz").spec)
    listing = next(
        op_id for op_id, op in operations.items() if (op.path, op.method) == (receipts.list_path, "GET")
    )
    role = served.collection_roles[listing]
    assert role.declaration is receipts and role.is_list
    login = served.api("akinon").operation("login")
    assert login in served.api("akinon").one_off_operations


def test_a_composite_key_is_joined_one_way():
    receipts = catalogue().api("datawiz").collection("receipts")
    receipt = {"shop_id": 1, "date": "2017-07-05T14:11:36", "terminal_id": 2, "order_id": "7555405"}
    assert receipts.key == ("shop_id", "date", "terminal_id", "order_id")
    assert receipts.key_of(receipt) == key_of(receipt[name] for name in receipts.key)
    assert key_of(receipt[name] for name in receipts.key) == "1_2017-07-05T14:11:36_2_7555405"
    assert item_key({"shop_id": 1}, ("shop_id", "order_id")) == "1_None"  # as a URL built from it shows
