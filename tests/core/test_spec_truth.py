"""What the specs tell outside tools about request bodies is what DRF reads: a generator working
from them never has a valid value refused nor an invalid one accepted for a reason the spec hides."""

import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.apis import spec_path

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
