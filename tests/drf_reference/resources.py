"""The reference service's resources, read from the loaded spec: for every `x-drf-collection`,
its fields (names, order, max lengths, decimals, nullability, required, labels), its key,
ordering, search, paging, hyperlinks and nested lists. No Django here: plain values the models,
serializers and views are built from, so the reference stays aligned with the spec."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.apis import spec_path
from mockserver.resources import specs_dir
from mockserver.spec.collections import CollectionDeclaration, Derived, read_collections
from mockserver.spec.loader import ApiSpec, load_spec
from mockserver.spec.security import BEARER, TOKEN, auth_schemes

API = "datawiz"  # the API the reference serves; its spec file comes from the API registry
# The process running the reference is told which spec copy and collections to serve.
SPECS_ENV, COLLECTIONS_ENV = "DRF_REFERENCE_SPECS", "DRF_REFERENCE_COLLECTIONS"
# "1": the decided behaviours set as a DRF developer writes them by default (DRF_DEFAULTS below)
DRF_DEFAULTS_ENV = "DRF_REFERENCE_DRF_DEFAULTS"
DRF_DEFAULT_PAGE_SIZE = 10  # DRF's tutorial
# "1": also the documents' URL forms stock DRF does not route (`/things/.json/`), as the services
# evidently do; the differential test leaves it off (it records the difference instead)
DOCUMENT_FORMS_ENV = "DRF_REFERENCE_DOCUMENT_FORMS"
DEFAULT_LOOKUP_REGEX = "[^/.]+"  # DRF routers' lookup_value_regex


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # string, decimal, datetime, date, integer, float, boolean, hyperlink, list, values
    label: str
    required: bool = False
    nullable: bool = False
    allow_blank: bool = True
    max_length: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    minimum: float | None = None  # numbers: the spec's bounds (DRF's min_value / max_value)
    maximum: float | None = None
    exists_in: tuple[str, str] | None = None  # (collection, field) a value must name
    link_collection: str | None = None  # hyperlinks: the collection linked to
    link_from: tuple[str, ...] = ()  # hyperlinks: the fields holding its key ("" = self)
    children: tuple["FieldSpec", ...] = ()  # lists of objects: their fields; of values: the value
    derived: Derived | None = None  # a value the service computes (x-drf-derived), read-only
    read_only: bool = False  # the upload form lists it read-only (shown, never taken from uploads)
    write_only: bool = False  # stored from uploads, never shown (a hyperlink's source field)


@dataclass(frozen=True)
class ResourceSpec:
    name: str  # the URL segment, e.g. relocate-documents
    view_name: str  # x-drf-view's list name ("Relocate Document List")
    view_description: str
    key: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    ordering: tuple[str, ...]
    default_ordering: tuple[str, ...]
    search: tuple[str, ...]
    page_size: int
    max_page_size: int
    fixtures: str
    hook: str | None
    lookup_regex: str = DEFAULT_LOOKUP_REGEX  # the detail path parameter's pattern
    nested: dict[str, "NestedSpec"] = field(default_factory=dict)  # list field -> its item view
    # The decided behaviours the other way, as a DRF developer writes them by default: a
    # ModelViewSet (PUT, PATCH, DELETE on instances) answering uploads as the client pages show.
    drf_defaults: bool = False
    slash_suffix: bool = False  # the list also at `<list>/.json/` (the seed's form), when served


@dataclass(frozen=True)
class NestedSpec:
    """A list field's items served at `<detail>/<field>/<item key>/`."""

    lookup: tuple[str, ...]
    view_name: str
    lookup_regex: str = DEFAULT_LOOKUP_REGEX  # the item path parameter's pattern
    numbered: bool = False  # items are numbered by their place, from 1 (a document's lines)


def _lookup_regex(spec: ApiSpec, path: str | None) -> str:
    """The pattern of a path's last parameter (the detail's key, or a nested item's) without its
    anchors, as a router's lookup_value_regex."""
    item = next((i for i in spec.path_items if i.path == path), None)
    last = re.findall(r"\{(\w+)\}", path or "")[-1:]
    for operation in item.operations.values() if item else ():
        for parameter in operation.definition.get("parameters", []):
            schema = parameter.get("schema") or {}
            if parameter.get("in") == "path" and [parameter.get("name")] == last and schema.get("pattern"):
                return re.sub(r"^\^|\$$", "", schema["pattern"])
    return DEFAULT_LOOKUP_REGEX


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    return declared if isinstance(declared, list) else [declared] if declared else []


def _label(name: str, hints: dict[str, Any]) -> str:
    text = name.replace("_", " ")
    return hints.get("label") or text[:1].upper() + text[1:]


