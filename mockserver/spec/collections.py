"""DRF collections declared in a spec (`x-drf-collection` on a list path item), read and checked
once at start-up. Every fact the engine, the contract suite and the bench need about a collection
(its key, ordering, search, paging, forms, hyperlinks, related objects) comes from here."""

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mockserver.spec.errors import StartupError, declaration_error
from mockserver.spec.loader import ApiSpec, Operation, PathItem
from mockserver.spec.provenance import (
    COLLECTION_BEHAVIOURS,
    NONE,
    ProvenanceError,
    Provenances,
    read_provenance,
)
from mockserver.store.documents import CollectionSpec, key_of

EXTENSION = "x-drf-collection"
HYPERLINK = "x-drf-hyperlink"
DERIVED = "x-drf-derived"
SORT_TYPES = ("text", "number", "datetime", "date")
DEFAULT_LOOKUP_PATTERN = "^[^/.]+$"  # DRF routers' lookup_value_regex, anchored
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_KEYS = {
    "name",
    "detail",
    "lookup",
    "upsert_key",
    "ordering",
    "default_ordering",
    "search",
    "page_size",
    "max_page_size",
    "nested",
    "fixtures",
    "hook",
    "provenance",
}
_NESTED_KEYS = {"lookup", "detail", "numbered"}


@dataclass(frozen=True)
class Hyperlink:
    """A DRF hyperlinked field: the detail URL of `collection` for the values of `source_fields`
    of the same object (HyperlinkedIdentityField when the collection is the object's own)."""

    field: str
    collection: str
    source_fields: tuple[str, ...]
    within: str = ""  # the list field whose items carry it ("" for the object itself)


@dataclass(frozen=True)
class RelatedField:
    """A field of an upload whose value names an object of another collection
    (`x-drf: {exists_in: {collection, field}}`): DRF's related field, checked against the store."""

    within: str  # the list field whose items carry it ("" for the object itself)
    field: str
    collection: str  # the other collection's spec name
    target_field: str  # the field of the other collection it holds
    many: bool = False  # a list of ids (each must exist), not one


@dataclass(frozen=True)
class Derived:
    """A read-only field the service computes (docs/architecture.md, `x-drf-derived`):
    `count` the number of `collection`'s objects whose fields equal this object's (`where`: their
    field -> this object's field), `list` those objects themselves (in their collection's default
    order, shown in the property's item form), `weekday` the day of the week of a date field of
    this object (Monday 0, as Python's weekday())."""

    field: str
    form: str  # "count", "list" or "weekday"
    collection: str = ""  # count and list: the other collection (its spec name)
    where: tuple[tuple[str, str], ...] = ()  # count and list: (their field, this object's field)
    source: str = ""  # weekday: the date field it is computed from


@dataclass(frozen=True)
class NestedResource:
    """A list field of the documents also served item by item at its own detail path. A
    `numbered` one identifies its items by a number the service gives them (a document's lines,
    which no upload identifies): the item's place in the list, from 1, in its one lookup field."""

    field: str
    lookup: tuple[str, ...]
    detail_path: str
    numbered: bool = False


