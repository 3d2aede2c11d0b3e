"""Realistic drifts of a deployment from its documents, each one thing wrong, made by wrapping the
faithful fake. The suite must fail on every one of them and pass on the fake itself."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from mockserver.apis import catalogue as served

Json = Any
Asgi = Callable[..., Any]


@dataclass
class Answer:
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes
    query: dict[str, str] = field(default_factory=dict)  # what the client asked (before any rewrite)

    def json(self) -> Json:
        return (
            json.loads(self.body)
            if self.body and self.headers.get("content-type", "").startswith("application/json")
            else None
        )

    def set_json(self, value: Json) -> None:
        self.body = json.dumps(value).encode()
        self.headers["content-type"] = "application/json"


@dataclass
class Drift:
    name: str
    api: str
    description: str
    rewrite_query: Callable[[dict[str, str]], dict[str, str]] | None = None
    rewrite_answer: Callable[[Answer], None] | None = None
    # (method, path) -> whether the deployment serves it without checking credentials
    unguarded: Callable[[str, str], bool] | None = None
    rewrite_request: Callable[[str, bytes], bytes] | None = None
    state: dict[str, Any] = field(default_factory=dict)
    query_path: str | None = None  # rewrite_query applies only where the path holds this
    caught_by: str | None = None  # the check (name prefix) that must name this drift
    # A drift on a behaviour the project decided (the sources are silent or disagree): the suite
    # notes it with that decision and fails only when the run pins decisions.
    decided: str | None = None  # the decision's id


def _on_json(
    path_part: str, change: Callable[[Json], Json], status: int | None = None
) -> Callable[[Answer], None]:
    def rewrite(answer: Answer) -> None:
        data = answer.json()
        if path_part in answer.path and data is not None and (status is None or answer.status == status):
            answer.set_json(change(data))

    return rewrite


def _documents(change: Callable[[dict], dict]) -> Callable[[Answer], None]:
    """Apply a change to every relocate document in a page or a detail answer."""

    def rewrite(answer: Answer) -> None:
        data = answer.json()
        if "/relocate-documents" not in answer.path or answer.status != 200 or not isinstance(data, dict):
            return
        if "results" in data:
            data["results"] = [change(dict(d)) for d in data["results"]]
        elif "relocate_id" in data:
            data = change(data)
        answer.set_json(data)

    return rewrite


def _without(name: str) -> Callable[[dict[str, str]], dict[str, str]]:
    return lambda query: {k: v for k, v in query.items() if k != name}


def _title_case(data: Json) -> Json:
    return {**data, "result": str(data.get("result", "")).title()}


def _never_finishes(data: Json) -> Json:
    task = served().api("akinon").task
    return {**data, "result": task.running} if data.get("result") not in (task.idle, None) else data


def _execute_200(answer: Answer) -> None:
    if answer.path.endswith("/execute/") and answer.status == 204:
        answer.status = 200
        answer.set_json({})


def _count_off(data: Json) -> Json:
    return {**data, "count": data["count"] + 1} if "count" in data else data


def _no_next(data: Json) -> Json:
    return {**data, "next": None} if "next" in data else data


def _decimals_as_numbers(document: dict) -> dict:
    document["price_total"] = float(document["price_total"])
    return document


def _drop_url(document: dict) -> dict:
    document.pop("url", None)
    return document


def _swap_counts(data: Json) -> Json:
    return {"updated": data["inserted"], "inserted": data["updated"]} if "inserted" in data else data


def _accept_missing_products(answer: Answer) -> None:
    if answer.method == "POST" and answer.status == 400 and b"does not exist" in answer.body:
        answer.status = 201
        answer.set_json({"updated": 0, "inserted": 1})


def _accept_missing(path_part: str, field_name: str) -> Callable[[Answer], None]:
    """A serializer that lost one related field's existence check (a plain CharField)."""

    def rewrite(answer: Answer) -> None:
        errors = answer.body.decode(errors="replace")
        if (
            answer.method == "POST"
            and path_part in answer.path
            and answer.status == 400
            and f"Object with {field_name}=" in errors
        ):
            answer.status = 201
            answer.set_json({"updated": 0, "inserted": 1})

    return rewrite


