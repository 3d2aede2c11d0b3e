"""Load an OpenAPI document once into an operation table the app routes and validates by."""

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

# Resolved specs by the hash of their text; bump the version when resolution changes.
_CACHE_VERSION = b"mockserver-spec-1\n"
# In the user's own cache (not a shared temporary folder another user could plant entries in).
_CACHE_DIR = Path(
    os.environ.get("MOCKSERVER_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mockserver" / "specs"
)

# DRF's order for the Allow header: APIView.http_method_names filtered by what the view has.
DRF_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def resolve_refs(node: Any, document: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Inline every local `$ref` (the specs use no recursive schemas)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:
                raise ValueError(f"recursive $ref {ref}")
            target: Any = document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            resolved = resolve_refs(target, document, (*seen, ref))
            return {**resolved, **resolve_refs(siblings, document, seen)} if siblings else resolved
        return {key: resolve_refs(value, document, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve_refs(item, document, seen) for item in node]
    return node


def _broken_ref(node: Any, document: dict[str, Any], pointer: str = "") -> str:
    """Where the first `$ref` that leads nowhere stands (a JSON pointer) and what it names: read
    only when resolving failed, so resolving itself carries no path."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = document
            for part in ref[2:].split("/"):
                key = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or key not in target:
                    return (
                        f"$ref {ref!r} at {pointer}/$ref names nothing ({key!r} is not there); fix the name"
                    )
                target = target[key]
        children = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return "a $ref cannot be resolved"
    for key, value in children:
        if isinstance(value, dict | list):
            found = _broken_ref(
                value, document, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            )
            if found != "a $ref cannot be resolved":
                return found
    return "a $ref cannot be resolved"


def strip_read_only(schema: Any) -> Any:
    """The schema of what a client may send: DRF ignores read-only fields on input."""
    if isinstance(schema, dict):
        result = {}
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                result[key] = {
                    name: strip_read_only(prop)
                    for name, prop in value.items()
                    if not (isinstance(prop, dict) and prop.get("readOnly"))
                }
            else:
                result[key] = strip_read_only(value)
        if "required" in result and "properties" in schema:
            read_only = {
                n for n, p in schema["properties"].items() if isinstance(p, dict) and p.get("readOnly")
            }
            result["required"] = [n for n in result["required"] if n not in read_only]
        return result
    if isinstance(schema, list):
        return [strip_read_only(item) for item in schema]
    return schema


@dataclass(frozen=True)
class ResponseSpec:
    status: str
    content: dict[str, dict[str, Any]]  # media type -> schema
    headers: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Operation:
    api: str
    operation_id: str
    method: str
    path: str
    definition: dict[str, Any]
    security: list[dict[str, list[str]]]
    request_schemas_full: dict[str, dict[str, Any]]  # media type -> schema, read-only fields included
    request_required: bool
    is_drf: bool

    @cached_property
    def responses(self) -> dict[str, ResponseSpec]:
        """Status -> what the spec says the operation answers (read when first needed: start-up
        builds hundreds of operations and reads few of their responses)."""
        return _responses(self.definition)

    @cached_property
    def request_schemas(self) -> dict[str, dict[str, Any]]:
        """Media type -> schema of what a client may send (read-only fields left out)."""
        return {mt: strip_read_only(schema) for mt, schema in self.request_schemas_full.items()}

    @cached_property
    def public(self) -> bool:
        """Holds no data (`x-mockserver-public`: the console's files, the spec documents): served
        without the admin token, and without reading the store, so the console still loads (and
        says why) when a shared store is out of reach."""
        return bool(self.definition.get("x-mockserver-public"))

    @cached_property
    def needs_credentials(self) -> bool:
        return bool(self.security) and not any(not requirement for requirement in self.security)

    @cached_property
    def security_schemes(self) -> tuple[str, ...]:
        return tuple(name for requirement in self.security for name in requirement)

    def response_spec(self, status: int) -> ResponseSpec | None:
        return (
            self.responses.get(str(status))
            or self.responses.get(f"{str(status)[0]}XX")
            or self.responses.get("default")
        )


@dataclass
class PathItem:
    api: str
    path: str
    operations: dict[str, Operation]  # upper-case method -> operation
    view_name: str | None
    view_description: str
    format_suffixes: tuple[str, ...]
    extensions: dict[str, Any] = field(default_factory=dict)
    # The Allow header a profile gives this path (instance_allow), set before the app serves.
    allow: str | None = None

    @cached_property
    def allow_header(self) -> str:
        if self.allow is not None:
            return self.allow
        ordered = [m for m in DRF_METHOD_ORDER if m in self.operations]
        ordered += sorted(m for m in self.operations if m not in DRF_METHOD_ORDER)
        return ", ".join(ordered)

    @property
    def is_drf(self) -> bool:
        return self.view_name is not None

    @cached_property
    def security_schemes(self) -> tuple[str, ...]:
        for operation in self.operations.values():
            if operation.security_schemes:
                return operation.security_schemes
        return ()


@dataclass
class ApiSpec:
    name: str
    source: Path
    document: dict[str, Any]
    path_items: list[PathItem]
    digest: str = ""  # of the spec's text, as its resolved form is cached ("" when not from a file)

    @property
    def operations(self) -> list[Operation]:
        return [op for item in self.path_items for op in item.operations.values()]

    @property
    def security_schemes(self) -> dict[str, Any]:
        return self.document.get("components", {}).get("securitySchemes", {})


# DRF's default parser classes. A DRF view reads a form or a multipart body with the serializer it
# reads JSON with, by the fields' form rules (an empty value of a nullable field is null, nested
# `lines[0]qty` keys, drf/serializer.py): a spec declares `application/json` only, and the engine
# adds the other two here, so the fact is typed once and an outside tool is never handed a form
# schema that says less than DRF accepts.
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _request_schemas(operation: dict[str, Any], drf: bool) -> dict[str, dict[str, Any]]:
    body = operation.get("requestBody") or {}
    schemas = {
        media_type: media.get("schema") or {} for media_type, media in (body.get("content") or {}).items()
    }
    json_schema = schemas.get("application/json")
    if drf and json_schema is not None:
        for media_type in FORM_MEDIA_TYPES:
            schemas.setdefault(media_type, json_schema)
    return schemas


def _responses(operation: dict[str, Any]) -> dict[str, ResponseSpec]:
    responses = {}
    for status, response in (operation.get("responses") or {}).items():
        content = {
            mt: (media or {}).get("schema") or {} for mt, media in (response.get("content") or {}).items()
        }
        responses[str(status).upper()] = ResponseSpec(
            status=str(status), content=content, headers=response.get("headers") or {}
        )
    return responses


def resolved_document(source: Path) -> dict[str, Any]:
    """The spec with every `$ref` inlined. Parsing YAML and resolving is most of start-up, so the
    result is kept in a cache named by a hash of the spec's text (a changed spec is a new entry,
    and a cache that cannot be written only costs the parse)."""
    return _resolved(source)[0]


def cache_dir() -> Path:
    """Where resolved specs (and what is known of them, spec/extensions.py) are kept."""
    return _CACHE_DIR


def _resolved(source: Path) -> tuple[dict[str, Any], str]:
    text = source.read_bytes()
    digest = hashlib.sha256(_CACHE_VERSION + text).hexdigest()[:32]
    cached = _CACHE_DIR / f"{digest}.json"
    try:
        return orjson.loads(cached.read_bytes()), digest
    except (OSError, orjson.JSONDecodeError):
        pass
    import yaml  # only on a cache miss: its import alone is a few percent of start-up

    # libyaml's parser when PyYAML was built with it (its wheels are): about seven times faster.
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ValueError(
            f"{source}: {where}not YAML ({problem}); fix the file or serve the packaged specs"
        ) from None
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: not an OpenAPI document (its top level is not a mapping)")
    try:
        document = resolve_refs(raw, raw)
    except (KeyError, TypeError, IndexError):
        raise ValueError(f"{source}: {_broken_ref(raw, raw)}") from None
    try:
        _CACHE_DIR.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(orjson.dumps(document))
        os.replace(temporary, cached)  # a reader sees the whole entry or none
    except OSError:
        pass
    return document, digest


def load_spec(source: Path) -> ApiSpec:
    document, digest = _resolved(source)
    api = document.get("x-mockserver-api")
    if not api:
        raise ValueError(f"{source}: missing top-level x-mockserver-api")
    default_security = document.get("security", [])
    path_items = []
    for path, item in (document.get("paths") or {}).items():
        shared_parameters = item.get("parameters", [])
        view = item.get("x-drf-view")
        operations = {}
        for method in HTTP_METHODS:
            definition = item.get(method)
            if definition is None:
                continue
            if "operationId" not in definition:
                raise ValueError(f"{source}: {method.upper()} {path} has no operationId")
            definition = {**definition, "parameters": [*shared_parameters, *definition.get("parameters", [])]}
            operations[method.upper()] = Operation(
                api=api,
                operation_id=definition["operationId"],
                method=method.upper(),
                path=path,
                definition=definition,
                security=definition.get("security", default_security),
                request_schemas_full=_request_schemas(definition, drf=view is not None),
                request_required=bool((definition.get("requestBody") or {}).get("required")),
                is_drf=view is not None,
            )
        path_items.append(
            PathItem(
                api=api,
                path=path,
                operations=operations,
                view_name=(view or {}).get("name"),
                view_description=(view or {}).get("description", ""),
                format_suffixes=tuple(item.get("x-drf-format-suffixes") or ()),
                extensions={k: v for k, v in item.items() if k.startswith("x-")},
            )
        )
    return ApiSpec(name=api, source=source, document=document, path_items=path_items, digest=digest)
