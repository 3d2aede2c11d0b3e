"""What a client's day looks like, sent through the proxy: every documented behaviour the proxy
judges is shown at least once, and a faithful upstream breaks none of them."""

import httpx

SETUP = "/api/v1/oms/setup/addresses/"
DOCS = "/api/v1/relocate-documents/"
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"
OTHER_PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e531"


def akinon_traffic(base: str, key: str) -> None:
    auth = {"Authorization": f"Token {key}"}
    with httpx.Client(base_url=base, timeout=10) as client:
        client.get(SETUP + "is_required/")  # no credentials
        client.options(SETUP + "is_required/")
        client.post(SETUP + "execute/", json={})
        client.get(SETUP + "is_required/", headers=auth)
        client.get(SETUP + "get_async_status/", headers=auth)
        client.post(SETUP + "execute/", json={}, headers=auth)
        for _ in range(4):
            client.get(SETUP + "get_async_status/", headers=auth)
        client.get(SETUP + "is_required/", headers=auth)
        client.options(SETUP + "execute/", headers=auth)
        client.head(SETUP + "get_async_status/", headers=auth)
        # late polls: a client that comes back to the task after it ended
        client.get(SETUP + "get_async_status/", headers=auth)
        client.get(SETUP + "get_async_status/", headers={**auth, "Accept": "*/*"})
        client.get(SETUP + "is_required/", headers=auth)


def _document(relocate_id: str, total: str, responsible: str, lines: list[tuple[str, str]]) -> dict:
    return {
        "relocate_id": relocate_id,
        "price_total": total,
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": responsible,
        "products": [{"product_id": p, "qty": "1", "price": q, "price_total": q} for p, q in lines],
    }


def datawiz_traffic(base: str, key: str) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    totals = ["5.0000", "40.0000", "12.5000", "7.0000", "99.0000"]
    with httpx.Client(base_url=base, timeout=10, headers={"Accept": "application/json"}) as client:
        client.get(DOCS)  # no credentials
        client.options(DOCS)
        documents = [_document(f"px-{i}", t, f"owner-{i % 2}", [(PRODUCT, t)]) for i, t in enumerate(totals)]
        client.post(DOCS, json=documents, headers=auth)
        url: str | None = f"{DOCS}?search=px-&page_size=2&ordering=relocate_id"
        last = url
        while url:
            last = url
            url = client.get(url, headers=auth).json().get("next")
        url = client.get(last, headers=auth).json().get("previous")
        while url:
            url = client.get(url, headers=auth).json().get("previous")
        page = client.get(f"{DOCS}?search=px-&ordering=-price_total&page_size=10", headers=auth).json()
        for shown in page["results"][:2]:  # followed links: each result's own url
            if isinstance(shown.get("url"), str):
                client.get(shown["url"], headers=auth)
        client.get(f"{DOCS}?search=px-3", headers=auth)
        client.get(DOCS, headers=auth)
        client.get(DOCS + "px-1/", headers=auth)
        client.get(DOCS + "px-2.json", headers=auth)  # format suffixes
        client.get(DOCS.rstrip("/") + ".json?search=px-&page_size=2", headers=auth)
        client.head(DOCS + "px-2/", headers=auth)
        # a line whose price does not make its total: the document's price rule sets it
        discounted = _document("px-5", "5.0000", "owner-1", [(PRODUCT, "5.0000")])
        discounted["products"][0].update(qty="2", price="1.0000")
        client.post(DOCS, json=discounted, headers=auth)
        client.get(DOCS + "px-5/", headers=auth)
        client.get(DOCS + "no-such-document/", headers=auth)
        replacement = _document(
            "px-1", "3.0000", "owner-1", [(OTHER_PRODUCT, "1.0000"), (OTHER_PRODUCT, "2.0000")]
        )
        client.post(DOCS, json=replacement, headers=auth)
        client.get(DOCS + "px-1/", headers=auth)
        client.post(DOCS, json={"relocate_id": "px-bad"}, headers=auth)
        orphan = _document("px-orphan", "1.0000", "", [("no-such-product", "1.0000")])
        client.post(DOCS, json=orphan, headers=auth)
        client.options(DOCS, headers=auth)
        client.head(DOCS, headers=auth)
        client.get("/api/v1/products/?page_size=3", headers=auth)
        client.get("/api/v1/shops/", headers=auth)
        # Names and addresses every database orders and matches alike.
        products = [
            {"product_id": f"px-p{i}", "name": name, "category_id": "cat-dairy"}
            for i, name in enumerate(["px-c", "px-a", "px-b"])
        ]
        client.post("/api/v1/products/", json=products, headers=auth)
        client.get("/api/v1/products/?search=px-&ordering=name", headers=auth)
        client.get("/api/v1/products/px-p1/", headers=auth)
        client.post(
            "/api/v1/shops/",
            json={"shop_id": "px-s1", "name": "Shop", "address": "px-street 1"},
            headers=auth,
        )
        client.get("/api/v1/shops/?search=px-street", headers=auth)
        # Receipts (a composite key with a datetime) and loss documents, as the published client sends them.
        receipts = [
            {
                "shop_id": "1",
                "terminal_id": "113",
                "order_id": f"px-r{i}",
                "date": f"2017-07-0{day}T10:00:00",
                "cartitems": [
                    {"order_no": "1", "product_id": OTHER_PRODUCT, "price": 1, "qty": 1, "total_price": 1}
                ],
            }
            for i, day in enumerate([3, 1, 2])
        ]
        client.post("/api/v1/receipts/", json=receipts, headers=auth)
        client.get("/api/v1/receipts/?search=px-r&ordering=-date", headers=auth)
        client.get("/api/v1/receipts/1_2017-07-01T10:00:00_113_px-r1/", headers=auth)
        client.post(
            "/api/v1/receipts/", json={**receipts[0], "terminal_id": "no-such-terminal"}, headers=auth
        )
        documents = [
            {
                "document_id": f"px-l{i}",
                "shop_id": "1",
                "loss_type_id": "18",
                "date": "2018-03-03T15:55:25",
                "note": f"px-note {i}",
                "products": [{"product_id": OTHER_PRODUCT, "qty": 1, "price": 1, "total_price": 1}],
            }
            for i in range(2)
        ]
        client.post("/api/v1/loss-documents/", json=documents, headers=auth)
        client.get("/api/v1/loss-documents/?search=px-note", headers=auth)