def _errors_as_text(answer: Answer) -> None:
    if answer.status == 400 and answer.method == "POST":
        answer.body = b"Bad Request"
        answer.headers["content-type"] = "text/plain"


def _single_errors_as_list(answer: Answer) -> None:
    data = answer.json()
    if answer.status == 400 and isinstance(data, dict) and "detail" not in data:
        answer.set_json([data])


def _intermittent_5xx(drift: "Drift") -> Callable[[Answer], None]:
    def rewrite(answer: Answer) -> None:
        drift.state["n"] = drift.state.get("n", 0) + 1
        if drift.state["n"] % 4 == 0 and answer.path.startswith("/api/"):
            answer.status = 502
            answer.set_json({"detail": "Bad gateway"})

    return rewrite


def _text_plain(answer: Answer) -> None:
    if answer.headers.get("content-type", "").startswith("application/json") and answer.path.startswith(
        "/api/"
    ):
        answer.headers["content-type"] = "text/plain"


def _no_actions(data: Json) -> Json:
    return {k: v for k, v in data.items() if k != "actions"}


def _options_only(change: Callable[[Json], Json]) -> Callable[[Answer], None]:
    def rewrite(answer: Answer) -> None:
        data = answer.json()
        if answer.method == "OPTIONS" and isinstance(data, dict):
            answer.set_json(change(data))

    return rewrite


def _allow_without_post(answer: Answer) -> None:
    if answer.path.rstrip("/").endswith("relocate-documents") and "allow" in answer.headers:
        answer.headers["allow"] = "GET, HEAD, OPTIONS"


def _renamed_404(answer: Answer) -> None:
    if answer.status == 404 and answer.json() is not None:
        answer.set_json({"error": "not found"})


def _status_code_200_for_create(answer: Answer) -> None:
    if answer.method == "POST" and answer.status == 201:
        answer.status = 200


def _is_required_boolean(data: Json) -> Json:
    return {**data, "result": data.get("result") == "true"}


def _everywhere(method: str, path: str) -> bool:
    return True


def _internal_host(document: dict) -> dict:
    # Behind a proxy that does not pass the Host on, DRF builds links on the internal address.
    for key, value in document.items():
        if (key == "url" or key.endswith("_url")) and isinstance(value, str):
            document[key] = "http://10.0.0.12:8000/" + value.split("/", 3)[3]
    return document


def _no_previous(data: Json) -> Json:
    return {**data, "previous": None} if "previous" in data else data


def _always_required(data: Json) -> Json:
    return {**data, "result": "true"}


def _ready_while_working(data: Json) -> Json:
    task = served().api("akinon").task
    return {**data, "result": task.idle} if data.get("result") == task.running else data


def _uploaded(body: bytes) -> list[dict]:
    try:
        data = json.loads(body)
    except ValueError:
        return []
    return [item for item in (data if isinstance(data, list) else [data]) if isinstance(item, dict)]


def _merge_replacements(drift: Drift) -> Callable[[str, bytes], bytes]:
    """A replacement keeps the stored document's lines and adds the new ones (an update, not a replace)."""

    def rewrite(path: str, body: bytes) -> bytes:
        if not path.endswith("/relocate-documents/"):
            return body
        items = _uploaded(body)
        for item in items:
            lines = item.get("products")
            if isinstance(lines, list):
                earlier = drift.state.setdefault("lines", {}).get(item.get("relocate_id"), [])
                drift.state["lines"][item.get("relocate_id")] = list(lines)
                item["products"] = [line for line in earlier if line not in lines] + lines
        return json.dumps(items if body.lstrip().startswith(b"[") else items[0]).encode() if items else body

    return rewrite


