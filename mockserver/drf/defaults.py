"""A request property's `default` (standard JSON Schema) is DRF's serializer field default,
checked at start-up with the field itself (a check the catalogue's build runs beside the spec's
own, mockserver/spec/catalogue.py)."""

from typing import Any

from mockserver.drf.serializer import compile_field
from mockserver.spec.errors import declaration_error
from mockserver.spec.loader import ApiSpec


def check_field_defaults(spec: ApiSpec) -> None:
    """Every request body's defaults, refused with their place."""
    for operation in spec.operations:
        for media_type, schema in operation.request_schemas_full.items():
            where = f"paths.{operation.path}.{operation.method.lower()}.requestBody.{media_type}"
            _check_defaults(spec, schema, where)


def _check_defaults(spec: ApiSpec, schema: Any, where: str) -> None:
    """A request property's `default` is what DRF's serializer field takes when the field is left
    out: DRF refuses a field both required and defaulted, and a default the field itself would
    refuse would be stored as it stands; both stop start-up here."""
    if isinstance(schema, list):
        for index, option in enumerate(schema):
            _check_defaults(spec, option, f"{where}[{index}]")
        return
    if not isinstance(schema, dict):
        return
    required = set(schema.get("required") or ())
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or "default" not in prop or prop.get("readOnly"):
            continue
        here = f"{where}.properties.{name}.default"
        if name in required:
            raise declaration_error(spec, here, "a required field takes no default (DRF refuses both)")
        try:
            compile_field(prop)(prop["default"], None)
        except Exception as refused:  # the field's own refusal carries its messages
            detail = getattr(refused, "detail", refused)
            raise declaration_error(spec, here, f"the field refuses its own default: {detail}") from None
    for key in ("properties", "items", "oneOf", "anyOf", "allOf"):
        value = schema.get(key)
        if key == "properties" and isinstance(value, dict):
            for name, prop in value.items():
                _check_defaults(spec, prop, f"{where}.properties.{name}")
        elif value is not None and key != "properties":
            _check_defaults(spec, value, f"{where}.{key}")
