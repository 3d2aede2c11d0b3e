"""A collection's stored and presented forms, compiled once from its declared schemas.

Stored: the writable fields of a validated upload (DRF's ModelSerializer keeps what the model
has; absent optional fields become null), list fields of objects likewise, item by item.
Presented: the response schema's properties in their order, each a stored value, a list of
presented items, or a hyperlink (DRF's HyperlinkedIdentityField / HyperlinkedRelatedField) to a
declared collection's detail URL on the host the client addressed.
"""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from mockserver.drf.presented import Presenter
from mockserver.spec.collections import CollectionDeclaration, Hyperlink, NestedResource
from mockserver.store.documents import item_key, key_of

StoredForm = Callable[[dict[str, Any]], dict[str, Any]]
# Django's reverse() percent-encodes a URL argument but for these characters.
URL_SAFE = "!$&'()*+,;=:@~"
# Keys made only of characters quote() keeps (most are): no need to call it, on every URL of a page.
_UNQUOTED_KEY = re.compile(r"[A-Za-z0-9_.~!$&'()*+,;=:@-]*")


def detail_prefix(detail_path: str) -> str:
    """The part of a detail path before its lookup: `/api/v1/shops/{shop_id}/` -> `/api/v1/shops/`."""
    return detail_path[: detail_path.rindex("{")]


def url_key(key: Any) -> str:
    text = str(key)
    return text if _UNQUOTED_KEY.fullmatch(text) is not None else quote(text, safe=URL_SAFE)


def object_url(base: str, prefix: str, key: Any, end: str = "/") -> str:
    """DRF's reverse() of a detail route: `end` is "/" or, under a format suffix, ".json"."""
    return f"{base}{prefix}{url_key(key)}{end}"


def nested_url(base: str, detail_path: str, parent_key: Any, item_key: Any, end: str = "/") -> str:
    """DRF's reverse() of a nested item's route: `/docs/{doc}/products/{line}/` -> the item's URL."""
    prefix, rest = detail_path.split("{", 1)
    middle = rest.split("}", 1)[1].split("{", 1)[0]
    return f"{base}{prefix}{url_key(parent_key)}{middle}{url_key(item_key)}{end}"


def compile_stored_form(input_schema: dict[str, Any]) -> StoredForm:
    fields: list[tuple[str, StoredForm | None]] = []
    for name, prop in (input_schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or prop.get("readOnly"):
            continue
        items = prop.get("items")
        nested = compile_stored_form(items) if isinstance(items, dict) and "properties" in items else None
        fields.append((name, nested))

    def stored(cleaned: dict[str, Any]) -> dict[str, Any]:
        document = {}
        for name, nested in fields:
            value = cleaned.get(name)
            if nested is not None and isinstance(value, list):
                value = [nested(item) for item in value]
            document[name] = value
        return document

    return stored


def compile_presenter(
    declaration: CollectionDeclaration, prefixes: dict[str, str], schema: dict[str, Any] | None = None
) -> Presenter:
    """`prefixes` maps every declared collection with a detail path to its detail prefix."""
    schema = declaration.presented_schema if schema is None else schema
    own_links = {link.field: link for link in declaration.hyperlinks if not link.within}
    return _object_presenter(declaration, prefixes, schema, own_links, nested_lists=True)


ItemPresenter = Callable[[dict[str, Any], str, str, str], dict[str, Any]]


def compile_item_presenter(
    declaration: CollectionDeclaration, prefixes: dict[str, str], field: str
) -> ItemPresenter:
    """The presenter of one item of a nested list field (served at its own detail path): the
    item, the base URL, the end of URLs and the parent's key."""
    items = declaration.presented_schema["properties"][field]["items"]
    links = {link.field: link for link in declaration.hyperlinks if link.within == field}
    return _item_presenter(declaration, prefixes, items, links, declaration.nested[field])


def _item_presenter(
    declaration: CollectionDeclaration,
    prefixes: dict[str, str],
    schema: dict[str, Any],
    links: dict[str, Hyperlink],
    nested: NestedResource | None,
) -> ItemPresenter:
    item = _object_presenter(declaration, prefixes, schema, links, nested_lists=False)
    own = next((link.field for link in links.values() if not link.source_fields), None)
    if own is None or nested is None:
        return lambda line, base, end, parent_key: item(line, base, end)

    def present(line: dict[str, Any], base: str, end: str, parent_key: str) -> dict[str, Any]:
        shown = item(line, base, end)  # its own URL needs the parent's key: filled here
        shown[own] = nested_url(base, nested.detail_path, parent_key, item_key(line, nested.lookup), end)
        return shown

    return present


def _object_presenter(
    declaration: CollectionDeclaration,
    prefixes: dict[str, str],
    schema: dict[str, Any],
    links: dict[str, Hyperlink],
    nested_lists: bool,
) -> Presenter:
    steps: list[Callable[[dict[str, Any], dict[str, Any], str, str], None]] = []
    for name, prop in (schema.get("properties") or {}).items():
        link = links.get(name)
        if link is not None and (link.source_fields or not link.within):
            steps.append(_link_step(name, link, declaration, prefixes))
            continue
        items = prop.get("items") if isinstance(prop, dict) else None
        if nested_lists and isinstance(items, dict) and "properties" in items:
            item_links = {k.field: k for k in declaration.hyperlinks if k.within == name}
            item = _item_presenter(declaration, prefixes, items, item_links, declaration.nested.get(name))
            steps.append(_list_step(name, item, declaration))
        else:
            steps.append(_value_step(name))

    def present(stored: dict[str, Any], base: str, end: str) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for step in steps:
            step(shown, stored, base, end)
        return shown

    return present


def _value_step(name: str) -> Callable[[dict[str, Any], dict[str, Any], str, str], None]:
    def step(shown: dict[str, Any], stored: dict[str, Any], base: str, end: str) -> None:
        shown[name] = stored.get(name)

    return step


def _list_step(
    name: str, item: ItemPresenter, declaration: CollectionDeclaration
) -> Callable[[dict[str, Any], dict[str, Any], str, str], None]:
    key = declaration.key

    def step(shown: dict[str, Any], stored: dict[str, Any], base: str, end: str) -> None:
        value = stored.get(name)
        if isinstance(value, list):
            parent_key = item_key(stored, key)
            shown[name] = [item(line, base, end, parent_key) for line in value]
        else:
            shown[name] = value

    return step


def _link_step(
    name: str, link: Hyperlink, declaration: CollectionDeclaration, prefixes: dict[str, str]
) -> Callable[[dict[str, Any], dict[str, Any], str, str], None]:
    prefix = prefixes[link.collection]
    sources = link.source_fields or declaration.key

    def step(shown: dict[str, Any], stored: dict[str, Any], base: str, end: str) -> None:
        values = [stored.get(field) for field in sources]
        # A null relation has no URL (DRF renders None for a null related object).
        if any(value is None for value in values):
            shown[name] = None
        else:
            shown[name] = object_url(base, prefix, key_of(values), end)

    return step
