"""How DRF's fields read empty and boolean-like values, as the DRF reference showed them on
Datawiz receipts (docs/fidelity.md): blank text is null for a nullable DecimalField only, and
BooleanField's exact true, false and null values."""

import pytest

from mockserver.drf.errors import ValidationFailed
from mockserver.drf.parsing import FormData
from mockserver.drf.serializer import validate_body

DECIMAL = {"type": ["string", "number"], "x-drf": {"type": "decimal", "max_digits": 8, "decimal_places": 4}}
BODY = {
    "type": "object",
    "properties": {
        "price": DECIMAL,
        "discount": {**DECIMAL, "type": ["string", "number", "null"]},
        "note": {"type": ["string", "null"]},
        "bulk": {"type": ["boolean", "string", "integer", "null"], "x-drf": {"type": "boolean"}},
        "packed": {"type": ["boolean", "string", "integer"], "x-drf": {"type": "boolean"}},
    },
}
LIST_BODY = {"oneOf": [BODY, {"type": "array", "items": BODY}]}


def errors_of(data):
    with pytest.raises(ValidationFailed) as caught:
        validate_body(BODY, data)
    return caught.value.detail


@pytest.mark.parametrize("blank", ["", "  ", "\t"])
def test_blank_text_is_null_for_a_nullable_decimal_only(blank):
    assert validate_body(BODY, {"discount": blank}) == {"discount": None}
    assert validate_body(LIST_BODY, [{"discount": blank}]) == [{"discount": None}]
    assert errors_of({"price": blank}) == {"price": ["A valid number is required."]}
    assert validate_body(BODY, {"note": blank}) == {"note": ""}  # a string stays blank


@pytest.mark.parametrize(
    ("given", "read"),
    [("TRUE", True), ("Off", False), (1, True), (0, False), (1.0, True), (0.0, False), (True, True)],
)
def test_booleans_are_read_from_drfs_values(given, read):
    assert validate_body(BODY, {"bulk": given, "packed": given}) == {"bulk": read, "packed": read}


@pytest.mark.parametrize("given", ["null", "NULL", ""])
def test_null_text_is_null_for_a_nullable_boolean_only(given):
    assert validate_body(BODY, {"bulk": given}) == {"bulk": None}
    assert errors_of({"packed": given}) == {"packed": ["Must be a valid boolean."]}


@pytest.mark.parametrize("given", [" true", "true ", 2, 1.5, "None", [], {}])
def test_other_values_are_not_booleans(given):
    assert errors_of({"bulk": given}) == {"bulk": ["Must be a valid boolean."]}


def test_a_boolean_left_out_of_a_form_is_false_nullable_or_not():
    """DRF 3.14's BooleanField.default_empty_html (3.15+ gives null for a nullable one): the fake
    follows 3.14 (specs/decisions/drf-fidelity.md, form-nullable-boolean)."""
    assert validate_body(BODY, FormData({"price": "1"})) == {
        "price": "1.0000",
        "bulk": False,
        "packed": False,
    }
