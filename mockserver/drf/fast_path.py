"""A precompiled jsonschema-rs check in front of the serializer, for bodies already in the form
DRF would store them.

Most uploads are written by programs and arrive exactly as the serializer would clean them:
strings without surrounding white space, decimals with their four places, datetimes without a
zone. For such a body cleaning changes nothing, so a schema that accepts only that canonical
form (and never anything the serializer would change or refuse) lets jsonschema-rs say "valid"
in about a tenth of the time. Anything else (an error, a value to normalise, a missing related
object) goes through the serializer as before, so its answers and messages are unchanged.
tests/core/test_fast_path.py checks the one property this rests on: whatever the canonical
schema accepts, the serializer accepts and returns unchanged.
"""

from typing import Any

import jsonschema_rs

from mockserver.drf.serializer import (
    CHARFIELD_PATTERNS,
    NOT_BLANK_TEXT,
    BodyValidator,
    Exists,
    body_forms,
    compile_body,
    drf_type,
    is_nullable,
)

# Characters Python's str.strip() removes (DRF's trim_whitespace), widened to every control
# character: a canonical string neither starts nor ends with one, and holds no NUL.
_EDGE = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
CANONICAL_TEXT = rf"^(?:{_EDGE}(?:[^\x00]*{_EDGE})?)?$"
# Naive datetimes as the serializer stores them, on days every month has (no calendar check).
_DAY = r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
CANONICAL_DATE = rf"^{_DAY}$"
CANONICAL_DATETIME = rf"^{_DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"

# (path from one body object: property names, "*" for the items of a list; collection)
Reference = tuple[tuple[str, ...], str]


class _NotCanonical(Exception):
    """Part of the schema has no canonical form this module can state: no fast path."""


def canonical_schema(schema: dict[str, Any]) -> tuple[dict[str, Any], list[Reference]]:
    """The JSON Schema of the canonical bodies of a request-body schema, and the related-object
    references to check after it; raises _NotCanonical when there is none."""
    references: list[Reference] = []
    object_form, list_form = body_forms(schema)
    options = []
    if object_form is not None:
        options.append(_object(object_form, (), references))
    if list_form is not None:
        item_references: list[Reference] = []
        items = _list_items(list_form.get("items") or {}, (), item_references)
        options.append({"type": "array", "minItems": 1, "items": items})
        if object_form is not None and item_references != references:
            raise _NotCanonical("one object and a list of them differ")
        references = item_references
    if not options:
        raise _NotCanonical("body")
    return ({"anyOf": options} if len(options) > 1 else options[0]), references


def _field(schema: dict[str, Any], path: tuple[str, ...], references: list[Reference]) -> dict[str, Any]:
    drf = drf_type(schema)
    if drf == "nested object":
        canonical = _object(schema, path, references)
    elif drf in ("list", "field") and "items" in schema:
        canonical = {"type": "array", "items": _list_items(schema["items"] or {}, (*path, "*"), references)}
        if schema.get("minItems"):
            canonical["minItems"] = schema["minItems"]
        if schema.get("maxItems") is not None:
            canonical["maxItems"] = schema["maxItems"]
    elif drf == "string":
        canonical = _string(schema)
        reference = (schema.get("x-drf") or {}).get("exists_in")
        if reference:
            references.append((path, reference["collection"]))
    elif drf == "decimal":
        canonical = _decimal(schema)
    elif drf == "datetime":
        canonical = {"type": "string", "pattern": CANONICAL_DATETIME}
    elif drf == "date":
        canonical = {"type": "string", "pattern": CANONICAL_DATE}
    elif drf == "boolean":
        canonical = {"type": "boolean"}  # JSON true and false are cleaned to themselves
    else:
        raise _NotCanonical(drf)  # integers, URLs: the serializer decides
    return {"anyOf": [{"type": "null"}, canonical]} if is_nullable(schema) else canonical


