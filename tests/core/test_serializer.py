"""DRF serializer semantics applied to spec schemas: messages, shapes and cleaned values."""

import pytest

from mockserver.drf.errors import ValidationFailed
from mockserver.drf.serializer import validate_body

LINE = {
    "type": "object",
    "required": ["product_id", "qty"],
    "properties": {
        "product_id": {"type": ["string", "number"], "maxLength": 5, "minLength": 1},
        "qty": {
            "type": ["string", "number"],
            "x-drf": {"type": "decimal", "max_digits": 8, "decimal_places": 4},
        },
        "url": {"type": "string", "readOnly": True},
    },
}
DOCUMENT = {
    "type": "object",
    "required": ["doc_id", "when", "lines"],
    "properties": {
        "doc_id": {"type": "string", "minLength": 1},
        "when": {"type": "string", "x-drf": {"type": "datetime"}},
        "note": {"type": ["string", "null"], "maxLength": 3},
        "lines": {"type": "array", "items": LINE, "x-drf": {"type": "field"}},
    },
}
BODY = {"oneOf": [DOCUMENT, {"type": "array", "items": DOCUMENT}]}
GOOD = {"doc_id": "a", "when": "2016-01-01T00:00:00", "lines": [{"product_id": "p1", "qty": 2}]}


def errors_of(data):
    with pytest.raises(ValidationFailed) as caught:
        validate_body(BODY, data)
    return caught.value.detail


def test_cleans_values_as_drf_stores_them():
    cleaned = validate_body(
        BODY, {**GOOD, "extra": 1, "note": None, "lines": [{"product_id": 12, "qty": "1.5"}]}
    )
    assert cleaned == {
        "doc_id": "a",
        "when": "2016-01-01T00:00:00",
        "note": None,
        "lines": [{"product_id": "12", "qty": "1.5000"}],
    }


def test_aware_datetimes_become_naive_utc():
    assert validate_body(BODY, {**GOOD, "when": "2016-01-01T03:00:00+03:00"})["when"] == "2016-01-01T00:00:00"


def test_every_missing_field_is_reported_at_once():
    assert errors_of({}) == {
        "doc_id": ["This field is required."],
        "when": ["This field is required."],
        "lines": ["This field is required."],
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doc_id", "", "This field may not be blank."),
        ("doc_id", None, "This field may not be null."),
        ("doc_id", {"x": 1}, "Not a valid string."),
        ("note", "abcd", "Ensure this field has no more than 3 characters."),
        (
            "when",
            "2016-13-01T00:00:00",
            "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        ),
    ],
)
def test_field_messages_are_drfs(field, value, message):
    assert errors_of({**GOOD, field: value}) == {field: [message]}


@pytest.mark.parametrize(
    ("qty", "message"),
    [
        ("abc", "A valid number is required."),
        ("NaN", "A valid number is required."),
        ("1.23456", "Ensure that there are no more than 4 decimal places."),
        ("123456789", "Ensure that there are no more than 8 digits in total."),
        ("12345.1", "Ensure that there are no more than 4 digits before the decimal point."),
        (True, "A valid number is required."),
    ],
)
def test_decimal_messages(qty, message):
    assert errors_of({**GOOD, "lines": [{"product_id": "p", "qty": qty}]}) == {"lines": [{"qty": [message]}]}


def test_nested_errors_are_aligned_with_the_lines():
    detail = errors_of({**GOOD, "lines": [{"product_id": "p", "qty": 1}, {"qty": 1}]})
    assert detail == {"lines": [{}, {"product_id": ["This field is required."]}]}


def test_a_list_body_gets_errors_aligned_with_the_input():
    assert errors_of([GOOD, {**GOOD, "doc_id": ""}, GOOD]) == [
        {},
        {"doc_id": ["This field may not be blank."]},
        {},
    ]


def test_non_object_bodies():
    assert errors_of("text") == {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}
    assert errors_of([1]) == [{"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]}]


# The shapes below are what DRF 3.18.3 answers with LIST_SERIALIZER_ERRORS_AS_DICT off (the list
# form the services use), measured by tests/drf_reference.
@pytest.mark.parametrize(("value", "kind"), [("x", "str"), ({"a": 1}, "dict"), (5, "int")])
def test_a_list_of_objects_given_something_else(value, kind):
    assert errors_of({**GOOD, "lines": value}) == {
        "lines": {"non_field_errors": [f'Expected a list of items but got type "{kind}".']}
    }


def test_a_null_item_has_the_null_message_as_its_entry():
    assert errors_of({**GOOD, "lines": [{"product_id": "p", "qty": 1}, None]}) == {
        "lines": [{}, ["This field may not be null."]]
    }
    assert errors_of([None, GOOD]) == [["This field may not be null."], {}]


def test_a_list_field_of_values_reports_items_by_index():
    tagged = {
        **DOCUMENT,
        "properties": {
            **DOCUMENT["properties"],
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    }
    with pytest.raises(ValidationFailed) as caught:
        validate_body(tagged, {**GOOD, "tags": ["a", None, "b", ""]})
    assert caught.value.detail == {
        "tags": {"1": ["This field may not be null."], "3": ["This field may not be blank."]}
    }
    with pytest.raises(ValidationFailed) as caught:
        validate_body(tagged, {**GOOD, "tags": "a"})
    assert caught.value.detail == {"tags": ['Expected a list of items but got type "str".']}


def test_read_only_fields_are_ignored_on_input():
    cleaned = validate_body(BODY, {**GOOD, "lines": [{"product_id": "p", "qty": 1, "url": 5}]})
    assert cleaned["lines"] == [{"product_id": "p", "qty": "1.0000"}]
