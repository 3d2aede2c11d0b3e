"""Reading a declared DRF collection over HTTP: its URLs from the declaration, pages, walks."""

from typing import Any

from contract_tests.context import Context
from mockserver.drf.judgements import fill_path
from mockserver.spec.catalogue import key_of as composite_key
from mockserver.spec.collections import CollectionDeclaration, NestedResource


def base(ctx: Context) -> str:
    return ctx.target.base_url.rstrip("/")


def key_of(collection: CollectionDeclaration, item: dict[str, Any]) -> str:
    """The detail URL key: the lookup fields' values joined with "_" (Datawiz' composite keys)."""
    return collection.key_of(item)


def detail_path(collection: CollectionDeclaration, key: str) -> str:
    assert collection.detail_path is not None
    return fill_path(collection.detail_path, key)


def nested_path(nested: NestedResource, parent_key: str, item: dict[str, Any]) -> str:
    return fill_path(nested.detail_path, parent_key, composite_key(item[name] for name in nested.lookup))


def get_json(ctx: Context, url: str, operation: str, status: int = 200) -> Any:
    answer = ctx.target.api_call("GET", url)
    ctx.require_status(answer, status, operation, f"expected {status}")
    return ctx.json_of(answer, operation)


def get_object(ctx: Context, collection: CollectionDeclaration, url: str, operation: str) -> dict[str, Any]:
    """A detail read: an object holding the collection's key fields (else a failure saying so)."""
    return object_of(ctx, collection, get_json(ctx, url, operation), operation)


def object_of(ctx: Context, collection: CollectionDeclaration, body: Any, operation: str) -> dict[str, Any]:
    """`body`, once it is an object holding every key field (what the checks read of it)."""
    ctx.shaped(body, dict, operation, "an object")
    for name in collection.key:
        ctx.field(body, name, (str, int, float, type(None)), operation)
    return body


def page_of(ctx: Context, collection: CollectionDeclaration, body: Any, operation: str) -> dict[str, Any]:
    """`body`, once it is a DRF page: `count` a number, `next` and `previous` links or null,
    `results` a list of objects holding the collection's key fields."""
    ctx.field(body, "count", int, operation)
    ctx.field(body, "next", (str, type(None)), operation)
    ctx.field(body, "previous", (str, type(None)), operation)
    for item in ctx.field(body, "results", list, operation):
        object_of(ctx, collection, item, operation)
    return body


def get_page(ctx: Context, collection: CollectionDeclaration, url: str, operation: str) -> dict[str, Any]:
    return page_of(ctx, collection, get_json(ctx, url, operation), operation)


def walk(
    ctx: Context, collection: CollectionDeclaration, first_url: str, operation: str, limit: int = 50
) -> tuple[list[dict], list[dict]]:
    """Follow `next` from the first page (at most `limit` pages); the pages and every result."""
    pages: list[dict] = []
    url: str | None = first_url
    while url and len(pages) < limit:
        page = get_page(ctx, collection, url, operation)
        pages.append(page)
        url = page["next"]
    return pages, [item for page in pages for item in page["results"]]


def first_items(ctx: Context, collection: CollectionDeclaration, size: int = 3) -> list[dict[str, Any]]:
    """A few objects the target holds (its first page), to read and follow."""
    page = get_page(
        ctx, collection, f"{collection.list_path}?page_size={size}", f"GET {collection.list_path}"
    )
    return page["results"][:size]
