"""The jsonschema-rs fast path may only ever say "valid, unchanged" where the serializer would.

The property: whatever body the canonical schema accepts, the serializer accepts too and returns
an equal body. Bodies are generated around the edges the serializer normalises or refuses:
surrounding white space (every character Python strips), NUL, decimals with other places or too
many digits, datetimes with zones or on the 29th-31st, numbers instead of strings, read-only and
unknown fields, missing related products.
"""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.apis import catalogue
from mockserver.drf.errors import ValidationFailed
from mockserver.drf.fast_path import canonical_schema, compile_fast_body
from mockserver.drf.related import RelatedObjects
from mockserver.drf.serializer import compile_body
from mockserver.store import MemoryStore

KNOWN_PRODUCTS = {"p-1", "p 2"}
EDGES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) + "\x00\x7f\xadé€𝄞"


def request_schema(api: str, operation_id: str) -> dict:
    return catalogue().api(api).operation(operation_id).request_schemas["application/json"]


# Mostly canonical values, so that many bodies reach the fast path and the property is tested
# where it matters: next to the edge of what is canonical.
canonical_texts = st.from_regex(r"\A[a-zé€𝄞0-9]([a-z \t\x85é\x01]{0,6}[a-z€.])?\Z")
canonical_decimals = st.from_regex(r"\A-?(0|[1-9][0-9]{0,11})\.[0-9]{4}\Z")
canonical_datetimes = st.from_regex(
    r"\A[0-9]{3}[1-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\Z"
)
edge_texts = st.one_of(
    st.text(alphabet=st.sampled_from("ab -" + EDGES), max_size=6),
    st.text(max_size=3),
    st.text(alphabet="xy", min_size=195, max_size=205),  # around maxLength 200
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
)
texts = st.one_of(canonical_texts, canonical_texts, canonical_texts, edge_texts)
edge_decimals = st.one_of(
    st.from_regex(r"\A-?[0-9]{1,14}\.[0-9]{3,5}\Z"),
    st.from_regex(r"\A-?(0|[1-9][0-9]{0,12})\.[0-9]{4}\Z"),
    st.from_regex(r"\A\s?-?0?[0-9]{1,3}(\.[0-9]{0,4})?\s?\Z"),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.integers(-(10**13), 10**13),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
decimals = st.one_of(canonical_decimals, canonical_decimals, canonical_decimals, edge_decimals)
edge_datetimes = st.one_of(
    st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
    st.from_regex(
        r"\A[0-9]{4}-(0[0-9]|1[0-3])-(00|2[7-9]|3[01])T[0-2][0-9]:[0-5][0-9]:[0-6][0-9](Z|\+01:00)?\Z"
    ),
    st.sampled_from(
        ["0000-01-01T00:00:00", "2016-01-01T24:00:00", "2016-02-29T00:00:00", "2016-1-01T00:00:00"]
    ),
    texts,
)
datetimes = st.one_of(canonical_datetimes, canonical_datetimes, edge_datetimes)


def with_extras(required: dict, optional: dict) -> st.SearchStrategy[dict]:
    # Rarely a read-only or unknown field: each one takes a body off the fast path.
    rare = st.fixed_dictionaries({}, optional={"url": texts, "unknown": texts})
    extras = st.tuples(
        st.fixed_dictionaries({}, optional=optional), st.one_of(st.just({}), st.just({}), rare)
    ).map(lambda pair: {**pair[0], **pair[1]})
    return st.tuples(st.fixed_dictionaries(required), extras).map(lambda pair: {**pair[0], **pair[1]})


def relocate_documents(text, decimal, datetime_, product_id) -> st.SearchStrategy[dict]:
    line = with_extras(
        {"product_id": product_id, "qty": decimal, "price": decimal, "price_total": decimal}, {}
    )
    return with_extras(
        {
            "relocate_id": text,
            "price_total": decimal,
            "relocate_date": datetime_,
            "responsible": text,
            "products": st.lists(line, max_size=3),
        },
        {"sender_shop_id": text, "receiver_shop_id": text},
    )


known_products = st.sampled_from(sorted(KNOWN_PRODUCTS))
canonical_documents = relocate_documents(
    canonical_texts, canonical_decimals, canonical_datetimes, known_products
)
EDGE_VALUES = {
    "relocate_id": edge_texts,
    "price_total": edge_decimals,
    "relocate_date": edge_datetimes,
    "responsible": edge_texts,
    "sender_shop_id": edge_texts,
    "products": edge_texts,
    "url": canonical_texts,
    "unknown": canonical_texts,
}
LINE_EDGE_VALUES = {
    "product_id": st.one_of(st.just("missing"), edge_texts),
    "qty": edge_decimals,
    "price": edge_decimals,
    "product_url": canonical_texts,
}


@st.composite
def near_canonical(draw) -> dict:
    """A canonical document, or one with a single field changed, added or removed."""
    body = draw(canonical_documents)
    change = draw(st.sampled_from(["none", "field", "line", "remove"]))
    if change == "field":
        name = draw(st.sampled_from(sorted(EDGE_VALUES)))
        body[name] = draw(EDGE_VALUES[name])
    elif change == "line" and body["products"]:
        name = draw(st.sampled_from(sorted(LINE_EDGE_VALUES)))
        body["products"][0][name] = draw(LINE_EDGE_VALUES[name])
    elif change == "remove":
        body.pop(draw(st.sampled_from(sorted(body))))
    return body


edge_documents = relocate_documents(
    texts, decimals, datetimes, st.one_of(known_products, st.just("missing"), texts)
)
documents = st.one_of(near_canonical(), near_canonical(), edge_documents)


def exists(collection: str, key: str) -> bool:
    return key in KNOWN_PRODUCTS


def assert_fast_only_when_unchanged(fast, slow, body) -> None:
    answer = fast(body, exists)  # raises exactly when the serializer does: it answers then
    if answer is body:  # the fast path said "canonical"
        assert slow(body, exists) == body


RELOCATE = request_schema("datawiz", "createRelocateDocuments")


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.one_of(documents, st.lists(documents, min_size=1, max_size=3)))
def test_the_fast_path_accepts_only_what_the_serializer_keeps_unchanged(body):
    fast, slow = compile_fast_body(RELOCATE), compile_body(RELOCATE)
    try:
        assert_fast_only_when_unchanged(fast, slow, body)
    except ValidationFailed as failed:
        with pytest.raises(ValidationFailed) as again:
            slow(body, exists)
        assert again.value.detail == failed.detail