def _fields(
    presented: dict[str, Any],
    inputs: dict[str, Any],
    links: dict[str, tuple[str, tuple[str, ...]]],
    derived: dict[str, Derived] | None = None,
) -> tuple[FieldSpec, ...]:
    """Fields in the presented order; writable ones typed by the input schema's x-drf hints."""
    required = set(inputs.get("required") or ())
    written = inputs.get("properties") or {}
    fields = []
    shown_names = presented.get("properties") or {}
    # A stored field the API does not show (a refund line's receive_document_id, which only its
    # hyperlink shows) is written, never read: DRF's write_only, listed after the shown ones.
    stored_only = {
        name: {} for name, given in written.items() if name not in shown_names and not given.get("readOnly")
    }
    for name, shown in {**shown_names, **stored_only}.items():
        given = written.get(name) or {}
        hints = given.get("x-drf") or {}
        if derived and name in derived:  # shown in the item form of a list, or a plain value
            items = shown.get("items") or {}
            children = tuple(FieldSpec(n, "string", n) for n in items.get("properties") or {})
            fields.append(
                FieldSpec(name, "derived", _label(name, hints), derived=derived[name], children=children)
            )
            continue
        if name in links:
            collection, sources = links[name]
            fields.append(
                FieldSpec(
                    name, "hyperlink", _label(name, hints), link_collection=collection, link_from=sources
                )
            )
            continue
        items = shown.get("items")
        if isinstance(items, dict) and "properties" in items:
            children = _fields(items, given.get("items") or {}, links.get(f"{name}[]", {}))  # type: ignore[arg-type]
            fields.append(
                FieldSpec(name, "list", _label(name, hints), required=name in required, children=children)
            )
            continue
        kind = hints.get("type") or "string"
        children: tuple[FieldSpec, ...] = ()
        if kind == "list":  # a list of plain values (DRF's ListField), each typed as a field is
            kind, children = (
                "values",
                _fields({"properties": {"": {}}}, {"properties": {"": given["items"]}}, {}),
            )
        reference = hints.get("exists_in")
        fields.append(
            FieldSpec(
                name,
                kind,
                _label(name, hints),
                required=name in required,
                nullable="null" in _types(given),
                allow_blank=given.get("minLength", 0) < 1,
                max_length=given.get("maxLength"),
                max_digits=hints.get("max_digits"),
                decimal_places=hints.get("decimal_places"),
                minimum=given.get("minimum"),
                maximum=given.get("maximum"),
                exists_in=(reference["collection"], reference["field"]) if reference else None,
                children=children,
                read_only=bool(given.get("readOnly")),
                write_only=name in stored_only,
            )
        )
    return tuple(fields)


def _links(declaration: CollectionDeclaration) -> dict[str, Any]:
    """Hyperlinks by field name; those inside list items under `<list>[]`."""
    found: dict[str, Any] = {}
    for link in declaration.hyperlinks:
        target = (link.collection, link.source_fields)
        if link.within:
            found.setdefault(f"{link.within}[]", {})[link.field] = target
        else:
            found[link.field] = target
    return found


def resource_of(
    spec: ApiSpec, declaration: CollectionDeclaration, drf_defaults: bool = False
) -> ResourceSpec:
    """The resource as the spec declares it; with `drf_defaults`, what the project decided is set
    the other way: a page of 10, search and ordering only on the fields a source names."""
    items = {item.path: item for item in spec.path_items}
    listing = items[declaration.list_path]
    search, ordering, page_size = declaration.search, tuple(declaration.ordering), declaration.page_size
    if drf_defaults:
        provenance = declaration.provenance
        search = provenance.documented_fields("search", search)
        ordering = provenance.documented_fields("ordering", ordering)
        page_size = page_size if not provenance.of("page_size").decided else DRF_DEFAULT_PAGE_SIZE
    return ResourceSpec(
        name=declaration.name,
        view_name=listing.view_name or declaration.name,
        view_description=listing.view_description or "",
        key=declaration.key,
        fields=_fields(
            declaration.presented_schema,
            declaration.input_schema,
            _links(declaration),
            {d.field: d for d in declaration.derived},
        ),
        ordering=ordering,
        default_ordering=declaration.default_ordering,
        search=search,
        page_size=page_size,
        max_page_size=declaration.max_page_size,
        fixtures=declaration.fixtures,
        hook=declaration.hook,
        lookup_regex=_lookup_regex(spec, declaration.detail_path),
        nested={
            name: NestedSpec(
                nested.lookup,
                items[nested.detail_path].view_name or name,
                _lookup_regex(spec, nested.detail_path),
                nested.numbered,
            )
            for name, nested in declaration.nested.items()
        },
        drf_defaults=drf_defaults,
        slash_suffix=os.environ.get(DOCUMENT_FORMS_ENV) == "1"
        and "json" in listing.format_suffixes
        and not (drf_defaults and declaration.provenance.of("suffix_form").decided),
    )


def reference_specs_dir() -> Path:
    return Path(os.environ.get(SPECS_ENV) or specs_dir())


def _needed(declarations: list[CollectionDeclaration], wanted: set[str]) -> set[str]:
    """The wanted collections and every collection they link to or reference, transitively."""
    by_name = {d.name: d for d in declarations}
    needed, pending = set(), list(wanted)
    while pending:
        name = pending.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        declaration = by_name[name]
        pending += [link.collection for link in declaration.hyperlinks]
        pending += sorted(declaration.references)
    return needed


def load_resources() -> list[ResourceSpec]:
    """The collections named in DRF_REFERENCE_COLLECTIONS (all when unset) and what they need."""
    spec = load_spec(spec_path(API, reference_specs_dir()))
    declarations = read_collections(spec)
    named = [n for n in os.environ.get(COLLECTIONS_ENV, "").split(",") if n]
    needed = _needed(declarations, set(named)) if named else {d.name for d in declarations}
    defaults = os.environ.get(DRF_DEFAULTS_ENV) == "1"
    return [resource_of(spec, d, defaults) for d in declarations if d.name in needed]


# Stock DRF authentication classes by how a scheme's credential is checked (spec/security.py).
AUTHENTICATION_CLASSES = {
    BEARER: "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
    TOKEN: "rest_framework.authentication.TokenAuthentication",
}


def authentication_classes() -> list[str]:
    """The reference's DRF authentication classes, in the order of the spec's security schemes."""
    spec = load_spec(spec_path(API, reference_specs_dir()))
    schemes = auth_schemes(spec.security_schemes)
    authentications = [
        schemes[name].authentication
        for requirement in spec.document.get("security", [])
        for name in requirement
    ]
    return [AUTHENTICATION_CLASSES[a] for a in authentications if a in AUTHENTICATION_CLASSES]
