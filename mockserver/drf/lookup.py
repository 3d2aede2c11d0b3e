"""Whether a key in a URL can be looked up at all. DRF's get_object_or_404 answers a bare
`Http404` ("Not found." in every version, without the model's name DRF 3.15+ gives a missing
object) when a lookup value cannot be its field's type: a composite key with too few parts, a
datetime part Django cannot parse, a number that is not one. The fake matches keys as text, so
it asks this only to choose the 404's text under a profile whose not_found_text names the model
(docs/fidelity.md, "Profiles")."""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from mockserver.store.documents import KEY_SEPARATOR

# Django's parse_datetime and parse_date (django/utils/dateparse.py) after fromisoformat fails.
_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")


def _parsed(value: str, iso: Callable[[str], Any], pattern: re.Pattern[str], fields: tuple[str, ...]) -> bool:
    try:
        iso(value)
        return True
    except ValueError:
        pass
    match = pattern.match(value)
    if match is None:
        return False
    try:  # a value out of range (month 13) is refused as Django refuses it
        date(*(int(match[name]) for name in fields[:3]))
        return all(
            int(match[name] or 0) < limit for name, limit in zip(fields[3:], (24, 60, 60), strict=False)
        )
    except ValueError:
        return False


def django_datetime(value: str) -> bool:
    """DateTimeField.to_python: a datetime, or a date alone (midnight)."""
    names = ("year", "month", "day", "hour", "minute", "second")
    return _parsed(value, datetime.fromisoformat, _DATETIME, names) or django_date(value)


def django_date(value: str) -> bool:
    return _parsed(value, date.fromisoformat, _DATE, ("year", "month", "day"))


def _integer(value: str) -> bool:
    try:
        int(value)
        return True
    except ValueError:
        return False


def _part_check(schema: Any) -> Callable[[str], bool] | None:
    if not isinstance(schema, dict):
        return None
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if schema.get("format") == "date-time":
        return django_datetime
    if schema.get("format") == "date":
        return django_date
    if "integer" in types and "string" not in types:
        return _integer
    return None


def lookup_check(fields: tuple[str, ...], schema: dict[str, Any]) -> Callable[[str], bool]:
    """A key's text -> whether DRF can look it up: split into the key's fields as a composite
    key's lookup splits it (the last part keeps any further separator), each part its type."""
    properties = schema.get("properties") or {}
    checks = [_part_check(properties.get(name)) for name in fields]

    def can_look_up(key: str) -> bool:
        parts = key.split(KEY_SEPARATOR, len(fields) - 1)
        if len(parts) != len(fields):
            return False
        return all(check is None or check(part) for check, part in zip(checks, parts, strict=True))

    return can_look_up


def item_number(key: str) -> bool:
    """A numbered nested item's number: a whole number from 1."""
    return key.isascii() and key.isdigit() and int(key) >= 1