def test_canonical_uploads_take_the_fast_path_and_others_do_not():
    fast = compile_fast_body(RELOCATE)
    good = {
        "relocate_id": "R-1",
        "price_total": "20.0000",
        "relocate_date": "2016-01-28T23:59:59",
        "responsible": "Петренко",
        "products": [{"product_id": "p-1", "qty": "2.0000", "price": "10.0000", "price_total": "20.0000"}],
    }
    assert fast(good, exists) is good
    assert fast([good, good], exists)[0] is good
    for changed in (
        {"responsible": "Петренко "},
        {"price_total": "20.00"},
        {"relocate_date": "2016-01-29T00:00:00"},  # valid, but the 29th is left to the serializer
        {"url": "http://x/"},
        {"products": [{**good["products"][0], "product_id": "missing"}]},
    ):
        body = {**good, **changed}
        with contextlib.suppress(ValidationFailed):
            assert fast(body, exists) is not body


dates = st.one_of(
    st.dates().map(str),
    st.from_regex(r"\A[0-9]{4}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])\Z"),
    texts,
)
# products.rst's `active`: JSON booleans are canonical, DRF's other true/false spellings are not.
booleans = st.one_of(
    st.booleans(), st.booleans(), st.none(), st.sampled_from(["true", "0", "", "null", 1]), texts
)
references = st.one_of(known_products, known_products, texts)
products = with_extras(
    {"product_id": st.one_of(st.sampled_from(["P-1"]), texts), "name": texts},
    {
        "category_id": references,
        "brand_id": references,
        "producer_id": references,
        "unit_id": references,
        "barcode": texts,
        "article": texts,
        "active": booleans,
        "width": decimals,
        "height": decimals,
        "depth": decimals,
    },
)
shops = with_extras(
    {"shop_id": st.one_of(st.sampled_from(["S-1"]), texts), "name": texts},
    {
        "format_id": references,
        "group_id": references,
        "address": texts,
        "open_date": dates,
        "latitude": st.one_of(st.from_regex(r"\A-?[0-9]{1,3}\.[0-9]{8}\Z"), decimals),
        "longitude": decimals,
    },
)


@pytest.mark.parametrize(("operation_id", "items"), [("createProducts", products), ("createShops", shops)])
def test_the_fast_path_for_products_and_shops(operation_id, items):
    schema = request_schema("datawiz", operation_id)
    fast, slow = compile_fast_body(schema), compile_body(schema)

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.one_of(items, st.lists(items, min_size=1, max_size=3)))
    def check(body):
        # A ValidationFailed is the serializer's own answer: the fast path only falls back to it.
        with contextlib.suppress(ValidationFailed):
            assert_fast_only_when_unchanged(fast, slow, body)

    check()


@pytest.mark.parametrize(
    "operation_id",
    ["createProducts", "createShops", "createRelocateDocuments"],  # the bench's uploads
)
def test_every_datawiz_upload_has_a_canonical_form(operation_id):
    canonical, _ = canonical_schema(request_schema("datawiz", operation_id))
    assert canonical


def test_related_objects_are_looked_up_at_once_when_the_lookup_offers_it():

    store = MemoryStore()
    products = catalogue().api("datawiz").collection("products").store_spec()
    store.define_collection(products)
    store.upsert_documents("t", products.name, [{"product_id": "p-1"}])
    fast = compile_fast_body(RELOCATE)
    line = {"product_id": "p-1", "qty": "1.0000", "price": "1.0000", "price_total": "1.0000"}
    good = {
        "relocate_id": "R",
        "price_total": "1.0000",
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": "",
        "products": [line, line],
    }
    assert fast(good, RelatedObjects(store, "t", "datawiz")) is good
    missing = {**good, "products": [line, {**line, "product_id": "p-2"}]}
    with pytest.raises(ValidationFailed) as failed:
        fast(missing, RelatedObjects(store, "t", "datawiz"))
    assert failed.value.detail == {
        "products": [{}, {"product_id": ["Object with product_id=p-2 does not exist."]}]
    }


def test_a_body_leaving_out_a_field_with_a_default_gets_it_from_the_serializer():
    # receive documents: document_number defaults to "" (DRF's serializer field default)
    schema = request_schema("datawiz", "createReceiveDocuments")
    fast, slow = compile_fast_body(schema), compile_body(schema)
    body = {
        "shop_id": "3",
        "supplier_id": "15930",
        "document_id": "d-1",
        "document_date": "2018-02-01T09:35:33",
        "price_total": "0.0000",
        "items_qty": "1.0000",
        "products": [],
    }
    always = lambda collection, key: True  # noqa: E731
    assert fast(body, always) == slow(body, always)
    assert fast(body, always)["document_number"] == ""
    sent = {**body, "document_number": "N-1"}
    assert fast(sent, always) is sent
