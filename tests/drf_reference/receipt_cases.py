"""Hand-picked requests for Datawiz receipts, the spec's resource with a composite key
(shop_id, date, terminal_id and order_id joined by `_`) and a nested sub-resource (`cartitems`,
item by item at `<receipt>/cartitems/<order_no>/`): composite-key details, nested item reads,
HEAD and OPTIONS on both, bad keys, then uploads (markers, blank decimals, references) read back.
Reads first, so they see the fixture receipt."""

from tests.drf_reference.compare import Exchange as X

RECEIPTS = "/api/v1/receipts/"
KEY = "1_2017-07-05T19:54:39_113_919501"  # the fixture receipt
DETAIL = f"{RECEIPTS}{KEY}/"
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"
ITEM = {"order_no": "1", "product_id": PRODUCT, "price": "10.0000", "qty": "2.0000", "total_price": "20.0000"}
RECEIPT = {
    "shop_id": "2",
    "terminal_id": "114",
    "order_id": "77",
    "date": "2018-03-01T09:30:00",
    "cashier_id": "10096",
    "markers": ["1", "3"],
    "bulk": False,
    "refund": "true",
    "cartitems": [ITEM, {**ITEM, "order_no": "2", "discount": "1.5", "base_price": None}],
}
UPLOADED = f"{RECEIPTS}2_2018-03-01T09:30:00_114_77/"


def _receipt(**changes: object) -> dict:
    return {**RECEIPT, **changes}


def _item(**changes: object) -> dict:
    return {**RECEIPT, "cartitems": [{**ITEM, **changes}]}


def _asked_every_way(resource: str, what: str, url: str) -> list[X]:
    """One detail URL (ending in `/`) read as clients ask for it: plain, through a format suffix,
    with ?format=, in the browsable API, without its slash, then HEAD and OPTIONS."""
    bare = url[:-1]
    return [
        X(f"{resource}: {what}", "GET", url),
        X(f"{resource}: {what} with a .json suffix", "GET", f"{bare}.json"),
        X(f"{resource}: {what} with ?format=json", "GET", url + "?format=json"),
        X(f"{resource}: {what} in the browsable API", "GET", f"{bare}.api"),
        X(f"{resource}: {what} without its slash", "GET", bare),
        X(f"{resource}: HEAD {what}", "HEAD", url),
        X(f"{resource}: OPTIONS {what}", "OPTIONS", url),
    ]


def composite_key_reads() -> list[X]:
    return [
        X("receipts: list", "GET", RECEIPTS),
        X("receipts: list as JSON through a suffix", "GET", RECEIPTS[:-1] + ".json"),
        X("receipts: search by terminal", "GET", RECEIPTS + "?search=113"),
        X("receipts: ordering by date, descending", "GET", RECEIPTS + "?ordering=-date,order_id"),
        *_asked_every_way("receipts", "detail", DETAIL),
        X("receipts: OPTIONS list", "OPTIONS", RECEIPTS),
        X("receipts: PUT on a detail", "PUT", DETAIL, json={}),
        X("receipts: DELETE on a detail", "DELETE", DETAIL),
        X("receipts: detail, unknown order", "GET", f"{RECEIPTS}1_2017-07-05T19:54:39_113_0/"),
        X("receipts: detail, another terminal", "GET", f"{RECEIPTS}1_2017-07-05T19:54:39_114_919501/"),
        X("receipts: detail, three key parts", "GET", f"{RECEIPTS}1_2017-07-05T19:54:39_919501/"),
        X("receipts: detail, five key parts", "GET", f"{RECEIPTS}{KEY}_9/"),
        X("receipts: detail, an empty key part", "GET", f"{RECEIPTS}1__113_919501/"),
        X("receipts: detail, not a datetime in the key", "GET", f"{RECEIPTS}1_yesterday_113_919501/"),
        X("receipts: detail, a date alone in the key", "GET", f"{RECEIPTS}1_2017-07-05_113_919501/"),
        X("receipts: detail, a space for the T", "GET", f"{RECEIPTS}1_2017-07-05%2019:54:39_113_919501/"),
        X("receipts: detail, fractional seconds", "GET", f"{RECEIPTS}1_2017-07-05T19:54:39.000_113_919501/"),
        X("receipts: detail, a time zone in the key", "GET", f"{RECEIPTS}1_2017-07-05T19:54:39Z_113_919501/"),
        X(
            "receipts: detail, percent-encoded key",
            "GET",
            f"{RECEIPTS}%31_2017-07-05T19%3A54%3A39_113_919501/",
        ),
        X("receipts: detail, a dot in the key", "GET", f"{RECEIPTS}1.0_2017-07-05T19:54:39_113_919501/"),
    ]


