"""A profile (mockserver/profile.py): loaded and checked against its schema, a bad one is one line
naming the file and the JSON pointer; each knob changes the fake's answer, and no profile leaves
the fake's default."""

import json

import pytest

from mockserver.app import create_app
from mockserver.cli import main
from mockserver.options import Mistake, marker_values
from mockserver.profile import NOT_FOUND_MODEL, ProfileError, load_profile
from mockserver.settings import Settings
from mockserver.testing import asgi_client

AUTH = {"Authorization": "Bearer profile-test"}
EVIDENCE = {"request": "GET /x/", "status": 200}


def _document(**knobs):
    collections = knobs.pop("collections", {})
    return {"mockserver_profile": 1, "api": "datawiz", "knobs": knobs, "collections": collections}


def _write(tmp_path, document, name="profile.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _client(*profiles):
    return asgi_client(create_app(Settings(apis=("datawiz",), profiles=profiles)))


def test_a_profile_is_read_with_its_decided_knobs(tmp_path):
    path = _write(
        tmp_path,
        _document(
            not_found_text={"value": NOT_FOUND_MODEL, "evidence": EVIDENCE},
            options_decimal_details={"undecided": "no decimal field"},
            collections={"products": {"page_size": {"value": 7, "evidence": EVIDENCE}}},
        ),
    )
    profile = load_profile(path)
    assert profile.not_found_text == NOT_FOUND_MODEL
    assert profile.options_decimal_details is None  # undecided: the fake's default
    assert profile.page_sizes == {"products": 7}
    assert profile.decided() == {"not_found_text": NOT_FOUND_MODEL, "page_size@products": 7}


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        (_document(not_found_text={"value": "Gone.", "evidence": EVIDENCE}), "/knobs/not_found_text/value"),
        (
            _document(collections={"products": {"page_size": {"value": 0, "evidence": EVIDENCE}}}),
            "/collections/products/page_size/value",
        ),
        (_document(options_decimal_details={"value": True}), "/knobs/options_decimal_details"),
        (_document(page_sze={"undecided": "x"}), "/knobs"),
        ({"api": "datawiz", "knobs": {}}, "/"),
    ],
)
def test_a_bad_profile_is_one_line_naming_the_file_and_the_pointer(tmp_path, document, pointer):
    path = _write(tmp_path, document)
    with pytest.raises(ProfileError) as raised:
        load_profile(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: is not a mockserver profile: at {pointer}")
    assert "\n" not in message


def test_serve_refuses_a_bad_profile_with_exit_2(tmp_path, capsys):
    path = _write(tmp_path, _document(not_found_text={"value": "Gone.", "evidence": EVIDENCE}))
    assert main(["serve", "--api", "datawiz", "--profile", str(path), "--port", "0"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("mockserver serve: --profile")
    assert "/knobs/not_found_text/value" in error and "\n" not in error
    assert main(["serve", "--profile", str(tmp_path / "absent.json")]) == 2


def test_the_marker_takes_a_profile_through_the_settings_table(tmp_path):
    path = _write(tmp_path, _document(options_decimal_details={"value": True, "evidence": EVIDENCE}))
    values = marker_values({"profile": str(path), "api": "datawiz"})
    assert values["profile"][0].options_decimal_details is True
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    with pytest.raises(Mistake, match=r"profile=.*is not JSON"):
        marker_values({"profile": str(not_json)})


def test_a_profile_naming_an_undeclared_collection_stops_start_up(tmp_path):
    profile = load_profile(
        _write(
            tmp_path, _document(collections={"productz": {"page_size": {"value": 3, "evidence": EVIDENCE}}})
        )
    )
    with pytest.raises(Exception, match="productz"):
        create_app(Settings(apis=("datawiz",), profiles=(profile,)))


def test_not_found_text(tmp_path):
    default = _client().get("/api/v1/products/no-such-product/", headers=AUTH)
    assert default.status_code == 404 and default.json() == {"detail": "Not found."}
    profile = load_profile(
        _write(
            tmp_path,
            _document(
                not_found_text={"value": NOT_FOUND_MODEL, "evidence": EVIDENCE},
                collections={"shops": {"model": {"value": "Store", "evidence": EVIDENCE}}},
            ),
        )
    )
    client = _client(profile)
    answer = client.get("/api/v1/products/no-such-product/", headers=AUTH)
    assert answer.status_code == 404
    assert answer.json() == {"detail": "No Product matches the given query."}  # from the view's name
    shop = client.get("/api/v1/shops/no-such-shop/", headers=AUTH)
    assert shop.json() == {"detail": "No Store matches the given query."}  # the profile's model
    # A key DRF cannot look up at all (get_object_or_404 on a value of the wrong type) is a bare
    # "Not found." in every version: too few parts, a datetime part Django cannot parse
    receipt = client.get("/api/v1/receipts/?page_size=1", headers=AUTH).json()["results"][0]
    shop, moment = receipt["shop_id"], receipt["date"]
    for key, detail in [
        (f"{shop}_{moment}_999_999", "No Receipt matches the given query."),  # well formed, absent
        (f"{shop}_2016-02-30T10:00:00_1_1", "Not found."),  # no such day
        (f"{shop}_yesterday_1_1", "Not found."),
        (f"{shop}_{moment}_1", "Not found."),  # three parts of four
    ]:
        answer = client.get(f"/api/v1/receipts/{key}/", headers=AUTH)
        assert (answer.status_code, answer.json()) == (404, {"detail": detail}), key
    loss = client.get("/api/v1/loss-documents/?page_size=1", headers=AUTH).json()["results"][0]["url"]
    lines = loss.split("testserver", 1)[1] + "products/"
    assert (
        client.get(lines + "999/", headers=AUTH).json()["detail"].startswith("No ")
    )  # a number past the last
    assert client.get(lines + "first/", headers=AUTH).json() == {"detail": "Not found."}  # not a number
    # Not an unknown object: a wrong page stays DRF's own text
    assert client.get("/api/v1/products/?page=999", headers=AUTH).json() == {"detail": "Invalid page."}


def test_options_decimal_details(tmp_path):
    def price(client):
        actions = client.options("/api/v1/receipts/", headers=AUTH).json()["actions"]["POST"]
        return actions["cartitems"]["child"]["children"]["price"]

    assert "max_digits" not in price(_client())
    profile = load_profile(
        _write(tmp_path, _document(options_decimal_details={"value": True, "evidence": EVIDENCE}))
    )
    detailed = price(_client(profile))
    assert detailed["max_digits"] == 16 and detailed["decimal_places"] == 4
    assert {k: v for k, v in detailed.items() if k not in ("max_digits", "decimal_places")} == price(
        _client()
    )


def test_page_size(tmp_path):
    def page(client, query=""):
        return client.get(f"/api/v1/products/{query}", headers=AUTH).json()

    default = page(_client())
    profile = load_profile(
        _write(
            tmp_path, _document(collections={"products": {"page_size": {"value": 2, "evidence": EVIDENCE}}})
        )
    )
    client = _client(profile)
    assert len(page(client)["results"]) == 2 < len(default["results"])
    assert page(client)["count"] == default["count"]
    assert len(page(client, "?page_size=3")["results"]) == 3  # the client's page size still wins


def test_list_errors_as_dict(tmp_path):
    good = {"product_id": "p-as-dict", "name": "A product", "category_id": "cat-dairy", "unit_id": "pcs"}
    body = [good, {"product_id": "p-as-dict-2"}]

    def refused(*profiles):
        settings = Settings(apis=("datawiz",), profiles=profiles, validate_responses=True)
        answer = asgi_client(create_app(settings)).post("/api/v1/products/", json=body, headers=AUTH)
        assert answer.status_code == 400, answer.text
        return answer.json()

    aligned = refused()
    assert isinstance(aligned, list) and aligned[0] == {} and "name" in aligned[1]
    profile = load_profile(
        _write(tmp_path, _document(list_errors_as_dict={"value": True, "evidence": EVIDENCE}))
    )
    assert refused(profile) == {"1": aligned[1]}  # by index, the failed item only


def test_ordering_fields(tmp_path):
    def order(client, query):
        return [
            p["product_id"] for p in client.get(f"/api/v1/products/{query}", headers=AUTH).json()["results"]
        ]

    profile = load_profile(
        _write(
            tmp_path,
            _document(
                collections={"products": {"ordering_fields": {"value": ["name"], "evidence": EVIDENCE}}}
            ),
        )
    )
    default, client = _client(), _client(profile)
    assert order(default, "?ordering=-product_id") != order(default, "")
    assert order(client, "?ordering=-product_id") == order(client, "")  # ignored, as DRF ignores it
    assert order(client, "?ordering=-name") == order(default, "?ordering=-name")  # still honoured
    unknown = load_profile(
        _write(
            tmp_path,
            _document(
                collections={"products": {"ordering_fields": {"value": ["barcode"], "evidence": EVIDENCE}}}
            ),
        )
    )
    with pytest.raises(Exception, match="barcode, not declared ordering fields"):
        create_app(Settings(apis=("datawiz",), profiles=(unknown,)))


def test_search_fields(tmp_path):
    def found(client, term):
        return client.get(f"/api/v1/products/?search={term}", headers=AUTH).json()["count"]

    barcode = "4820586063833"  # the first fixture product's, in no other field
    profile = load_profile(
        _write(
            tmp_path,
            _document(collections={"products": {"search_fields": {"value": ["name"], "evidence": EVIDENCE}}}),
        )
    )
    default, client = _client(), _client(profile)
    assert found(default, barcode) == 1
    assert found(client, barcode) == 0  # the deployment does not search barcodes
    assert found(client, "Яготинське") == found(default, "Яготинське") > 0  # names still searched


@pytest.mark.parametrize(
    ("variant", "allow"),
    [
        (None, "GET, HEAD, OPTIONS"),
        ("seed", "GET, HEAD, OPTIONS, PATCH"),
        ("ModelViewSet", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
    ],
)
def test_instance_allow_gives_an_instance_its_allow_header(tmp_path, variant, allow):
    knob = {} if variant is None else {"instance_allow": {"value": variant, "evidence": EVIDENCE}}
    profiles = (load_profile(_write(tmp_path, _document(collections={"products": knob}))),)
    client = _client(*profiles)
    key = client.get("/api/v1/products/?page_size=1", headers=AUTH).json()["results"][0]["product_id"]
    for answer in (
        client.get(f"/api/v1/products/{key}/", headers=AUTH),
        client.get("/api/v1/products/absent-key/", headers=AUTH),
        client.options(f"/api/v1/products/{key}/", headers=AUTH),
    ):
        assert answer.headers["allow"] == allow
    put = client.put(f"/api/v1/products/{key}/", headers=AUTH, json={})
    # a ModelViewSet's instance takes PUT (this body lacks the required fields); the others do not
    assert put.status_code == (400 if variant == "ModelViewSet" else 405)
    # Another collection keeps the default, the list its own.
    shop = client.get("/api/v1/shops/?page_size=1", headers=AUTH).json()["results"][0]["shop_id"]
    assert client.get(f"/api/v1/shops/{shop}/", headers=AUTH).headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.get("/api/v1/products/", headers=AUTH).headers["allow"] == "GET, POST, HEAD, OPTIONS"


@pytest.mark.parametrize(
    ("variant", "answers"),
    [
        (None, [{"updated": 0, "inserted": 1}, {"updated": 1, "inserted": 0}]),
        ("seed", [{"updated": 0, "inserted": 1}, {"updated": 1, "inserted": 0}]),
        ("pages", [{"results": {"updated": 0, "created": 1}}, {"results": {"updated": 1, "created": 0}}]),
    ],
)
def test_upload_answer_gives_every_upload_its_shape(tmp_path, variant, answers):
    knobs = {} if variant is None else {"upload_answer": {"value": variant, "evidence": EVIDENCE}}
    client = _client(load_profile(_write(tmp_path, _document(**knobs))))
    unit = {"unit_id": "knob-unit", "name": "Knob"}
    for expected in answers:  # inserted, then replaced
        answer = client.post("/api/v1/units/", headers=AUTH, json=[unit])
        assert (answer.status_code, answer.json()) == (201, expected)
        assert answer.headers["location"].endswith("/api/v1/units/knob-unit/")
    assert client.get("/api/v1/units/knob-unit/", headers=AUTH).json()["name"] == "Knob"


@pytest.mark.parametrize(("ready", "after"), [(None, "FINISHED"), (False, "FINISHED"), (True, "READY")])
def test_ready_after_outcome_says_an_ended_task_as_ready(tmp_path, ready, after):
    knobs = {} if ready is None else {"ready_after_outcome": {"value": ready, "evidence": EVIDENCE}}
    document = {**_document(**knobs), "api": "akinon"}
    client = asgi_client(
        create_app(Settings(apis=("akinon",), profiles=(load_profile(_write(tmp_path, document)),)))
    )
    token = {"Authorization": "Token profile-test"}
    base = "/api/v1/oms/setup/addresses"
    assert client.get(f"{base}/get_async_status/", headers=token).json() == {"result": "READY"}
    assert client.get(f"{base}/is_required/", headers=token).json() == {"result": "true"}
    assert client.post(f"{base}/execute/", headers=token, json={}).status_code == 204
    assert client.get(f"{base}/get_async_status/", headers=token).json() == {"result": "WORKING"}
    client.post("/__mockserver__/clock/advance", json={"seconds": 60}, headers=token)
    assert client.get(f"{base}/get_async_status/", headers=token).json() == {"result": after}
    assert client.get(f"{base}/is_required/", headers=token).json() == {
        "result": "false"
    }  # it ran all the same


def _instance_writes_client(tmp_path, variant="ModelViewSet", collection="products"):
    knob = {"instance_allow": {"value": variant, "evidence": EVIDENCE}}
    return _client(load_profile(_write(tmp_path, _document(collections={collection: knob}))))


def test_a_model_viewset_instance_takes_put_as_a_full_update(tmp_path):
    client = _instance_writes_client(tmp_path)
    held = client.get("/api/v1/products/?page_size=1", headers=AUTH).json()["results"][0]
    url = f"/api/v1/products/{held['product_id']}/"
    # the upload serializer's required fields are required, as DRF's UpdateModelMixin (partial=False)
    refused = client.put(url, headers=AUTH, json={"product_id": held["product_id"], "name": "Renamed"})
    assert refused.status_code == 400 and refused.json() == {"category_id": ["This field is required."]}
    body = {"product_id": held["product_id"], "name": "Renamed", "category_id": held["category_id"]}
    answer = client.put(url, headers=AUTH, json={**body, "brand_id": "no-such-brand"})
    assert answer.status_code == 400 and "brand_id" in answer.json()  # references checked as on upload
    answer = client.put(url, headers=AUTH, json=body)
    assert answer.status_code == 200
    assert answer.json() == {**held, "name": "Renamed"}  # a field left out keeps its value (article, unit)
    assert client.get(url, headers=AUTH).json() == answer.json()
    assert answer.headers["allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
    absent = client.put("/api/v1/products/absent-key/", headers=AUTH, json=body)
    assert absent.status_code == 404 and absent.json() == {"detail": "Not found."}


def test_a_put_naming_another_key_moves_the_object_unless_that_key_is_held(tmp_path):
    client = _instance_writes_client(tmp_path)
    first, second = client.get("/api/v1/products/?page_size=2", headers=AUTH).json()["results"]
    body = {"name": "Moved", "category_id": first["category_id"]}
    taken = client.put(
        f"/api/v1/products/{first['product_id']}/",
        headers=AUTH,
        json={**body, "product_id": second["product_id"]},
    )
    assert taken.status_code == 400
    assert taken.json() == {"non_field_errors": ["The fields product_id must make a unique set."]}
    moved = client.put(
        f"/api/v1/products/{first['product_id']}/", headers=AUTH, json={**body, "product_id": "moved-key"}
    )
    assert moved.status_code == 200 and moved.json()["url"].endswith("/api/v1/products/moved-key/")
    assert client.get(f"/api/v1/products/{first['product_id']}/", headers=AUTH).status_code == 404
    assert client.get("/api/v1/products/moved-key/", headers=AUTH).json()["name"] == "Moved"


def test_patch_is_a_partial_update_and_runs_the_collections_rule(tmp_path):
    client = _instance_writes_client(tmp_path, "seed", "relocate-documents")
    held = client.get("/api/v1/relocate-documents/?page_size=1", headers=AUTH).json()["results"][0]
    url = f"/api/v1/relocate-documents/{held['relocate_id']}/"
    answer = client.patch(url, headers=AUTH, json={"responsible": "Patched"})
    assert answer.status_code == 200 and answer.json() == {**held, "responsible": "Patched"}
    line = {"product_id": held["products"][0]["product_id"], "qty": "4", "price": "1", "price_total": "10"}
    lines = client.patch(url, headers=AUTH, json={"products": [line]}).json()["products"]
    assert [(item["qty"], item["price"]) for item in lines] == [("4.0000", "2.5000")]  # the line price rule
    # the seed's Allow lists PATCH alone: PUT and DELETE stay refused
    assert client.put(url, headers=AUTH, json={}).status_code == 405
    assert client.delete(url, headers=AUTH).status_code == 405


def test_a_model_viewset_instance_takes_delete_per_tenant(tmp_path):
    client = _instance_writes_client(tmp_path)
    other = {"Authorization": "Bearer another-tenant"}
    count = client.get("/api/v1/products/", headers=AUTH).json()["count"]
    key = client.get("/api/v1/products/?page_size=1", headers=AUTH).json()["results"][0]["product_id"]
    url = f"/api/v1/products/{key}/"
    assert client.get(url, headers=other).status_code == 200  # the other tenant's copy is seeded
    deleted = client.delete(url, headers=AUTH)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert client.get(url, headers=AUTH).status_code == 404
    assert client.get("/api/v1/products/", headers=AUTH).json()["count"] == count - 1
    assert client.delete(url, headers=AUTH).status_code == 404
    assert client.get(url, headers=other).status_code == 200  # only this tenant's object is gone


def test_a_model_viewset_instance_options_lists_put_for_an_object_it_holds(tmp_path):
    client, default = _instance_writes_client(tmp_path), _client()
    key = client.get("/api/v1/products/?page_size=1", headers=AUTH).json()["results"][0]["product_id"]
    held = client.options(f"/api/v1/products/{key}/", headers=AUTH).json()
    listed = client.options("/api/v1/products/", headers=AUTH).json()
    assert held["actions"]["PUT"] == listed["actions"]["POST"]  # the serializer's fields
    # DRF's SimpleMetadata leaves PUT out when get_object() finds nothing
    assert "actions" not in client.options("/api/v1/products/absent-key/", headers=AUTH).json()
    assert "actions" not in default.options(f"/api/v1/products/{key}/", headers=AUTH).json()


@pytest.mark.parametrize(
    ("variant", "first", "last"), [(None, "ct-dated", "ct-undated"), ("first", "ct-undated", "ct-dated")]
)
def test_null_ordering_puts_nulls_where_the_deployments_database_does(tmp_path, variant, first, last):
    knobs = {} if variant is None else {"null_ordering": {"value": variant, "evidence": EVIDENCE}}
    client = _client(load_profile(_write(tmp_path, _document(**knobs))))
    shops = [
        {"shop_id": "ct-undated", "name": "No date"},
        {"shop_id": "ct-dated", "name": "Dated", "open_date": "1990-01-01"},
    ]
    assert client.post("/api/v1/shops/", headers=AUTH, json=shops).status_code == 201

    def order(query):
        found = client.get(f"/api/v1/shops/?page_size=100&{query}", headers=AUTH).json()["results"]
        return [shop["shop_id"] for shop in found if shop["shop_id"].startswith("ct-")]

    # ascending: NULLs last on PostgreSQL (the fake's default), first on SQLite; descending reversed
    assert order("ordering=open_date") == [first, last]
    assert order("ordering=-open_date") == [last, first]
    everything = client.get("/api/v1/shops/?page_size=100&ordering=open_date", headers=AUTH).json()["results"]
    assert everything[0 if variant else -1]["shop_id"] == "ct-undated"  # before or after every date


def test_max_page_size_cuts_a_larger_page_asked(tmp_path):
    def shown(client, size):
        return len(client.get(f"/api/v1/products/?page_size={size}", headers=AUTH).json()["results"])

    knob = {"max_page_size": {"value": 4, "evidence": EVIDENCE}}
    client = _client(load_profile(_write(tmp_path, _document(collections={"products": knob}))))
    assert shown(_client(), 7) == 7
    assert shown(client, 7) == 4 and shown(client, 3) == 3  # cut to the cap, as DRF's max_page_size
    assert shown(client, "") == 20  # the default page is not capped (DRF applies the cap to ?page_size=)
    page = client.get("/api/v1/products/?page_size=7", headers=AUTH).json()
    assert "page_size=7" in page["next"]  # the link keeps what was asked


@pytest.mark.parametrize(("variant", "stored"), [(None, False), ("false", False), ("null", None)])
def test_form_nullable_boolean_is_what_a_form_leaving_one_out_stores(tmp_path, variant, stored):
    knobs = {} if variant is None else {"form_nullable_boolean": {"value": variant, "evidence": EVIDENCE}}
    client = _client(load_profile(_write(tmp_path, _document(**knobs))))
    for key, files in (("ct-form", None), ("ct-multipart", {"x": ("x", b"")})):
        answer = client.post(
            "/api/v1/units/", headers=AUTH, data={"unit_id": key, "name": "Form"}, files=files
        )
        assert answer.status_code == 201, answer.text
        assert client.get(f"/api/v1/units/{key}/", headers=AUTH).json()["packed"] is stored
    json_body = client.post("/api/v1/units/", headers=AUTH, json={"unit_id": "ct-json", "name": "JSON"})
    assert json_body.status_code == 201  # a JSON upload leaving it out stores null either way
    assert client.get("/api/v1/units/ct-json/", headers=AUTH).json()["packed"] is None


@pytest.mark.parametrize(
    ("first_class", "status", "challenge"),
    [
        (None, 401, 'Bearer realm="api"'),  # the spec's first scheme: django-oauth-toolkit's
        ("OAuth2Authentication", 401, 'Bearer realm="api"'),
        ("BasicAuthentication", 401, 'Basic realm="api"'),
        ("TokenAuthentication", 401, "Token"),
        ("SessionAuthentication", 403, None),  # no challenge: DRF answers 403
    ],
)
def test_auth_challenge_is_the_first_authentication_classs(tmp_path, first_class, status, challenge):
    knobs = {} if first_class is None else {"auth_challenge": {"value": first_class, "evidence": EVIDENCE}}
    profile = load_profile(_write(tmp_path, _document(**knobs)))
    client = asgi_client(
        create_app(Settings(apis=("datawiz",), auth_mode="strict", tokens=("k",), profiles=(profile,)))
    )
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Token wrong"}):
        answer = client.get("/api/v1/units/", headers=headers)
        assert answer.status_code == status, (headers, answer.text)
        shown = answer.headers.get("www-authenticate")
        assert (
            shown == challenge
            if not headers or challenge != 'Bearer realm="api"'
            else shown.startswith("Bearer")
        )
    assert client.get("/api/v1/units/", headers={"Authorization": "Bearer k"}).status_code == 200


@pytest.mark.parametrize("variant", [None, "words", "phrases"])
def test_search_terms_reads_quoted_phrases_as_drf_315(tmp_path, variant):
    knobs = {} if variant is None else {"search_terms": {"value": variant, "evidence": EVIDENCE}}
    client = _client(load_profile(_write(tmp_path, _document(**knobs))))
    shops = [
        {"shop_id": "ct-phrase", "name": "Central market"},
        {"shop_id": "ct-words", "name": "Market central"},
    ]
    assert client.post("/api/v1/shops/", headers=AUTH, json=shops).status_code == 201

    def found(search):
        answer = client.get("/api/v1/shops/", headers=AUTH, params={"search": search, "page_size": 100})
        if answer.status_code != 200:
            return answer.status_code, answer.json()
        return sorted(s["shop_id"] for s in answer.json()["results"] if s["shop_id"].startswith("ct-"))

    phrases = variant == "phrases"
    # 3.15+: one term, "central market" in that order; 3.14: two words, quotes part of them
    assert found('"central market"') == (["ct-phrase"] if phrases else [])
    assert found("central market") == ["ct-phrase", "ct-words"]  # words both ways
    assert found("central,market") == ["ct-phrase", "ct-words"]
    # DRF 3.15+ refuses a null character (400, the spec's NullInSearch); 3.14 drops it
    refused = (400, ["Null characters are not allowed."])
    assert found("central\x00") == (refused if phrases else ["ct-phrase", "ct-words"])
