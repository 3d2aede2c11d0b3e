"""The spec is the engine: a collection added to a copy of a spec, with no Python, is served,
validated and seeded; a declaration the engine cannot serve stops start-up, naming its place."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.apis import spec_path
from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.spec.errors import StartupError
from tests.spec_copies import VISITS, spec_copy, visits_copy

DATAWIZ_SPEC = spec_path("datawiz").name

BEARER = {"Authorization": "Bearer engine-test"}


@pytest.fixture
def visits_app(tmp_path: Path) -> TestClient:
    specs, fixtures = visits_copy(tmp_path)
    settings = Settings(apis=("datawiz",), specs_dir=specs, fixtures_dir=fixtures, validate_responses=True)
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_declared_collection_is_seeded_paged_ordered_and_searched(visits_app: TestClient) -> None:
    page = visits_app.get(VISITS, headers=BEARER).json()
    assert page["count"] == 3 and len(page["results"]) == 2  # page_size 2 from the declaration
    assert [v["order_id"] for v in page["results"]] == ["43", "42"]  # default ordering -date
    assert page["next"] == "http://testserver/api/v1/visits/?page=2"
    ordered = visits_app.get(VISITS + "?ordering=total&page_size=10", headers=BEARER).json()
    assert [v["total"] for v in ordered["results"]] == ["5.5000", "7.0000", "30.0000"]  # by number
    assert len(ordered["results"]) == 3  # max_page_size 3 caps page_size 10
    found = visits_app.get(VISITS + "?search=7555", headers=BEARER).json()
    assert [v["order_id"] for v in found["results"]] == ["7555405"]


def test_the_start_banner_reads_what_it_shows_from_the_specs(visits_app: TestClient) -> None:
    from mockserver.cli import first_path, one_off_posts

    catalogue = visits_app.app.catalogue  # type: ignore[attr-defined]
    (datawiz,) = catalogue.apis  # --api datawiz: no Akinon line
    declared = datawiz.collections
    in_spec = [item for item in datawiz.spec.document["paths"].values() if "x-drf-collection" in item]
    assert len(declared) == len(in_spec) and VISITS in {d.list_path for d in declared}
    assert first_path(datawiz) == declared[0].list_path
    # the module's own POSTs (the OAuth2 token endpoint) with the fields their bodies require
    assert [(op_id, path) for op_id, path, _ in one_off_posts(datawiz)] == [
        (op.operation_id, op.path) for op in (datawiz.operation("obtainToken"),)
    ]


def test_composite_keys_hyperlinks_and_nested_items(visits_app: TestClient) -> None:
    key = "1_2017-07-05T14:11:36_7555405"
    visit = visits_app.get(f"{VISITS}{key}/", headers=BEARER).json()
    assert visit["url"] == f"http://testserver{VISITS}{key}/"
    assert visit["shop_url"] == "http://testserver/api/v1/shops/1/"
    assert visit["lines"][1]["product_url"].endswith("/api/v1/products/a26f866b-1465-11e5-80cb-a01d4897e531/")
    line = visits_app.get(f"{VISITS}{key}/lines/2/", headers=BEARER)
    assert line.status_code == 200 and line.json()["qty"] == "2.5000"
    assert visits_app.get(f"{VISITS}{key}/lines/9/", headers=BEARER).status_code == 404
    suffixed = visits_app.get(f"{VISITS}{key}.json", headers=BEARER).json()
    assert suffixed["url"].endswith(f"{key}.json") and suffixed["shop_url"].endswith("/shops/1.json")
    assert visits_app.get(f"{VISITS}.exe/", headers=BEARER).status_code == 404  # a suffix, not a key


def test_upsert_is_validated_all_or_nothing_with_related_objects(visits_app: TestClient) -> None:
    good = {"shop_id": "3", "date": "2018-01-01T00:00:00", "order_id": "9", "total": "1", "lines": []}
    bad = {**good, "order_id": "10", "shop_id": "no-such-shop"}
    refused = visits_app.post(VISITS, json=[good, bad], headers=BEARER)
    assert refused.status_code == 400
    assert refused.json()[0] == {} and "shop_id" in refused.json()[1]
    assert visits_app.get(VISITS, headers=BEARER).json()["count"] == 3  # nothing stored
    stored = visits_app.post(VISITS, json=[good, {**good, "total": "2"}], headers=BEARER)
    assert stored.status_code == 201 and stored.json() == {"updated": 1, "inserted": 1}
    assert stored.headers["Location"] == f"http://testserver{VISITS}3_2018-01-01T00:00:00_9/"
    options = visits_app.options(VISITS, headers=BEARER).json()
    assert set(options["actions"]["POST"]) == {"shop_id", "date", "order_id", "total", "lines"}
    assert visits_app.head(VISITS, headers=BEARER).status_code == 200


def _without_pattern(document: dict[str, Any]) -> None:
    document["paths"]["/api/v1/shops/{shop_id}/"]["parameters"][0]["schema"].pop("pattern")


def _unknown_key(document: dict[str, Any]) -> None:
    document["paths"]["/api/v1/shops/"]["x-drf-collection"]["orderingg"] = {}


def _bad_sort_kind(document: dict[str, Any]) -> None:
    document["paths"]["/api/v1/shops/"]["x-drf-collection"]["ordering"]["name"] = "alphabetic"


def _unknown_reference(document: dict[str, Any]) -> None:
    line = document["components"]["schemas"]["RelocateDocumentInput"]["properties"]["products"]["items"]
    line["properties"]["product_id"]["x-drf"]["exists_in"]["collection"] = "datawiz.products"


def _unknown_hyperlink(document: dict[str, Any]) -> None:
    url = document["components"]["schemas"]["RelocateDocument"]["properties"]["sender_shop_url"]
    url["x-drf-hyperlink"]["collection"] = "stores"


def _lookup_not_a_field(document: dict[str, Any]) -> None:
    document["paths"]["/api/v1/products/"]["x-drf-collection"]["lookup"] = ["sku"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_without_pattern, "paths./api/v1/shops/{shop_id}/.parameters.shop_id.schema.pattern"),
        (_unknown_key, "x-drf-collection.orderingg"),
        (_bad_sort_kind, "x-drf-collection.ordering.name"),
        (_unknown_reference, "'datawiz.products' is not a declared collection"),
        (_unknown_hyperlink, "'stores' is not a declared collection"),
        (_lookup_not_a_field, "x-drf-collection.lookup"),
    ],
)
def test_a_declaration_the_engine_cannot_serve_stops_start_up(tmp_path: Path, change, named: str) -> None:
    assert_refused_naming(tmp_path, change, named)


def assert_refused_naming(tmp_path: Path, change, named: str) -> None:
    """A Datawiz spec copy changed by `change` stops start-up with a message naming the file and
    `named` (the place and key)."""
    specs, fixtures = spec_copy(tmp_path, change)
    with pytest.raises(StartupError) as refused:
        create_app(Settings(apis=("datawiz",), specs_dir=specs, fixtures_dir=fixtures))
    assert DATAWIZ_SPEC in str(refused.value) and named in str(refused.value)


def test_a_fixture_its_serializer_refuses_stops_start_up(tmp_path: Path) -> None:
    specs, fixtures = spec_copy(tmp_path, lambda document: None)
    (fixtures / "datawiz" / "shops.json").write_text(json.dumps([{"shop_id": "", "name": "x"}]))
    with pytest.raises(StartupError, match=r"shops\.json.*shops serializer"):
        create_app(Settings(apis=("datawiz",), specs_dir=specs, fixtures_dir=fixtures))


STOCK = "/api/v1/oms/stock_locations/"
AKINON_SPEC = spec_path("akinon").name


def add_stock_locations(document: dict[str, Any]) -> None:
    """Akinon's second setup step of the same shape (FIELD-NOTES), as YAML only: the address
    trio's path items copied under a new prefix, naming a new task."""
    document["x-setup-tasks"]["stock_locations"] = {
        "source": {"name": "omnitron", "fixtures": "omnitron-stock-locations.json"},
        "target": {"name": "oms", "fixtures": "oms-stock-locations.json"},
        "levels": [{"name": "warehouse", "key": "warehouses"}, {"name": "location", "key": "locations"}],
    }
    for endpoint in ("execute/", "get_async_status/", "is_required/"):
        item = json.loads(json.dumps(document["paths"][f"/api/v1/oms/setup/addresses/{endpoint}"]))
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = "stockLocations" + operation["operationId"].title()
                if "x-setup-task" in operation:
                    operation["x-setup-task"]["task"] = "stock_locations"
        document["paths"][f"{STOCK}{endpoint}"] = item


