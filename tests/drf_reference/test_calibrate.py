"""`mockserver calibrate` against the DRF reference on both pairs (3.18 and 3.14): each knob comes
out as the pair shows it, the fake served with that profile answers the probes identically, and
the deployment judged against its own profile keeps it, against the other pair's it does not, by
name. One reference and one calibration per pair for the whole module (each takes seconds)."""

import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from contract_tests.calibrate import profile_failures
from contract_tests.target import Credentials, Target, url_target
from mockserver.app import create_app
from mockserver.cli import main
from mockserver.profile import NOT_FOUND_MODEL, NOT_FOUND_SHORT, load_profile
from mockserver.resources import fixtures_dir, specs_dir
from tests.drf_reference.cases import hand_picked
from tests.drf_reference.compare import Answer, Exchange
from tests.drf_reference.comparison import Comparison
from tests.drf_reference.declared_cases import collection_cases
from tests.drf_reference.differences import RECORDED, Recorded
from tests.drf_reference.generated import generated_exchanges
from tests.drf_reference.loss_document_cases import loss_document_exchanges
from tests.drf_reference.older_pair import older_pair_packages
from tests.drf_reference.process import reference_server
from tests.drf_reference.receipt_cases import receipt_exchanges
from tests.drf_reference.serve import BEARER_TOKEN
from tests.drf_reference.services import COMPARED, Pair, fake_settings
from tests.drf_reference.settings import BASIC_FIRST, LIST_ERRORS_AS_DICT, MAX_PAGE_SIZE, NULLS_FIRST
from tests.live_server import live_server

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)


@dataclass
class Calibrated:
    url: str
    document: dict
    path: Path

    def target(self) -> Target:
        return url_target("datawiz", self.url, Credentials(token=BEARER_TOKEN))


def _calibrated(data: Path, packages: Path | None, settings_varied: bool = False) -> Iterator[Calibrated]:
    fixtures = fixtures_dir() / "datawiz"
    server = reference_server(data, fixtures, collections=COMPARED, timeout=300, packages=packages)
    with pytest.MonkeyPatch.context() as patch:  # read by the reference process at its start only
        patch.setenv(LIST_ERRORS_AS_DICT, "1" if settings_varied else "0")
        patch.setenv(NULLS_FIRST, "1" if settings_varied else "0")
        patch.setenv(MAX_PAGE_SIZE, str(VARIED_MAX_PAGE_SIZE) if settings_varied else "")
        patch.setenv(BASIC_FIRST, "1" if settings_varied else "0")
        url = server.__enter__()
    try:
        out = data / "profile.json"
        arguments = ["--api", "datawiz", "--base-url", url, "--token", BEARER_TOKEN, "--allow-writes"]
        assert main(["calibrate", *arguments, "--out", str(out)]) == 0
        yield Calibrated(url, json.loads(out.read_text(encoding="utf-8")), out)
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def drf318(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Calibrated]:
    yield from _calibrated(tmp_path_factory.mktemp("calibrate-318"), None)


VARIED_MAX_PAGE_SIZE = 10  # below the spec's 1000, and below the products the reference holds


@pytest.fixture(scope="module")
def drf318_settings_varied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Calibrated]:
    """DRF 3.18 with the settings the reference varies set otherwise: its own default
    LIST_SERIALIZER_ERRORS_AS_DICT (the reference sets it off), DRF's OrderingFilter on SQLite
    (NULLs first ascending; the reference orders NULLs as PostgreSQL does), pages capped at 10 and
    BasicAuthentication first (every 401 challenges Basic)."""
    yield from _calibrated(tmp_path_factory.mktemp("calibrate-318-varied"), None, settings_varied=True)


@pytest.fixture(scope="module")
def drf314(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Calibrated]:
    yield from _calibrated(tmp_path_factory.mktemp("calibrate-314"), older_pair_packages())


def _value(document: dict, knob: str, collection: str | None = None):
    decision = document["collections"][collection][knob] if collection else document["knobs"][knob]
    return decision.get("value", "undecided")


