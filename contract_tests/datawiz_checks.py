"""What the Datawiz document promises beyond what its spec declares: the relocate line-price rule
and the document's own examples. Everything a collection declares (paging, ordering, search,
links, upserts, errors, OPTIONS, HEAD, suffixes) is checked by contract_tests/collection_promises.py."""

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from contract_tests.collection_http import detail_path, get_json
from contract_tests.collection_writes import upload
from contract_tests.context import Context, declared_collection
from contract_tests.objects import ObjectMaker

DOCUMENTS = "relocate-documents"  # the collection whose rule and examples these checks hold
COLLECTIONS = (DOCUMENTS, "products")  # what they read and write: not run where one is not deployed
FOUR = Decimal("0.0001")


def documents_path(ctx: Context) -> str:
    """The relocate documents' list path, as the spec run against names it."""
    return declared_collection(ctx.target.facts, DOCUMENTS).list_path


def _examples_dir() -> Path:
    from mockserver.resources import fixtures_dir

    return fixtures_dir() / "datawiz" / "examples"


def example(name: str) -> Any:
    return json.loads((_examples_dir() / name).read_text(encoding="utf-8"))


def four(value: str) -> str:
    return str(Decimal(value).quantize(FOUR, rounding=ROUND_HALF_UP))


# data this run writes -----------------------------------------------------------------------
def product_id(ctx: Context, name: str) -> str:
    return f"{ctx.options.prefix}{name}"


def ensure_products(ctx: Context, *names: str) -> None:
    """The run's products, made from the spec like any collection's objects (so the category a
    product names is created first), under the keys and names the checks use."""
    maker, products = ObjectMaker(ctx), declared_collection(ctx.target.facts, "products")
    body = [
        {
            **maker.make(products, f"{ctx.options.prefix}dw-", index),
            "product_id": product_id(ctx, n),
            "name": f"contract test product {n}",
        }
        for index, n in enumerate(names)
    ]
    answer = ctx.target.api_call("POST", products.list_path, json=body)
    ctx.require_status(answer, 201, f"POST {products.list_path}", "creating test products failed")


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
    """Upload relocate documents; the answer checked as every collection's upload is."""
    return upload(ctx, declared_collection(ctx.target.facts, DOCUMENTS), body, operation)


def line_price(qty: Any, price: Any, price_total: Any) -> str:
    """An independent oracle of the document's rule, written from the document, not taken from the
    fake (mockserver/apis/datawiz/model.py): without a price, or when price * qty != price_total,
    the price is price_total / qty; a zero qty cannot divide, so the given price stays, and
    0.0000 when none was given. It must agree with the fake (tests/datawiz/test_model.py)."""
    quantity, total = Decimal(str(qty)), Decimal(str(price_total))
    if quantity == 0:
        return four(str(price)) if price is not None else "0.0000"
    if price is None or Decimal(str(price)) * quantity != total:
        return str((total / quantity).quantize(FOUR, rounding=ROUND_HALF_UP))
    return four(str(price))


