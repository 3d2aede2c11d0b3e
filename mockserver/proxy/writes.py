"""Read-your-writes: what an accepted upload promises every later read of the same tenant,
until a later write or delete the proxy saw: the object is found (a detail read is not a 404)
and shows the fields the client sent as DRF stores and presents them (through the collection's
own serializer and rule hook, as the fake stores an upload), compared by value where DRF's
presentation may vary (decimals, numbers, datetimes). Read-only and derived fields are not sent,
so never compared; a field the client left out is not compared either."""

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from mockserver.apis import load_api_module
from mockserver.drf.generic import CollectionViews
from mockserver.drf.serializer import drf_type
from mockserver.spec.collections import CollectionDeclaration

Expected = dict[str, Any]  # field -> its stored value; a list of objects as a list of such dicts
FieldTypes = dict[str, Any]  # field -> its DRF field type, or for a list of objects the types of its items


def _field_types(schema: dict[str, Any]) -> FieldTypes:
    types: FieldTypes = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or prop.get("readOnly"):
            continue
        items = prop.get("items")
        types[name] = (
            _field_types(items) if isinstance(items, dict) and "properties" in items else drf_type(prop)
        )
    return types


def _sent_part(stored: dict[str, Any], cleaned: dict[str, Any], types: FieldTypes) -> Expected:
    """The stored values of the fields the client sent (nested lists item by item)."""
    expected: Expected = {}
    for name, value in cleaned.items():
        if name not in types or name not in stored:
            continue
        shown = stored[name]
        inner = types[name]
        if isinstance(inner, dict) and isinstance(value, list) and isinstance(shown, list):
            shown = [
                _sent_part(s, c, inner) if isinstance(s, dict) and isinstance(c, dict) else s
                for s, c in zip(shown, value, strict=False)
            ]
        expected[name] = shown
    return expected


def _datetime(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def same_value(field_type: str, expected: Any, shown: Any) -> bool:
    """Equal as DRF presents a stored value: decimals and numbers by value (`3.0000` and `3.00`
    agree, `0.0000` does not), datetimes as instants (an offset or microseconds may be shown)."""
    if expected is None or shown is None:
        return expected is shown
    if field_type in ("decimal", "integer", "float"):
        a, b = _number(expected), _number(shown)
        return a is not None and a == b
    if field_type == "datetime":
        a, b = _datetime(expected), _datetime(shown)
        return a is not None and a == b
    return expected == shown


def difference(types: FieldTypes, expected: Expected, shown: dict[str, Any], where: str = "") -> str | None:
    """The first sent field the object shows otherwise, in words; None when all agree. A field
    the answer leaves out is the schema's to judge."""
    for name, value in expected.items():
        if name not in shown:
            continue
        field_type, got = types[name], shown[name]
        if isinstance(field_type, dict):
            if not isinstance(got, list) or not isinstance(value, list):
                continue
            if len(got) != len(value):
                return f"{where}{name} holds {len(got)} items, the upload sent {len(value)}"
            for index, (item, seen) in enumerate(zip(value, got, strict=True)):
                if isinstance(item, dict) and isinstance(seen, dict):
                    found = difference(field_type, item, seen, f"{where}{name}[{index}].")
                    if found:
                        return found
        elif not same_value(field_type, value, got):
            return f"{where}{name} is {got!r}, the upload sent {value!r}"
    return None


class WrittenForms:
    """Per collection: the stored form of a cleaned upload (the fake's own, hook included) and
    the types its fields are compared by; built when a collection's first upload is seen."""

    def __init__(self) -> None:
        self._forms: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], FieldTypes]] = {}

    def _form(
        self, declaration: CollectionDeclaration
    ) -> tuple[Callable[[dict[str, Any]], dict[str, Any]], FieldTypes]:
        found = self._forms.get(declaration.store_name)
        if found is None:
            hook = load_api_module(declaration.api).hooks.get(declaration.hook) if declaration.hook else None
            views = CollectionViews(declaration, {}, hook)
            found = self._forms[declaration.store_name] = (
                views.stored,
                _field_types(declaration.stored_schema),
            )
        return found

    def field_types(self, declaration: CollectionDeclaration) -> FieldTypes:
        return self._form(declaration)[1]

    def expected(
        self, declaration: CollectionDeclaration, cleaned: dict[str, Any]
    ) -> tuple[str, Expected] | None:
        """(the object's key, what a read must show of it) for one cleaned upload item."""
        stored_form, types = self._form(declaration)
        stored = stored_form(cleaned)
        try:
            key = declaration.key_of(stored)
        except KeyError:
            return None
        return key, _sent_part(stored, cleaned, types)
