"""What the Datawiz document promises beyond what a schema can say."""

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from contract_tests.context import Context

DOCS = "/api/v1/relocate-documents/"
PRODUCTS = "/api/v1/products/"
FOUR = Decimal("0.0001")


def _examples_dir() -> Path:
    from mockserver.resources import fixtures_dir

    return fixtures_dir() / "datawiz" / "examples"


def example(name: str) -> Any:
    return json.loads((_examples_dir() / name).read_text(encoding="utf-8"))


def four(value: str) -> str:
    return str(Decimal(value).quantize(FOUR, rounding=ROUND_HALF_UP))


def get_json(ctx: Context, url: str, operation: str, status: int = 200) -> Any:
    answer = ctx.target.api_call("GET", url)
    ctx.require(
        answer.status_code == status,
        operation,
        f"expected {status}",
        expected=status,
        actual=answer.status_code,
        response=answer,
    )
    return ctx.json_of(answer, operation)


def walk(ctx: Context, first_url: str, operation: str, limit: int = 50) -> tuple[list[dict], list[dict]]:
    """Follow `next` from the first page; returns the pages and every result."""
    pages, url = [], first_url
    while url and len(pages) < limit:
        page = get_json(ctx, url, operation)
        pages.append(page)
        url = page.get("next")
    return pages, [item for page in pages for item in page.get("results", [])]


# data this run writes -----------------------------------------------------------------------
def product_id(ctx: Context, name: str) -> str:
    return f"{ctx.options.prefix}{name}"


def ensure_products(ctx: Context, *names: str) -> None:
    body = [{"product_id": product_id(ctx, n), "name": f"contract test product {n}"} for n in names]
    answer = ctx.target.api_call("POST", PRODUCTS, json=body)
    ctx.require(
        answer.status_code == 201,
        f"POST {PRODUCTS}",
        "creating test products failed",
        expected=201,
        actual=answer.status_code,
        response=answer,
    )


def document(
    ctx: Context,
    key: str,
    *,
    total: str = "30.0000",
    responsible: str = "contract",
    sender: str | None = "1",
    lines: list | None = None,
) -> dict:
    return {
        "relocate_id": f"{ctx.options.prefix}{key}",
        "price_total": total,
        "relocate_date": "2016-02-01T00:00:00",
        "responsible": responsible,
        "sender_shop_id": sender,
        "receiver_shop_id": None,
        "products": lines
        if lines is not None
        else [
            {
                "product_id": product_id(ctx, "p1"),
                "qty": "3.0000",
                "price": "10.0000",
                "price_total": "30.0000",
            }
        ],
    }


def post_documents(ctx: Context, body: Any, operation: str) -> Any:
    answer = ctx.target.api_call("POST", DOCS, json=body)
    ctx.require(
        answer.status_code == 201,
        operation,
        "the upload was not accepted",
        expected=201,
        actual=f"{answer.status_code} {answer.text[:300]}",
        response=answer,
    )
    counts = ctx.json_of(answer, operation)
    ctx.require(
        isinstance(counts, dict) and set(counts) == {"updated", "inserted"},
        operation,
        'the answer must be {"updated", "inserted"}',
        actual=counts,
        response=answer,
    )
    ctx.expect(
        bool(answer.headers.get("location")), operation, "a 201 carries a Location header", response=answer
    )
    return counts


def expected_representation(ctx: Context, sent: dict) -> dict:
    base = ctx.target.base_url.rstrip("/")

    def url(kind: str, key: Any) -> str | None:
        return None if key is None else f"{base}/api/v1/{kind}/{key}/"

    lines = []
    for line in sent["products"]:
        qty, total = Decimal(line["qty"]), Decimal(line["price_total"])
        price = line.get("price")
        if qty and (price is None or Decimal(price) * qty != total):
            price = str((total / qty).quantize(FOUR, rounding=ROUND_HALF_UP))
        lines.append(
            {
                "product_id": line["product_id"],
                "product_url": url("products", line["product_id"]),
                "qty": four(line["qty"]),
                "price": four(price),
                "price_total": four(line["price_total"]),
            }
        )
    return {
        "relocate_id": sent["relocate_id"],
        "url": url("relocate-documents", sent["relocate_id"]),
        "price_total": four(sent["price_total"]),
        "relocate_date": sent["relocate_date"],
        "responsible": sent["responsible"],
        "sender_shop_id": sent["sender_shop_id"],
        "sender_shop_url": url("shops", sent["sender_shop_id"]),
        "receiver_shop_id": sent["receiver_shop_id"],
        "receiver_shop_url": url("shops", sent["receiver_shop_id"]),
        "products": lines,
    }


