"""Every `x-` extension a spec may use, where, and the shape of the simple ones, checked once at
start-up: a misspelt or misplaced extension would otherwise be ignored without a word (a collection
that is not served, an operation that is not public). The collection and setup-task declarations
are checked in depth by their own readers (spec/collections.py, spec/setup_tasks.py)."""

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from mockserver.spec import security
from mockserver.spec.errors import StartupError, declaration_error
from mockserver.spec.loader import HTTP_METHODS, ApiSpec, cache_dir
from mockserver.spec.security import KEYWORD_EXTENSION, auth_scheme

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
DRF_HINTS = frozenset({"type", "label", "max_digits", "decimal_places", "exists_in", "trim_whitespace"})


# What a DRF date or datetime field reads, in the words outside tools know: an RFC 3339 full-date
# (DateField) or date-time (DateTimeField also reads it without an offset, as the documents send it).
CALENDAR_FORMATS = {"date": "date", "datetime": "date-time"}


def _unknown(spec: ApiSpec, node: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    for key in node:
        if key.startswith("x-") and key not in allowed:
            raise declaration_error(
                spec, f"{where}.{key}", f"not an extension the engine reads here (known: {sorted(allowed)})"
            )


# The rules' own text: a verdict on a spec holds while neither the spec nor the rules change.
_RULES = hashlib.sha256(Path(__file__).read_bytes() + Path(security.__file__).read_bytes()).hexdigest()[:16]


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
            raise declaration_error(
                spec, f"{where}.x-drf-view", "expected {name: <view name>, description: <text>}"
            )
        suffixes = item.get("x-drf-format-suffixes")
        if suffixes is not None and (not isinstance(suffixes, list) or set(suffixes) - set(FORMATS)):
            raise declaration_error(
                spec, f"{where}.x-drf-format-suffixes", f"expected a list among {list(FORMATS)}"
            )
        required_api = item.get("x-mockserver-requires-api")
        if required_api is not None and not isinstance(required_api, str):
            raise declaration_error(spec, f"{where}.x-mockserver-requires-api", "expected the name of an API")
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            _unknown(spec, operation, OPERATION, f"{where}.{method}")
            for flag in ("x-mockserver-raw-body", "x-mockserver-public"):
                if flag in operation and not isinstance(operation[flag], bool):
                    raise declaration_error(spec, f"{where}.{method}.{flag}", "expected true or false")
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    for name, scheme in schemes.items():
        where = f"components.securitySchemes.{name}"
        _unknown(spec, scheme, SECURITY_SCHEME, where)
        try:
            auth_scheme(name, scheme)  # the keyword, and a scheme the fake can check
        except StartupError as error:
            raise StartupError(f"{spec.source.name}: {error}") from None
    # Components first: a schema used through $ref is then named where it is written.
    _check_schemas(spec, document.get("components"), "components")
    _check_schemas(spec, document.get("paths"), "paths")


def _check_schemas(spec: ApiSpec, node: Any, where: str) -> None:
    """x-drf hints wherever a schema is (request bodies, components)."""
    if isinstance(node, dict):
        hints = node.get("x-drf")
        if hints is not None:
            if not isinstance(hints, dict) or set(hints) - DRF_HINTS:
                raise declaration_error(spec, f"{where}.x-drf", f"expected a mapping of {sorted(DRF_HINTS)}")
            if "type" in hints and hints["type"] not in DRF_FIELD_TYPES:
                raise declaration_error(
                    spec, f"{where}.x-drf.type", f"not a DRF field type the engine knows ({hints['type']!r})"
                )
            calendar = CALENDAR_FORMATS.get(hints.get("type"))
            if calendar and not node.get("readOnly") and node.get("format") != calendar:
                # A generator given a bare string sends text DRF refuses and reports the refusal
                # as the server's fault; JSON Schema's date and date-time are read by DRF.
                raise declaration_error(
                    spec, f"{where}.format", f"a DRF {hints['type']} field: declare `format: {calendar}`"
                )
            reference = hints.get("exists_in")
            if reference is not None and (
                not isinstance(reference, dict) or set(reference) != {"collection", "field"}
            ):
                raise declaration_error(
                    spec, f"{where}.x-drf.exists_in", "expected {collection: <name>, field: <field>}"
                )
        for key, value in node.items():
            _check_schemas(spec, value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_schemas(spec, value, f"{where}[{index}]")
