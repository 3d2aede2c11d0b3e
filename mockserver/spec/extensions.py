"""Every `x-` extension a spec may use, where, and the shape of the simple ones, checked once at
start-up: a misspelt or misplaced extension would otherwise be ignored without a word (a collection
that is not served, an operation that is not public). The collection and setup-task declarations
are checked in depth by their own readers (spec/collections.py, setup_task/declaration.py)."""

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from mockserver.auth import schemes
from mockserver.auth.schemes import KEYWORD_EXTENSION, SchemeError, auth_scheme
from mockserver.drf.serializer import compile_field
from mockserver.spec.collections import SpecError
from mockserver.spec.loader import HTTP_METHODS, ApiSpec, cache_dir

TOP_LEVEL = frozenset({"x-mockserver-api", "x-setup-tasks"})
PATH_ITEM = frozenset(
    {"x-drf-view", "x-drf-format-suffixes", "x-drf-collection", "x-mockserver-requires-api"}
)
OPERATION = frozenset({"x-setup-task", "x-mockserver-raw-body", "x-mockserver-public"})
SCHEMA = frozenset({"x-drf", "x-drf-hyperlink", "x-drf-derived", "x-setup-task-states"})
SECURITY_SCHEME = frozenset({KEYWORD_EXTENSION})
FORMATS = ("json", "api")  # the renderers' formats (drf/negotiation.py)
# The DRF field types the serializer (drf/serializer.py) cleans as DRF would.
DRF_FIELD_TYPES = frozenset(
    {"string", "integer", "decimal", "boolean", "date", "datetime", "url", "field", "list", "nested object"}
)
DRF_HINTS = frozenset({"type", "label", "max_digits", "decimal_places", "exists_in"})


def _fail(spec: ApiSpec, where: str, message: str) -> SpecError:
    return SpecError(f"{spec.source.name}: {where}: {message}")


def _unknown(spec: ApiSpec, node: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    for key in node:
        if key.startswith("x-") and key not in allowed:
            raise _fail(
                spec, f"{where}.{key}", f"not an extension the engine reads here (known: {sorted(allowed)})"
            )


# The rules' own text: a verdict on a spec holds while neither the spec nor the rules change.
_RULES = hashlib.sha256(Path(__file__).read_bytes() + Path(schemes.__file__).read_bytes()).hexdigest()[:16]


def check_extensions(spec: ApiSpec) -> None:
    """Refuse what the engine would not read where it stands. The walk covers every node of the
    resolved document (tens of thousands, the largest part of start-up), so a spec that passed is
    remembered beside its cached resolved form, by the spec's text and these rules' text: the
    same spec under the same mockserver is not walked again. A spec that fails is never marked."""
    marker = cache_dir() / f"{spec.digest}.{_RULES}.checked" if spec.digest else None
    if marker is not None and marker.exists():
        return
    _check(spec)
    if marker is not None:
        with contextlib.suppress(OSError):
            marker.touch()


def _check(spec: ApiSpec) -> None:
    document = spec.document
    _unknown(spec, document, TOP_LEVEL, "(top level)")
    for path, item in (document.get("paths") or {}).items():
        where = f"paths.{path}"
        _unknown(spec, item, PATH_ITEM, where)
        view = item.get("x-drf-view")
        if view is not None and (not isinstance(view, dict) or not isinstance(view.get("name"), str)):
            raise _fail(spec, f"{where}.x-drf-view", "expected {name: <view name>, description: <text>}")
        suffixes = item.get("x-drf-format-suffixes")
        if suffixes is not None and (not isinstance(suffixes, list) or set(suffixes) - set(FORMATS)):
            raise _fail(spec, f"{where}.x-drf-format-suffixes", f"expected a list among {list(FORMATS)}")
        required_api = item.get("x-mockserver-requires-api")
        if required_api is not None and not isinstance(required_api, str):
            raise _fail(spec, f"{where}.x-mockserver-requires-api", "expected the name of an API")
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            _unknown(spec, operation, OPERATION, f"{where}.{method}")
            for flag in ("x-mockserver-raw-body", "x-mockserver-public"):
                if flag in operation and not isinstance(operation[flag], bool):
                    raise _fail(spec, f"{where}.{method}.{flag}", "expected true or false")
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    for name, scheme in schemes.items():
        where = f"components.securitySchemes.{name}"
        _unknown(spec, scheme, SECURITY_SCHEME, where)
        try:
            auth_scheme(name, scheme)  # the keyword, and a scheme the fake can check
        except SchemeError as error:
            raise SpecError(f"{spec.source.name}: {error}") from None
    # Components first: a schema used through $ref is then named where it is written.
    _check_schemas(spec, document.get("components"), "components")
    _check_schemas(spec, document.get("paths"), "paths")
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
            raise _fail(spec, here, "a required field takes no default (DRF refuses both)")
        try:
            compile_field(prop)(prop["default"], None)
        except Exception as refused:  # the field's own refusal carries its messages
            detail = getattr(refused, "detail", refused)
            raise _fail(spec, here, f"the field refuses its own default: {detail}") from None
    for key in ("properties", "items", "oneOf", "anyOf", "allOf"):
        value = schema.get(key)
        if key == "properties" and isinstance(value, dict):
            for name, prop in value.items():
                _check_defaults(spec, prop, f"{where}.properties.{name}")
        elif value is not None and key != "properties":
            _check_defaults(spec, value, f"{where}.{key}")


def _check_schemas(spec: ApiSpec, node: Any, where: str) -> None:
    """x-drf hints wherever a schema is (request bodies, components)."""
    if isinstance(node, dict):
        hints = node.get("x-drf")
        if hints is not None:
            if not isinstance(hints, dict) or set(hints) - DRF_HINTS:
                raise _fail(spec, f"{where}.x-drf", f"expected a mapping of {sorted(DRF_HINTS)}")
            if "type" in hints and hints["type"] not in DRF_FIELD_TYPES:
                raise _fail(
                    spec, f"{where}.x-drf.type", f"not a DRF field type the engine knows ({hints['type']!r})"
                )
            reference = hints.get("exists_in")
            if reference is not None and (
                not isinstance(reference, dict) or set(reference) != {"collection", "field"}
            ):
                raise _fail(spec, f"{where}.x-drf.exists_in", "expected {collection: <name>, field: <field>}")
        for key, value in node.items():
            _check_schemas(spec, value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_schemas(spec, value, f"{where}[{index}]")