def test_a_second_setup_step_is_yaml_and_fixtures(tmp_path: Path) -> None:
    specs, fixtures = spec_copy(tmp_path, add_stock_locations, "akinon")
    warehouse = {"code": "IST", "name": "İstanbul depo", "locations": [{"code": "A1", "name": "Raf A1"}]}
    (fixtures / "akinon" / "omnitron-stock-locations.json").write_text(
        json.dumps({"warehouses": [warehouse]})
    )
    (fixtures / "akinon" / "oms-stock-locations.json").write_text(json.dumps({"warehouses": []}))
    settings = Settings(apis=("akinon",), specs_dir=specs, fixtures_dir=fixtures, validate_responses=True)
    token = {"Authorization": "Token second-step"}
    with TestClient(create_app(settings)) as client:

        def result(endpoint: str) -> str:
            return client.get(STOCK + endpoint, headers=token).json()["result"]

        assert (result("get_async_status/"), result("is_required/")) == ("READY", "true")
        assert client.post(STOCK + "execute/", headers=token).status_code == 204
        assert result("get_async_status/") == "WORKING"
        client.post("/__mockserver__/clock/advance", json={"seconds": 5}, headers=token)
        assert (result("get_async_status/"), result("is_required/")) == ("FINISHED", "false")
        # The address setup is a task of its own: untouched by the stock locations' run.
        addresses = "/api/v1/oms/setup/addresses/"
        assert client.get(addresses + "get_async_status/", headers=token).json() == {"result": "READY"}
        assert client.get(addresses + "is_required/", headers=token).json() == {"result": "true"}