def _remember_prices(drift: Drift) -> Callable[[str, bytes], bytes]:
    def remember(path: str, body: bytes) -> bytes:
        if path.endswith("/relocate-documents/"):
            for item in _uploaded(body):
                for index, line in enumerate(item.get("products") or []):
                    if isinstance(line, dict) and line.get("price") is not None:
                        drift.state[f"{item.get('relocate_id')}#{index}"] = str(line["price"])
        return body

    return remember


def _prices_as_sent(drift: Drift) -> Callable[[dict], dict]:
    """The line price is echoed as posted: the document's price rule is not applied."""

    def change(document: dict) -> dict:
        for index, line in enumerate(document.get("products") or []):
            sent = drift.state.get(f"{document.get('relocate_id')}#{index}")
            if sent is not None:
                line["price"] = f"{float(sent):.4f}"
        return document

    return change


def _ordering_without(name: str) -> Callable[[dict[str, str]], dict[str, str]]:
    """A view whose ordering_fields lost one field: DRF ignores an ordering it does not allow."""

    def rewrite(query: dict[str, str]) -> dict[str, str]:
        terms = [t for t in query.get("ordering", "").split(",") if t.strip().lstrip("-") != name]
        return {
            **{k: v for k, v in query.items() if k != "ordering"},
            **({"ordering": ",".join(terms)} if terms else {}),
        }

    return rewrite


def _search_without(path_part: str, field_name: str, others: tuple[str, ...]) -> Callable[[Answer], None]:
    """A view whose search_fields lost one field: what only that field matched is not found."""

    def rewrite(answer: Answer) -> None:
        data, term = answer.json(), answer.query.get("search", "").lower()
        if path_part not in answer.path or not term or not isinstance(data, dict) or "results" not in data:
            return
        kept = [i for i in data["results"] if any(term in str(i.get(f) or "").lower() for f in others)]
        data["count"] -= len(data["results"]) - len(kept)
        answer.set_json({**data, "results": kept})

    return rewrite


def _objects(path_part: str, change: Callable[[dict], dict]) -> Callable[[Answer], None]:
    """Apply a change to every object in a page or a detail answer of one collection."""

    def rewrite(answer: Answer) -> None:
        data = answer.json()
        if path_part not in answer.path or answer.status != 200 or not isinstance(data, dict):
            return
        answer.set_json(
            {**data, "results": [change(dict(d)) for d in data["results"]]}
            if "results" in data
            else change(data)
        )

    return rewrite


def _url_without_slash(item: dict) -> dict:
    return {**item, "url": item["url"].rstrip("/")} if isinstance(item.get("url"), str) else item


def _next_without_page_size(data: Json) -> Json:
    if not data.get("next"):
        return data
    head, _, query = data["next"].partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "page_size"]
    return {**data, "next": f"{head}?{urlencode(kept)}"}


def _text_html(answer: Answer) -> None:
    """A deployment whose renderers put the browsable API first (or mislabel JSON): JSON bodies
    reach a client that never asked for HTML labelled text/html."""
    if answer.headers.get("content-type", "").startswith("application/json") and answer.path.startswith(
        "/api/"
    ):
        answer.headers["content-type"] = "text/html; charset=utf-8"


def _remember_uploaded(drift: Drift, path_part: str, key: str) -> Callable[[str, bytes], bytes]:
    def remember(path: str, body: bytes) -> bytes:
        if path.endswith(path_part + "/"):
            drift.state.setdefault("keys", set()).update(str(i.get(key)) for i in _uploaded(body))
        return body

    return remember


def _uploaded_not_found(drift: Drift, path_part: str) -> Callable[[Answer], None]:
    """Uploads are accepted, but a detail read of what was uploaded answers 404 (another
    database behind the reads, a lost write)."""

    def rewrite(answer: Answer) -> None:
        _, _, rest = answer.path.partition(path_part + "/")
        key = rest.rstrip("/").removesuffix(".json")
        if answer.method == "GET" and answer.status == 200 and key in drift.state.get("keys", ()):
            answer.status = 404
            answer.set_json({"detail": "Not found."})

    return rewrite


