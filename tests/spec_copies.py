"""Copies of the specs changed in a test: a collection added with no Python (the `visits`
collection, shaped as Datawiz receipts are), for the engine's tests and the contract suite's."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from mockserver.apis import spec_path
from mockserver.resources import fixtures_dir, specs_dir

VISITS = "/api/v1/visits/"


def _visits_paths() -> dict[str, Any]:
    """A DRF collection of the shape Datawiz receipts have: a composite key with a datetime in it,
    a nested list served item by item, references that must exist, hyperlinks."""
    error = {"$ref": "#/components/responses/NotFound"}
    page_response = {
        "description": "A page",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VisitPage"}}},
    }
    list_parameters = [
        {"$ref": "#/components/parameters/format"},
        {"$ref": "#/components/parameters/page"},
        {"$ref": "#/components/parameters/page_size"},
        {"name": "search", "in": "query", "schema": {"type": "string"}},
        {"name": "ordering", "in": "query", "schema": {"type": "string"}},
    ]
    body = {
        "oneOf": [
            {"$ref": "#/components/schemas/VisitInput"},
            {"type": "array", "items": {"$ref": "#/components/schemas/VisitInput"}},
        ]
    }
    detail_parameter = {
        "name": "visit",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[^/.]+$"},
    }
    line_parameter = {**detail_parameter, "name": "line"}
    common = {"401": {"$ref": "#/components/responses/Unauthorized"}, "404": error}
    metadata = {
        "200": {
            "description": "metadata",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Metadata"}}},
        }
    }
    return {
        VISITS: {
            "x-drf-view": {"name": "Visit List", "description": ""},
            "x-drf-format-suffixes": ["json", "api"],
            "x-drf-collection": {
                "name": "visits",
                "detail": "/api/v1/visits/{visit}/",
                "lookup": ["shop_id", "date", "order_id"],
                "ordering": {"date": "datetime", "total": "number", "order_id": "text"},
                "default_ordering": ["-date"],
                "search": ["order_id"],
                "page_size": 2,
                "max_page_size": 3,
                "nested": {
                    "lines": {"lookup": ["line_no"], "detail": "/api/v1/visits/{visit}/lines/{line}/"}
                },
            },
            "get": {
                "operationId": "listVisits",
                "parameters": list_parameters,
                "responses": {"200": page_response, **common},
            },
            "head": {
                "operationId": "headVisits",
                "parameters": list_parameters,
                "responses": {"200": {"description": "ok"}},
            },
            "post": {
                "operationId": "createVisits",
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {
                    "201": {
                        "description": "Stored",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/UpsertCounts"}}
                        },
                    },
                    "400": {"$ref": "#/components/responses/BadUpload"},
                    **common,
                },
            },
            "options": {"operationId": "optionsVisits", "responses": metadata},
        },
        "/api/v1/visits/{visit}/": {
            "x-drf-view": {"name": "Visit Instance", "description": ""},
            "x-drf-format-suffixes": ["json", "api"],
            "parameters": [detail_parameter],
            "get": {
                "operationId": "getVisit",
                "responses": {
                    "200": {
                        "description": "One visit",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Visit"}}},
                    },
                    **common,
                },
            },
            "head": {"operationId": "headVisit", "responses": {"200": {"description": "ok"}}},
            "options": {"operationId": "optionsVisit", "responses": metadata},
        },
        "/api/v1/visits/{visit}/lines/{line}/": {
            "x-drf-view": {"name": "Visit Line Instance", "description": ""},
            "parameters": [detail_parameter, line_parameter],
            "get": {
                "operationId": "getVisitLine",
                "responses": {
                    "200": {
                        "description": "One line",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/VisitLine"}}
                        },
                    },
                    **common,
                },
            },
        },
    }


def _visits_schemas() -> dict[str, Any]:
    line = {
        "type": "object",
        "required": ["line_no", "product_id", "product_url", "qty"],
        "properties": {
            "line_no": {"type": "integer"},
            "product_id": {"type": "string"},
            "product_url": {
                "type": "string",
                "format": "uri",
                "readOnly": True,
                "x-drf-hyperlink": {"collection": "products", "from": ["product_id"]},
            },
            "qty": {"$ref": "#/components/schemas/Decimal4"},
        },
    }
    return {
        "Visit": {
            "type": "object",
            "additionalProperties": False,
            "required": ["shop_id", "date", "order_id", "url", "shop_url", "total", "lines"],
            "properties": {
                "shop_id": {"type": "string"},
                "date": {"$ref": "#/components/schemas/NaiveDateTime"},
                "order_id": {"type": "string"},
                "url": {"type": "string", "format": "uri", "readOnly": True, "x-drf-hyperlink": "self"},
                "shop_url": {
                    "type": "string",
                    "format": "uri",
                    "readOnly": True,
                    "x-drf-hyperlink": {"collection": "shops", "from": ["shop_id"]},
                },
                "total": {"$ref": "#/components/schemas/Decimal4"},
                "lines": {"type": "array", "items": {"$ref": "#/components/schemas/VisitLine"}},
            },
        },
        "VisitLine": line,
        "VisitPage": {
            "allOf": [
                {"$ref": "#/components/schemas/Page"},
                {
                    "properties": {
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Visit"}}
                    }
                },
            ]
        },
        "VisitInput": {
            "type": "object",
            "required": ["shop_id", "date", "order_id", "total", "lines"],
            "properties": {
                "shop_id": {
                    "type": ["string", "number"],
                    "minLength": 1,
                    "maxLength": 50,
                    "x-drf": {"type": "string", "exists_in": {"collection": "shops", "field": "shop_id"}},
                },
                "date": {"type": "string", "format": "date-time", "x-drf": {"type": "datetime"}},
                "order_id": {"type": ["string", "number"], "minLength": 1, "x-drf": {"type": "string"}},
                "total": {
                    "$ref": "#/components/schemas/DecimalIn",
                    "x-drf": {"type": "decimal", "max_digits": 16, "decimal_places": 4},
                },
                "lines": {
                    "type": "array",
                    "x-drf": {"type": "field"},
                    "items": {
                        "type": "object",
                        "x-drf": {"type": "nested object"},
                        "required": ["line_no", "product_id", "qty"],
                        "properties": {
                            "line_no": {"type": "integer", "x-drf": {"type": "integer"}},
                            "product_id": {
                                "type": ["string", "number"],
                                "minLength": 1,
                                "x-drf": {
                                    "type": "string",
                                    "exists_in": {"collection": "products", "field": "product_id"},
                                },
                            },
                            "qty": {
                                "$ref": "#/components/schemas/DecimalIn",
                                "x-drf": {"type": "decimal", "max_digits": 16, "decimal_places": 4},
                            },
                        },
                    },
                },
            },
        },
    }


VISIT_FIXTURES = [
    {
        "shop_id": "1",
        "date": "2017-07-05T14:11:36",
        "order_id": "7555405",
        "total": "30.0000",
        "lines": [
            {"line_no": 1, "product_id": "a26f866b-1465-11e5-80cb-a01d4897e530", "qty": "1.0000"},
            {"line_no": 2, "product_id": "a26f866b-1465-11e5-80cb-a01d4897e531", "qty": "2.5000"},
        ],
    },
    {"shop_id": "2", "date": "2017-07-06T09:00:00", "order_id": "42", "total": "5.5", "lines": []},
    {"shop_id": "1", "date": "2017-07-07T10:00:00", "order_id": "43", "total": "7", "lines": []},
]


def spec_copy(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], api: str = "datawiz"
) -> tuple[Path, Path]:
    """specs/ and fixtures/ copied, the spec of `api` changed by `change`."""
    specs, fixtures = tmp_path / "specs", tmp_path / "fixtures"
    shutil.copytree(specs_dir(), specs)
    shutil.copytree(fixtures_dir(), fixtures)
    spec = spec_path(api, specs)
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    change(document)
    spec.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return specs, fixtures


def keep_setup_paths(document: dict[str, Any]) -> None:
    """The Akinon spec with only the seed's three setup endpoints (no login, no token exchange)."""
    document["paths"] = {p: item for p, item in document["paths"].items() if "/setup/addresses/" in p}


def add_visits(document: dict[str, Any]) -> None:
    paths = document["paths"]
    paths.update(_visits_paths())
    document["components"]["schemas"].update(_visits_schemas())
    # HEAD and OPTIONS answer what the products' do (401, 404, 406 included), as DRF's views would.
    for visits, products in (
        (VISITS, "/api/v1/products/"),
        ("/api/v1/visits/{visit}/", "/api/v1/products/{product_id}/"),
    ):
        for method in ("head", "options"):
            paths[visits][method]["responses"] = paths[products][method]["responses"]


def visits_copy(tmp_path: Path) -> tuple[Path, Path]:
    """specs/ and fixtures/ copied, datawiz.yaml declaring `visits`, its fixtures beside the others."""
    specs, fixtures = spec_copy(tmp_path, add_visits)
    (fixtures / "datawiz" / "visits.json").write_text(json.dumps(VISIT_FIXTURES))
    return specs, fixtures