def test_each_pair_calibrates_to_its_own_variants(drf318: Calibrated, drf314: Calibrated) -> None:
    assert _value(drf318.document, "not_found_text") == NOT_FOUND_MODEL
    assert _value(drf314.document, "not_found_text") == NOT_FOUND_SHORT
    assert _value(drf318.document, "options_decimal_details") is True
    assert _value(drf314.document, "options_decimal_details") is False
    assert _value(drf318.document, "model", "relocate-documents") == "RelocateDocument"
    # a form leaving a nullable boolean out: null since DRF 3.15, false before (--allow-writes)
    assert _value(drf318.document, "form_nullable_boolean") == "null"
    assert _value(drf314.document, "form_nullable_boolean") == "false"
    # ?search= with a null character: refused since DRF 3.15 (quoted phrases), dropped before
    assert _value(drf318.document, "search_terms") == "phrases"
    assert _value(drf314.document, "search_terms") == "words"
    assert "model" not in drf314.document["collections"]["relocate-documents"]  # 3.14 names none
    for document in (drf318.document, drf314.document):
        assert (
            _value(document, "list_errors_as_dict") is False
        )  # the reference's setting, and 3.14's only form
        assert _value(document, "page_size", "products") == 20  # more products than a page
        # the reference orders by every declared field, decided or documented
        assert _value(document, "ordering_fields", "relocate-documents") == [
            "relocate_id", "relocate_date", "price_total", "responsible"
        ]  # fmt: skip
        assert _value(document, "search_fields", "products") == ["product_id", "name", "article", "barcode"]
        assert _value(document, "instance_allow", "products") == "read-only"  # a retrieve-only viewset
        assert _value(document, "upload_answer") == "seed"  # one object of the run, the seed's answer
        assert _value(document, "null_ordering") == "last"  # the reference orders NULLs as PostgreSQL
        assert _value(document, "auth_challenge") == "OAuth2Authentication"  # the spec's first scheme
        assert "undecided" in document["collections"]["products"]["max_page_size"]  # fewer than 1001
        assert document["knobs"]["upload_answer"]["evidence"]["status"] == 201
        # a single page cannot show the default page: left at the fake's default, saying why
        assert "a single page" in document["collections"]["shops"]["page_size"]["undecided"]
        evidence = document["knobs"]["not_found_text"]["evidence"]
        assert evidence["status"] == 404 and evidence["request"].startswith("GET /api/v1/")
        assert load_profile(drf318.path).api == "datawiz"  # the file written loads


@pytest.mark.parametrize("pair", ["drf318", "drf314"])
def test_the_fake_with_the_profile_answers_the_probes_identically(pair: str, request) -> None:
    calibrated: Calibrated = request.getfixturevalue(pair)
    figures = calibrated.document["fidelity"]
    print(
        f"\n{pair}: {figures['probes']} probes, {figures['before']} identical before, {figures['after']} after"
    )
    for operation, row in figures["operations"].items():
        if operation.startswith("GET") and operation.endswith("}/"):  # an unknown object's 404
            assert row["after"] == row["probes"], operation
    decimal_lists = ("relocate-documents", "products", "receipts", "loss-documents")
    for name in decimal_lists:
        row = figures["operations"][f"OPTIONS /api/v1/{name}/"]
        assert row["after"] == row["probes"], name
    assert figures["after"] >= figures["before"]
    if pair == "drf318":  # the fake's defaults are 3.14's: the profile is what brings 3.18 in
        assert figures["after"] - figures["before"] >= 15


def test_a_deployment_keeps_its_own_profile_and_not_the_other_pairs(
    drf318: Calibrated, drf314: Calibrated
) -> None:
    for calibrated in (drf318, drf314):
        failures, matched = profile_failures(calibrated.target(), calibrated.document)
        assert failures == [] and "not_found_text" in matched
    failures, _ = profile_failures(drf318.target(), drf314.document)
    assert sorted(f.message for f in failures) == [
        "the profile no longer matches: not_found_text",
        "the profile no longer matches: options_decimal_details",
        "the profile no longer matches: search_terms",
    ]


