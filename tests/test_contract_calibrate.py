"""`mockserver calibrate` without a DRF reference: the fake served with a profile calibrates back to
that profile (each knob read from the probes, not copied), the fake without one to its defaults;
a command line without --out is one line and exit 2."""

from contract_tests.calibrate import calibrate, fidelity, profile_failures
from contract_tests.target import Credentials, in_process_target
from mockserver.app import create_app
from mockserver.cli import main
from mockserver.profile import NOT_FOUND_MODEL, NOT_FOUND_SHORT, decided_values, profile_from
from mockserver.settings import Settings

EVIDENCE = {"request": "GET /x/", "status": 200}
PROFILE = {
    "mockserver_profile": 1,
    "api": "datawiz",
    "knobs": {
        "not_found_text": {"value": NOT_FOUND_MODEL, "evidence": EVIDENCE},
        "options_decimal_details": {"value": True, "evidence": EVIDENCE},
    },
    "collections": {
        "products": {
            "page_size": {"value": 3, "evidence": EVIDENCE},
            "ordering_fields": {"value": ["name"], "evidence": EVIDENCE},  # product_id ignored
            "search_fields": {"value": ["name", "barcode"], "evidence": EVIDENCE},
            "instance_allow": {"value": "ModelViewSet", "evidence": EVIDENCE},
        },
        "shops": {"model": {"value": "Store", "evidence": EVIDENCE}},
    },
}


def _fake(*profiles):
    settings = Settings(apis=("datawiz",), auth_mode="strict", tokens=("t",), profiles=profiles)
    return in_process_target("datawiz", create_app(settings), Credentials(token="t"))


def test_the_fake_with_a_profile_calibrates_back_to_it():
    calibration = calibrate(_fake(profile_from(PROFILE)))
    found = decided_values(calibration.document("http://testserver"))
    assert found["not_found_text"] == NOT_FOUND_MODEL
    assert found["options_decimal_details"] is True
    assert found["page_size@products"] == 3
    assert found["model@shops"] == "Store"
    assert found["model@products"] == "Product"
    assert found["ordering_fields@products"] == ["name"]  # product_id probed (decided), name documented
    assert found["search_fields@products"] == ["name", "barcode"]  # product_id, article probed: not searched
    assert found["instance_allow@products"] == "ModelViewSet"  # from the held product's Allow
    assert found["instance_allow@shops"] == "read-only"
    figures = fidelity(calibration, calibration.document("http://testserver"))
    assert figures["after"] == figures["probes"]  # the fake with the profile is the fake probed
    assert figures["before"] < figures["after"]


def test_the_fake_without_a_profile_calibrates_to_its_defaults():
    found = decided_values(calibrate(_fake()).document("http://testserver"))
    assert found["not_found_text"] == NOT_FOUND_SHORT
    assert found["options_decimal_details"] is False
    assert not any(knob.startswith("model@") for knob in found)
    assert found["ordering_fields@products"] == ["product_id", "name"]
    assert found["search_fields@products"] == ["product_id", "name", "article", "barcode"]
    assert {value for knob, value in found.items() if knob.startswith("instance_allow@")} == {"read-only"}