# checks -------------------------------------------------------------------------------------
def upsert_counts_and_replace(ctx: Context) -> None:
    ensure_products(ctx, "p1", "p2")
    a, b = document(ctx, "a"), document(ctx, "b")
    counts = post_documents(ctx, [a, b], f"POST {DOCS} (2 new)")
    ctx.expect(
        counts == {"updated": 0, "inserted": 2},
        f"POST {DOCS}",
        "counts must say what was new",
        expected={"updated": 0, "inserted": 2},
        actual=counts,
    )
    replacement = document(
        ctx,
        "a",
        total="8.0000",
        responsible="replaced",
        sender=None,
        lines=[
            {"product_id": product_id(ctx, "p2"), "qty": "3.0000", "price": "2.0000", "price_total": "8.0000"}
        ],
    )
    counts = post_documents(ctx, replacement, f"POST {DOCS} (replace)")
    ctx.expect(
        counts == {"updated": 1, "inserted": 0},
        f"POST {DOCS}",
        "counts must say what was replaced",
        expected={"updated": 1, "inserted": 0},
        actual=counts,
    )
    stored = get_json(ctx, f"{DOCS}{replacement['relocate_id']}/", f"GET {DOCS}{{relocate_id}}/")
    expected = expected_representation(ctx, replacement)
    ctx.expect(
        stored == expected,
        f"GET {DOCS}{{relocate_id}}/",
        "a replaced document is replaced whole and reads back normalized (4-place decimals, the line price rule, URLs on the host asked)",
        expected=expected,
        actual=stored,
    )


def read_back_everywhere(ctx: Context) -> None:
    ensure_products(ctx, "p1")
    sent = document(
        ctx, "r", lines=[{"product_id": product_id(ctx, "p1"), "qty": 4, "price": "10", "price_total": 30}]
    )
    post_documents(ctx, sent, f"POST {DOCS}")
    expected = expected_representation(ctx, sent)
    detail = get_json(ctx, f"{DOCS}{sent['relocate_id']}/", f"GET {DOCS}{{relocate_id}}/")
    ctx.expect(
        detail == expected,
        f"GET {DOCS}{{relocate_id}}/",
        "the detail reads back what was posted, normalized",
        expected=expected,
        actual=detail,
    )
    _, listed = walk(ctx, f"{DOCS}?search={sent['relocate_id']}", f"GET {DOCS}?search=")
    ctx.expect(
        expected in listed,
        f"GET {DOCS}?search=",
        "the collection shows the same representation",
        expected=expected,
        actual=listed[:2],
    )