def test_verify_with_the_other_pairs_profile_names_the_changed_knobs(
    drf314: Calibrated, drf318: Calibrated, tmp_path: Path, capsys
) -> None:
    report = tmp_path / "report.json"
    status = main(
        [
            "verify", "--api", "datawiz", "--base-url", drf314.url, "--token", BEARER_TOKEN,
            "--profile", str(drf318.path), "--include", "units", "--max-examples", "1",
            "--report-json", str(report),
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 1
    assert "the profile no longer matches: not_found_text" in out
    assert "the profile no longer matches: options_decimal_details" in out
    assert "the profile no longer matches: search_terms" in out
    failures = json.loads(report.read_text(encoding="utf-8"))["failures"]
    # the 3.18 profile's model names are not judged: 3.14's 404 names no model to compare
    assert {f["message"] for f in failures if f["check"] == "profile"} == {
        "the profile no longer matches: not_found_text",
        "the profile no longer matches: options_decimal_details",
        "the profile no longer matches: search_terms",
    }


def test_the_settings_varied_are_calibrated_and_served(drf318_settings_varied: Calibrated) -> None:
    document = drf318_settings_varied.document
    figures = document["fidelity"]
    print(
        f"\nDRF 3.18, errors as dict, NULLs first, pages capped: {figures['probes']} probes, {figures['before']} before, "
        f"{figures['after']} after"
    )
    challenge = document["knobs"]["auth_challenge"]
    assert challenge["value"] == "BasicAuthentication", challenge
    assert challenge["evidence"]["excerpt"]["WWW-Authenticate"] == 'Basic realm="api"'
    cap = document["collections"]["products"]["max_page_size"]
    assert cap["value"] == VARIED_MAX_PAGE_SIZE and cap["evidence"]["request"].endswith("?page_size=1001")
    caps = [knobs["max_page_size"] for knobs in document["collections"].values() if "max_page_size" in knobs]
    # a collection holding no more than 10 objects cannot show the cap: left at the fake's default
    assert all(cap.get("value") == 10 or "no more than the page asked" in cap["undecided"] for cap in caps)
    assert document["collections"]["shops"]["max_page_size"]["value"] == VARIED_MAX_PAGE_SIZE  # 12 shops
    nulls = document["knobs"]["null_ordering"]
    assert nulls["value"] == "first", nulls
    assert nulls["evidence"]["request"].startswith("GET ") and "ordering=" in nulls["evidence"]["request"]
    decision = document["knobs"]["list_errors_as_dict"]
    assert decision["value"] is True
    assert decision["evidence"]["request"].endswith(" [{}]") and decision["evidence"]["status"] == 400
    uploads = [
        row for operation, row in document["fidelity"]["operations"].items() if operation.startswith("POST")
    ]
    # [{}] refused (the fake's default is the list form), one object of the run stored (the
    # seed's answer either way), one with a null ordering field and one posted as a form (stored
    # either way)
    assert {key: sum(row[key] for row in uploads) for key in ("probes", "before", "after")} == {
        "probes": 4, "before": 3, "after": 4
    }  # fmt: skip
    failures, _ = profile_failures(drf318_settings_varied.target(), document, allow_writes=True)
    assert failures == []


# The records the 3.18 profile answers: with it, the fake must give 3.18's exact answer there.
PROFILED = ("not-found-text", "options-decimal-digits", "form-nullable-boolean", "search-terms")


def _malformed_key(x: Exchange, ref: Answer, fake: Answer) -> bool:
    detail = fake.body.get("detail", "") if isinstance(fake.body, dict) else ""
    return (
        ref.status == fake.status == 404
        and ref.body == {"detail": "Not found."}
        and re.fullmatch(r"No \w+ matches the given query\.", detail) is not None
        and Answer(ref.status, ref.headers, fake.body).differences(fake) == []
    )


# Out of the profile's reach (docs/fidelity.md, Profiles): DRF's get_object_or_404 answers a bare
# "Not found." when a lookup value cannot be its field's type; the profiled fake does too where
# the type decides it (drf/lookup.py: too few parts, a datetime Django cannot parse), but a
# datetime part with a time zone is refused by the reference's SQLite (USE_TZ off) and looked up
# by PostgreSQL: the fake, following PostgreSQL, names the model.
MALFORMED_KEY = Recorded(
    "malformed-key-not-found",
    'a key DRF cannot look up (a part of the wrong type): DRF "Not found.", the profiled fake names the model',
    _malformed_key,
)


def _null_search(x: Exchange, ref: Answer, fake: Answer) -> bool:
    search = parse_qs(urlsplit(x.path).query, keep_blank_values=True).get("search", [""])[-1]
    return "\x00" in search and ref.status == 400 and fake.status == 200


# Out of the profile's reach too: DRF 3.15+ refuses a null character in ?search= (400) on a
# detail as well (get_object filters); the fake under search_terms "phrases" refuses it on a list
# only, and drops it on a detail, where it does not search.
NULL_SEARCH = Recorded(
    "search-null-character",
    "?search= with a null character on a detail: 400 in DRF 3.15+, dropped by the fake",
    _null_search,
)


def test_the_fake_with_the_318_profile_gives_drf_318s_answers_to_the_differential_requests(
    drf318: Calibrated,
) -> None:
    """Last in this module: its uploads change the reference the tests above read."""
    settings = dataclasses.replace(fake_settings(), profiles=(load_profile(drf318.path),))
    records = [recorded for recorded in RECORDED if recorded.key not in PROFILED] + [
        MALFORMED_KEY,
        NULL_SEARCH,
    ]
    with (
        live_server(create_app(settings)) as fake,
        httpx.Client(timeout=30, follow_redirects=False) as client,
    ):
        comparison = Comparison(Pair(drf318.url, fake, client), records)
        for name, cases in (
            ("seed resources", hand_picked),
            ("receipts", receipt_exchanges),
            ("loss documents", loss_document_exchanges),
            *(
                (f"{name}, declared", partial(collection_cases, specs_dir(), fixtures_dir(), name))
                for name in COMPARED
            ),
            ("generated", partial(generated_exchanges, COMPARED)),
        ):  # in the differential test's order: the uploads of each set change what the next reads
            counts, unexplained, _ = comparison.run(cases())
            print(f"\nDRF 3.18 with its profile, {name}: {sum(counts.values())} requests, {dict(counts)}")
            assert not unexplained, "\n".join(unexplained[:10])