def _default_page_size(size: int) -> Callable[[dict[str, str]], dict[str, str]]:
    """A pagination class with another page_size (a page without ?page_size= holds `size`)."""
    return lambda query: query if "page_size" in query else {**query, "page_size": str(size)}


def _instance_allows_writes(answer: Answer) -> None:
    """A ModelViewSet instance: PUT, PATCH and DELETE allowed on every detail view."""
    allow = answer.headers.get("allow", "")
    if allow == "GET, HEAD, OPTIONS":
        answer.headers["allow"] = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"


def _pages_upload_answer(answer: Answer) -> None:
    """The client pages' upload answer, `{"results": {"updated", "created"}}`."""
    data = answer.json()
    if answer.method == "POST" and answer.status == 201 and isinstance(data, dict) and "inserted" in data:
        answer.set_json({"results": {"updated": data["updated"], "created": data["inserted"]}})


def _no_upload_location(path_part: str) -> Callable[[Answer], None]:
    """A bulk upload written as its own `create`: no `Location` (only the relocate seed shows one)."""

    def rewrite(answer: Answer) -> None:
        if answer.method == "POST" and answer.status == 201 and answer.path.startswith(path_part):
            answer.headers.pop("location", None)

    return rewrite


def _options_required(path_part: str, field: str, required: bool) -> Callable[[Answer], None]:
    """OPTIONS marks `field` (dotted: a nested list's item field) required or not."""

    def rewrite(answer: Answer) -> None:
        data = answer.json()
        if answer.method != "OPTIONS" or answer.path != path_part or not isinstance(data, dict):
            return
        described = data.get("actions", {}).get("POST", {})  # none in a 401's body
        *outer, name = field.split(".")
        for part in outer:
            described = described.get(part, {}).get("child", {}).get("children", {})
        if name in described:
            described[name]["required"] = required
            answer.set_json(data)

    return rewrite


def _no_slash_suffix(path_part: str) -> Callable[[Answer], None]:
    """Stock DRF's suffix patterns: `/things.json` is served, the seed's `/things/.json/` is a 404."""

    def rewrite(answer: Answer) -> None:
        if answer.path.startswith(path_part) and answer.path.endswith("/.json/"):
            answer.status = 404
            answer.set_json({"detail": "Not found."})

    return rewrite


def _ready_after_outcome(drift: Drift) -> Callable[[Answer], None]:
    """ "No active task: READY" read literally: an outcome is reported once, then READY."""

    def rewrite(answer: Answer) -> None:
        task = served().api("akinon").task
        if answer.path.endswith("/execute/") and answer.method == "POST":
            drift.state["reported"] = False
            return
        data = answer.json()
        if "get_async_status" not in answer.path or not isinstance(data, dict):
            return
        if data.get("result") in task.outcomes:
            if drift.state.get("reported"):
                answer.set_json({**data, "result": task.idle})
            drift.state["reported"] = True

    return rewrite


def _line_prices_zero(document: dict) -> dict:
    for line in document.get("products") or []:
        if isinstance(line, dict) and "price" in line:
            line["price"] = "0.0000"
    return document


def _field_errors_as_detail(answer: Answer) -> None:
    data = answer.json()
    if answer.method == "POST" and answer.status == 400 and data is not None and "detail" not in data:
        answer.set_json({"detail": "invalid"})


def _failed_instead_of_finished(data: Json) -> Json:
    """The outcome that copies everything reported as one that does not (FINISHED as FAILED)."""
    task = served().api("akinon").task
    complete = next(state for state, copies in task.outcomes.items() if copies == "all")
    partial = next(state for state, copies in task.outcomes.items() if copies != "all")
    return {**data, "result": partial} if data.get("result") == complete else data