def pagination_ordering_search(ctx: Context) -> None:
    ensure_products(ctx, "p1")
    totals = ["5.0000", "40.0000", "12.5000", "7.0000", "99.0000"]
    docs = [
        document(ctx, f"page-{i}", total=t, responsible=f"owner-{i % 2}", lines=[])
        for i, t in enumerate(totals)
    ]
    post_documents(ctx, docs, f"POST {DOCS}")
    prefix = ctx.options.prefix + "page-"
    operation = f"GET {DOCS}?search=&page_size=2"
    pages, seen = walk(ctx, f"{DOCS}?search={prefix}&page_size=2&ordering=relocate_id", operation)
    ids = [d["relocate_id"] for d in seen]
    ctx.expect(
        all(p["count"] == len(docs) for p in pages),
        operation,
        "count equals the number of matching documents",
        expected=len(docs),
        actual=[p["count"] for p in pages],
    )
    ctx.expect(
        sorted(ids) == sorted(d["relocate_id"] for d in docs) and len(ids) == len(set(ids)),
        operation,
        "walking next visits each document exactly once",
        expected=sorted(d["relocate_id"] for d in docs),
        actual=ids,
    )
    ctx.expect(
        [len(p["results"]) for p in pages] == [2, 2, 1],
        operation,
        "page_size is honoured",
        expected=[2, 2, 1],
        actual=[len(p["results"]) for p in pages],
    )
    ctx.expect(
        ids == sorted(ids),
        operation,
        "ordering=relocate_id sorts ascending",
        expected=sorted(ids),
        actual=ids,
    )
    for page in pages:
        for link in (page.get("next"), page.get("previous")):
            if link:
                params = parse_qs(urlsplit(link).query)
                ctx.expect(
                    params.get("search") == [prefix] and params.get("page_size") == ["2"],
                    operation,
                    "next/previous keep the other query parameters",
                    actual=link,
                )
                ctx.expect(
                    link.startswith(ctx.target.base_url.rstrip("/")),
                    operation,
                    "links are absolute on the host asked",
                    expected=ctx.target.base_url,
                    actual=link,
                )
    back, url = [], pages[-1].get("previous")
    while url and len(back) < 10:
        page = get_json(ctx, url, operation)
        back.append([d["relocate_id"] for d in page["results"]])
        url = page.get("previous")
    ctx.expect(
        back == [[d["relocate_id"] for d in p["results"]] for p in reversed(pages[:-1])],
        operation,
        "previous walks back over the same pages",
        actual=back,
    )
    descending = get_json(
        ctx, f"{DOCS}?search={prefix}&ordering=-price_total&page_size=10", f"GET {DOCS}?ordering=-price_total"
    )
    got = [Decimal(d["price_total"]) for d in descending["results"]]
    ctx.expect(
        got == sorted(got, reverse=True) and len(got) == len(docs),
        f"GET {DOCS}?ordering=-price_total",
        "ordering=-price_total sorts by amount, descending",
        expected=sorted(got, reverse=True),
        actual=got,
    )
    narrowed = get_json(ctx, f"{DOCS}?search={prefix}3", f"GET {DOCS}?search=")
    ctx.expect(
        [d["relocate_id"] for d in narrowed["results"]] == [f"{prefix}3"],
        f"GET {DOCS}?search=",
        "search filters the collection",
        expected=[f"{prefix}3"],
        actual=[d["relocate_id"] for d in narrowed["results"]],
    )
    past = ctx.target.api_call("GET", f"{DOCS}?search={prefix}&page_size=2&page=4")
    ctx.expect(
        past.status_code == 404,
        f"GET {DOCS}?page=4",
        "a page past the end answers 404 Invalid page.",
        expected=404,
        actual=past.status_code,
        response=past,
    )


def missing_product_rejected(ctx: Context) -> None:
    ensure_products(ctx, "p1")
    bad = document(
        ctx,
        "orphan",
        lines=[
            {"product_id": product_id(ctx, "no-such-product"), "qty": "1", "price": "1", "price_total": "1"}
        ],
    )
    answer = ctx.target.api_call("POST", DOCS, json=bad)
    operation = f"POST {DOCS} (unknown product)"
    ctx.require(
        answer.status_code == 400,
        operation,
        "a document naming a missing product must be rejected",
        expected=400,
        actual=answer.status_code,
        response=answer,
    )
    body = ctx.json_of(answer, operation)
    ctx.expect(
        isinstance(body, dict) and "products" in body,
        operation,
        "the error names the products field",
        expected='{"products": [{"product_id": [...]}]}',
        actual=body,
        response=answer,
    )
    stored = ctx.target.api_call("GET", f"{DOCS}{bad['relocate_id']}/")
    ctx.expect(
        stored.status_code == 404,
        f"GET {DOCS}{{relocate_id}}/",
        "nothing of a rejected upload is stored",
        expected=404,
        actual=stored.status_code,
        response=stored,
    )


