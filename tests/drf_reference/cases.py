"""Hand-picked requests: every DRF convention the fake re-implements, each named. Sent in this
order to both services (writes last, so reads see the fixtures)."""

from tests.drf_reference.compare import Exchange as X

V1 = "/api/v1"
DOC = "11112"
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LINE = {"product_id": PRODUCT, "qty": "3.0000", "price": "10.0000", "price_total": "30.0000"}
DOCUMENT = {
    "relocate_id": "d-1",
    "price_total": "30.0000",
    "relocate_date": "2016-02-01T00:00:00",
    "responsible": "",
    "sender_shop_id": None,
    "receiver_shop_id": None,
    "products": [LINE],
}


# products.rst's and shops.rst's examples, on objects of the fixtures (every documented field).
PRODUCT_PAGE = {
    "product_id": "p-page",
    "name": "Сигареты Красные Столичные",
    "article": "2042",
    "barcode": "4820000363433,4820000361590,288",
    "category_id": "cat-dairy",
    "brand_id": "111",
    "producer_id": None,
    "unit_id": "pcs",
    "active": False,
    "width": 12.5,
    "height": "3",
    "depth": None,
}
SHOP_PAGE = {
    "shop_id": "s-page",
    "format_id": "5",
    "group_id": "10",
    "name": "Магазин №22",
    "address": "ул. Спартака, д. 88",
    "open_date": None,
    "latitude": "49.42127200",
    "longitude": 27.004452,
}


def _doc(**changes: object) -> dict:
    return {**DOCUMENT, **changes}