def nested_reads() -> list[X]:
    item = f"{DETAIL}cartitems/1/"
    return [
        *_asked_every_way("cartitems", "an item", item),
        X("cartitems: POST on an item", "POST", item, json={}),
        X("cartitems: DELETE an item", "DELETE", item),
        X("cartitems: an unknown item", "GET", f"{DETAIL}cartitems/9/"),
        X("cartitems: an item key that is not a number", "GET", f"{DETAIL}cartitems/abc/"),
        X(
            "cartitems: an item of an unknown receipt",
            "GET",
            f"{RECEIPTS}1_2017-07-05T19:54:39_113_0/cartitems/1/",
        ),
        X("cartitems: an item under a bad receipt key", "GET", f"{RECEIPTS}1_yesterday/cartitems/1/"),
        X("cartitems: the list of items (no such route)", "GET", f"{DETAIL}cartitems/"),
        X("cartitems: an unknown nested list", "GET", f"{DETAIL}lines/1/"),
    ]


def uploads() -> list[X]:
    return [
        X("receipts: upload one", "POST", RECEIPTS, json=RECEIPT),
        X("receipts: uploaded, read back", "GET", UPLOADED),
        X("cartitems: uploaded item, read back", "GET", f"{UPLOADED}cartitems/2/"),
        X("receipts: upload the same again (updated)", "POST", RECEIPTS, json=_receipt(cartitems=[ITEM])),
        X("cartitems: a replaced item is gone", "GET", f"{UPLOADED}cartitems/2/"),
        X(
            "receipts: upload a list, through a suffix",
            "POST",
            RECEIPTS[:-1] + ".json",
            json=[
                _receipt(order_id="78", date="2018-03-04T09:30:00"),
                _receipt(order_id=79, terminal_id=115, date="2018-03-05T09:30:00"),
            ],
        ),
        X("receipts: a number for order_id, read back", "GET", f"{RECEIPTS}2_2018-03-05T09:30:00_115_79/"),
        X("cartitems: an order_no with a dot", "POST", RECEIPTS, json=_item(order_no="196.0")),
        X("cartitems: an item key with a dot, read back", "GET", f"{UPLOADED}cartitems/196.0/"),
        X("cartitems: an item key with a dot and a suffix", "GET", f"{UPLOADED}cartitems/196.0.json"),
        X("receipts: markers null", "POST", RECEIPTS, json=_receipt(markers=None)),
        X("receipts: markers empty", "POST", RECEIPTS, json=_receipt(markers=[])),
        X("receipts: markers as numbers", "POST", RECEIPTS, json=_receipt(markers=[1, 2.5])),
        X("receipts: markers, read back", "GET", UPLOADED),
        X("receipts: markers a string", "POST", RECEIPTS, json=_receipt(markers="1")),
        X("receipts: markers an object", "POST", RECEIPTS, json=_receipt(markers={"1": "a"})),
        X("receipts: markers with a null", "POST", RECEIPTS, json=_receipt(markers=["1", None])),
        X("receipts: markers with a blank", "POST", RECEIPTS, json=_receipt(markers=["", " "])),
        X("receipts: markers with a list", "POST", RECEIPTS, json=_receipt(markers=[["1"]])),
        X(
            "cartitems: blank nullable decimals are null",
            "POST",
            RECEIPTS,
            json=_item(base_price="", discount="  "),
        ),
        X("cartitems: blank decimals, read back", "GET", f"{UPLOADED}cartitems/1/"),
        X("cartitems: a blank required decimal", "POST", RECEIPTS, json=_item(price="")),
        X("cartitems: a decimal with five places", "POST", RECEIPTS, json=_item(qty="1.00001")),
        X("cartitems: an unknown product", "POST", RECEIPTS, json=_item(product_id="no-such-product")),
        X("cartitems: a product id with a null character", "POST", RECEIPTS, json=_item(product_id="a\x00b")),
        X("cartitems: an item without order_no", "POST", RECEIPTS, json=_receipt(cartitems=[{"price": "1"}])),
        X("cartitems: a null item", "POST", RECEIPTS, json=_receipt(cartitems=[None])),
        X("cartitems: an object for the list", "POST", RECEIPTS, json=_receipt(cartitems=ITEM)),
        X("cartitems: null", "POST", RECEIPTS, json=_receipt(cartitems=None)),
        X(
            "cartitems: an empty list",
            "POST",
            RECEIPTS,
            json=_receipt(order_id="80", date="2018-03-06T09:30:00", cartitems=[]),
        ),
        X(
            "receipts: without cartitems",
            "POST",
            RECEIPTS,
            json={k: v for k, v in RECEIPT.items() if k != "cartitems"},
        ),
        X(
            "receipts: unknown shop, terminal and cashier",
            "POST",
            RECEIPTS,
            json=_receipt(shop_id="0", terminal_id="0", cashier_id="0"),
        ),
        X(
            "receipts: unknown contractor and loyalty",
            "POST",
            RECEIPTS,
            json=_receipt(contractor_id="x", loyalty_id="y"),
        ),
        X(
            "receipts: a known loyalty card",
            "POST",
            RECEIPTS,
            json=_receipt(order_id="81", date="2018-03-07T09:30:00", loyalty_id="412986"),
        ),
        X("receipts: without date", "POST", RECEIPTS, json={k: v for k, v in RECEIPT.items() if k != "date"}),
        X("receipts: a date alone", "POST", RECEIPTS, json=_receipt(order_id="82", date="2018-03-02")),
        X(
            "receipts: a date with a zone",
            "POST",
            RECEIPTS,
            json=_receipt(order_id="83", date="2018-03-02T10:00:00+03:00"),
        ),
        X("receipts: date_open null", "POST", RECEIPTS, json=_receipt(date_open=None)),
        X("receipts: bulk and refund unreadable", "POST", RECEIPTS, json=_receipt(bulk="maybe", refund=2)),
        X("receipts: bulk and refund as text", "POST", RECEIPTS, json=_receipt(bulk="TRUE", refund="Off")),
        X("receipts: bulk and refund as numbers", "POST", RECEIPTS, json=_receipt(bulk=1.0, refund=0)),
        X("receipts: bulk and refund null as text", "POST", RECEIPTS, json=_receipt(bulk="null", refund="")),
        X("receipts: null booleans, read back", "GET", UPLOADED),
        X("receipts: bulk with white space", "POST", RECEIPTS, json=_receipt(bulk=" true", refund="None")),
        X("receipts: a list with a bad receipt", "POST", RECEIPTS, json=[RECEIPT, _receipt(shop_id=None)]),
        X(
            "receipts: form-encoded with cartitems",
            "POST",
            RECEIPTS,
            data={
                "shop_id": "3",
                "terminal_id": "113",
                "order_id": "84",
                "date": "2018-03-03T08:00:00",
                "date_open": "",
                "cashier_id": "",
                "refund": "",
                "cartitems[0]order_no": "1",
                "cartitems[0]product_id": PRODUCT,
                "cartitems[0]price": "5",
                "cartitems[0]qty": "1",
                "cartitems[0]total_price": "5",
                "cartitems[0]discount": "",
            },
        ),
        X("receipts: form-encoded, read back", "GET", f"{RECEIPTS}3_2018-03-03T08:00:00_113_84/"),
        X(
            "receipts: the form's receipt again as JSON, booleans null",
            "POST",
            RECEIPTS,
            json={
                **{k: v for k, v in RECEIPT.items() if k not in ("markers", "bulk", "refund")},
                "shop_id": "3",
                "terminal_id": "113",
                "order_id": "84",
                "date": "2018-03-03T08:00:00",
                "cartitems": [{**ITEM, "price": "5", "qty": "1", "total_price": "5"}],
            },
        ),
        X(
            "receipts: read back all",
            "GET",
            RECEIPTS + "?ordering=shop_id,date,terminal_id,order_id&page_size=50",
        ),
    ]


def receipt_exchanges() -> list[X]:
    return [*composite_key_reads(), *nested_reads(), *uploads()]