def _list_items(items: dict[str, Any], path: tuple[str, ...], references: list[Reference]) -> dict[str, Any]:
    """The canonical form of a list's items: objects only (a list of plain values is left to
    the serializer)."""
    if drf_type(items) != "nested object" or is_nullable(items):
        raise _NotCanonical("list items")
    return _object(items, path, references)


def _object(schema: dict[str, Any], path: tuple[str, ...], references: list[Reference]) -> dict[str, Any]:
    writable = {
        name: field for name, field in (schema.get("properties") or {}).items() if not field.get("readOnly")
    }
    # A field left out takes its default in the serializer (the body changes): only a body that
    # sends it is canonical.
    defaulted = {name for name, field in writable.items() if "default" in field}
    return {
        "type": "object",
        # A read-only or unknown property is dropped by the serializer: not canonical.
        "additionalProperties": False,
        "required": sorted((set(schema.get("required") or ()) & writable.keys()) | defaulted),
        "properties": {name: _field(field, (*path, name), references) for name, field in writable.items()},
    }


def _string(schema: dict[str, Any]) -> dict[str, Any]:
    declared = schema.get("pattern")
    # A CharField's own rules written as a pattern (serializer.CHARFIELD_PATTERNS) are within the
    # canonical text; any other pattern is not: Python's and Rust's regex dialects may differ.
    if declared and declared not in CHARFIELD_PATTERNS:
        raise _NotCanonical("pattern")
    canonical: dict[str, Any] = {"type": "string", "pattern": CANONICAL_TEXT}
    # Canonical text has no white space at its edges: one character is something left once trimmed.
    min_length = max(schema.get("minLength", 0), 1 if declared == NOT_BLANK_TEXT else 0)
    if min_length >= 1:
        canonical["minLength"] = min_length
    if schema.get("maxLength") is not None:
        canonical["maxLength"] = schema["maxLength"]
    if "enum" in schema:
        canonical["enum"] = [choice for choice in schema["enum"] if isinstance(choice, str)]
    return canonical


def _decimal(schema: dict[str, Any]) -> dict[str, Any]:
    hints = schema.get("x-drf") or {}
    max_digits, places = hints.get("max_digits"), hints.get("decimal_places")
    if not places or any(key in schema for key in ("minimum", "exclusiveMinimum", "maximum")):
        raise _NotCanonical("decimal")
    if max_digits is None:
        whole = "(?:0|[1-9][0-9]*)"
    elif max_digits - places <= 0:
        whole = "0"
    else:
        whole = f"(?:0|[1-9][0-9]{{0,{max_digits - places - 1}}})"
    return {"type": "string", "pattern": rf"^-?{whole}\.[0-9]{{{places}}}$"}


def _references_exist(data: Any, references: list[Reference], exists: Exists | None) -> bool:
    """Whether every related object a canonical body names exists (its shape is checked)."""
    if exists is None or not references:
        return True
    bodies = data if isinstance(data, list) else [data]
    for path, collection in references:
        nodes = bodies
        for name in path:
            found: list[Any] = []
            if name == "*":
                for node in nodes:
                    found.extend(node)
            else:
                for node in nodes:
                    value = node.get(name)
                    if value is not None:
                        found.append(value)
            nodes = found
        existing = getattr(exists, "existing", None)  # one lookup for all of them, when offered
        if existing is not None:
            if nodes and not set(nodes) <= existing(collection, nodes):
                return False
        elif not all(exists(collection, value) for value in nodes):
            return False
    return True


def compile_fast_body(schema: dict[str, Any]) -> BodyValidator:
    """compile_body(schema), answered by jsonschema-rs for canonical bodies where the schema
    has a canonical form. The result of a canonical body is the body itself (equal to what the
    serializer returns; its keys in the client's order)."""
    cleaner = compile_body(schema)
    try:
        canonical, references = canonical_schema(schema)
    except _NotCanonical:
        return cleaner
    check = jsonschema_rs.validator_for(canonical)

    def validate(data: Any, exists: Exists | None = None) -> Any:
        if check.is_valid(data) and _references_exist(data, references, exists):
            return data
        return cleaner(data, exists)

    return validate