def observed_drifts() -> list[Drift]:
    """Drifts an ordinary client session shows to an observer (issue #23): a label, a lost
    write, a changed value, an error body of the wrong cause, two endpoints that disagree."""
    lost = Drift(
        "uploaded_document_not_found",
        "datawiz",
        "a relocate document whose upload was accepted answers 404 on its detail URL",
    )
    lost.rewrite_request = _remember_uploaded(lost, "/relocate-documents", "relocate_id")
    lost.rewrite_answer = _uploaded_not_found(lost, "/relocate-documents")
    return [
        Drift(
            "datawiz_json_as_text_html",
            "datawiz",
            "JSON answers say Content-Type: text/html to clients that did not ask for HTML",
            rewrite_answer=_text_html,
        ),
        Drift(
            "akinon_json_as_text_html",
            "akinon",
            "JSON answers say Content-Type: text/html to clients that did not ask for HTML",
            rewrite_answer=_text_html,
        ),
        lost,
        Drift(
            "line_price_read_back_zero",
            "datawiz",
            "a relocate document's line prices read back as 0.0000",
            rewrite_answer=_documents(_line_prices_zero),
        ),
        Drift(
            "field_errors_as_detail",
            "datawiz",
            'a refused upload of a well-formed body answers {"detail": "invalid"}, not its field errors',
            rewrite_answer=_field_errors_as_detail,
        ),
        Drift(
            "failed_with_nothing_left",
            "akinon",
            'a task that copied everything reports FAILED while is_required says "false"',
            rewrite_answer=_on_json("get_async_status", _failed_instead_of_finished),
        ),
    ]


def decided_drifts() -> list[Drift]:
    """A deployment that decided otherwise where the sources are silent or disagree, as a DRF
    developer would by default: noted by the named promise with the decision, never failed
    (unless the run pins decisions)."""
    ready = Drift(
        "ready_after_outcome",
        "akinon",
        "an ended task reports READY after its outcome was read once",
        caught_by="akinon.task_lifecycle",
        decided="akinon#8",
    )
    ready.rewrite_answer = _ready_after_outcome(ready)
    return [
        Drift(
            "products_default_page_size_10",
            "datawiz",
            "a products page without page_size holds 10 (DRF's tutorial), not 20",
            rewrite_query=_default_page_size(10),
            query_path="/api/v1/products",
            caught_by="collection.page_shape[products]",
            decided="datawiz#17",
        ),
        Drift(
            "products_without_slash_suffix",
            "datawiz",
            "products are not served at the seed's /products/.json/ form (stock DRF routes)",
            rewrite_answer=_no_slash_suffix("/api/v1/products/"),
            caught_by="collection.suffixes[products]",
            decided="datawiz#11",
        ),
        Drift(
            "instances_allow_writes",
            "datawiz",
            "instance views allow PUT, PATCH and DELETE (a ModelViewSet)",
            rewrite_answer=_instance_allows_writes,
            caught_by="collection.options[relocate-documents]",
            decided="datawiz#10",
        ),
        Drift(
            "pages_upload_answer",
            "datawiz",
            'uploads answer {"results": {"updated", "created"}} (the client pages)',
            rewrite_answer=_pages_upload_answer,
            caught_by="datawiz.documented_upload",
            decided="datawiz#25",
        ),
        Drift(
            "shops_search_ignores_address",
            "datawiz",
            "shop search no longer looks at address (no source names it)",
            rewrite_answer=_search_without("/api/v1/shops", "address", ("shop_id", "name")),
            caught_by="collection.search[shops.address]",
            decided="datawiz-resources#C4",
        ),
        Drift(
            "receipts_ordering_by_date_ignored",
            "datawiz",
            "receipts ignore ?ordering=date (no source names it; the view's ordering_fields lack it)",
            rewrite_query=_ordering_without("date"),
            query_path="/api/v1/receipts",
            caught_by="collection.ordering_own[receipts.date]",
            decided="datawiz-resources#C4",
        ),
        Drift(
            "terminals_ordering_by_shop_ignored",
            "datawiz",
            "terminals ignore ?ordering=shop_id (no source names it; the view's ordering_fields lack it)",
            rewrite_query=_ordering_without("shop_id"),
            query_path="/api/v1/terminals",
            caught_by="collection.ordering_own[terminals.shop_id]",
            decided="datawiz-resources#C4",
        ),
        Drift(
            "loss_documents_search_ignores_note",
            "datawiz",
            "loss document search no longer looks at note (no source names it)",
            rewrite_answer=_search_without("/api/v1/loss-documents", "note", ("document_id", "shop_id")),
            caught_by="collection.search_own[loss-documents.note]",
            decided="datawiz-resources#C4",
        ),
        Drift(
            "products_upload_without_location",
            "datawiz",
            "a products upload answers 201 with no Location (only the relocate seed shows one)",
            rewrite_answer=_no_upload_location("/api/v1/products"),
            caught_by="collection.upsert_counts[products]",
            decided="datawiz-resources#C11",
        ),
        Drift(
            "categories_parent_required",
            "datawiz",
            "OPTIONS says a category's parent_id is required (the POST table does; the answer's does not)",
            rewrite_answer=_options_required("/api/v1/categories/", "parent_id", True),
            caught_by="collection.options[categories]",
            decided="datawiz-resources#2",
        ),
        Drift(
            "relocate_line_price_optional",
            "datawiz",
            "OPTIONS says a line's price is optional (the seed's table does; its OPTIONS example does not)",
            rewrite_answer=_options_required("/api/v1/relocate-documents/", "products.price", False),
            caught_by="datawiz.documented_options",
            decided="datawiz#4",
        ),
        ready,
    ]