def test_calibrate_needs_out(capsys):
    assert main(["calibrate", "--api", "datawiz", "--base-url", "http://127.0.0.1:9", "--token", "t"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("mockserver calibrate: --out") and "\n" not in error


def test_diff_with_the_profile_compares_with_the_fake_served_with_it():
    from contract_tests.diff import run_diff
    from contract_tests.plan import Selection

    deployment_profile = profile_from(PROFILE)
    only_receipts = Selection.parse(["receipts"], [])

    def options_differences(**profile):
        report = run_diff(_fake(deployment_profile), selection=only_receipts, **profile)
        return [f for f in report.failures if f.operation.endswith("OPTIONS /api/v1/receipts/")]

    assert options_differences()  # the shapes differ: max_digits and decimal_places
    assert options_differences(profile=deployment_profile) == []


def test_verify_with_the_profile_names_an_instance_allow_that_changed():
    failures, matched = profile_failures(_fake(), PROFILE)  # a deployment back at read-only instances
    messages = {failure.message for failure in failures}
    assert "the profile no longer matches: instance_allow@products" in messages
    _, matched = profile_failures(_fake(profile_from(PROFILE)), PROFILE)
    assert "instance_allow@products" in matched


def test_upload_answer_is_decided_only_with_writes_by_one_object_of_the_run():
    pages = {
        **PROFILE,
        "knobs": {"upload_answer": {"value": "pages", "evidence": EVIDENCE}},
        "collections": {},
    }
    fake = _fake(profile_from(pages))
    read_only = calibrate(fake).document("http://testserver")["knobs"]["upload_answer"]
    assert read_only == {"undecided": "needs --allow-writes (one object of the run uploaded)"}
    calibration = calibrate(fake, allow_writes=True, run_id="k0")
    decision = calibration.document("http://testserver")["knobs"]["upload_answer"]
    assert decision["value"] == "pages"
    assert decision["evidence"]["excerpt"]["body"] == {"results": {"updated": 0, "created": 1}}
    assert decision["evidence"]["excerpt"]["read back"] == 200  # stored: its detail answers
    (stored,) = [probe for probe in calibration.probes if probe.excerpt.__name__ == "_upload_shape"]
    (made,) = stored.body
    (collection,) = [c for c in fake.facts.collections if c.list_path == stored.url]
    assert all(made[name].startswith("ct-k0-") for name in collection.key)  # written inside the run
    default = calibrate(_fake(), allow_writes=True).document("http://testserver")["knobs"]["upload_answer"]
    assert default["value"] == "seed"
    failures, _ = profile_failures(_fake(), pages, allow_writes=True)
    assert [f.message for f in failures] == ["the profile no longer matches: upload_answer"]
    figures = fidelity(calibration, calibration.document("http://testserver"))
    assert figures["operations"][stored.operation]["after"] >= 1


def _akinon(*profiles):
    settings = Settings(
        apis=("akinon",), auth_mode="strict", tokens=("t",), profiles=profiles,
        task_seconds=(("", 0.0),), task_polls=(("", 1),),
    )  # fmt: skip
    return in_process_target("akinon", create_app(settings), Credentials(token="t"))


def test_ready_after_outcome_is_decided_only_with_writes_from_a_task_seen_running():
    ready = {
        "mockserver_profile": 1, "api": "akinon",
        "knobs": {"ready_after_outcome": {"value": True, "evidence": EVIDENCE}},
    }  # fmt: skip
    knob = calibrate(_akinon()).document("http://testserver")["knobs"]["ready_after_outcome"]
    assert knob == {"undecided": "needs --allow-writes (the addresses task executed)"}
    decided = calibrate(_akinon(profile_from(ready)), allow_writes=True).document("x")["knobs"]
    assert decided["ready_after_outcome"]["value"] is True
    assert decided["ready_after_outcome"]["evidence"]["excerpt"] == {"after execute": ["WORKING", "READY"]}
    default = calibrate(_akinon(), allow_writes=True).document("x")["knobs"]["ready_after_outcome"]
    assert default["value"] is False and default["evidence"]["excerpt"] == {
        "after execute": ["WORKING", "FINISHED"]
    }
    failures, _ = profile_failures(_akinon(), ready, allow_writes=True)
    assert [f.message for f in failures] == ["the profile no longer matches: ready_after_outcome"]


def test_null_ordering_is_decided_only_with_writes_by_one_object_of_the_run_with_a_null():
    first = {
        **PROFILE,
        "knobs": {"null_ordering": {"value": "first", "evidence": EVIDENCE}},
        "collections": {},
    }
    fake = _fake(profile_from(first))
    read_only = calibrate(fake).document("x")["knobs"]["null_ordering"]
    assert read_only["undecided"].startswith("needs --allow-writes")
    calibration = calibrate(fake, allow_writes=True, run_id="n0")
    decision = calibration.document("x")["knobs"]["null_ordering"]
    assert decision["value"] == "first", decision
    upload = next(
        p for p in calibration.probes if p.body and any("ct-n0-nulls-" in str(v) for v in p.body[0].values())
    )
    collection = next(c for c in fake.facts.collections if c.list_path == upload.url)
    assert collection.name != "shops"  # the fewest other collections name its objects
    (null_field,) = [name for name, value in upload.body[0].items() if value is None]
    assert null_field in collection.ordering and all(
        upload.body[0][k].startswith("ct-n0-") for k in collection.key
    )
    assert decision["evidence"]["request"].endswith(f"?ordering={null_field}&page_size=1")
    default = calibrate(_fake(), allow_writes=True).document("x")["knobs"]["null_ordering"]
    assert default["value"] == "last"
    failures, _ = profile_failures(_fake(), first, allow_writes=True)
    assert [f.message for f in failures] == ["the profile no longer matches: null_ordering"]
    figures = fidelity(calibration, calibration.document("x"))
    assert figures["after"] == figures["probes"] and figures["before"] < figures["after"]


def test_max_page_size_is_read_from_a_page_asked_beyond_the_declared_cap():
    capped = {
        **PROFILE,
        "knobs": {},
        "collections": {"products": {"max_page_size": {"value": 5, "evidence": EVIDENCE}}},
    }
    found = calibrate(_fake(profile_from(capped))).document("x")["collections"]
    assert found["products"]["max_page_size"]["value"] == 5
    assert found["products"]["max_page_size"]["evidence"]["request"] == "GET /api/v1/products/?page_size=1001"
    assert "no more than the page asked" in found["shops"]["max_page_size"]["undecided"]
    default = calibrate(_fake()).document("x")["collections"]["products"]["max_page_size"]
    assert "undecided" in default  # fewer products than the declared cap of 1000: nothing to see


def test_form_nullable_boolean_is_decided_only_with_writes_by_a_form_of_the_run():
    null = {
        **PROFILE,
        "knobs": {"form_nullable_boolean": {"value": "null", "evidence": EVIDENCE}},
        "collections": {},
    }
    fake = _fake(profile_from(null))
    assert calibrate(fake).document("x")["knobs"]["form_nullable_boolean"]["undecided"].startswith("needs")
    calibration = calibrate(fake, allow_writes=True, run_id="f0")
    decision = calibration.document("x")["knobs"]["form_nullable_boolean"]
    assert decision["value"] == "null", decision
    (upload,) = [p for p in calibration.probes if p.form]
    assert all(value.startswith("ct-f0-") for name, value in upload.body.items() if name.endswith("_id"))
    assert "=" in decision["evidence"]["request"] and "{" not in decision["evidence"]["request"]  # a form
    default = calibrate(_fake(), allow_writes=True).document("x")["knobs"]["form_nullable_boolean"]
    assert default["value"] == "false"
    failures, _ = profile_failures(_fake(), null, allow_writes=True)
    assert [f.message for f in failures] == ["the profile no longer matches: form_nullable_boolean"]
    figures = fidelity(calibration, calibration.document("x"))
    assert figures["after"] == figures["probes"] and figures["before"] < figures["after"]


def test_auth_challenge_is_read_from_a_request_without_credentials():
    assert decided_values(calibrate(_fake()).document("x"))["auth_challenge"] == "OAuth2Authentication"
    session = {
        **PROFILE,
        "knobs": {"auth_challenge": {"value": "SessionAuthentication", "evidence": EVIDENCE}},
    }
    calibration = calibrate(_fake(profile_from({**session, "collections": {}})))
    decision = calibration.document("x")["knobs"]["auth_challenge"]
    assert decision["value"] == "SessionAuthentication"  # a 403 without a challenge
    assert decision["evidence"]["excerpt"] == {"status": 403, "WWW-Authenticate": None}
    failures, _ = profile_failures(_fake(), {**session, "collections": {}})
    assert [f.message for f in failures] == ["the profile no longer matches: auth_challenge"]
    figures = fidelity(calibration, calibration.document("x"))
    assert (
        figures["operations"]["GET /api/v1/relocate-documents/"]["before"]
        < figures["operations"]["GET /api/v1/relocate-documents/"]["after"]
    )


def test_search_terms_is_read_from_two_words_searched_as_a_quoted_phrase():
    assert decided_values(calibrate(_fake()).document("x"))["search_terms"] == "words"
    phrases = {
        **PROFILE,
        "knobs": {"search_terms": {"value": "phrases", "evidence": EVIDENCE}},
        "collections": {},
    }
    calibration = calibrate(_fake(profile_from(phrases)))
    decision = calibration.document("x")["knobs"]["search_terms"]
    assert decision["value"] == "phrases" and decision["evidence"]["excerpt"] == {
        "status": 200,
        "found": True,
    }
    assert "?search=%22" in decision["evidence"]["request"]  # two words of an object, quoted
    failures, _ = profile_failures(_fake(), phrases)
    assert [f.message for f in failures] == ["the profile no longer matches: search_terms"]
    figures = fidelity(calibration, calibration.document("x"))
    assert figures["after"] == figures["probes"] and figures["before"] < figures["after"]
