"""Serializer-style validation driven by a JSON schema from the spec, with DRF's messages.

DRF validates a request field by field and answers every problem at once, as
`{"field": ["message"]}`; nested serializers nest the same way, and a list of objects gives a
list aligned with the input (`{}` for good items). The schema says which fields exist, which are
required, their limits and (through `x-drf`) their DRF field type; this module applies DRF's
rules and texts to them and returns the cleaned values DRF would store.
"""

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from mockserver.drf.errors import ValidationFailed
from mockserver.drf.parsing import FormData

_MISSING: Any = object()
# (collection, key) -> whether that object exists: DRF's SlugRelatedField lookup.
Exists = Callable[[str, str], bool]
_TRUE = {"t", "y", "yes", "true", "on", "1", 1}  # True == 1, 1.0 == 1: as in DRF's sets
_FALSE = {"f", "n", "no", "false", "off", "0", 0}
# django.utils.dateparse.datetime_re
_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
DATETIME_FORMAT_HINT = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"


def type_name(value: Any) -> str:
    return type(value).__name__


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, list):
        return declared
    return [declared] if declared else []


def is_nullable(schema: dict[str, Any]) -> bool:
    return "null" in _types(schema) or schema.get("nullable") is True


def drf_type(schema: dict[str, Any]) -> str:
    """The DRF field type a schema stands for (`x-drf.type` wins)."""
    declared = (schema.get("x-drf") or {}).get("type")
    if declared:
        return declared
    types = [t for t in _types(schema) if t != "null"]
    if "object" in types or "properties" in schema:
        return "nested object"
    if "array" in types:
        return "list"
    if "string" in types:
        fmt = schema.get("format")
        return {"date-time": "datetime", "date": "date", "uri": "url"}.get(fmt, "string")
    if "integer" in types:
        return "integer"
    if "number" in types:
        return "float"
    if "boolean" in types:
        return "boolean"
    fmt = schema.get("format")
    return {"date-time": "datetime", "date": "date", "uri": "url"}.get(fmt, "string")