def _akinon_copy(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Settings:
    specs, fixtures = spec_copy(tmp_path, change, "akinon")
    return Settings(apis=("akinon",), specs_dir=specs, fixtures_dir=fixtures)


def _states(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]["AsyncStatus"]["properties"]["result"]["x-setup-task-states"]


def _two_defaults(document: dict[str, Any]) -> None:
    _states(document)["FAILED"]["default"] = True


def _state_missing(document: dict[str, Any]) -> None:
    del _states(document)["ABORTED"]


def _unknown_copies(document: dict[str, Any]) -> None:
    _states(document)["FAILED"]["copies"] = "some"


def _no_execute(document: dict[str, Any]) -> None:
    del document["paths"]["/api/v1/oms/setup/addresses/execute/"]["post"]["x-setup-task"]


def _spelling_of_nothing(document: dict[str, Any]) -> None:
    _states(document)["Ready"] = {"spelling_of": "IDLE"}


def _unknown_task(document: dict[str, Any]) -> None:
    document["paths"]["/api/v1/oms/setup/addresses/execute/"]["post"]["x-setup-task"]["task"] = "adresses"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_two_defaults, "exactly one the default"),
        (_state_missing, "x-setup-task-states: must give every value of the enum"),
        (_unknown_copies, "x-setup-task-states.FAILED.copies"),
        (_spelling_of_nothing, "x-setup-task-states.Ready.spelling_of: expected a state of the enum"),
        (_no_execute, "x-setup-tasks.addresses: no operation declares the role(s) ['execute']"),
        (_unknown_task, "paths./api/v1/oms/setup/addresses/execute/.post.x-setup-task"),
    ],
)
def test_a_setup_task_the_engine_cannot_serve_stops_start_up(tmp_path: Path, change, named: str) -> None:
    with pytest.raises(StartupError) as refused:
        create_app(_akinon_copy(tmp_path, change))
    assert AKINON_SPEC in str(refused.value) and named in str(refused.value)


def test_the_resolved_spec_cache_is_keyed_by_the_text_and_survives_a_bad_entry(tmp_path, monkeypatch) -> None:
    from mockserver.spec import loader

    monkeypatch.setattr(loader, "_CACHE_DIR", tmp_path / "cache")
    source = tmp_path / DATAWIZ_SPEC
    source.write_bytes(spec_path("datawiz").read_bytes())
    fresh = loader.resolved_document(source)
    (entry,) = (tmp_path / "cache").iterdir()
    assert loader.resolved_document(source) == fresh  # from the cache
    entry.write_text("{not json")
    assert loader.resolved_document(source) == fresh  # a bad entry costs only the parse
    source.write_text(source.read_text().replace("Relocate Document List", "Relocation List"))
    changed = loader.resolved_document(source)
    assert changed["paths"]["/api/v1/relocate-documents/"]["x-drf-view"]["name"] == "Relocation List"


def _misspelt_extension(document: dict[str, Any]) -> None:
    collection = document["paths"]["/api/v1/shops/"].pop("x-drf-collection")
    document["paths"]["/api/v1/shops/"]["x-drf-colection"] = collection


def _unknown_field_type(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["ShopInput"]["properties"]["name"]["x-drf"]["type"] = "text"


def _date_without_format(document: dict[str, Any]) -> None:
    del document["components"]["schemas"]["ShopInput"]["properties"]["open_date"]["format"]


def _unknown_suffix(document: dict[str, Any]) -> None:
    document["paths"]["/api/v1/shops/"]["x-drf-format-suffixes"] = ["json", "xml"]


def _raw_body_not_a_flag(document: dict[str, Any]) -> None:
    document["paths"]["/api/o/token/"]["post"]["x-mockserver-raw-body"] = "yes"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_misspelt_extension, "paths./api/v1/shops/.x-drf-colection: not an extension the engine reads here"),
        (_unknown_field_type, "ShopInput.properties.name.x-drf.type"),
        (
            _date_without_format,
            "ShopInput.properties.open_date.format: a DRF date field: declare `format: date`",
        ),
        (_unknown_suffix, "paths./api/v1/shops/.x-drf-format-suffixes"),
        (_raw_body_not_a_flag, "paths./api/o/token/.post.x-mockserver-raw-body"),
    ],
)
def test_an_extension_misspelt_or_misshapen_stops_start_up(tmp_path: Path, change, named: str) -> None:
    assert_refused_naming(tmp_path, change, named)


def test_another_spelling_of_a_state_is_that_state_and_never_served() -> None:
    from mockserver.apis import catalogue

    task = catalogue().api("akinon").setup_tasks[0]
    assert task.spellings == {"Ready": "READY"}
    assert task.state_of("Ready") == "READY" and task.state_of("WORKING") == "WORKING"
    assert "Ready" not in task.states  # the fake answers the state's own spelling