def reads() -> list[X]:
    cases = []
    for resource, key, search, order in (
        ("relocate-documents", DOC, "1111", "-price_total"),
        ("products", PRODUCT, "Молоко", "-name"),
        ("shops", "1", "Київ", "-open_date"),
    ):
        base = f"{V1}/{resource}/"
        cases += [
            X(f"{resource}: list", "GET", base),
            X(f"{resource}: page 2 of 2", "GET", base + "?page=2&page_size=2"),
            X(
                f"{resource}: page 3 keeps other parameters",
                "GET",
                base + f"?page_size=2&page=3&search={search[:1]}",
            ),
            X(f"{resource}: last page", "GET", base + "?page=last&page_size=5"),
            X(f"{resource}: page past the end", "GET", base + "?page=999"),
            X(f"{resource}: page not a number", "GET", base + "?page=abc"),
            X(f"{resource}: page 0", "GET", base + "?page=0"),
            X(f"{resource}: page_size 0", "GET", base + "?page_size=0"),
            X(f"{resource}: page_size unreadable", "GET", base + "?page_size=abc"),
            X(f"{resource}: page_size over the maximum", "GET", base + "?page_size=5000"),
            X(f"{resource}: search", "GET", base + f"?search={search}"),
            X(f"{resource}: search, two terms", "GET", base + f"?search={search}%20{search[:2]}"),
            X(f"{resource}: search, nothing", "GET", base + "?search=unknown-string"),
            X(f"{resource}: search, a quoted phrase", "GET", base + f"?search=%22{search}%22"),
            X(f"{resource}: search, a null character", "GET", base + "?search=a%00"),
            X(f"{resource}: search, empty page number", "GET", base + "?page="),
            X(
                f"{resource}: detail with a search that excludes it",
                "GET",
                base + f"{key}/?search=unknown-string",
            ),
            X(f"{resource}: ordering", "GET", base + f"?ordering={order}&page_size=100"),
            X(f"{resource}: ordering, unknown field", "GET", base + "?ordering=unknown"),
            # Hostile values (tests/core/test_hostile_queries.py has the property over every
            # collection): int() reads Arabic-Indic and fullwidth digits, not superscripts.
            X(f"{resource}: page, a superscript digit", "GET", base + "?page=%C2%B3"),
            X(f"{resource}: page, an Arabic-Indic digit", "GET", base + "?page=%D9%A2&page_size=2"),
            X(f"{resource}: page, signed and padded", "GET", base + "?page=%20%2B2%20&page_size=2"),
            X(f"{resource}: page, a lone surrogate escaped", "GET", base + "?page=%ED%A0%80"),
            X(f"{resource}: page_size, fullwidth digits", "GET", base + "?page_size=%EF%BC%92"),
            X(f"{resource}: page_size, a superscript digit", "GET", base + "?page_size=%C2%B3"),
            X(f"{resource}: ordering, two dashes", "GET", base + f"?ordering=--{order.lstrip('-')}"),
            X(f"{resource}: detail", "GET", base + f"{key}/"),
            X(f"{resource}: detail, unknown key", "GET", base + "no-such-key/"),
            X(f"{resource}: detail, percent-encoded key", "GET", base + "a%20b/"),
            X(f"{resource}: HEAD list", "HEAD", base),
            X(f"{resource}: HEAD detail", "HEAD", base + f"{key}/"),
            X(f"{resource}: OPTIONS list", "OPTIONS", base),
            X(f"{resource}: OPTIONS detail", "OPTIONS", base + f"{key}/"),
            X(f"{resource}: PUT list", "PUT", base, json={}),
            X(f"{resource}: DELETE detail", "DELETE", base + f"{key}/"),
            X(f"{resource}: POST detail", "POST", base + f"{key}/", json={}),
            X(f"{resource}: PATCH detail", "PATCH", base + f"{key}/", json={}),
        ]
    docs = f"{V1}/relocate-documents"
    cases += [
        # format suffixes and the format parameter
        X("suffix .json on the list", "GET", f"{docs}.json?page_size=1"),
        X("suffix .json/ on the list", "GET", f"{docs}.json/?page_size=1"),
        X("the document's suffix form /.json/", "GET", f"{docs}/.json/?page_size=1"),
        X("suffix .json on a detail", "GET", f"{docs}/{DOC}.json"),
        X("suffix .json/ on a detail", "GET", f"{docs}/{DOC}.json/"),
        X("suffix .api on the list", "GET", f"{docs}.api"),
        X("unknown suffix .xml", "GET", f"{docs}.xml"),
        X("format=json", "GET", f"{docs}/?format=json&page_size=1"),
        X("format=api", "GET", f"{docs}/?format=api"),
        X("format=xml", "GET", f"{docs}/?format=xml"),
        X("format= (empty)", "GET", f"{docs}/?format=&page_size=1"),
        X("OPTIONS with a suffix", "OPTIONS", f"{docs}.json"),
        # content negotiation
        X("Accept: application/json", "GET", f"{docs}/{DOC}/", headers={"Accept": "application/json"}),
        X("Accept: text/html", "GET", f"{docs}/{DOC}/", headers={"Accept": "text/html"}),
        X("Accept: application/xml", "GET", f"{docs}/{DOC}/", headers={"Accept": "application/xml"}),
        X(
            "Accept: application/json; indent=4",
            "GET",
            f"{docs}/{DOC}/",
            headers={"Accept": "application/json; indent=4"},
        ),
        X(
            "Accept: json preferred by q",
            "GET",
            f"{docs}/{DOC}/",
            headers={"Accept": "text/html;q=0.5, application/json"},
        ),
        X("Accept: */*", "GET", f"{docs}/{DOC}/", headers={"Accept": "*/*"}),
        X("Accept: application/*", "GET", f"{docs}/{DOC}/", headers={"Accept": "application/*"}),
        X(
            "Accept: xml with format=json",
            "GET",
            f"{docs}/{DOC}/?format=json",
            headers={"Accept": "application/xml"},
        ),
        # Django around DRF
        X("missing trailing slash", "GET", f"{docs}"),
        X("missing trailing slash, with a query", "GET", f"{docs}?page=2"),
        X("missing trailing slash on a detail", "GET", f"{docs}/{DOC}"),
        X("unknown path", "GET", f"{V1}/no-such-resource/"),
        # authentication
        X("no credentials", "GET", f"{docs}/", authenticated=False),
        X("no credentials, HTML", "GET", f"{docs}/?format=api", authenticated=False),
        X("no credentials, wrong method", "DELETE", f"{docs}/", authenticated=False),
        X("no credentials, OPTIONS", "OPTIONS", f"{docs}/", authenticated=False),
        X("Bearer without a token", "GET", f"{docs}/", headers={"Authorization": "Bearer"}),
        X("Bearer with an unknown token", "GET", f"{docs}/", headers={"Authorization": "Bearer nope"}),
        X("Bearer with two words", "GET", f"{docs}/", headers={"Authorization": "Bearer a b"}),
        X("Basic credentials", "GET", f"{docs}/", headers={"Authorization": "Basic YWxpY2U6c2VjcmV0"}),
        X("Token with an unknown key", "GET", f"{docs}/", headers={"Authorization": "Token nope"}),
        X("Token without a key", "GET", f"{docs}/", headers={"Authorization": "Token"}),
        # the OAuth2 token endpoint
        X(
            "token: password grant",
            "POST",
            "/api/o/token/",
            authenticated=False,
            data={"grant_type": "password", "username": "alice", "password": "secret"},
            headers={"Authorization": "Basic ZGlmZi1jbGllbnQ6ZGlmZi1zZWNyZXQ="},
        ),
        X(
            "token: wrong password",
            "POST",
            "/api/o/token/",
            authenticated=False,
            data={"grant_type": "password", "username": "alice", "password": "wrong"},
            headers={"Authorization": "Basic ZGlmZi1jbGllbnQ6ZGlmZi1zZWNyZXQ="},
        ),
        X(
            "token: unknown client",
            "POST",
            "/api/o/token/",
            authenticated=False,
            data={"grant_type": "password", "username": "alice", "password": "secret"},
            headers={"Authorization": "Basic bm86bm8="},
        ),
        X(
            "token: unsupported grant",
            "POST",
            "/api/o/token/",
            authenticated=False,
            data={"grant_type": "implicit"},
            headers={"Authorization": "Basic ZGlmZi1jbGllbnQ6ZGlmZi1zZWNyZXQ="},
        ),
        X(
            "token: missing password",
            "POST",
            "/api/o/token/",
            authenticated=False,
            data={"grant_type": "password", "username": "alice"},
            headers={"Authorization": "Basic ZGlmZi1jbGllbnQ6ZGlmZi1zZWNyZXQ="},
        ),
    ]
    return cases