def default_label(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


class _FieldError(Exception):
    def __init__(self, detail: Any) -> None:
        self.detail = detail


def _fail(message: str) -> None:
    raise _FieldError([message])


_SURROGATE = re.compile("[\ud800-\udfff]")
# What a CharField enforces itself, written in the spec as `pattern` so that outside tools
# (schemathesis, client generators) know it: no NUL (ProhibitNullCharactersValidator) and, unless
# blank is allowed, something left once whitespace is trimmed. Not a RegexField: never checked twice.
# The white space is Python's (str.strip), spelt out: a JavaScript `\s` differs.
NOT_BLANK_TEXT = "^[^\\x00]*[^\\x00\\t-\\r\\x1c- \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\x00]*$"
ANY_TEXT = "^[^\\x00]*$"  # allow_blank=True
CHARFIELD_PATTERNS = frozenset({NOT_BLANK_TEXT, ANY_TEXT})
Cleaner = Callable[[Any, Exists | None], Any]


def _compile_string(schema: dict[str, Any]) -> Callable[[Any], str]:
    min_length = schema.get("minLength", 0)
    max_length = schema.get("maxLength")
    choices = tuple(schema["enum"]) if "enum" in schema else None
    declared = schema.get("pattern")
    pattern = re.compile(declared) if declared and declared not in CHARFIELD_PATTERNS else None
    # CharField(trim_whitespace=False), as DRF's AuthTokenSerializer reads a password.
    trim = (schema.get("x-drf") or {}).get("trim_whitespace", True)

    def clean(value: Any) -> str:
        if value.__class__ is str:
            text = value
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            _fail("Not a valid string.")
        else:
            text = str(value)
        if trim:
            text = text.strip()
        if text == "" and min_length >= 1:
            _fail("This field may not be blank.")
        # DRF's CharField runs all its validators and reports every message, in this order.
        problems = []
        if max_length is not None and len(text) > max_length:
            problems.append(f"Ensure this field has no more than {max_length} characters.")
        if min_length > 1 and len(text) < min_length:
            problems.append(f"Ensure this field has at least {min_length} characters.")
        if "\x00" in text:
            problems.append("Null characters are not allowed.")
        if not text.isascii():
            surrogate = _SURROGATE.search(text)
            if surrogate:
                problems.append(f"Surrogate characters are not allowed: U+{ord(surrogate.group()):X}.")
        if problems:
            raise _FieldError(problems)
        if choices is not None and text not in choices:
            _fail(f'"{text}" is not a valid choice.')
        if pattern is not None and not pattern.search(text):
            _fail("This value does not match the required pattern.")
        return text

    return clean


def _check_bounds(schema: dict[str, Any], number: Decimal | int) -> None:
    if "minimum" in schema and number < Decimal(str(schema["minimum"])):
        _fail(f"Ensure this value is greater than or equal to {schema['minimum']}.")
    if "exclusiveMinimum" in schema and number <= Decimal(str(schema["exclusiveMinimum"])):
        _fail(f"Ensure this value is greater than {schema['exclusiveMinimum']}.")
    if "maximum" in schema and number > Decimal(str(schema["maximum"])):
        _fail(f"Ensure this value is less than or equal to {schema['maximum']}.")


def _clean_decimal(schema: dict[str, Any], value: Any) -> str:
    hints = schema.get("x-drf") or {}
    max_digits = hints.get("max_digits")
    places = hints.get("decimal_places")
    text = str(value).strip()
    if len(text) > 1000:
        _fail("String value too large.")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        _fail("A valid number is required.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        _fail("A valid number is required.")
    if not number.is_finite():
        _fail("A valid number is required.")
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:
        total, whole, decimals = len(digits) + exponent, len(digits) + exponent, 0
    elif len(digits) > abs(exponent):
        total, whole, decimals = len(digits), len(digits) - abs(exponent), abs(exponent)
    else:
        total, whole, decimals = abs(exponent), 0, abs(exponent)
    _check_digits(max_digits, places, total, whole, decimals)
    _check_bounds(schema, number)
    return f"{number:.{places}f}" if places is not None else str(number)


def _check_digits(max_digits: int | None, places: int | None, total: int, whole: int, decimals: int) -> None:
    if max_digits is not None and total > max_digits:
        _fail(f"Ensure that there are no more than {max_digits} digits in total.")
    if places is not None and decimals > places:
        _fail(f"Ensure that there are no more than {places} decimal places.")
    if max_digits is not None and places is not None and whole > max_digits - places:
        _fail(f"Ensure that there are no more than {max_digits - places} digits before the decimal point.")


def _compile_decimal(schema: dict[str, Any]) -> Cleaner:
    hints = schema.get("x-drf") or {}
    max_digits, places = hints.get("max_digits"), hints.get("decimal_places")
    bounded = any(key in schema for key in ("minimum", "exclusiveMinimum", "maximum"))
    if not places or bounded:
        return lambda value, exists: _clean_decimal(schema, value)
    # Text already in DRF's own form ("12.3400" for four places) comes out unchanged; its digit
    # counts can be read off the text without building a Decimal.
    canonical = re.compile(rf"-?(0|[1-9][0-9]*)\.[0-9]{{{places}}}\Z")

    def clean(value: Any, exists: Exists | None) -> str:
        if value.__class__ is str:
            found = canonical.match(value)
            if found is not None:
                whole = 0 if found.group(1) == "0" else len(found.group(1))
                _check_digits(max_digits, places, whole + places, whole, places)
                return value
        return _clean_decimal(schema, value)

    return clean


def _clean_integer(schema: dict[str, Any], value: Any) -> int:
    if isinstance(value, bool):
        _fail("A valid integer is required.")
    text = re.sub(r"\.0*\s*$", "", str(value)).strip()
    if len(text) > 1000:
        _fail("String value too large.")
    try:
        number = int(text)
    except ValueError:
        _fail("A valid integer is required.")
    _check_bounds(schema, number)
    return number


def _clean_boolean(value: Any, nullable: bool) -> bool | None:
    """DRF's BooleanField: its true and false values (text lower-cased, never stripped; 1.0 is
    1), and for a nullable field "null" and "" are null."""
    probe = value.lower() if isinstance(value, str) else value
    if isinstance(probe, (str, int, float)):  # hashable JSON values (bools are ints)
        if probe in _TRUE:
            return True
        if probe in _FALSE:
            return False
        if nullable and probe in ("null", ""):
            return None
    _fail("Must be a valid boolean.")
    raise AssertionError


_CANONICAL_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\Z")


def _clean_datetime(value: Any, exists: Exists | None = None) -> str:
    if value.__class__ is str and _CANONICAL_DATETIME.match(value):
        try:  # already the form DRF stores: only the calendar needs checking
            datetime.fromisoformat(value)
            return value
        except ValueError:
            pass
    parsed = _parse_datetime(value)
    if parsed.tzinfo is not None:
        # The services run with USE_TZ off: DRF turns an aware value into naive UTC.
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.isoformat()


def _parse_datetime(value: Any) -> datetime:
    """Django's parse_datetime (4.0 and later): Python's ISO 8601 reader first, so a date alone
    is midnight, then Django's own pattern for the forms Python refuses."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    match = _DATETIME.match(value) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError(value)
        return datetime.fromisoformat(_normalise_iso(match))
    except ValueError:
        _fail(f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMAT_HINT}.")
    raise AssertionError


def _normalise_iso(match: re.Match[str]) -> str:
    parts = match.groupdict()
    text = (
        f"{int(parts['year']):04d}-{int(parts['month']):02d}-{int(parts['day']):02d}"
        f"T{int(parts['hour']):02d}:{int(parts['minute']):02d}:{int(parts['second'] or 0):02d}"
    )
    if parts["microsecond"]:
        text += "." + parts["microsecond"].ljust(6, "0")
    tz = parts["tzinfo"]
    if tz:
        text += "+00:00" if tz == "Z" else (tz if len(tz) != 5 else f"{tz[:3]}:{tz[3:]}")
        if len(tz) == 3:
            text += ":00"
    return text


def _clean_date(value: Any) -> str:
    match = _DATE.match(value) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        return date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
    except ValueError:
        _fail("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.")
    raise AssertionError


def _compile_list(schema: dict[str, Any]) -> Cleaner:
    """A list of objects is DRF's ListSerializer (`many=True`): its own problems under
    `non_field_errors`, one entry per item, aligned with the input (`{}` for a good item, an
    item's own errors as they are: `["This field may not be null."]` for a null). Any other list
    is a ListField: its problems as a plain list, item errors by index (`{"1": [...]}`)."""
    min_items = schema.get("minItems", 0)
    max_items = schema.get("maxItems")
    items = schema.get("items") or {}
    clean_item = compile_field(items)
    of_objects = drf_type(items) == "nested object"

    def fail(message: str) -> None:
        raise _FieldError({"non_field_errors": [message]} if of_objects else [message])

    def clean(value: Any, exists: Exists | None) -> list[Any]:
        if not isinstance(value, list):
            fail(f'Expected a list of items but got type "{type_name(value)}".')
        if not value and min_items >= 1:
            fail("This list may not be empty.")
        if max_items is not None and len(value) > max_items:
            fail(f"Ensure this field has no more than {max_items} elements.")
        cleaned, errors, failed = [], [], False
        for item in value:
            try:
                cleaned.append(clean_item(item, exists))
                errors.append({})
            except _FieldError as error:
                failed = True
                errors.append(error.detail)
        if failed:
            if of_objects:
                raise _FieldError(errors)
            raise _FieldError({str(index): error for index, error in enumerate(errors) if error != {}})
        return cleaned

    return clean


@dataclass(frozen=True)
class _FormField:
    """How a DRF field reads itself from HTML form input (`Field.get_value` and its overrides)."""

    name: str
    required: bool
    nullable: bool
    allow_blank: bool
    list_of_objects: bool
    list_of_values: bool
    boolean: bool
    empty_boolean: bool | None = False  # what an unchecked boolean reads as (None: 3.15+'s null)


_HTML_LIST_KEY = re.compile(r"^(?P<prefix>.*?)\[(?P<index>[0-9]+)\](?P<rest>.*)$", re.DOTALL)


def parse_html_list(form: dict[str, Any], prefix: str) -> list[Any] | None:
    """DRF's `html.parse_html_list`: `lines[0]qty=1&lines[0]price=2&lines[1]qty=3` ->
    `[{"qty": "1", "price": "2"}, {"qty": "3"}]` (a key without a rest is the item itself)."""
    found: dict[int, Any] = {}
    for key, value in form.items():
        match = _HTML_LIST_KEY.match(key)
        if match is None or match["prefix"] != prefix:
            continue
        index, rest = int(match["index"]), match["rest"]
        if not rest:
            found[index] = value
        elif isinstance(found.get(index), dict):
            found[index][rest] = value
        else:
            found[index] = FormData({rest: value})
    return [found[index] for index in sorted(found)] if found else None


def _read_form(form: dict[str, Any], fields: list[_FormField]) -> dict[str, Any]:
    """What each field gets from form input: an empty value is null for a nullable field (unless
    it may be blank) and absent for an optional one; lists of objects come from `name[i]field`
    keys only; an unchecked boolean is False."""
    read: dict[str, Any] = {}
    for field in fields:
        name = field.name
        if field.list_of_objects or (field.list_of_values and name not in form):
            items = parse_html_list(form, name)
            if items is not None:
                read[name] = items
            continue
        if name not in form:
            # BooleanField.default_empty_html, False as in DRF 3.14 (3.15+: None for a nullable one,
            # the schema marked so by null_form_booleans under a profile)
            if field.boolean:
                read[name] = field.empty_boolean
            continue
        raw = form[name]
        if field.list_of_values:
            read[name] = [raw]
        elif raw == "" and field.nullable:
            read[name] = "" if field.allow_blank else None
        elif raw == "" and not field.required:
            if field.allow_blank:
                read[name] = ""
        else:
            read[name] = raw
    return read


def _form_field(name: str, schema: dict[str, Any], required: bool) -> _FormField:
    drf = drf_type(schema)
    is_list = drf in ("list", "field") and ("items" in schema or "array" in _types(schema))
    of_objects = is_list and drf_type(schema.get("items") or {}) == "nested object"
    return _FormField(
        name=name,
        required=required,
        nullable=is_nullable(schema),
        allow_blank=drf in ("string", "url") and schema.get("minLength", 0) < 1,
        list_of_objects=of_objects,
        list_of_values=is_list and not of_objects,
        boolean=drf == "boolean",
        empty_boolean=None if schema.get(FORM_NULL_BOOLEAN) and is_nullable(schema) else False,
    )


# A nullable boolean an HTML form leaves out reads as null (DRF 3.15+), not false (3.14): a mark
# null_form_booleans puts on a schema for a profile's form_nullable_boolean "null".
FORM_NULL_BOOLEAN = "x-mockserver-form-empty-null"


def null_form_booleans(schema: Any) -> Any:
    """The schema with every nullable boolean marked to read as null when a form leaves it out."""
    if isinstance(schema, list):
        return [null_form_booleans(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    marked = {key: null_form_booleans(value) for key, value in schema.items()}
    if drf_type(schema) == "boolean" and is_nullable(schema):
        marked[FORM_NULL_BOOLEAN] = True
    return marked


def blank_is_null(schema: dict[str, Any]) -> bool:
    """DRF's DecimalField, alone among its fields, takes blank text (white space included) for
    null when null is allowed (DecimalField.validate_empty_values), in JSON as in forms."""
    return is_nullable(schema) and drf_type(schema) == "decimal"


def _compile_object(schema: dict[str, Any]) -> Cleaner:
    required = set(schema.get("required") or ())
    # (name, cleaner of a non-null value, may be null, blank text is null, required, default):
    # the null check is done here, inline, rather than by one more call per field.
    fields = [
        (
            name,
            _compile_value(field_schema),
            is_nullable(field_schema),
            blank_is_null(field_schema),
            name in required,
            field_schema.get("default", _MISSING),
        )
        for name, field_schema in (schema.get("properties") or {}).items()
        if not field_schema.get("readOnly")
    ]

    form_fields = [
        _form_field(name, field_schema, name in required)
        for name, field_schema in (schema.get("properties") or {}).items()
        if not field_schema.get("readOnly")
    ]

    def clean(value: Any, exists: Exists | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _FieldError(
                {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type_name(value)}."]}
            )
        if value.__class__ is FormData:
            value = _read_form(value, form_fields)
        cleaned: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for name, clean_field, nullable, blank_null, is_required, default in fields:
            raw = value.get(name, _MISSING)
            if raw is _MISSING:
                if is_required:
                    errors[name] = ["This field is required."]
                elif default is not _MISSING:
                    # DRF's Field.get_default: an omitted field takes its default as it stands
                    # (a copy: a list default is never shared between objects).
                    cleaned[name] = copy.deepcopy(default)
                continue
            if raw is None or (blank_null and raw.__class__ is str and not raw.strip()):
                if nullable:
                    cleaned[name] = None
                else:
                    errors[name] = ["This field may not be null."]
                continue
            try:
                cleaned[name] = clean_field(raw, exists)
            except _FieldError as error:
                errors[name] = error.detail
        if errors:
            raise _FieldError(errors)
        return cleaned

    return clean


def _compile_scalar(schema: dict[str, Any], drf: str) -> Cleaner:
    if drf == "decimal":
        return _compile_decimal(schema)
    if drf == "integer":
        return lambda value, exists: _clean_integer(schema, value)
    if drf == "boolean":
        nullable = is_nullable(schema)
        return lambda value, exists: _clean_boolean(value, nullable)
    if drf == "datetime":
        return _clean_datetime
    if drf == "date":
        return lambda value, exists: _clean_date(value)
    clean_string = _compile_string(schema)
    is_url = drf == "url"
    reference = (schema.get("x-drf") or {}).get("exists_in")

    def clean(value: Any, exists: Exists | None) -> str:
        text = clean_string(value)
        if is_url and not _URL.match(text):
            _fail("Enter a valid URL.")
        if reference and exists is not None and not exists(reference["collection"], text):
            _fail(f"Object with {reference['field']}={text} does not exist.")
        return text

    return clean


def _compile_value(schema: dict[str, Any]) -> Cleaner:
    """A cleaner for one field's non-null value."""
    drf = drf_type(schema)
    if drf == "nested object":
        return _compile_object(schema)
    if drf in ("list", "field") and ("items" in schema or "array" in _types(schema)):
        return _compile_list(schema)
    return _compile_scalar(schema, drf)


def compile_field(schema: dict[str, Any]) -> Cleaner:
    """A cleaner for one field: the schema is read once here, not on every value."""
    nullable = is_nullable(schema)
    inner = _compile_value(schema)
    blank_null = blank_is_null(schema)

    def clean(value: Any, exists: Exists | None) -> Any:
        if value is None or (blank_null and isinstance(value, str) and not value.strip()):
            if nullable:
                return None
            _fail("This field may not be null.")
        return inner(value, exists)

    return clean


def body_forms(schema: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The object form and the list form a body schema accepts."""
    options = schema.get("oneOf") or schema.get("anyOf") or [schema]
    object_form = next((s for s in options if drf_type(s) == "nested object"), None)
    list_form = next((s for s in options if "array" in _types(s)), None)
    return object_form, list_form


BodyValidator = Callable[[Any, "Exists | None"], Any]


def compile_body(schema: dict[str, Any]) -> BodyValidator:
    """Clean a request body as a DRF serializer (or a `many=True` one for a list) would.

    The validator's `exists` answers the `x-drf.exists_in` references (related objects that
    must exist). Compile once per operation; the schema is not read again per request."""
    object_form, list_form = body_forms(schema)
    list_min_items = list_form.get("minItems", 0) if list_form is not None else 0
    clean_many = _compile_list({**list_form, "minItems": 0}) if list_form is not None else None
    clean_object = _compile_object(object_form) if object_form is not None else None
    clean_other = _compile_list(list_form or {})

    def validate(data: Any, exists: Exists | None = None) -> Any:
        try:
            if isinstance(data, list) and clean_many is not None:
                if not data and list_min_items >= 1:
                    raise _FieldError({"non_field_errors": ["This list may not be empty."]})
                return clean_many(data, exists)
            if clean_object is not None:
                if data is None:
                    raise _FieldError({"non_field_errors": ["No data provided"]})
                return clean_object(data, exists)
            return clean_other(data, exists)
        except _FieldError as error:
            detail = error.detail
            if isinstance(detail, list) and all(isinstance(item, str) for item in detail):
                detail = {"non_field_errors": detail}
            raise ValidationFailed(detail) from None

    return validate


def list_errors_as_dict(validate: BodyValidator) -> BodyValidator:
    """`validate`, its refusals shaped as DRF 3.18's LIST_SERIALIZER_ERRORS_AS_DICT (its default):
    a list of objects' errors by index, the failed items only (`{"1": {...}}`), at every level,
    instead of the list aligned with the input (`[{}, {...}]`). Chosen once per operation."""

    def by_index(detail: Any) -> Any:
        if isinstance(detail, dict):
            return {name: by_index(value) for name, value in detail.items()}
        if isinstance(detail, list) and not all(isinstance(item, str) for item in detail):
            return {str(index): by_index(item) for index, item in enumerate(detail) if item != {}}
        return detail

    def validate_as_dict(data: Any, exists: Exists | None = None) -> Any:
        try:
            return validate(data, exists)
        except ValidationFailed as refused:
            raise ValidationFailed(by_index(refused.detail)) from None

    return validate_as_dict


def validate_body(schema: dict[str, Any], data: Any, exists: Exists | None = None) -> Any:
    """One-off validation (the app compiles each operation's body schema once instead)."""
    return compile_body(schema)(data, exists)
