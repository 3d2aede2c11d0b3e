"""What the specs tell outside tools about request bodies is what DRF reads: a generator working
from them never has a valid value refused nor an invalid one accepted for a reason the spec hides."""

import re
from typing import Any

import jsonschema_rs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.apis import spec_path
from mockserver.drf.errors import ValidationFailed
from mockserver.drf.parsing import parse_json
from mockserver.drf.serializer import CHARFIELD_PATTERNS, compile_body

APIS = ("datawiz", "akinon")


def _input_properties(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict):
                found.append((f"{where}.{name}", prop))
                found += _input_properties(prop.get("items"), f"{where}.{name}[]")
    return found


@pytest.mark.parametrize("api", APIS)
def test_a_char_field_admits_numbers(api):
    """DRF's CharField takes an int or a float and stores its text (`photo: 0` is stored as "0"):
    a property typed `string` alone would make a generator expect a number refused."""
    schemas = yaml.safe_load(spec_path(api).read_text())["components"]["schemas"]
    for name, schema in schemas.items():
        for where, prop in _input_properties(schema, name):
            hints = prop.get("x-drf") or {}
            if hints.get("type") != "string" or prop.get("readOnly") or "$ref" in prop:
                continue
            types = prop.get("type")
            types = [types] if isinstance(types, str) else list(types or [])
            assert "number" in types, f"{where}: a CharField also reads numbers, type {types}"


def _integer_text_patterns() -> set[str]:
    schemas = yaml.safe_load(spec_path("datawiz").read_text())["components"]["schemas"]
    patterns = set()
    for name, schema in schemas.items():
        for where, prop in _input_properties(schema, name):
            types = prop.get("type")
            if (prop.get("x-drf") or {}).get("type") == "integer" and "string" in (types or []):
                assert "pattern" in prop, f"{where}: an IntegerField read from text needs its pattern"
                patterns.add(prop["pattern"])
    return patterns


@pytest.mark.parametrize("pattern", sorted(_integer_text_patterns()))
def test_an_integer_field_read_from_text_promises_only_what_drf_reads(pattern):
    """DRF's IntegerField reads text as `int(re.sub(r"\\.0*\\s*$", "", text))`: every string the
    pattern admits is read, so a generator is never told that "" or "x" is an integer."""

    @settings(max_examples=200, deadline=None)
    @given(text=st.from_regex(pattern, fullmatch=True))
    def read(text: str) -> None:
        int(re.sub(r"\.0*\s*$", "", text))

    read()
    for refused in ("", " ", "x", "1.5", "0x1"):
        assert not re.search(pattern, refused), refused


@pytest.mark.parametrize("api", APIS)
def test_a_nullable_date_lists_null_first(api):
    """`type: [string, "null"]` with a format: schemathesis' coverage phase (4.32) sends "" for it,
    which DRF's DateField refuses and the tool then blames on the service; `["null", string]` says
    the same and is generated from the format."""
    schemas = yaml.safe_load(spec_path(api).read_text())["components"]["schemas"]
    for name, schema in schemas.items():
        for where, prop in _input_properties(schema, name):
            types = prop.get("type")
            if prop.get("format") in ("date", "date-time") and isinstance(types, list) and "null" in types:
                assert types[0] == "null", f"{where}: type {types}"


def _fields_of(kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Every writable input property of both specs whose DRF field is `kind`."""
    found = []
    for api in APIS:
        schemas = yaml.safe_load(spec_path(api).read_text())["components"]["schemas"]
        for name, schema in schemas.items():
            for where, prop in _input_properties(schema, name):
                if (prop.get("x-drf") or {}).get("type") == kind and not prop.get("readOnly"):
                    found.append((f"{api}:{where}", prop))
    return found


def _accepted(prop: dict[str, Any], value: Any) -> bool:
    """Whether the fake's serializer (DRF's field, as the spec declares it) takes the value."""
    clean = compile_body({"type": "object", "properties": {"f": prop}})
    try:
        clean({"f": value})
    except ValidationFailed:
        return False
    return True


def _told(prop: dict[str, Any]) -> Any:
    """What the spec tells outside tools about a value (JSON Schema alone, x-drf aside)."""
    return jsonschema_rs.validator_for({k: v for k, v in prop.items() if not k.startswith("x-")})


def test_every_char_field_tells_what_drf_refuses():
    """DRF's CharField trims white space (str.strip), then refuses a blank unless allow_blank, and
    a NUL (ProhibitNullCharactersValidator: "Null characters are not allowed."): every input
    CharField says so in its pattern, so schemathesis never sends "\\x0b" or "a\\x00" as valid."""
    fields = _fields_of("string")
    assert len(fields) > 100
    for where, prop in fields:
        assert prop.get("pattern") in CHARFIELD_PATTERNS, f"{where}: pattern {prop.get('pattern')!r}"


@pytest.mark.parametrize("pattern", sorted(CHARFIELD_PATTERNS))
def test_a_char_field_pattern_admits_exactly_what_drf_takes(pattern):
    blank_allowed = pattern == "^[^\\x00]*$"
    prop = {"type": ["string", "number"], "minLength": 0 if blank_allowed else 1, "pattern": pattern}
    prop["x-drf"] = {"type": "string"}
    told = _told(prop)

    @settings(max_examples=300, deadline=None)
    @given(text=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6))
    def agree(text: str) -> None:
        assert told.is_valid(text) == _accepted(prop, text), repr(text)

    agree()
    for text in ("\x0b", " \u3000 ", "a\x00", "\x85", "ok", " ok ", ""):
        assert told.is_valid(text) == _accepted(prop, text), repr(text)


def test_a_boolean_field_tells_what_drf_reads():
    """DRF's BooleanField reads true, false, 1, 0 and its words ("yes", "off", ...; "null" and ""
    for a nullable one), nothing else: `packed: 21741` is refused, and the spec says so."""
    fields = _fields_of("boolean")
    assert fields
    values = [True, False, 0, 1, 1.0, 2, -1, 21741, 0.5, "yes", "YES", "Off", "t", "1", "0", "", "null"]
    values += ["2", "maybe", "yes ", " true", "nul"]
    for where, prop in fields:
        told = _told(prop)
        for value in values:
            assert told.is_valid(value) == _accepted(prop, value), f"{where}: {value!r}"


def test_an_integer_field_answers_its_bounds_past_64_bits():
    """DRF parses JSON with Python's json (an integer of any size stays exact) and a model's
    integer column has a range (datawiz-resources#C9): a number past it is refused with the
    bound, never read as a float ("A valid integer is required.") nor stored (a 500)."""
    fields = [(where, prop) for where, prop in _fields_of("integer") if "string" in prop.get("type", [])]
    assert fields
    for where, prop in fields:
        clean = compile_body({"type": "object", "properties": {"f": prop}})
        for value in (-29293907574366289920, 66302116512741466890331):
            with pytest.raises(ValidationFailed) as refused:
                clean(parse_json(b'{"f": %d}' % value))
            assert "Ensure this value is" in str(refused.value.body()), where
        assert clean(parse_json(b'{"f": 9223372036854775807}')) == {"f": 9223372036854775807}
        told = _told(prop)
        assert not told.is_valid(-29293907574366289920) and not told.is_valid("66302116512741466890331")
