"""The reference service's resources, read from the loaded spec: for every `x-drf-collection`,
its fields (names, order, max lengths, decimals, nullability, required, labels), its key,
ordering, search, paging, hyperlinks and nested lists. No Django here: plain values the models,
serializers and views are built from, so the reference stays aligned with the spec."""

from dataclasses import dataclass, field
from typing import Any

from mockserver.resources import specs_dir
from mockserver.spec.collections import CollectionDeclaration, read_collections
from mockserver.spec.loader import load_spec

SPEC_FILE = "datawiz.yaml"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # string, decimal, datetime, date, hyperlink, list
    label: str
    required: bool = False
    nullable: bool = False
    allow_blank: bool = True
    max_length: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    exists_in: tuple[str, str] | None = None  # (collection, field) a value must name
    link_collection: str | None = None  # hyperlinks: the collection linked to
    link_from: tuple[str, ...] = ()  # hyperlinks: the fields holding its key ("" = self)
    children: tuple["FieldSpec", ...] = ()  # lists of objects


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
    nested: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list field -> item lookup


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    return declared if isinstance(declared, list) else [declared] if declared else []


def _label(name: str, hints: dict[str, Any]) -> str:
    text = name.replace("_", " ")
    return hints.get("label") or text[:1].upper() + text[1:]


def _fields(
    presented: dict[str, Any], inputs: dict[str, Any], links: dict[str, tuple[str, tuple[str, ...]]]
) -> tuple[FieldSpec, ...]:
    """Fields in the presented order; writable ones typed by the input schema's x-drf hints."""
    required = set(inputs.get("required") or ())
    written = inputs.get("properties") or {}
    fields = []
    for name, shown in (presented.get("properties") or {}).items():
        given = written.get(name) or {}
        hints = given.get("x-drf") or {}
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
                exists_in=(reference["collection"], reference["field"]) if reference else None,
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


def resource_of(declaration: CollectionDeclaration, view_name: str, description: str) -> ResourceSpec:
    return ResourceSpec(
        name=declaration.name,
        view_name=view_name,
        view_description=description,
        key=declaration.key,
        fields=_fields(declaration.presented_schema, declaration.input_schema, _links(declaration)),
        ordering=tuple(declaration.ordering),
        default_ordering=declaration.default_ordering,
        search=declaration.search,
        page_size=declaration.page_size,
        max_page_size=declaration.max_page_size,
        fixtures=declaration.fixtures,
        hook=declaration.hook,
        nested={name: nested.lookup for name, nested in declaration.nested.items()},
    )


# Stock DRF authentication classes by security scheme name.
AUTHENTICATION_CLASSES = {
    "oauth2": "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
    "bearerAuth": "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
    "tokenAuth": "rest_framework.authentication.TokenAuthentication",
}


def authentication_classes() -> list[str]:
    """The reference's DRF authentication classes, in the order of the spec's security schemes."""
    spec = load_spec(specs_dir() / SPEC_FILE)
    names = [name for requirement in spec.document.get("security", []) for name in requirement]
    return [AUTHENTICATION_CLASSES[name] for name in names if name in AUTHENTICATION_CLASSES]


def load_resources() -> list[ResourceSpec]:
    spec = load_spec(specs_dir() / SPEC_FILE)
    items = {item.path: item for item in spec.path_items}
    return [
        resource_of(d, items[d.list_path].view_name or d.name, items[d.list_path].view_description or "")
        for d in read_collections(spec)
    ]