def collection_drifts() -> list[Drift]:
    """Drifts on the declared collections (products, shops, receipts, loss documents), each named
    with the promise that must see it."""
    return [
        Drift(
            "products_ordering_by_name_ignored",
            "datawiz",
            "products ignore ?ordering=name (the view's ordering_fields lost it)",
            rewrite_query=_ordering_without("name"),
            query_path="/api/v1/products",
            caught_by="collection.ordering_own[products.name]",
        ),
        Drift(
            "products_url_without_trailing_slash",
            "datawiz",
            "product url fields lack the router's trailing slash",
            rewrite_answer=_objects("/api/v1/products", _url_without_slash),
            caught_by="collection.links[products]",
        ),
        Drift(
            "shops_count_off_by_one",
            "datawiz",
            "shop pages count one too many",
            rewrite_answer=_on_json("/api/v1/shops", _count_off, 200),
            caught_by="collection.page_shape[shops]",
        ),
        Drift(
            "products_next_drops_page_size",
            "datawiz",
            "a products page's next link drops page_size",
            rewrite_answer=_on_json("/api/v1/products", _next_without_page_size, 200),
            caught_by="collection.page_walk[products]",
        ),
        Drift(
            "receipts_accept_missing_terminals",
            "datawiz",
            "receipts naming a terminal that does not exist are accepted",
            rewrite_answer=_accept_missing("/api/v1/receipts", "terminal_id"),
            caught_by="collection.related_must_exist[receipts]",
        ),
        Drift(
            "category_managers_access_count_stale",
            "datawiz",
            "a manager's access_count never counts its access list (always 0)",
            rewrite_answer=_objects("/api/v1/category-managers", lambda m: {**m, "access_count": 0}),
            caught_by="collection.derived_values[category-managers]",
        ),
    ]


