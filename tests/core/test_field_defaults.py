"""A request property's `default`: DRF's serializer field default, applied when the field is left
out (not when it is sent null), checked at start-up (mockserver/spec/extensions.py)."""

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.drf.errors import ValidationFailed
from mockserver.drf.serializer import validate_body
from mockserver.settings import Settings
from mockserver.spec.errors import StartupError
from tests.spec_copies import spec_copy

SCHEMA = {
    "type": "object",
    "required": ["key"],
    "properties": {
        "key": {"type": "string", "minLength": 1},
        "bonus": {
            "type": ["string", "number"],
            "default": "0.000",
            "x-drf": {"type": "decimal", "decimal_places": 3},
        },
        "deferment": {"type": ["integer", "string"], "default": 0, "x-drf": {"type": "integer"}},
        "shops": {"type": "array", "default": [], "items": {"type": "string"}},
        "note": {"type": ["string", "null"]},
    },
}


def test_a_left_out_field_takes_its_default_and_a_sent_one_is_kept() -> None:
    assert validate_body(SCHEMA, {"key": "a"}) == {"key": "a", "bonus": "0.000", "deferment": 0, "shops": []}
    sent = validate_body(SCHEMA, {"key": "a", "bonus": 1.5, "deferment": "7", "shops": ["1"], "note": None})
    assert sent == {"key": "a", "bonus": "1.500", "deferment": 7, "shops": ["1"], "note": None}


def test_a_list_default_is_never_shared_between_objects() -> None:
    first, second = validate_body({"type": "array", "items": SCHEMA}, [{"key": "a"}, {"key": "b"}])
    first["shops"].append("1")
    assert second["shops"] == [] and SCHEMA["properties"]["shops"]["default"] == []


def test_null_is_not_left_out_a_non_nullable_field_with_a_default_still_refuses_it() -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_body(SCHEMA, {"key": "a", "bonus": None})
    assert refused.value.detail == {"bonus": ["This field may not be null."]}


def test_the_upload_shows_the_default(tmp_path: Path) -> None:
    """Through the engine: the supplier access page's example sends neither bonus nor deferment."""
    client = TestClient(create_app(Settings(validate_responses=True)), headers={"Authorization": "Bearer t"})
    row = {"supplier_id": "15930", "product_id": "a26f866b-1465-11e5-80cb-a01d4897e530", "shop_id": "9"}
    assert client.post("/api/v1/supplier-products/", json=row).status_code == 201
    shown = client.get("/api/v1/supplier-products/15930_9_a26f866b-1465-11e5-80cb-a01d4897e530/").json()
    assert (shown["bonus"], shown["deferment"]) == ("0.000", 0)


def _bonus(change: Any):
    def edit(document: dict[str, Any]) -> None:
        change(document["components"]["schemas"]["SupplierProductInput"])

    return edit


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_bonus(lambda s: s["required"].append("bonus")), "a required field takes no default"),
        (_bonus(lambda s: s["properties"]["bonus"].update(default="lots")), "refuses its own default"),
        (_bonus(lambda s: s["properties"]["deferment"].update(default=None)), "may not be null"),
    ],
)
def test_a_default_the_field_cannot_take_stops_start_up(tmp_path: Path, change, named: str) -> None:
    specs, fixtures = spec_copy(tmp_path, change)
    with pytest.raises(StartupError) as refused:
        create_app(Settings(apis=("datawiz",), specs_dir=specs, fixtures_dir=fixtures))
    message = str(refused.value)
    assert "datawiz.yaml" in message and ".default" in message and named in message