@dataclass(frozen=True)
class CollectionDeclaration:
    api: str
    name: str
    list_path: str
    detail_path: str | None
    key: tuple[str, ...]  # the lookup fields, and the identity of an object on upsert
    ordering: dict[str, str]
    default_ordering: tuple[str, ...]
    search: tuple[str, ...]
    page_size: int
    max_page_size: int
    nested: dict[str, NestedResource]
    fixtures: str
    hook: str | None
    input_schema: dict[str, Any]  # one uploaded object, read-only fields included ({} without a POST)
    presented_schema: dict[str, Any]  # one object as the API shows it
    hyperlinks: tuple[Hyperlink, ...] = field(default=())
    derived: tuple[Derived, ...] = field(default=())
    # Which of its judged behaviours a source states and which the project decided (provenance.py)
    provenance: Provenances = field(default=NONE)

    @cached_property
    def derived_from(self) -> tuple[str, ...]:
        """The other collections a derived field reads (their writes change this one's answers)."""
        return tuple(sorted({d.collection for d in self.derived if d.collection}))

    @cached_property
    def related_fields(self) -> tuple["RelatedField", ...]:
        """The upload form's fields that name an object of another collection (`x-drf.exists_in`)."""
        return related_fields(self.input_schema)

    @cached_property
    def references(self) -> frozenset[str]:
        """The collections the upload form's `x-drf.exists_in` names (each must hold the object)."""
        return frozenset(related.collection for related in self.related_fields)

    @property
    def takes_uploads(self) -> bool:
        """Whether the list path item has a POST (bulk upsert); a read-only collection
        (DRF's ReadOnlyModelViewSet) has none and holds only what its fixtures seed."""
        return bool(self.input_schema.get("properties"))

    @property
    def stored_schema(self) -> dict[str, Any]:
        """The form fixtures (and recorded objects) are written in and cleaned by: the upload
        serializer's, or, for a read-only collection, the presented form, whose read-only
        properties (hyperlinks) are left out of what is stored as an upload's are."""
        return self.input_schema if self.takes_uploads else self.presented_schema

    @property
    def store_name(self) -> str:
        return store_name(self.api, self.name)

    def store_spec(self) -> CollectionSpec:
        return CollectionSpec(
            name=self.store_name,
            key_field=self.key[0] if len(self.key) == 1 else self.key,
            ordering_fields=dict(self.ordering),  # type: ignore[arg-type]
            search_fields=self.search,
            default_ordering=self.default_ordering,
        )

    def key_of(self, document: dict[str, Any]) -> str:
        return key_of(document[name] for name in self.key)

    @property
    def writable_fields(self) -> tuple[str, ...]:
        return tuple(
            name
            for name, prop in (self.stored_schema.get("properties") or {}).items()
            if not (isinstance(prop, dict) and prop.get("readOnly"))
        )

    def operations(self, spec: ApiSpec) -> dict[str, Operation]:
        """operationId -> operation, for every operation of the list and detail path items."""
        paths = {self.list_path, self.detail_path, *(n.detail_path for n in self.nested.values())}
        return {
            op.operation_id: op
            for item in spec.path_items
            if item.path in paths
            for op in item.operations.values()
        }


def store_name(api: str, collection: str) -> str:
    return f"{api}.{collection}"