def catalogue() -> list[Drift]:
    drifts = [
        Drift(
            "status_title_case",
            "akinon",
            'get_async_status answers every state title-cased: "Working", "Finished" ("Ready" alone is the document\'s own spelling, a note)',
            rewrite_answer=_on_json("get_async_status", _title_case),
        ),
        Drift(
            "renamed_result_key",
            "akinon",
            'the status key is "reuslt", as the document\'s typo',
            rewrite_answer=_on_json("get_async_status", lambda d: {"reuslt": d.get("result")}),
        ),
        Drift(
            "is_required_boolean",
            "akinon",
            "is_required answers a JSON boolean",
            rewrite_answer=_on_json("is_required", _is_required_boolean),
        ),
        Drift(
            "execute_returns_200",
            "akinon",
            "execute answers 200 with a body instead of 204",
            rewrite_answer=_execute_200,
        ),
        Drift(
            "task_never_finishes",
            "akinon",
            "a started task stays WORKING forever",
            rewrite_answer=_on_json("get_async_status", _never_finishes),
        ),
        Drift(
            "akinon_auth_not_enforced",
            "akinon",
            "requests without credentials are served",
            unguarded=_everywhere,
        ),
        Drift(
            "akinon_json_as_text_plain",
            "akinon",
            "JSON answers say Content-Type: text/plain",
            rewrite_answer=_text_plain,
        ),
        Drift(
            "count_off_by_one",
            "datawiz",
            "page counts are one too many",
            rewrite_answer=_on_json("/relocate-documents", _count_off, 200),
        ),
        Drift(
            "next_link_missing",
            "datawiz",
            "pages never link to the next one",
            rewrite_answer=_on_json("/relocate-documents", _no_next, 200),
        ),
        Drift("ignores_page_size", "datawiz", "page_size is ignored", rewrite_query=_without("page_size")),
        Drift("ignores_search", "datawiz", "search is ignored", rewrite_query=_without("search")),
        Drift("ignores_ordering", "datawiz", "ordering is ignored", rewrite_query=_without("ordering")),
        Drift(
            "decimals_as_numbers",
            "datawiz",
            "price_total is a JSON number",
            rewrite_answer=_documents(_decimals_as_numbers),
        ),
        Drift("missing_url_field", "datawiz", "documents have no url", rewrite_answer=_documents(_drop_url)),
        Drift(
            "wrong_upsert_counts",
            "datawiz",
            "inserted and updated are swapped",
            rewrite_answer=_on_json("/relocate-documents", _swap_counts, 201),
        ),
        Drift(
            "missing_product_check",
            "datawiz",
            "documents naming missing products are accepted",
            rewrite_answer=_accept_missing_products,
        ),
        Drift(
            "errors_as_plain_text",
            "datawiz",
            "validation errors are plain text",
            rewrite_answer=_errors_as_text,
        ),
        Drift(
            "single_errors_as_list",
            "datawiz",
            "a single object's errors come as a list",
            rewrite_answer=_single_errors_as_list,
        ),
        Drift(
            "datawiz_auth_not_enforced",
            "datawiz",
            "requests without credentials are served",
            unguarded=_everywhere,
        ),
        Drift(
            "options_without_actions",
            "datawiz",
            "OPTIONS has no actions",
            rewrite_answer=_options_only(_no_actions),
        ),
        Drift(
            "allow_without_post",
            "datawiz",
            "the collection's Allow omits POST",
            rewrite_answer=_allow_without_post,
        ),
        Drift("renamed_404_detail", "datawiz", '404 bodies are {"error": ...}', rewrite_answer=_renamed_404),
        Drift(
            "create_answers_200",
            "datawiz",
            "uploads answer 200 instead of 201",
            rewrite_answer=_status_code_200_for_create,
        ),
        Drift(
            "datawiz_json_as_text_plain",
            "datawiz",
            "JSON answers say Content-Type: text/plain",
            rewrite_answer=_text_plain,
        ),
    ]
    drifts += [
        Drift(
            "execute_unguarded",
            "akinon",
            "execute/ starts a task without credentials (only that view lost its permission class)",
            unguarded=lambda method, path: method == "POST" and path.endswith("/execute/"),
        ),
        Drift(
            "is_required_stays_true",
            "akinon",
            'is_required keeps answering "true" after a finished setup',
            rewrite_answer=_on_json("is_required", _always_required),
        ),
        Drift(
            "ready_while_working",
            "akinon",
            "a running task reports READY",
            rewrite_answer=_on_json("get_async_status", _ready_while_working),
        ),
        Drift(
            "options_unguarded",
            "datawiz",
            "OPTIONS is answered without credentials",
            unguarded=lambda method, path: method == "OPTIONS",
        ),
        Drift(
            "url_on_internal_host",
            "datawiz",
            "url fields point at the internal host, not the host asked",
            rewrite_answer=_documents(_internal_host),
        ),
        Drift(
            "previous_link_missing",
            "datawiz",
            "pages never link back to the previous one",
            rewrite_answer=_on_json("/relocate-documents", _no_previous, 200),
        ),
    ]
    merging = Drift("replace_merges_lines", "datawiz", "a replaced document keeps its old lines")
    merging.rewrite_request = _merge_replacements(merging)
    echoing = Drift("line_price_not_computed", "datawiz", "the line price rule is not applied")
    echoing.rewrite_request = _remember_prices(echoing)
    echoing.rewrite_answer = _documents(_prices_as_sent(echoing))
    drifts += [merging, echoing, *collection_drifts(), *observed_drifts(), *decided_drifts()]
    for api in ("akinon", "datawiz"):
        flaky = Drift(f"{api}_intermittent_5xx", api, "every fourth API answer is a 502")
        flaky.rewrite_answer = _intermittent_5xx(flaky)
        drifts.append(flaky)
    return drifts