def validation_error_shapes(ctx: Context) -> None:
    ensure_products(ctx, "p1")
    single = ctx.target.api_call("POST", DOCS, json={})
    operation = f"POST {DOCS} (empty object)"
    ctx.require(
        single.status_code == 400,
        operation,
        "an empty object is rejected",
        expected=400,
        actual=single.status_code,
        response=single,
    )
    body = ctx.json_of(single, operation)
    ctx.expect(
        isinstance(body, dict)
        and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in body.values())
        and "relocate_id" in body,
        operation,
        'single-object errors are {"field": ["message", ...]}',
        actual=body,
        response=single,
    )
    good = document(ctx, "aligned")
    listed = ctx.target.api_call("POST", DOCS, json=[{"relocate_id": f"{ctx.options.prefix}x"}, good])
    operation = f"POST {DOCS} (list with one bad item)"
    ctx.require(
        listed.status_code == 400,
        operation,
        "a list with a bad item is rejected whole",
        expected=400,
        actual=listed.status_code,
        response=listed,
    )
    body = ctx.json_of(listed, operation)
    ctx.expect(
        isinstance(body, list) and len(body) == 2 and body[1] == {} and bool(body[0]),
        operation,
        "list errors are aligned with the input, {} for good items",
        actual=body,
        response=listed,
    )
    stored = ctx.target.api_call("GET", f"{DOCS}{good['relocate_id']}/")
    ctx.expect(
        stored.status_code == 404,
        f"GET {DOCS}{{relocate_id}}/",
        "all or nothing: the good item of a rejected list is not stored",
        expected=404,
        actual=stored.status_code,
        response=stored,
    )


def read_only_collection_behaviour(ctx: Context) -> None:
    """Checks that need no writes, on whatever data the target has."""
    operation = f"GET {DOCS}?page_size=3"
    page = get_json(ctx, f"{DOCS}?page_size=3", operation)
    ctx.require(
        isinstance(page, dict) and set(page) == {"count", "next", "previous", "results"},
        operation,
        "a page is {count, next, previous, results}",
        actual=page,
    )
    ctx.expect(
        len(page["results"]) == min(3, page["count"]),
        operation,
        "page_size is honoured",
        expected=min(3, page["count"]),
        actual=len(page["results"]),
    )
    ctx.expect(
        (page["next"] is not None) == (page["count"] > 3),
        operation,
        "next is given exactly when there are more pages",
        actual=page["next"],
    )
    for item in page["results"]:
        ctx.expect(
            # Existing data may hold ids a URL percent-encodes; compare decoded.
            unquote(str(item.get("url")))
            == f"{ctx.target.base_url.rstrip('/')}{DOCS}{item.get('relocate_id')}/",
            operation,
            "url points at the document on the host asked",
            actual=item.get("url"),
        )
    if page["next"]:
        second = get_json(ctx, page["next"], operation)
        ctx.expect(
            second["count"] == page["count"],
            operation,
            "count is the same on every page",
            expected=page["count"],
            actual=second["count"],
        )
        previous = second.get("previous") or ""
        ctx.expect(
            bool(previous) and "page=" not in urlsplit(previous).query,
            operation,
            "page 2's previous is page 1 (without page=)",
            actual=previous,
        )
        overlap = {d["relocate_id"] for d in page["results"]} & {d["relocate_id"] for d in second["results"]}
        ctx.expect(not overlap, operation, "pages do not repeat documents", actual=sorted(overlap))
    ordered = get_json(ctx, f"{DOCS}?ordering=-price_total&page_size=20", f"GET {DOCS}?ordering=-price_total")
    amounts = [Decimal(d["price_total"]) for d in ordered["results"]]
    ctx.expect(
        amounts == sorted(amounts, reverse=True),
        f"GET {DOCS}?ordering=-price_total",
        "ordering=-price_total sorts descending",
        actual=[str(a) for a in amounts],
    )
    if page["results"]:
        term = page["results"][0]["relocate_id"]
        found = get_json(ctx, f"{DOCS}?{urlencode({'search': term})}", f"GET {DOCS}?search=")
        ctx.expect(
            any(d["relocate_id"] == term for d in found["results"]) and found["count"] <= page["count"],
            f"GET {DOCS}?search=",
            "search finds the document by its relocate_id and filters",
            actual=found["count"],
        )
    invalid = ctx.target.api_call("GET", f"{DOCS}?page=999999999")
    ctx.expect(
        invalid.status_code == 404,
        f"GET {DOCS}?page=999999999",
        "a page past the end answers 404",
        expected=404,
        actual=invalid.status_code,
        response=invalid,
    )
    if invalid.status_code == 404:
        ctx.expect(
            ctx.json_of(invalid, f"GET {DOCS}?page=") == {"detail": "Invalid page."},
            f"GET {DOCS}?page=",
            'the 404 says {"detail": "Invalid page."}',
            actual=invalid.text[:200],
            response=invalid,
        )