def expected_representation(ctx: Context, sent: dict) -> dict:
    base = ctx.target.base_url.rstrip("/")
    api = ctx.target.facts

    def url(collection: str, key: Any) -> str | None:
        return None if key is None else base + detail_path(api.collection(collection), str(key))

    lines = []
    for line in sent["products"]:
        lines.append(
            {
                "product_id": line["product_id"],
                "product_url": url("products", line["product_id"]),
                "qty": four(line["qty"]),
                "price": line_price(line["qty"], line.get("price"), line["price_total"]),
                "price_total": four(line["price_total"]),
            }
        )
    return {
        "relocate_id": sent["relocate_id"],
        "url": url(DOCUMENTS, sent["relocate_id"]),
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
def line_price_rule(ctx: Context) -> None:
    """A replaced document reads back whole with every line priced by the rule (the oracle above):
    a price kept, a price recomputed, a zero quantity."""
    docs = documents_path(ctx)
    ensure_products(ctx, "p1", "p2")
    a, b = document(ctx, "a"), document(ctx, "b")
    counts = post_documents(ctx, [a, b], f"POST {docs} (2 new)")
    ctx.expect_equal(counts, {"updated": 0, "inserted": 2}, f"POST {docs}", "counts must say what was new")
    replacement = document(
        ctx,
        "a",
        total="8.0000",
        responsible="replaced",
        sender=None,
        lines=[
            {
                "product_id": product_id(ctx, "p2"),
                "qty": "3.0000",
                "price": "2.0000",
                "price_total": "8.0000",
            },
            {"product_id": product_id(ctx, "p1"), "qty": 4, "price": "10", "price_total": 30},
            {"product_id": product_id(ctx, "p1"), "qty": "2", "price": "1.5", "price_total": "3"},
            {"product_id": product_id(ctx, "p1"), "qty": "0", "price": "2.5", "price_total": "0"},
        ],
    )
    counts = post_documents(ctx, replacement, f"POST {docs} (replace)")
    ctx.expect_equal(
        counts, {"updated": 1, "inserted": 0}, f"POST {docs}", "counts must say what was replaced"
    )
    stored = get_json(ctx, f"{docs}{replacement['relocate_id']}/", f"GET {docs}{{relocate_id}}/")
    expected = expected_representation(ctx, replacement)
    ctx.expect_equal(
        stored,
        expected,
        f"GET {docs}{{relocate_id}}/",
        "a replaced document is replaced whole and reads back normalized (4-place decimals, the line price rule, URLs on the host asked)",
    )


def documented_options(ctx: Context) -> None:
    """OPTIONS as the document's example shows it: labels, renderers, parsers, lengths."""
    docs = documents_path(ctx)
    expected = example("options-relocate-documents.json")
    answer = ctx.target.api_call("OPTIONS", docs)
    got = ctx.shaped(ctx.json_of(answer, f"OPTIONS {docs}"), dict, f"OPTIONS {docs}", "the metadata", answer)
    for key in ("name", "renders", "parses"):
        ctx.expect(
            got.get(key) == expected[key],
            f"OPTIONS {docs}",
            f"metadata {key} as documented",
            expected=expected[key],
            actual=got.get(key),
            response=answer,
        )
    described_actions = got.get("actions")
    actions = described_actions.get("POST") if isinstance(described_actions, dict) else None
    ctx.require(
        isinstance(actions, dict),
        f"OPTIONS {docs}",
        "metadata must describe actions.POST",
        actual=got.get("actions"),
        response=answer,
    )
    _compare_fields(ctx, docs, expected["actions"]["POST"], actions, "actions.POST")


def _compare_fields(
    ctx: Context, docs: str, expected: dict, actual: dict, where: str, prefix: str = ""
) -> None:
    """`prefix`: the dotted name of the field holding these (`products.` for a line's fields),
    as the collection's provenance names a field whose `required` the document states two ways."""
    provenance = declared_collection(ctx.target.facts, DOCUMENTS).provenance
    for name, info in expected.items():
        got = actual.get(name)
        field = prefix if name == "(item)" else f"{prefix}{name}"
        if not ctx.expect(
            isinstance(got, dict), f"OPTIONS {docs}", f"{where}.{name} is documented", actual=got
        ):
            continue
        for key in ("type", "required", "read_only", "label", "max_length"):
            if key not in info:
                continue
            decision = provenance.of("required", field)
            if key == "required" and got.get(key) != info[key] and decision.decided:
                message = f"{where}.{name}.required as the example shows it (its table says otherwise)"
                ctx.decided(decision, f"OPTIONS {docs}", message, expected=info[key], actual=got.get(key))
                continue
            ctx.expect_equal(
                got.get(key), info[key], f"OPTIONS {docs}", f"{where}.{name}.{key} as documented"
            )
        for nested in ("child", "children"):
            if nested in info:
                inner_expected = info[nested]
                inner_actual = got.get(nested) if isinstance(got.get(nested), dict) else {}
                if nested == "child":
                    inner = ({"(item)": inner_expected}, {"(item)": inner_actual}, f"{where}.{name}")
                    _compare_fields(ctx, docs, *inner, prefix=field)
                else:
                    inner = (inner_expected, inner_actual, f"{where}.{name}.children")
                    _compare_fields(ctx, docs, *inner, prefix=f"{field}.")


def documented_examples(ctx: Context) -> None:
    docs = documents_path(ctx)
    empty = get_json(
        ctx,
        f"{docs}.json/?search=unknown-string-{ctx.options.run_id}",
        f"GET {docs}.json/?search=unknown-string",
    )
    documented = example("collection-empty.json")
    # The example is the document's; that search looks in relocate_id and responsible is the
    # project's choice (no source names a relocate document's search fields): a page holding
    # objects means the deployment searches elsewhere, a note.
    searched = not (isinstance(empty, dict) and empty.get("count"))
    provenance = declared_collection(ctx.target.facts, DOCUMENTS).provenance
    ctx.judge(
        provenance.of_all("search") if not searched else provenance.documented,
        empty == documented,
        f"GET {docs}.json/?search=unknown-string",
        "the document's empty collection",
        expected=documented,
        actual=empty,
    )
    documented = example("collection-page-size-2.json")
    operation = f"GET {docs}?page_size=2"
    page = ctx.shaped(get_json(ctx, f"{docs}?format=json&page_size=2", operation), dict, operation, "a page")
    ctx.expect(
        set(page) == set(documented),
        f"GET {docs}?page_size=2",
        "the page has the documented keys",
        expected=sorted(documented),
        actual=sorted(page),
    )
    for item in ctx.field(page, "results", list, operation):
        ctx.shaped(item, dict, operation, "a document")
        model_item = documented["results"][0]
        ctx.expect_equal(
            list(item), list(model_item), f"GET {docs}", "a document has the documented fields, in order"
        )
        for line in item.get("products") if isinstance(item.get("products"), list) else []:
            if not ctx.expect(
                isinstance(line, dict), f"GET {docs}", "a product line is an object", actual=line
            ):
                continue
            ctx.expect(
                set(line) == set(model_item["products"][0]),
                f"GET {docs}",
                "a product line has the documented fields",
                expected=sorted(model_item["products"][0]),
                actual=sorted(line),
            )
    missing = ctx.target.api_call("GET", f"{docs}{ctx.options.prefix}does-not-exist/")
    ctx.expect_status(missing, 404, f"GET {docs}{{relocate_id}}/", "an unknown document answers 404")
    body = ctx.json_of(missing, f"GET {docs}{{relocate_id}}/") if missing.status_code == 404 else {}
    body = body if isinstance(body, dict) else {"(not an object)": body}
    ctx.expect(
        set(body) == set(example("error-404.json")),
        f"GET {docs}{{relocate_id}}/",
        'a 404 is {"detail": ...}',
        expected=example("error-404.json"),
        actual=body,
        response=missing,
    )


def documented_upload(ctx: Context) -> None:
    docs = documents_path(ctx)
    ensure_products(ctx, "example")
    request = example("post-relocate-document-request.json")
    request["relocate_id"] = f"{ctx.options.prefix}{request['relocate_id']}"
    for line in request["products"]:
        line["product_id"] = product_id(ctx, "example")
    counts = post_documents(ctx, request, f"POST {docs}.json (the document's example)")
    ctx.expect_equal(
        counts,
        example("post-relocate-document-response.json"),
        f"POST {docs}.json",
        "the document's upload answer",
    )
    blank = dict(request, products=[dict(request["products"][0], product_id="")])
    answer = ctx.target.api_call("POST", docs, json=blank)
    ctx.expect_status(answer, 400, f"POST {docs} (product_id empty)", "the document's 400 example")
    if answer.status_code == 400:
        body = ctx.shaped(ctx.json_of(answer, f"POST {docs}"), dict, f"POST {docs}", "the errors", answer)
        messages = body.get("product_id") or [
            m
            for line in body.get("products", [])
            if isinstance(line, dict)
            for m in line.get("product_id", [])
        ]
        ctx.expect(
            bool(messages) and all(isinstance(m, str) for m in messages),
            f"POST {docs}",
            "the error is a list of strings under product_id",
            expected=example("error-400-product-id.json"),
            actual=body,
            response=answer,
        )


CHECKS = [
    ("datawiz.documented_examples", documented_examples, False),
    ("datawiz.documented_options", documented_options, False),
    ("datawiz.documented_upload", documented_upload, True),
    ("datawiz.line_price_rule", line_price_rule, True),
]