class DriftedApp:
    """ASGI: the fake with one drift applied to what goes in and what comes out."""

    def __init__(self, app: Asgi, drift: Drift, valid_key: str = "drift-injected") -> None:
        # `valid_key`: what an unenforcing deployment effectively serves an anonymous request as.
        self.app, self.drift, self.valid_key = app, drift, valid_key.encode()
        self.state = getattr(app, "state", None)

    async def __call__(self, scope: dict, receive: Asgi, send: Asgi) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        asked = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        if self.drift.rewrite_query and (self.drift.query_path or "") in scope["path"]:
            scope["query_string"] = urlencode(self.drift.rewrite_query(dict(asked))).encode()
        unguarded = self.drift.unguarded and self.drift.unguarded(scope["method"], scope["path"])
        if unguarded and not any(k == b"authorization" for k, _ in scope["headers"]):
            keyword = served().api(self.drift.api).auth_keyword.encode()
            scope["headers"] = [*scope["headers"], (b"authorization", keyword + b" " + self.valid_key)]
        if self.drift.rewrite_request and scope["method"] == "POST":
            receive = await self._rewritten_body(scope, receive)
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in started.get("headers", [])}
        answer = Answer(
            scope["method"], scope["path"], started.get("status", 500), headers, b"".join(chunks), asked
        )
        if self.drift.rewrite_answer and scope["method"] != "HEAD":
            self.drift.rewrite_answer(answer)
        if answer.body or scope["method"] == "HEAD":
            answer.headers["content-length"] = (
                str(len(answer.body))
                if scope["method"] != "HEAD"
                else answer.headers.get("content-length", "0")
            )
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
        await send({"type": "http.response.start", "status": answer.status, "headers": raw})
        await send({"type": "http.response.body", "body": answer.body})

    async def _rewritten_body(self, scope: dict, receive: Asgi) -> Asgi:
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        assert self.drift.rewrite_request is not None
        body = self.drift.rewrite_request(scope["path"], body)
        scope["headers"] = [
            *((k, v) for k, v in scope["headers"] if k != b"content-length"),
            (b"content-length", str(len(body)).encode()),
        ]
        pending = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay() -> dict:
            return pending.pop() if pending else await receive()

        return replay