def options_head_and_suffixes(ctx: Context) -> None:
    expected = example("options-relocate-documents.json")
    answer = ctx.target.api_call("OPTIONS", DOCS)
    got = ctx.json_of(answer, f"OPTIONS {DOCS}")
    for key in ("name", "renders", "parses"):
        ctx.expect(
            got.get(key) == expected[key],
            f"OPTIONS {DOCS}",
            f"metadata {key} as documented",
            expected=expected[key],
            actual=got.get(key),
            response=answer,
        )
    actions = (got.get("actions") or {}).get("POST")
    ctx.require(
        isinstance(actions, dict),
        f"OPTIONS {DOCS}",
        "metadata must describe actions.POST",
        actual=got.get("actions"),
        response=answer,
    )
    _compare_fields(ctx, expected["actions"]["POST"], actions, "actions.POST")
    head = ctx.target.api_call("HEAD", DOCS)
    ctx.expect(
        head.status_code == 200 and head.content == b"",
        f"HEAD {DOCS}",
        "HEAD is GET without a body",
        expected="200, empty",
        actual=f"{head.status_code}, {len(head.content)} bytes",
        response=head,
    )
    plain = get_json(ctx, DOCS, f"GET {DOCS}")
    for suffix in ("/api/v1/relocate-documents.json", "/api/v1/relocate-documents/.json/"):
        same = get_json(ctx, suffix, f"GET {suffix}")
        ctx.expect(
            same.get("count") == plain.get("count"),
            f"GET {suffix}",
            "the .json suffix serves the collection",
            expected=plain.get("count"),
            actual=same.get("count"),
        )
    html = ctx.target.api_call("GET", f"{DOCS}?format=api")
    ctx.expect(
        html.status_code == 200 and html.headers.get("content-type", "").startswith("text/html"),
        f"GET {DOCS}?format=api",
        "format=api is an HTML page",
        actual=html.headers.get("content-type"),
        response=html,
    )


def _compare_fields(ctx: Context, expected: dict, actual: dict, where: str) -> None:
    for name, info in expected.items():
        got = actual.get(name)
        if not ctx.expect(
            isinstance(got, dict), f"OPTIONS {DOCS}", f"{where}.{name} is documented", actual=got
        ):
            continue
        for key in ("type", "required", "read_only", "label", "max_length"):
            if key in info:
                ctx.expect(
                    got.get(key) == info[key],
                    f"OPTIONS {DOCS}",
                    f"{where}.{name}.{key} as documented",
                    expected=info[key],
                    actual=got.get(key),
                )
        for nested in ("child", "children"):
            if nested in info:
                inner_expected, inner_actual = info[nested], got.get(nested) or {}
                if nested == "child":
                    _compare_fields(
                        ctx, {"(item)": inner_expected}, {"(item)": inner_actual}, f"{where}.{name}"
                    )
                else:
                    _compare_fields(ctx, inner_expected, inner_actual, f"{where}.{name}.children")


def credentials_are_required(ctx: Context) -> None:
    for url in (DOCS, f"{DOCS}?page_size=1", PRODUCTS):
        answer = ctx.target.request("GET", url)
        ctx.expect(
            answer.status_code == 401,
            f"GET {url} without credentials",
            "missing credentials must be rejected with 401",
            expected=401,
            actual=answer.status_code,
            response=answer,
        )
        ctx.expect(
            answer.headers.get("www-authenticate", "").startswith("Bearer"),
            f"GET {url} without credentials",
            "a 401 challenges with WWW-Authenticate: Bearer",
            actual=answer.headers.get("www-authenticate"),
            response=answer,
        )
        if answer.status_code == 401:
            body = ctx.json_of(answer, f"GET {url}")
            ctx.expect(
                isinstance(body, dict) and isinstance(body.get("detail"), str),
                f"GET {url}",
                'a 401 is {"detail": "..."}',
                actual=body,
                response=answer,
            )
    if ctx.target.fake_auth_mode != "open":
        bad = ctx.target.request("GET", DOCS, headers={"Authorization": "Bearer ct-invalid-token"})
        ctx.expect(
            bad.status_code == 401,
            f"GET {DOCS} with an invalid token",
            "an invalid token must be rejected with 401",
            expected=401,
            actual=bad.status_code,
            response=bad,
        )


