"""Requests for any declared collection, made from its `x-drf-collection` and its fixtures: the
same promises for every collection (pages, each ordering field both ways, search, detail by key,
nested items, HEAD, OPTIONS, re-upload, bad uploads), so a collection added to the comparison is
covered without writing its requests by hand."""

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mockserver.apis import spec_path
from mockserver.spec.collections import CollectionDeclaration, read_collections
from mockserver.spec.loader import load_spec
from tests.drf_reference.compare import Exchange as X
from tests.drf_reference.resources import API

KEY_SEPARATOR = "_"


def declaration_of(specs: Path, name: str) -> CollectionDeclaration:
    return next(d for d in read_collections(load_spec(spec_path(API, specs))) if d.name == name)


def _url_key(document: dict[str, Any], fields: tuple[str, ...]) -> str:
    return quote(KEY_SEPARATOR.join(str(document[field]) for field in fields), safe="!$&'()*+,;=:@~")


def collection_cases(specs: Path, fixtures: Path, name: str) -> list[X]:
    declaration = declaration_of(specs, name)
    documents = json.loads((fixtures / "datawiz" / declaration.fixtures).read_text(encoding="utf-8"))
    first = documents[0]
    base = declaration.list_path
    # Ties are left to the database by DRF: every ordering ends with the key, as a client that
    # wants a stable order sends it.
    tie_break = ",".join(declaration.key)
    size = declaration.max_page_size
    cases = [
        X(f"{name}: list", "GET", base),
        X(f"{name}: page 2 of 2", "GET", base + "?page=2&page_size=2"),
        X(f"{name}: HEAD list", "HEAD", base),
        X(f"{name}: OPTIONS list", "OPTIONS", base),
    ]
    for field in declaration.ordering:
        for sign in ("", "-"):
            query = f"?ordering={sign}{field},{tie_break}&page_size={size}"
            cases.append(X(f"{name}: ordering {sign}{field}", "GET", base + query))
    for field in declaration.search:
        if first.get(field):
            term = quote(str(first[field])[:8])
            cases.append(X(f"{name}: search by {field}", "GET", f"{base}?search={term}&ordering={tie_break}"))
    if declaration.detail_path:
        key = _url_key(first, declaration.key)
        detail = f"{base}{key}/"
        cases += [
            X(f"{name}: detail", "GET", detail),
            X(f"{name}: detail with a suffix", "GET", f"{base}{key}.json"),
            X(f"{name}: detail, unknown key", "GET", f"{base}{key}x/"),
            X(f"{name}: HEAD detail", "HEAD", detail),
            X(f"{name}: OPTIONS detail", "OPTIONS", detail),
        ]
        for field, nested in declaration.nested.items():
            items = first.get(field) or []
            if items:
                # a numbered item (a document's line) is its place, from 1; no field holds it
                item = "1" if nested.numbered else _url_key(items[0], nested.lookup)
                cases += [
                    X(f"{name}: a {field} item", "GET", f"{detail}{field}/{item}/"),
                    X(f"{name}: a {field} item with a suffix", "GET", f"{detail}{field}/{item}.json"),
                    X(f"{name}: an unknown {field} item", "GET", f"{detail}{field}/999999/"),
                ]
    cases += [
        X(f"{name}: upload an existing one again", "POST", base, json=first),
        X(f"{name}: upload an empty object", "POST", base, json={}),
        X(f"{name}: upload a list with a bad item", "POST", base, json=[first, {}]),
        X(f"{name}: read back", "GET", f"{base}?ordering={tie_break}&page_size={size}"),
    ]
    return cases