def writes() -> list[X]:
    docs = f"{V1}/relocate-documents/"
    products = f"{V1}/products/"
    shops = f"{V1}/shops/"
    return [
        X("upload: the document's example", "POST", docs, json=_doc()),
        X("upload: the same again (updated)", "POST", docs, json=_doc()),
        X(
            "upload: a list, one key twice",
            "POST",
            docs,
            json=[_doc(relocate_id="d-2"), _doc(relocate_id="d-2")],
        ),
        X("upload: an empty list", "POST", docs, json=[]),
        X("upload: read back", "GET", docs + "d-2/"),
        X(
            "upload: through the .json suffix",
            "POST",
            f"{V1}/relocate-documents.json",
            json=_doc(relocate_id="d-3"),
        ),
        X(
            "upload: through the .api suffix",
            "POST",
            f"{V1}/relocate-documents.api",
            json=_doc(relocate_id="d-4"),
        ),
        X(
            "upload: price recomputed",
            "POST",
            docs,
            json=_doc(relocate_id="d-5", products=[{**LINE, "price": "7.0000"}]),
        ),
        X("upload: price recomputed, read back", "GET", docs + "d-5/"),
        X("upload: qty 0", "POST", docs, json=_doc(relocate_id="d-6", products=[{**LINE, "qty": "0"}])),
        X("upload: qty 0, read back", "GET", docs + "d-6/"),
        X(
            "upload: numbers for strings and decimals",
            "POST",
            docs,
            json=_doc(relocate_id=7, price_total=30, responsible=5, sender_shop_id=3),
        ),
        X("upload: numbers, read back", "GET", docs + "7/"),
        X("upload: white space trimmed", "POST", docs, json=_doc(relocate_id="  d-8  ", responsible="  x ")),
        X("upload: white space, read back", "GET", docs + "d-8/"),
        X(
            "upload: aware datetime",
            "POST",
            docs,
            json=_doc(relocate_id="d-9", relocate_date="2016-02-01T02:00:00+02:00"),
        ),
        X("upload: aware datetime, read back", "GET", docs + "d-9/"),
        X(
            "upload: datetime with Z and microseconds",
            "POST",
            docs,
            json=_doc(relocate_id="d-10", relocate_date="2016-02-01T00:00:00.123456Z"),
        ),
        X("upload: microseconds, read back", "GET", docs + "d-10/"),
        X("upload: garbage datetime", "POST", docs, json=_doc(relocate_date="yesterday")),
        X("upload: {}", "POST", docs, json={}),
        X("upload: no body", "POST", docs),
        X("upload: null", "POST", docs, content=b"null", headers=JSON),
        X("upload: a string", "POST", docs, json="text"),
        X("upload: a number", "POST", docs, json=5),
        X("upload: a list with null", "POST", docs, json=[None]),
        X("upload: a list with a number", "POST", docs, json=[_doc(), 1]),
        X("upload: a list of lists", "POST", docs, json=[[]]),
        X(
            "upload: unknown product",
            "POST",
            docs,
            json=_doc(products=[LINE, {**LINE, "product_id": "nope"}]),
        ),
        X("upload: products an object", "POST", docs, json=_doc(products={"a": 1})),
        X("upload: products a string", "POST", docs, json=_doc(products="abc")),
        X("upload: products with null", "POST", docs, json=_doc(products=[None])),
        X("upload: products with a number", "POST", docs, json=_doc(products=[LINE, 3])),
        X(
            "upload: products missing",
            "POST",
            docs,
            json={k: v for k, v in DOCUMENT.items() if k != "products"},
        ),
        X("upload: products null", "POST", docs, json=_doc(products=None)),
        X(
            "upload: a line without price",
            "POST",
            docs,
            json=_doc(products=[{k: v for k, v in LINE.items() if k != "price"}]),
        ),
        X("upload: price_total not a number", "POST", docs, json=_doc(price_total="abc")),
        X("upload: price_total NaN text", "POST", docs, json=_doc(price_total="NaN")),
        X("upload: too many digits", "POST", docs, json=_doc(price_total="12345678901234567")),
        X("upload: too many decimal places", "POST", docs, json=_doc(price_total="1.123456")),
        X("upload: too many digits before the point", "POST", docs, json=_doc(price_total="1234567890123.5")),
        X("upload: relocate_id blank", "POST", docs, json=_doc(relocate_id="")),
        X("upload: relocate_id null", "POST", docs, json=_doc(relocate_id=None)),
        X("upload: relocate_id a boolean", "POST", docs, json=_doc(relocate_id=True)),
        X("upload: relocate_id an object", "POST", docs, json=_doc(relocate_id={"a": 1})),
        X("upload: responsible null", "POST", docs, json=_doc(responsible=None)),
        X("upload: responsible too long", "POST", docs, json=_doc(responsible="x" * 201)),
        X("upload: sender_shop_id blank", "POST", docs, json=_doc(sender_shop_id="")),
        X("upload: null character", "POST", docs, json=_doc(responsible="a\x00b")),
        X("upload: null character and too long", "POST", docs, json=_doc(responsible="\x00" * 201)),
        X("upload: unknown fields ignored", "POST", docs, json=_doc(relocate_id="d-12", extra=1, url="x")),
        X("upload: malformed JSON", "POST", docs, content=b'{"a":', headers=JSON),
        X("upload: NaN in JSON", "POST", docs, content=b'{"price_total": NaN}', headers=JSON),
        X("upload: text/plain", "POST", docs, content=b"hello", headers={"Content-Type": "text/plain"}),
        X(
            "upload: form, a product",
            "POST",
            products,
            content=b"product_id=f-1&name=Form&category_id=cat-dairy",
            headers=FORM,
        ),
        X(
            "upload: form, empty nullable value",
            "POST",
            products,
            content=b"product_id=f-2&name=Form&category_id=cat-dairy&unit_id=&barcode=",
            headers=FORM,
        ),
        X("upload: form, empty nullable, read back", "GET", products + "f-2/"),
        X(
            "upload: form, nested lines",
            "POST",
            docs,
            content=(
                b"relocate_id=f-3&price_total=30&relocate_date=2016-02-01T00:00:00&responsible=&"
                b"products[0]product_id=" + PRODUCT.encode() + b"&products[0]qty=3&products[0]price=10&"
                b"products[0]price_total=30"
            ),
            headers=FORM,
        ),
        X(
            "upload: form, empty nullable shop id",
            "POST",
            docs,
            content=b"relocate_id=f-4&price_total=30&relocate_date=2016-02-01T00:00:00&responsible=&sender_shop_id=",
            headers=FORM,
        ),
        X(
            "upload: multipart, a product",
            "POST",
            products,
            data={"product_id": "m-1", "name": "Multipart", "category_id": "cat-dairy"},
            files={"ignored": ("a.txt", b"x")},
        ),
        X(
            "products: upload",
            "POST",
            products,
            json=[
                {"product_id": "p-1", "name": "One", "category_id": "cat-dairy"},
                {"product_id": 2, "name": 2, "category_id": "cat-meat"},
            ],
        ),
        X(
            "products: name blank",
            "POST",
            products,
            json={"product_id": "p-3", "name": "", "category_id": "cat-dairy"},
        ),
        X("products: category missing", "POST", products, json={"product_id": "p-3", "name": "n"}),
        X("products: category unknown", "POST", products, json={**PRODUCT_PAGE, "category_id": "nope"}),
        X("products: brand unknown", "POST", products, json={**PRODUCT_PAGE, "brand_id": "nope"}),
        X(
            "products: sizes not numbers",
            "POST",
            products,
            json={**PRODUCT_PAGE, "width": "wide", "active": "x"},
        ),
        X("products: every documented field", "POST", products, json=PRODUCT_PAGE),
        X("products: every documented field, read back", "GET", products + "p-page/"),
        X("products: name missing", "POST", products, json={"product_id": "p-3"}),
        X(
            "products: too long",
            "POST",
            products,
            json={"product_id": "p" * 201, "name": "x", "category_id": "cat-dairy"},
        ),
        X("products: read back", "GET", products + "?search=p-&ordering=-product_id"),
        X("shops: upload", "POST", shops, json={"shop_id": "s-1", "name": "S", "open_date": "2020-01-02"}),
        X("shops: bad date", "POST", shops, json={"shop_id": "s-2", "name": "S", "open_date": "2020-13-01"}),
        X(
            "shops: datetime for a date",
            "POST",
            shops,
            json={"shop_id": "s-2", "name": "S", "open_date": "2020-01-01T00:00:00"},
        ),
        X("shops: null date", "POST", shops, json={"shop_id": "s-3", "name": "S", "open_date": None}),
        X("shops: every documented field", "POST", shops, json=SHOP_PAGE),
        X("shops: every documented field, read back", "GET", shops + "s-page/"),
        X("shops: format unknown", "POST", shops, json={**SHOP_PAGE, "format_id": "nope"}),
        X("shops: latitude too precise", "POST", shops, json={**SHOP_PAGE, "latitude": "1.123456789"}),
        X("shops: read back", "GET", shops + "?ordering=-open_date&page_size=100"),
        X("documents: read back all", "GET", docs + "?page_size=100"),
        X(
            "upload: date-only datetime",
            "POST",
            docs,
            json=_doc(relocate_id="d-11", relocate_date="2016-02-01"),
        ),
    ]


# Sent last of all: DRF answers 500 for every later page that holds it (drf-fidelity.md).
KEY_WITH_A_DOT = X("upload: a key with a dot", "POST", f"{V1}/shops/", json={"shop_id": "s.1", "name": "Dot"})


def hand_picked() -> list[X]:
    return reads() + writes()
