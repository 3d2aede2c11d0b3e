"""Hand-picked requests for Datawiz loss documents: a document type with lines (`products`, each
numbered by its place and served at its own `url`, decision datawiz-resources #29), keyed
`document_id_shop_id`, linking a loss type, a shop and a cashier (`stuff_id`). Reads of the
fixtures first, then uploads read back."""

from tests.drf_reference.compare import Exchange as X

LOSS = "/api/v1/loss-documents/"
KEY = "69340_1"  # a fixture document
DETAIL = f"{LOSS}{KEY}/"
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"
LINE = {"product_id": PRODUCT, "qty": "2", "price": "3.5", "total_price": "7"}
DOCUMENT = {
    "document_id": "L-1",
    "loss_type_id": "18",
    "shop_id": "3",
    "stuff_id": "133",
    "date": "2018-04-01T12:00:00",
    "note": "зіпсовано",
    "products": [LINE, {**LINE, "qty": 1, "total_price": 3.5}],
}
UPLOADED = f"{LOSS}L-1_3/"


def _document(**changes: object) -> dict:
    return {**DOCUMENT, **changes}


def _line(**changes: object) -> dict:
    return {**DOCUMENT, "products": [{**LINE, **changes}]}


def reads() -> list[X]:
    return [
        X("loss-documents: list", "GET", LOSS),
        X(
            "loss-documents: search by note (empty in the fixtures)",
            "GET",
            LOSS + "?search=%D0%B7%D1%96%D0%BF",
        ),
        X("loss-documents: ordering by date, descending", "GET", LOSS + "?ordering=-date"),
        X("loss-documents: detail by document_id_shop_id", "GET", DETAIL),
        X("loss-documents: detail with a .json suffix", "GET", f"{LOSS}{KEY}.json"),
        X("loss-documents: detail with ?format=json", "GET", DETAIL + "?format=json"),
        X("loss-documents: HEAD detail", "HEAD", DETAIL),
        X("loss-documents: OPTIONS detail", "OPTIONS", DETAIL),
        X("loss-documents: OPTIONS list", "OPTIONS", LOSS),
        X("loss-documents: PATCH a detail", "PATCH", DETAIL, json={}),
        X("loss-documents: detail, another shop", "GET", f"{LOSS}69340_2/"),
        X("loss-documents: detail, one key part", "GET", f"{LOSS}69340/"),
        X("loss-documents: detail, three key parts", "GET", f"{LOSS}69340_1_1/"),
        X("loss-documents: detail, keys swapped", "GET", f"{LOSS}1_69340/"),
        X("loss-documents: a line by its number", "GET", f"{DETAIL}products/1/"),
        X("loss-documents: a line with a .json suffix", "GET", f"{DETAIL}products/1.json"),
        X("loss-documents: a line past the last", "GET", f"{DETAIL}products/99/"),
        X("loss-documents: a line not a number", "GET", f"{DETAIL}products/first/"),
        X("loss-documents: OPTIONS of a line", "OPTIONS", f"{DETAIL}products/1/"),
    ]


def uploads() -> list[X]:
    return [
        X("loss-documents: upload one", "POST", LOSS, json=DOCUMENT),
        X("loss-documents: uploaded, read back", "GET", UPLOADED),
        X("loss-documents: search by note", "GET", LOSS + "?search=%D0%B7%D1%96%D0%BF"),
        X("loss-documents: upload again with one line (updated)", "POST", LOSS, json=_line()),
        X("loss-documents: re-uploaded, read back", "GET", UPLOADED),
        X("loss-documents: re-uploaded, its one line", "GET", f"{UPLOADED}products/1/"),
        X("loss-documents: re-uploaded, the line it lost", "GET", f"{UPLOADED}products/2/"),
        X(
            "loss-documents: the same document_id in another shop",
            "POST",
            LOSS[:-1] + ".json",
            json=[_document(shop_id="4", stuff_id=None, note=None)],
        ),
        X("loss-documents: another shop, read back", "GET", f"{LOSS}L-1_4/"),
        X("loss-documents: numbers for the key", "POST", LOSS, json=_document(document_id=501, shop_id=5)),
        X("loss-documents: numbers, read back", "GET", f"{LOSS}501_5/"),
        X("loss-documents: unknown loss type", "POST", LOSS, json=_document(loss_type_id="99")),
        X("loss-documents: unknown cashier", "POST", LOSS, json=_document(stuff_id="0")),
        X(
            "loss-documents: unknown shop and product",
            "POST",
            LOSS,
            json=_line(product_id="x") | {"shop_id": "x"},
        ),
        X(
            "loss-documents: a line without a price",
            "POST",
            LOSS,
            json=_document(products=[{"product_id": PRODUCT}]),
        ),
        X("loss-documents: a line qty not a number", "POST", LOSS, json=_line(qty="two")),
        X("loss-documents: a blank line total", "POST", LOSS, json=_line(total_price="")),
        X("loss-documents: a null line", "POST", LOSS, json=_document(products=[LINE, None])),
        X("loss-documents: products an object", "POST", LOSS, json=_document(products=LINE)),
        X("loss-documents: products empty", "POST", LOSS, json=_document(document_id="L-2", products=[])),
        X(
            "loss-documents: without products",
            "POST",
            LOSS,
            json={k: v for k, v in DOCUMENT.items() if k != "products"},
        ),
        X("loss-documents: a blank note", "POST", LOSS, json=_document(document_id="L-3", note="")),
        X("loss-documents: a note too long or not text", "POST", LOSS, json=_document(note={"a": 1})),
        X("loss-documents: a blank document_id", "POST", LOSS, json=_document(document_id=" ")),
        X(
            "loss-documents: form-encoded with lines",
            "POST",
            LOSS,
            data={
                "document_id": "L-4",
                "loss_type_id": "19",
                "shop_id": "6",
                "stuff_id": "",
                "date": "2018-04-02T08:00:00",
                "note": "",
                "products[0]product_id": PRODUCT,
                "products[0]qty": "1",
                "products[0]price": "2",
                "products[0]total_price": "2",
            },
        ),
        X("loss-documents: form-encoded, read back", "GET", f"{LOSS}L-4_6/"),
        X("loss-documents: read back all", "GET", LOSS + "?ordering=document_id,shop_id&page_size=50"),
    ]


def loss_document_exchanges() -> list[X]:
    return [*reads(), *uploads()]
