"""Objects valid per a collection's input schema, made from the spec alone, so a collection the
spec adds is written and read back with no new code.

Every text value carries a tag (this run's prefix and a promise's own mark), so a run never
writes a foreign id and `?search=<tag>` finds exactly what a promise wrote. A reference that must
exist (`x-drf.exists_in`) or that a hyperlink is built from points at an object of the other
collection that this run created first (or, for a collection nobody can write, one that exists).
Nested numbers are all 1, so a rule between them (price * qty == price_total) holds unchanged."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from contract_tests.collection_http import get_page
from contract_tests.context import CannotRun, Context
from contract_tests.preflight import is_drf_error
from mockserver.drf.serializer import is_nullable
from mockserver.spec.collections import CollectionDeclaration
from mockserver.spec.provenance import NONE, Provenances

TEXT = "string"


class CannotWrite(Exception):
    """The input schema leaves no room for a tagged value (e.g. a key shorter than the tag)."""


def drf_type(schema: dict[str, Any]) -> str:
    declared = (schema.get("x-drf") or {}).get("type")
    if declared:
        return str(declared)
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    for json_type, drf in (("array", "list"), ("object", "nested object"), ("integer", "integer")):
        if json_type in types:
            return drf
    if "boolean" in types and len(types) == 1:
        return "boolean"
    return TEXT


def writable(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: prop
        for name, prop in (schema.get("properties") or {}).items()
        if isinstance(prop, dict) and not prop.get("readOnly")
    }


def free_text(c: CollectionDeclaration) -> set[str]:
    """Writable text fields that refer to nothing: what a promise fills with its tag."""
    linked = {s for link in c.hyperlinks for s in link.source_fields}
    return {
        name
        for name, prop in writable(c.input_schema).items()
        if drf_type(prop) == TEXT and not (prop.get("x-drf") or {}).get("exists_in") and name not in linked
    }


def text_value(tag: str, mark: str, schema: dict[str, Any]) -> str:
    if schema.get("enum"):
        return str(schema["enum"][0])
    longest = schema.get("maxLength")
    value = f"{tag}{mark}"
    if longest is not None and len(value) > longest:
        if len(tag) > longest:
            raise CannotWrite(f"maxLength {longest} leaves no room for the run's tag {tag!r}")
        value = value[:longest]
    return value.ljust(schema.get("minLength") or 0, "x")


def scalar(field_type: str, schema: dict[str, Any], index: int, nested: bool) -> Any:
    """A valid value of a non-text DRF field: distinct per index at the top level (a key the tag
    cannot reach gets a fresh related object per object made instead: make())."""
    step = 0 if nested else index
    if field_type == "integer":  # a nested item's integer may be its key: distinct per item
        # Small, above a positive minimum: a range the spec gives from a decision (a BigIntegerField's,
        # datawiz-resources#C9) is not the deployment's to honour at its ends.
        return max(schema.get("minimum") or 0, 0) + index + 1
    if field_type == "decimal":
        return "1" if nested else f"{step + 1}.5"
    if field_type == "boolean":
        return step % 2 == 0
    if field_type == "date":
        return (datetime.date(2016, 1, 1) + datetime.timedelta(days=step)).isoformat()
    if field_type == "datetime":
        return f"{datetime.date(2016, 1, 1) + datetime.timedelta(days=step)}T10:00:00"
    raise CannotWrite(f"no generator for a DRF {field_type!r} field")


class RelatedNotDeployed(CannotRun):
    """An object needs one of a collection the deployment does not serve: not run."""


class ObjectMaker:
    """Makes (and, for references, creates) objects of every collection of one API."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.facts = ctx.target.facts
        self._related: dict[str, dict[str, Any]] = ctx.shared.setdefault("related objects", {})
        self._making: list[str] = []  # the collections whose related object is being made
        # collection -> why it is not deployed (its POST answered 404 without a DRF body)
        self.not_deployed: dict[str, str] = ctx.shared.setdefault("collections not deployed", {})

    def make(self, collection: CollectionDeclaration, tag: str, index: int = 0) -> dict[str, Any]:
        links = {
            source: link.collection
            for link in collection.hyperlinks
            if link.source_fields and link.collection != collection.name
            for source in link.source_fields
        }
        made = self._object(
            collection.input_schema, tag, index, links, nested=False, kinds=collection.provenance
        )
        distinct = _distinguishing_reference(collection)
        if distinct is not None:
            # A key made only of references (a supplier's access: supplier, shop, product) is the
            # same for every object naming the shared related objects: the first of them is made
            # afresh per object, so each promise's objects have keys of their own.
            name, reference = distinct
            made[name] = self.related(reference["collection"], f"{tag}{index}-")[reference["field"]]
        return made

    def _object(
        self,
        schema: dict[str, Any],
        tag: str,
        index: int,
        links: dict[str, str],
        nested: bool,
        kinds: Provenances = NONE,
        within: str = "",
    ) -> dict[str, Any]:
        """`kinds`: the provenance naming fields whose type is decided (`within`: the dotted
        prefix of a nested item's fields, `cartitems.`)."""
        made: dict[str, Any] = {}
        required = set(schema.get("required") or ())
        for name, prop in writable(schema).items():
            reference = (prop.get("x-drf") or {}).get("exists_in")
            try:
                if kinds.of("type", f"{within}{name}").decided and drf_type(prop) in (TEXT, "field"):
                    # the sources type it a number, the project a string: a number's text is both
                    made[name] = str(index + 1)
                elif reference and reference["collection"] in self._making and is_nullable(prop):
                    made[name] = None  # a tree (categories by parent_id): the related object is a root
                elif reference:
                    made[name] = self._reference(reference["collection"], reference["field"])
                elif name in links:
                    made[name] = self._reference(links[name], self._key_field(links[name]))
                else:
                    made[name] = self._value(name, prop, tag, index, nested, kinds, within)
            except RelatedNotDeployed:
                if name in required:
                    raise
                # an optional reference to a collection the deployment does not serve: left out,
                # as a client of that deployment would (products without producers)
        return made

    def _value(
        self,
        name: str,
        prop: dict[str, Any],
        tag: str,
        index: int,
        nested: bool,
        kinds: Provenances = NONE,
        within: str = "",
    ) -> Any:
        field_type = drf_type(prop)
        if field_type in ("field", "list") and isinstance(prop.get("items"), dict):
            items = prop["items"]
            if "properties" in items:
                inner = f"{within}{name}."
                return [
                    self._object(items, tag, line, {}, nested=True, kinds=kinds, within=inner)
                    for line in range(1 + index % 2)
                ]
            reference = (items.get("x-drf") or {}).get("exists_in")
            if reference:  # a list of ids (a manager's shops): each must exist
                return [self.related(reference["collection"])[reference["field"]]]
            return [self._value(name, items, tag, index, nested)]
        if field_type == "nested object" and "properties" in prop:
            return self._object(prop, tag, index, {}, nested=True)
        if field_type in (TEXT, "field"):
            return text_value(tag, f"{re.sub('[^a-z0-9]', '', name.lower())[:4]}{index}", prop)
        if field_type == "url":
            return f"http://example.invalid/{tag}{index}"
        return scalar(field_type, prop, index, nested)

    def _key_field(self, collection: str) -> str:
        return self.facts.collection(collection).key[0]

    def _reference(self, collection: str, field: str) -> Any:
        """The value naming a related object: its field, or its whole key where several fields
        make it (a document named by `<shop_id>_<document_id>`)."""
        related, declaration = self.related(collection), self.facts.collection(collection)
        return declaration.key_of(related) if len(declaration.key) > 1 else related[field]

    def related(self, name: str, tag: str = "") -> dict[str, Any]:
        """An object of collection `name` this run made (once per tag), or one the target has."""
        cached = name if not tag else f"{name} {tag}"
        if cached in self._related:
            return self._related[cached]
        if name in self.not_deployed:
            raise RelatedNotDeployed(self.not_deployed[name])
        collection = self.facts.collection(name)
        post = next(
            (op for op in collection.operations(self.facts.spec).values() if op.method == "POST"), None
        )
        if post is not None and self.ctx.options.allow_writes:
            self._making.append(name)
            try:
                made = self.make(collection, tag or f"{self.ctx.options.prefix}rel-")
            finally:
                self._making.pop()
            answer = self.ctx.target.api_call("POST", collection.list_path, json=made)
            if answer.status_code == 404 and not is_drf_error(answer):
                why = f"{name} is not deployed (POST {collection.list_path} answered 404 without a DRF body)"
                self.not_deployed[name] = why
                raise RelatedNotDeployed(why)
            self.ctx.require(
                answer.status_code == 201,
                f"POST {collection.list_path}",
                f"creating a related {name} object failed",
                expected=201,
                actual=f"{answer.status_code} {answer.text[:300]}",
                response=answer,
            )
        else:
            operation = f"GET {collection.list_path}"
            page = get_page(self.ctx, collection, f"{collection.list_path}?page_size=1", operation)
            if not page["results"]:
                raise CannotRun(f"{name} holds no object to refer to, and none may be written")
            made = page["results"][0]
        self._related[cached] = made
        return made


