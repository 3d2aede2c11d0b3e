"""Datawiz over HTTP: operationId -> handler; documents through the store, URLs from the request."""

import json
from pathlib import Path
from typing import Any

import orjson

from mockserver.apis import ApiModule
from mockserver.apis.datawiz import model
from mockserver.apis.datawiz.oauth import obtain_token
from mockserver.drf.errors import NotFound
from mockserver.drf.metadata import options_metadata
from mockserver.drf.pagination import PagePolicy, page_links, page_request, resolve_page_number
from mockserver.drf.presented import AnswerCache, PresentedDocuments, Presenter
from mockserver.http import ApiRequest, ApiResponse
from mockserver.settings import Settings
from mockserver.store.base import CollectionSpec

PAGE_POLICY = PagePolicy(default_size=20, max_size=1000)


def initial_state(fixtures: Path, settings: Settings) -> dict[str, Any]:
    def read(name: str) -> list[dict[str, Any]]:
        path = fixtures / "datawiz" / name
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []

    return {
        "collections": {
            model.PRODUCTS.name: [model.stored_product(p) for p in read("products.json")],
            model.SHOPS.name: [model.stored_shop(s) for s in read("shops.json")],
            model.RELOCATE_DOCUMENTS.name: [
                model.stored_relocate_document(d) for d in read("relocate-documents.json")
            ],
        }
    }


def _page(request: ApiRequest, collection: CollectionSpec, present: Presenter) -> ApiResponse:
    """DRF's PageNumberPagination over a store query, with OrderingFilter and SearchFilter."""
    store, tenant = request.store, request.require_tenant()
    # A page is a function of the collection's contents and the URL: while the collection does
    # not change, the same URL gets the answer encoded the first time.
    answers: AnswerCache = request.services["answers"]
    key = (tenant, collection.name, store.collection_version(tenant, collection.name), request.full_url)
    cached = answers.get(key)
    if cached is not None:
        return ApiResponse(200, cached)
    query = request.query
    wanted = page_request(query, PAGE_POLICY)
    ordering = model.ordering_terms(query.get("ordering"))
    search = query.get("search")

    def fetch(number: int) -> Any:
        return store.query_documents(
            tenant,
            collection.name,
            ordering=ordering,
            search=search,
            offset=max(0, (number - 1) * wanted.size),
            limit=wanted.size,
            encoded=True,
        )

    guess = int(wanted.number) if wanted.number.lstrip("-").isdigit() else 1
    result = fetch(guess)
    number = resolve_page_number(wanted, result.count)
    if number != guess:
        result = fetch(number)
    following, preceding = page_links(request.full_url, number, result.count, wanted.size)
    results = _presented(request).many(collection.name, result.documents, present, request.base_url)
    page = {"count": result.count, "next": following, "previous": preceding, "results": results}
    return ApiResponse(200, answers.put(key, orjson.dumps(page)))


def _detail(
    request: ApiRequest, collection: CollectionSpec, key_param: str, present: Presenter
) -> ApiResponse:
    stored = request.store.get_document(
        request.require_tenant(), collection.name, request.path_params[key_param], encoded=True
    )
    if stored is None:
        raise NotFound()
    return ApiResponse(200, _presented(request).one(collection.name, stored, present, request.base_url))


def _presented(request: ApiRequest) -> PresentedDocuments:
    return request.services["presented"]


def _upsert(request: ApiRequest, collection: CollectionSpec, documents: list[dict[str, Any]]) -> ApiResponse:
    """The body was validated whole before this runs, so a request is stored all or nothing."""
    counts = request.store.upsert_documents(request.require_tenant(), collection.name, documents)
    headers = {}
    if documents:
        resource = request.path_item.path.strip("/").rsplit("/", 1)[-1]
        headers["Location"] = model.object_url(request.base_url, resource, documents[0][collection.key_field])
    return ApiResponse(201, {"updated": counts.updated, "inserted": counts.inserted}, headers)


def _items(request: ApiRequest) -> list[dict[str, Any]]:
    return request.body if isinstance(request.body, list) else [request.body]


def list_relocate_documents(request: ApiRequest) -> ApiResponse:
    return _page(request, model.RELOCATE_DOCUMENTS, model.present_relocate_document)


def get_relocate_document(request: ApiRequest) -> ApiResponse:
    return _detail(request, model.RELOCATE_DOCUMENTS, "relocate_id", model.present_relocate_document)


def create_relocate_documents(request: ApiRequest) -> ApiResponse:
    # Product references were checked with every other field (x-drf.exists_in in the spec).
    documents = [model.stored_relocate_document(item) for item in _items(request)]
    return _upsert(request, model.RELOCATE_DOCUMENTS, documents)


def list_products(request: ApiRequest) -> ApiResponse:
    return _page(request, model.PRODUCTS, model.present_product)


def get_product(request: ApiRequest) -> ApiResponse:
    return _detail(request, model.PRODUCTS, "product_id", model.present_product)


def create_products(request: ApiRequest) -> ApiResponse:
    return _upsert(request, model.PRODUCTS, [model.stored_product(item) for item in _items(request)])


def list_shops(request: ApiRequest) -> ApiResponse:
    return _page(request, model.SHOPS, model.present_shop)


def get_shop(request: ApiRequest) -> ApiResponse:
    return _detail(request, model.SHOPS, "shop_id", model.present_shop)


def create_shops(request: ApiRequest) -> ApiResponse:
    return _upsert(request, model.SHOPS, [model.stored_shop(item) for item in _items(request)])


def options(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, options_metadata(request.path_item))


API = ApiModule(
    name="datawiz",
    spec_file="datawiz.yaml",
    handlers={
        "obtainToken": obtain_token,
        "listRelocateDocuments": list_relocate_documents,
        "headRelocateDocuments": list_relocate_documents,
        "createRelocateDocuments": create_relocate_documents,
        "optionsRelocateDocuments": options,
        "getRelocateDocument": get_relocate_document,
        "headRelocateDocument": get_relocate_document,
        "optionsRelocateDocument": options,
        "listProducts": list_products,
        "headProducts": list_products,
        "createProducts": create_products,
        "optionsProducts": options,
        "getProduct": get_product,
        "headProduct": get_product,
        "optionsProduct": options,
        "listShops": list_shops,
        "headShops": list_shops,
        "createShops": create_shops,
        "optionsShops": options,
        "getShop": get_shop,
        "headShop": get_shop,
        "optionsShop": options,
    },
    collections=(model.RELOCATE_DOCUMENTS, model.PRODUCTS, model.SHOPS),
    initial_state=initial_state,
)