def documented_examples(ctx: Context) -> None:
    empty = get_json(
        ctx,
        f"{DOCS}.json/?search=unknown-string-{ctx.options.run_id}",
        f"GET {DOCS}.json/?search=unknown-string",
    )
    ctx.expect(
        empty == example("collection-empty.json"),
        f"GET {DOCS}.json/?search=unknown-string",
        "the document's empty collection",
        expected=example("collection-empty.json"),
        actual=empty,
    )
    documented = example("collection-page-size-2.json")
    page = get_json(ctx, f"{DOCS}?format=json&page_size=2", f"GET {DOCS}?page_size=2")
    ctx.expect(
        set(page) == set(documented),
        f"GET {DOCS}?page_size=2",
        "the page has the documented keys",
        expected=sorted(documented),
        actual=sorted(page),
    )
    for item in page.get("results", []):
        model_item = documented["results"][0]
        ctx.expect(
            list(item) == list(model_item),
            f"GET {DOCS}",
            "a document has the documented fields, in order",
            expected=list(model_item),
            actual=list(item),
        )
        for line in item.get("products", []):
            ctx.expect(
                set(line) == set(model_item["products"][0]),
                f"GET {DOCS}",
                "a product line has the documented fields",
                expected=sorted(model_item["products"][0]),
                actual=sorted(line),
            )
    missing = ctx.target.api_call("GET", f"{DOCS}{ctx.options.prefix}does-not-exist/")
    ctx.expect(
        missing.status_code == 404,
        f"GET {DOCS}{{relocate_id}}/",
        "an unknown document answers 404",
        expected=404,
        actual=missing.status_code,
        response=missing,
    )
    body = ctx.json_of(missing, f"GET {DOCS}{{relocate_id}}/") if missing.status_code == 404 else {}
    ctx.expect(
        set(body) == set(example("error-404.json")),
        f"GET {DOCS}{{relocate_id}}/",
        'a 404 is {"detail": ...}',
        expected=example("error-404.json"),
        actual=body,
        response=missing,
    )


def documented_upload(ctx: Context) -> None:
    ensure_products(ctx, "example")
    request = example("post-relocate-document-request.json")
    request["relocate_id"] = f"{ctx.options.prefix}{request['relocate_id']}"
    for line in request["products"]:
        line["product_id"] = product_id(ctx, "example")
    counts = post_documents(ctx, request, f"POST {DOCS}.json (the document's example)")
    ctx.expect(
        counts == example("post-relocate-document-response.json"),
        f"POST {DOCS}.json",
        "the document's upload answer",
        expected=example("post-relocate-document-response.json"),
        actual=counts,
    )
    blank = dict(request, products=[dict(request["products"][0], product_id="")])
    answer = ctx.target.api_call("POST", DOCS, json=blank)
    ctx.expect(
        answer.status_code == 400,
        f"POST {DOCS} (product_id empty)",
        "the document's 400 example",
        expected=400,
        actual=answer.status_code,
        response=answer,
    )
    if answer.status_code == 400:
        body = ctx.json_of(answer, f"POST {DOCS}")
        messages = body.get("product_id") or [
            m
            for line in body.get("products", [])
            if isinstance(line, dict)
            for m in line.get("product_id", [])
        ]
        ctx.expect(
            bool(messages) and all(isinstance(m, str) for m in messages),
            f"POST {DOCS}",
            "the error is a list of strings under product_id",
            expected=example("error-400-product-id.json"),
            actual=body,
            response=answer,
        )


CHECKS = [
    ("datawiz.credentials_are_required", credentials_are_required, False),
    ("datawiz.documented_examples", documented_examples, False),
    ("datawiz.read_only_collection_behaviour", read_only_collection_behaviour, False),
    ("datawiz.options_head_and_suffixes", options_head_and_suffixes, False),
    ("datawiz.documented_upload", documented_upload, True),
    ("datawiz.upsert_counts_and_replace", upsert_counts_and_replace, True),
    ("datawiz.read_back_everywhere", read_back_everywhere, True),
    ("datawiz.pagination_ordering_search", pagination_ordering_search, True),
    ("datawiz.missing_product_rejected", missing_product_rejected, True),
    ("datawiz.validation_error_shapes", validation_error_shapes, True),
]
