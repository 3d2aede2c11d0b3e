"""DRF's SimpleMetadata for OPTIONS, built from the spec's request schema and x-drf hints."""

from typing import Any

from mockserver.drf.negotiation import RENDERERS
from mockserver.drf.serializer import default_label, drf_type
from mockserver.spec.loader import PathItem

PARSES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]


def _object_form(schema: dict[str, Any]) -> dict[str, Any]:
    for option in schema.get("oneOf") or schema.get("anyOf") or [schema]:
        if drf_type(option) == "nested object":
            return option
    return schema


def field_info(
    name: str | None, schema: dict[str, Any], required: bool, decimals: bool = False
) -> dict[str, Any]:
    """SimpleMetadata's field info; `decimals`: a decimal's max_digits and decimal_places too, as
    DRF 3.15+ lists them (3.14 and the services' OPTIONS example do not)."""
    hints = schema.get("x-drf") or {}
    read_only = bool(schema.get("readOnly"))
    info: dict[str, Any] = {
        "type": drf_type(schema),
        "required": required and not read_only,
        "read_only": read_only,
    }
    if name is not None:
        info["label"] = hints.get("label") or default_label(name)
    if "maxLength" in schema:
        info["max_length"] = schema["maxLength"]
    if info["type"] in ("integer", "float"):  # an IntegerField's min_value and max_value
        for bound, attribute in (("minimum", "min_value"), ("maximum", "max_value")):
            if bound in schema:
                info[attribute] = schema[bound]
    if decimals and info["type"] == "decimal":
        for hint in ("max_digits", "decimal_places"):
            if hints.get(hint) is not None:
                info[hint] = hints[hint]
    if "items" in schema:
        info["child"] = field_info(None, schema["items"], True, decimals)
    if "properties" in schema and drf_type(schema) == "nested object":
        info["children"] = serializer_info(schema, decimals)
    return info


def serializer_info(schema: dict[str, Any], decimals: bool = False) -> dict[str, Any]:
    required = set(schema.get("required") or ())
    return {
        name: field_info(name, prop, name in required, decimals)
        for name, prop in (schema.get("properties") or {}).items()
    }


def options_metadata(path_item: PathItem, decimal_details: bool = False) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "name": path_item.view_name,
        "description": path_item.view_description,
        "renders": [renderer.media_type for renderer in RENDERERS],
        "parses": PARSES,
    }
    actions = {}
    for method in ("PUT", "POST"):
        operation = path_item.operations.get(method)
        schema = operation and operation.request_schemas_full.get("application/json")
        if schema:
            actions[method] = serializer_info(_object_form(schema), decimal_details)
    if actions:
        metadata["actions"] = actions
    return metadata
