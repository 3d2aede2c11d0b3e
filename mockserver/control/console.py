"""Control operations behind the web console: its files, the spec documents, the tenants and a
page of any collection (the rest of what it shows comes from the generic control operations)."""

import re
from typing import Any

from mockserver.auth.tokens import AUTH_TENANT
from mockserver.console import asset_headers, console_asset
from mockserver.control import CONTROL_PREFIX
from mockserver.drf.errors import NotFound, ValidationFailed
from mockserver.http import ApiRequest, ApiResponse, RawBody

MAX_PAGE_SIZE = 500
NAME_A_TENANT = "Name a tenant with X-Mockserver-Tenant, Authorization or X-Mockserver-Namespace."


def get_console(request: ApiRequest) -> ApiResponse:
    return get_console_asset(request, "index.html")


def get_console_asset(request: ApiRequest, name: str | None = None) -> ApiResponse:
    name = name or request.path_params["asset"]
    asset = console_asset(name)
    if asset is None:
        raise NotFound()
    return ApiResponse(200, asset, asset_headers(name))


def list_spec_documents(request: ApiRequest) -> ApiResponse:
    documents = [
        {
            "api": spec.name,
            "title": str(spec.document["info"]["title"]),
            "version": str(spec.document["info"]["version"]),
            "json": f"{CONTROL_PREFIX}/specs/{spec.name}.json",
            "yaml": f"{CONTROL_PREFIX}/specs/{spec.name}.yaml",
        }
        for spec in request.app.catalogue.specs
    ]
    return ApiResponse(200, {"documents": documents})


def get_spec_document(request: ApiRequest) -> ApiResponse:
    api, _, form = request.path_params["document"].rpartition(".")
    spec = next((spec for spec in request.app.catalogue.specs if spec.name == api), None)
    if spec is None or form not in ("json", "yaml"):
        raise NotFound()
    # The file as shipped ($refs kept): what a reader or a code generator expects. No `servers`
    # in it, so Swagger UI's "try it out" goes to the host that served the document: this fake.
    text = spec.source.read_bytes()
    if form == "yaml":
        return ApiResponse(200, RawBody(text, "application/yaml"))
    import yaml  # only when a document is read: its import is a few percent of start-up

    return ApiResponse(200, with_tags(yaml.safe_load(text)))


# A versioned API prefix, or the control API's own
_VERSIONED = re.compile(r"^/(?:api/[a-z]?\d+|__mockserver__)/")


def operation_tag(path: str) -> str:
    """The group an operation is shown in, as DRF schema generators name it (drf-spectacular's
    tags): the first path segment after the API's versioned prefix (`/api/v1/receipts/{receipt}/
    cartitems/` -> `receipts`, a collection with its details and nested items), `_` read as `-`.
    A path outside a versioned prefix keeps all its literal segments (`/api/o/token/` -> `o/token`)."""
    versioned = _VERSIONED.match(path)
    rest = path[versioned.end() :] if versioned else path.removeprefix("/api/")
    # a segment's format suffix (`things.{format}`) is not part of its name
    literal = [name for name in (part.split(".")[0] for part in rest.split("/")) if name and "{" not in name]
    if not literal:
        return "api"
    return (literal[0] if versioned else "/".join(literal)).replace("_", "-")


def with_tags(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every untagged operation grouped by `operation_tag`, so Swagger UI shows
    one section per collection instead of every operation under "default"."""
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items():
            if method in _METHODS and isinstance(operation, dict) and not operation.get("tags"):
                operation["tags"] = [operation_tag(path)]
    return document


_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def list_tenants(request: ApiRequest) -> ApiResponse:
    store = request.store
    known = [tenant for tenant in store.tenants() if tenant != AUTH_TENANT]
    if request.tenant is not None:  # a call that names a tenant sees that tenant only
        known = [tenant for tenant in known if tenant == request.tenant]
    names = request.app.catalogue.store_names

    def counts(tenant: str) -> dict[str, int]:
        return {name: store.query_documents(tenant, name, limit=0).count for name in names}

    hint = request.app.auth.hint
    tenants = [
        {"id": tenant, **({"hint": hint(tenant)} if hint(tenant) else {}), "collections": counts(tenant)}
        for tenant in known
    ]
    return ApiResponse(200, {"tenants": tenants})


def _positive(query: dict[str, str], name: str, default: int, most: int | None = None) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1 or (most is not None and number > most):
        limit = f" and at most {most}" if most is not None else ""
        raise ValidationFailed({name: [f"Ensure this is a whole number of at least 1{limit}."]})
    return number


def get_collection_page(request: ApiRequest) -> ApiResponse:
    if request.tenant is None:
        raise ValidationFailed({"non_field_errors": [NAME_A_TENANT]})
    collection = request.path_params["collection"]
    if collection not in request.app.catalogue.store_names:
        raise NotFound(f"mockserver: no collection {collection!r}.")
    page = _positive(request.query, "page", 1)
    page_size = _positive(request.query, "page_size", 50, MAX_PAGE_SIZE)
    request.app.tenants.ensure_tenant(request.tenant)
    found = request.store.query_documents(
        request.tenant,
        collection,
        search=request.query.get("search") or None,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    result: dict[str, Any] = {
        "collection": collection,
        "count": found.count,
        "page": page,
        "page_size": page_size,
        "results": found.documents,
    }
    return ApiResponse(200, result)


HANDLERS = {
    "getConsole": get_console,
    "getConsoleAsset": get_console_asset,
    "listSpecDocuments": list_spec_documents,
    "getSpecDocument": get_spec_document,
    "listTenants": list_tenants,
    "getCollectionPage": get_collection_page,
}