def _distinguishing_reference(collection: CollectionDeclaration) -> tuple[str, dict[str, Any]] | None:
    """The first key field of a key with no free text field in it, when it is a reference."""
    properties = writable(collection.input_schema)
    references = {
        name: (prop.get("x-drf") or {}).get("exists_in")
        for name, prop in properties.items()
        if name in collection.key
    }
    free = [
        name
        for name in collection.key
        if drf_type(properties.get(name, {})) == TEXT and not references.get(name)
    ]
    first = next((name for name in collection.key if references.get(name)), None)
    if free or first is None:
        return None
    return first, references[first]


def same_value(
    sent: Any, shown: Any, schema: dict[str, Any], kinds: Provenances = NONE, field: str = ""
) -> bool:
    """Whether a presented value is what was sent, as DRF's field would present it. `kinds`: the
    provenance naming `field` (dotted) when its type is decided (the sources type it a number: a
    DecimalField shows "1" as "1.0")."""
    field_type = drf_type(schema)
    if sent is None or shown is None:
        return sent is shown
    if field_type == "decimal" or (field_type == TEXT and kinds.of("type", field).decided):
        try:
            return Decimal(str(sent)) == Decimal(str(shown))
        except InvalidOperation:
            return field_type == TEXT and str(sent) == shown
    if field_type in ("field", "list") and isinstance(sent, list):
        items = schema.get("items") or {}
        return (
            isinstance(shown, list)
            and len(sent) == len(shown)
            and all(same_value(a, b, items, kinds, field) for a, b in zip(sent, shown, strict=True))
        )
    if isinstance(sent, dict):
        inner = f"{field}." if field else ""
        return isinstance(shown, dict) and not differences(sent, shown, schema, kinds, inner)
    if field_type in (TEXT, "url"):
        return str(sent) == shown
    return sent == shown


def differences(
    sent: dict[str, Any],
    shown: dict[str, Any],
    schema: dict[str, Any],
    kinds: Provenances = NONE,
    within: str = "",
) -> list[str]:
    """The sent fields the presented object does not show as sent (fields it does not present are
    not compared: the presented form may leave input fields out)."""
    properties = writable(schema)
    return [
        name
        for name, value in sent.items()
        if name in shown
        and name in properties
        and not same_value(value, shown[name], properties[name], kinds, f"{within}{name}")
    ]