def _names(value: Any, spec: ApiSpec, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise declaration_error(spec, where, "expected a field name or a non-empty list of field names")
    return tuple(value)


def object_form(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The one-object form of a body that takes an object or a list of them."""
    for option in schema.get("oneOf") or schema.get("anyOf") or [schema]:
        if isinstance(option, dict) and isinstance(option.get("properties"), dict):
            return option
    return None


def page_items(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of one result in a DRF page schema (`results.items`, through allOf)."""
    for part in [schema, *(schema.get("allOf") or [])]:
        results = (part.get("properties") or {}).get("results")
        if isinstance(results, dict) and isinstance(results.get("items"), dict):
            return results["items"]
    return None


def _json_schema(operation: Operation | None, status: str) -> dict[str, Any] | None:
    if operation is None:
        return None
    response = operation.responses.get(status)
    return response.content.get("application/json") if response else None


def _hyperlinks(
    spec: ApiSpec, where: str, schema: dict[str, Any], own: str, stored: dict[str, Any], within: str = ""
) -> tuple[Hyperlink, ...]:
    """The hyperlinks of an object schema and of the objects in its list fields. A link is built
    from fields of the object as stored: shown ones, or writable ones the API does not show (a
    refund line shows `receive_document_url`, never the `receive_document_id` it is built from)."""
    links: list[Hyperlink] = []
    sources = {**(stored.get("properties") or {}), **(schema.get("properties") or {})}
    for name, prop in (schema.get("properties") or {}).items():
        declared = prop.get(HYPERLINK) if isinstance(prop, dict) else None
        items = prop.get("items") if isinstance(prop, dict) else None
        if isinstance(items, dict) and "properties" in items and not within:
            stored_items = ((stored.get("properties") or {}).get(name) or {}).get("items") or {}
            links.extend(_hyperlinks(spec, f"{where}.{name}[]", items, own, stored_items, name))
        if declared is None:
            continue
        here = f"{where}.properties.{name}.{HYPERLINK}"
        if declared == "self":  # the object's own detail URL, or a nested item's
            links.append(Hyperlink(name, own, (), within))
            continue
        if not isinstance(declared, dict) or set(declared) != {"collection", "from"}:
            raise declaration_error(
                spec, here, "expected `self` or {collection: <name>, from: [<field>, ...]}"
            )
        fields = _names(declared["from"], spec, f"{here}.from")
        for source in fields:
            if source not in sources:
                raise declaration_error(spec, f"{here}.from", f"no property {source!r} in this object")
        links.append(Hyperlink(name, str(declared["collection"]), fields, within))
    return tuple(links)


def _path_parameter(spec: ApiSpec, item: PathItem, where: str) -> str:
    names = _PARAM.findall(item.path)
    if not names:
        raise declaration_error(spec, where, f"{item.path} has no path parameter for the lookup")
    parameter = names[-1]
    for operation in item.operations.values():
        for declared in operation.definition.get("parameters", []):
            if declared.get("in") == "path" and declared.get("name") == parameter:
                pattern = (declared.get("schema") or {}).get("pattern")
                # DRF's default keeps dots out so a format suffix can follow; a resource may
                # declare otherwise (lookup_value_regex), but never a '/'.
                if (
                    not pattern
                    or re.search(pattern, "a/b")
                    or not pattern.startswith("^")
                    or not pattern.endswith("$")
                ):
                    raise declaration_error(
                        spec,
                        f"paths.{item.path}.parameters.{parameter}.schema.pattern",
                        f"a lookup needs an anchored pattern that matches no '/' (DRF's "
                        f"{DEFAULT_LOOKUP_PATTERN!r} unless the resource says otherwise), or sub-paths "
                        f"are read as keys",
                    )
                break
        else:
            raise declaration_error(
                spec, f"paths.{item.path}.{operation.method.lower()}", f"no path parameter {parameter}"
            )
    return parameter


def read_collections(spec: ApiSpec) -> list[CollectionDeclaration]:
    """Every `x-drf-collection` of the spec, checked; a bad one stops start-up with its place."""
    items = {item.path: item for item in spec.path_items}
    declarations: list[CollectionDeclaration] = []
    for item in spec.path_items:
        raw = item.extensions.get(EXTENSION)
        if raw is None:
            continue
        where = f"paths.{item.path}.{EXTENSION}"
        declarations.append(_read_one(spec, item, items, raw, where))
    known = {d.name: d for d in declarations}
    if len(known) != len(declarations):
        raise declaration_error(spec, EXTENSION, "two collections share a name")
    for declaration in declarations:
        for link in declaration.hyperlinks:
            target = known.get(link.collection)
            if target is None or target.detail_path is None:
                raise declaration_error(
                    spec,
                    f"{HYPERLINK} {declaration.name}.{link.field}",
                    f"{link.collection!r} is not a declared collection with a detail path",
                )
            # One field may hold a whole composite key (Datawiz's "complex identifier",
            # `<shop_id>_<document_id>`); otherwise one field per lookup field.
            if link.source_fields and len(link.source_fields) not in (1, len(target.key)):
                raise declaration_error(
                    spec,
                    f"{HYPERLINK} {declaration.name}.{link.field}.from",
                    f"{target.name} is looked up by {list(target.key)}: name one field per lookup "
                    f"field, or one field holding the whole key",
                )
        for derived in declaration.derived:
            if derived.collection:
                _check_derived_source(spec, declaration, derived, known.get(derived.collection))
        for reference in sorted(declaration.references):
            if reference not in known:
                raise declaration_error(
                    spec,
                    f"{declaration.list_path} x-drf.exists_in",
                    f"{reference!r} is not a declared collection (name collections by their spec name)",
                )
    return declarations


_DERIVED_FORMS = {
    "count_of": "{count_of: <collection>, where: {<their field>: <field of this object>}}",
    "list_of": "{list_of: <collection>, where: {<their field>: <field of this object>}}",
    "weekday_of": "{weekday_of: <date field of this object>}",
}


def _derived(
    spec: ApiSpec, where: str, presented: dict[str, Any], stored: dict[str, Any]
) -> tuple[Derived, ...]:
    """The `x-drf-derived` fields of a presented form, checked against this object; the other
    collection's side is checked once every collection is read (_check_derived_source)."""
    found: list[Derived] = []
    stored_props = stored.get("properties") or {}
    for name, prop in (presented.get("properties") or {}).items():
        declared = prop.get(DERIVED) if isinstance(prop, dict) else None
        if declared is None:
            continue
        here = f"{where}.properties.{name}.{DERIVED}"
        forms = [k for k in _DERIVED_FORMS if isinstance(declared, dict) and k in declared]
        if len(forms) != 1:
            raise declaration_error(spec, here, f"expected one of {' or '.join(_DERIVED_FORMS.values())}")
        form = forms[0]
        allowed = {form} if form == "weekday_of" else {form, "where"}
        extra = sorted(set(declared) - allowed)
        if extra:
            raise declaration_error(
                spec, f"{here}.{extra[0]}", f"unknown key (expected {_DERIVED_FORMS[form]})"
            )
        if not prop.get("readOnly"):
            raise declaration_error(
                spec, here, "a derived field is read-only: declare `readOnly: true` beside it"
            )
        sent = stored_props.get(name)
        if isinstance(sent, dict) and not sent.get("readOnly"):
            raise declaration_error(
                spec,
                here,
                f"the upload form has a writable {name!r}: a derived field is never taken from uploads",
            )
        writable = {n for n, p in stored_props.items() if isinstance(p, dict) and not p.get("readOnly")}
        if form == "weekday_of":
            source = declared[form]
            if not isinstance(source, str) or (stored_props and source not in writable):
                raise declaration_error(
                    spec, f"{here}.weekday_of", f"{source!r} is not a stored field of this object"
                )
            found.append(Derived(name, "weekday", source=source))
            continue
        collection = declared[form]
        if not isinstance(collection, str) or not _NAME.match(collection):
            raise declaration_error(spec, f"{here}.{form}", "expected a collection's spec name")
        pairs = declared.get("where")
        if (
            not isinstance(pairs, dict)
            or not pairs
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs.items())
        ):
            raise declaration_error(
                spec, f"{here}.where", "expected {<their field>: <field of this object>, ...}"
            )
        for mine in pairs.values():
            if stored_props and mine not in writable:
                raise declaration_error(
                    spec, f"{here}.where", f"{mine!r} is not a stored field of this object"
                )
        items = prop.get("items")
        if form == "list_of" and not (isinstance(items, dict) and isinstance(items.get("properties"), dict)):
            raise declaration_error(
                spec, here, "list_of needs `items` with the properties each listed object shows"
            )
        if form == "count_of" and "integer" not in _schema_types(prop):
            raise declaration_error(spec, here, "count_of needs `type: integer`")
        found.append(
            Derived(name, "count" if form == "count_of" else "list", collection, tuple(pairs.items()))
        )
    return tuple(found)


def _schema_types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    return declared if isinstance(declared, list) else [declared]


def _check_derived_source(
    spec: ApiSpec, declaration: CollectionDeclaration, derived: Derived, other: CollectionDeclaration | None
) -> None:
    here = f"{DERIVED} {declaration.name}.{derived.field}"
    if other is None:
        raise declaration_error(spec, here, f"{derived.collection!r} is not a declared collection")
    theirs = set(other.writable_fields)
    for their_field, _ in derived.where:
        if their_field not in theirs:
            raise declaration_error(
                spec, f"{here}.where.{their_field}", f"not a stored field of {other.name}"
            )
    if derived.form == "list":
        shown = declaration.presented_schema["properties"][derived.field]["items"]["properties"]
        links = {link.field for link in declaration.hyperlinks if link.within == derived.field}
        for name in shown:
            if name not in theirs and name not in links:
                raise declaration_error(
                    spec, f"{here}.items.{name}", f"not a stored field of {other.name} (nor a hyperlink)"
                )


def related_fields(schema: dict[str, Any]) -> tuple["RelatedField", ...]:
    """Every `x-drf.exists_in` reference of an upload form: on the object's own properties, on
    the properties of its list fields' items (a receipt's cart items), and on the items of a list
    of ids (a category manager's `shops`)."""
    found: list[RelatedField] = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        reference = _exists_in(prop)
        if reference is not None:
            found.append(RelatedField("", name, *reference))
        items = prop.get("items")
        if not isinstance(items, dict):
            continue
        reference = _exists_in(items)
        if reference is not None:
            found.append(RelatedField("", name, *reference, many=True))
        for inner, inner_prop in (items.get("properties") or {}).items():
            reference = _exists_in(inner_prop) if isinstance(inner_prop, dict) else None
            if reference is not None:
                found.append(RelatedField(name, inner, *reference))
    return tuple(found)


def _exists_in(schema: dict[str, Any]) -> tuple[str, str] | None:
    reference = (schema.get("x-drf") or {}).get("exists_in")
    if isinstance(reference, dict) and "collection" in reference:
        return str(reference["collection"]), str(reference.get("field", ""))
    return None


def _read_one(
    spec: ApiSpec, item: PathItem, items: dict[str, PathItem], raw: Any, where: str
) -> CollectionDeclaration:
    if not isinstance(raw, dict):
        raise declaration_error(spec, where, "expected a mapping")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise declaration_error(
            spec, f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(_KEYS))})"
        )
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise declaration_error(
            spec, f"{where}.name", "expected a lower-case name such as `relocate-documents`"
        )
    if item.view_name is None:
        raise declaration_error(spec, f"paths.{item.path}", "a collection's path items need x-drf-view")

    post = item.operations.get("POST")
    body = (post.request_schemas_full.get("application/json") if post else None) or {}
    input_schema = object_form(body) or {}
    listing = item.operations.get("GET")
    page = _json_schema(listing, "200")
    presented = page_items(page) if page else None
    if presented is None:
        raise declaration_error(
            spec, f"paths.{item.path}.get", "a collection needs a GET whose 200 is a page of results"
        )
    inputs = input_schema.get("properties") or {}
    outputs = presented.get("properties") or {}

    detail_path = raw.get("detail")
    if detail_path is not None:
        if detail_path not in items:
            raise declaration_error(spec, f"{where}.detail", f"no path item {detail_path}")
        _path_parameter(spec, items[detail_path], f"{where}.detail")
        detail_get = items[detail_path].operations.get("GET")
        if _json_schema(detail_get, "200") is None:
            raise declaration_error(
                spec, f"paths.{detail_path}.get", "a detail needs a GET answering 200 JSON"
            )
    key = _names(raw.get("lookup") or raw.get("upsert_key"), spec, f"{where}.lookup")
    if "upsert_key" in raw and "lookup" in raw and _names(raw["upsert_key"], spec, where) != key:
        raise declaration_error(
            spec, f"{where}.upsert_key", "must name the lookup fields: they are one identity here"
        )
    for name_ in key:
        if name_ not in outputs or (post is not None and name_ not in inputs):
            raise declaration_error(spec, f"{where}.lookup", f"{name_!r} is not a property of the objects")

    ordering = raw.get("ordering") or {}
    if not isinstance(ordering, dict):
        raise declaration_error(spec, f"{where}.ordering", "expected {field: text|number|datetime|date}")
    for field_name, sort_type in ordering.items():
        if field_name not in outputs:
            raise declaration_error(spec, f"{where}.ordering.{field_name}", "not a property of the objects")
        if sort_type not in SORT_TYPES:
            raise declaration_error(
                spec, f"{where}.ordering.{field_name}", f"sort type must be one of {SORT_TYPES}"
            )
    default_ordering = tuple(raw.get("default_ordering") or ())
    for term in default_ordering:
        if term.lstrip("-") not in ordering:
            raise declaration_error(spec, f"{where}.default_ordering", f"{term!r} is not an ordering field")
    search = tuple(raw.get("search") or ())
    for field_name in search:
        if field_name not in outputs:
            raise declaration_error(spec, f"{where}.search.{field_name}", "not a property of the objects")
    sizes = {}
    for knob, default in (("page_size", 20), ("max_page_size", 1000)):
        value = raw.get(knob, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise declaration_error(spec, f"{where}.{knob}", "expected a positive integer")
        sizes[knob] = value

    nested: dict[str, NestedResource] = {}
    for field_name, declared in (raw.get("nested") or {}).items():
        here = f"{where}.nested.{field_name}"
        if not isinstance(declared, dict) or set(declared) - _NESTED_KEYS or "detail" not in declared:
            raise declaration_error(
                spec, here, "expected {lookup: [...], detail: <path>, numbered: true|false}"
            )
        items_schema = (outputs.get(field_name) or {}).get("items")
        if not isinstance(items_schema, dict) or "properties" not in items_schema:
            raise declaration_error(
                spec, here, f"{field_name!r} is not a list of objects in the presented form"
            )
        lookup = _names(declared.get("lookup"), spec, f"{here}.lookup")
        numbered = declared.get("numbered", False)
        for name_ in lookup:
            # a numbered item's number may stay unshown (a line with only its url)
            if name_ not in items_schema["properties"] and not numbered:
                raise declaration_error(
                    spec, f"{here}.lookup", f"{name_!r} is not a property of the {field_name} items"
                )
        if declared["detail"] not in items:
            raise declaration_error(spec, f"{here}.detail", f"no path item {declared['detail']}")
        _path_parameter(spec, items[declared["detail"]], f"{here}.detail")
        if not isinstance(numbered, bool):
            raise declaration_error(spec, f"{here}.numbered", "expected true or false")
        sent = ((inputs.get(field_name) or {}).get("items") or {}).get("properties") or {}
        if numbered and (len(lookup) != 1 or not (sent.get(lookup[0]) or {"readOnly": True}).get("readOnly")):
            raise declaration_error(
                spec, f"{here}.lookup", "a numbered item is looked up by one field no upload writes"
            )
        nested[field_name] = NestedResource(field_name, lookup, declared["detail"], numbered)

    hyperlinks = _hyperlinks(spec, f"{item.path} presented form", presented, name, input_schema)
    for link in hyperlinks:
        if link.within and not link.source_fields and link.within not in nested:
            raise declaration_error(
                spec,
                f"{item.path} presented form.{link.within}[].{link.field}.{HYPERLINK}",
                f"a self link of a {link.within} item needs {link.within!r} declared under nested",
            )
    derived = _derived(spec, f"{item.path} presented form", presented, input_schema or presented)
    hook = raw.get("hook")
    if hook is not None and not isinstance(hook, str):
        raise declaration_error(spec, f"{where}.hook", "expected the name of a rule hook")
    try:
        provenance = read_provenance(
            raw.get("provenance"),
            where,
            spec.source,
            COLLECTION_BEHAVIOURS,
            {
                "search": search,
                "ordering": tuple(ordering),
                "required": _field_names(input_schema or {}),
                "type": _field_names(input_schema or {}),
            },
        )
    except ProvenanceError as error:
        raise StartupError(f"{spec.source.name}: {error}") from None
    fixtures = raw.get("fixtures", f"{name}.json")
    if not isinstance(fixtures, str) or "/" in fixtures or not fixtures.endswith(".json"):
        raise declaration_error(spec, f"{where}.fixtures", "expected a file name such as `products.json`")
    return CollectionDeclaration(
        api=spec.name,
        name=name,
        list_path=item.path,
        detail_path=detail_path,
        key=key,
        ordering=dict(ordering),
        default_ordering=default_ordering,
        search=search,
        page_size=sizes["page_size"],
        max_page_size=sizes["max_page_size"],
        nested=nested,
        fixtures=fixtures,
        hook=hook,
        input_schema=input_schema,
        presented_schema=presented,
        hyperlinks=hyperlinks,
        derived=derived,
        provenance=provenance,
    )


def _field_names(schema: dict[str, Any], prefix: str = "") -> tuple[str, ...]:
    """An upload's fields, a nested list's item fields dotted (`products.price`)."""
    names: list[str] = []
    for name, prop in (schema.get("properties") or {}).items():
        names.append(f"{prefix}{name}")
        items = prop.get("items") if isinstance(prop, dict) else None
        if isinstance(items, dict) and "properties" in items:
            names += _field_names(items, f"{prefix}{name}.")
    return tuple(names)
