"""The run prefix in every key a generated body names (contract_tests/run_prefix.py), whatever
the value drawn in the key place and whatever the body's encoding; a positive case stays
positive and a negative one is judged on the body as sent."""

import json
import re
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from schemathesis.core.mutations import Mutation, MutationChannel, OperatorKind
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import ComponentInfo, FuzzingPhaseData, PhaseInfo, TestPhase
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from contract_tests.conformance import CHECKS, check_operations, stays_negative
from contract_tests.context import Context, RunOptions
from contract_tests.diff import run_diff, write_steps
from contract_tests.plan import Selection
from contract_tests.report import Report
from contract_tests.run_prefix import SAFE_KEY, KeyPlaces, key_text, prepare
from contract_tests.stateful import check_links
from contract_tests.target import Credentials, in_process_target
from mockserver.apis import catalogue
from tests.contract_proof import TOKEN, fake_app, inventory, written_outside
from tests.drifts import Drift, DriftedApp

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

PREFIX = "ct-0a1b2c-"
# What DRF's router matches for a lookup: a key outside it cannot be reversed to a detail URL.
DRF_LOOKUP = re.compile(r"[^/.]+")

KEY_PLACE_VALUES = st.one_of(
    st.text(),
    st.just(""),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(9007199254740992.0),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def is_run_key(value: object, longest: int | None = None) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(PREFIX)
        and SAFE_KEY.fullmatch(value) is not None
        and DRF_LOOKUP.fullmatch(value) is not None
        and (longest is None or len(value) <= max(longest, len(PREFIX)))
    )


@given(KEY_PLACE_VALUES, st.none() | st.integers(0, 40))
def test_any_value_in_a_key_place_becomes_a_key_of_the_run(value, longest):
    assert is_run_key(key_text(PREFIX, value, longest), longest)


@given(st.text(), st.text())
def test_two_texts_never_share_a_key(a, b):
    if a != b and not (a.startswith(PREFIX) or b.startswith(PREFIX)):
        assert key_text(PREFIX, a) != key_text(PREFIX, b)


def test_a_key_of_the_run_is_kept_and_floats_lose_their_dot():
    assert key_text(PREFIX, f"{PREFIX}p1-") == f"{PREFIX}p1-"
    assert key_text(PREFIX, "") == PREFIX
    assert key_text(PREFIX, 9007199254740992.0) == f"{PREFIX}9007199254740992_2e_0"
    assert key_text(PREFIX, "%") == f"{PREFIX}_25_"
    assert key_text(PREFIX, True) == f"{PREFIX}true"
    assert key_text(PREFIX, "a/b", longest=12) == f"{PREFIX}a_"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["brand_id", "name", "qty", "products", "x"]), inner, max_size=4)
    ),
    max_leaves=12,
)


def _key_values(body, fields):
    if isinstance(body, list):
        for item in body:
            yield from _key_values(item, fields)
    elif isinstance(body, dict):
        for name, value in body.items():
            if name in fields:
                yield value
            else:
                yield from _key_values(value, fields)


@given(JSON)
def test_every_key_place_at_any_depth_is_rewritten_and_nothing_else(body):
    places = KeyPlaces(PREFIX, frozenset({"brand_id"}))
    rewritten = places.rewrite(body)
    assert all(v is None or is_run_key(v) for v in _key_values(rewritten, places.fields))
    # Only key places change: blanking them out leaves the same body.
    assert _blanked(rewritten) == _blanked(body)


def _blanked(body):
    if isinstance(body, list):
        return [_blanked(item) for item in body]
    if isinstance(body, dict):
        return {k: (v is None) if k == "brand_id" else _blanked(v) for k, v in body.items()}
    return body


def test_the_datawiz_key_places_know_the_shortest_max_length():
    places = KeyPlaces.of(catalogue().api("datawiz"), PREFIX)
    assert "brand_id" in places.fields and "relocate_id" in places.fields
    # product_id is 200 long on products and 50 on product-photo: a rewrite fits both.
    assert places.longest["product_id"] == 50 and places.longest["shop_id"] == 50


# A spec with every kind of key place the rewrite must handle, in all three encodings.
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "keys", "version": "1"},
    "paths": {
        "/things/": {
            "post": {
                "operationId": "createThings",
                "requestBody": {
                    "required": True,
                    "content": {
                        media: {"schema": {"$ref": "#/components/schemas/Thing"}}
                        for media in (
                            "application/json",
                            "application/x-www-form-urlencoded",
                            "multipart/form-data",
                        )
                    },
                },
                "responses": {"201": {"description": "created"}, "400": {"description": "invalid"}},
            }
        },
        "/things/{thing_id}/": {
            "put": {
                "operationId": "updateThing",
                "parameters": [
                    {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                },
                "responses": {"200": {"description": "updated"}, "400": {"description": "invalid"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["thing_id", "short_id", "number_id"],
                "properties": {
                    "thing_id": {"type": "string", "minLength": 1},
                    "short_id": {"type": "string", "minLength": 1, "maxLength": 14},
                    "number_id": {"type": ["string", "number"], "minLength": 1},
                    "flag_id": {"type": "boolean"},
                    "name": {"type": "string", "maxLength": 5},
                },
            },
            "Coded": {
                "type": "object",
                "required": ["code_id"],
                "properties": {"code_id": {"type": "string", "pattern": "^[a-z]{2,8}$"}},
            },
        }
    },
}
SPEC["components"]["schemas"]["Tiny"] = {
    "type": "object",
    "required": ["tiny_id"],
    "properties": {"tiny_id": {"type": "string", "minLength": 1, "maxLength": 5}},
}
for path, operation_id, schema in (("/codes/", "createCodes", "Coded"), ("/tinies/", "createTinies", "Tiny")):
    SPEC["paths"][path] = {
        "post": {
            "operationId": operation_id,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
            },
            "responses": {"201": {"description": "created"}, "400": {"description": "invalid"}},
        }
    }
FIELDS = frozenset({"thing_id", "short_id", "number_id", "flag_id", "code_id", "tiny_id"})
PLACES = KeyPlaces(PREFIX, FIELDS, {"short_id": 14, "tiny_id": 5})


@pytest.fixture(scope="module")
def operations(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("spec")) / "keys.json"
    path.write_text(json.dumps(SPEC))
    schema = schemathesis.openapi.from_path(str(path))
    return {r.ok().definition.raw["operationId"]: r.ok() for r in schema.get_all_operations()}


CASES = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _sent_key_values(case) -> list[object]:
    """The key places' values as they go on the wire, in every encoding."""
    kwargs = case.as_transport_kwargs(base_url="http://127.0.0.1")
    if "json" in kwargs:
        return list(_key_values(kwargs["json"], FIELDS))
    sent: list[object] = []
    for name, value in (kwargs.get("data") or {}).items() if isinstance(kwargs.get("data"), dict) else ():
        if name in FIELDS:
            sent += value if isinstance(value, list) else [value]
    for name, (_, value, *_) in kwargs.get("files") or ():
        if name in FIELDS:
            sent.append(value.decode() if isinstance(value, bytes) else value)
    return sent


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_encoding_sends_only_keys_of_the_run(operations, mode):
    seen_media: set[str] = set()

    # Derandomized: the last assertion needs every encoding drawn, which 60 random cases miss now
    # and then.
    @settings(CASES, derandomize=True)
    @given(operations["createThings"].as_strategy(generation_mode=mode))
    def check(case):
        prepared = prepare(case, PLACES, writes=True)
        seen_media.add(case.media_type)
        if not prepared.send:
            return
        sent = _sent_key_values(case)
        if case.media_type == "application/json":
            sent = [v for v in sent if v is not None]  # a JSON null names no object
        assert all(is_run_key(str(v)) for v in sent), sent
        if mode == GenerationMode.POSITIVE:
            # A positive case stays positive: its final body is valid (a short_id cut to 14).
            assert prepared.body_conforms in (True, None), case.body

    check()
    assert seen_media == {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}


@pytest.mark.parametrize("operation_id", ["createCodes", "createTinies"])
def test_a_key_with_no_room_for_the_prefix_is_never_sent_as_positive(operations, operation_id):
    """A valid code_id is ^[a-z]{2,8}$, a valid tiny_id at most 5 long: no run key is either."""
    sent, drawn = [], []

    @CASES
    @given(operations[operation_id].as_strategy(generation_mode=GenerationMode.POSITIVE))
    def check(case):
        drawn.append(case.body)
        if prepare(case, PLACES, writes=True).send:
            sent.append(case.body)

    check()
    assert drawn and sent == []


def test_a_write_names_only_objects_of_the_run_in_its_path(operations):
    @CASES
    @given(operations["updateThing"].as_strategy(generation_mode=GenerationMode.POSITIVE))
    def check(case):
        prepare(case, PLACES, writes=True)
        assert is_run_key(case.path_parameters["thing_id"])
        assert case.as_transport_kwargs(base_url="http://127.0.0.1")["url"].startswith(
            f"http://127.0.0.1/things/{PREFIX}"
        )

    check()


def test_a_negative_body_the_prefix_made_valid_is_not_judged_negative(operations):
    """`thing_id: ""` violates minLength 1; with the prefix it is `ct-<run>-`, valid: a service
    that accepts it keeps its contract (the ST201 false alarm of every Datawiz run). A body still
    invalid after the rewrite stays negative."""
    case = find(
        operations["createThings"].as_strategy(generation_mode=GenerationMode.NEGATIVE),
        lambda c: (
            c.media_type == "application/json"
            and {str(loc.value) for loc, info in c.meta.components.items() if info.mode.is_negative}
            == {"body"}
        ),
        settings=settings(database=None, suppress_health_check=list(HealthCheck)),
    )
    case.body = {"thing_id": "", "short_id": "a", "number_id": 1.5}
    assert stays_negative(case)  # as generated: negative
    prepared = prepare(case, PLACES, writes=True)
    assert case.body["thing_id"] == PREFIX and prepared.body_conforms is True and prepared.send
    assert not stays_negative(case, prepared.body_conforms)
    # An extra query parameter besides (DRF ignores it): still judged as the valid case it is.
    case.query = {"unknown": "x"}
    case.meta.components[ParameterLocation.QUERY] = ComponentInfo(GenerationMode.NEGATIVE)
    assert not stays_negative(case, prepared.body_conforms)

    case.body = {"thing_id": "", "short_id": "a"}  # number_id missing: still invalid
    prepared = prepare(case, PLACES, writes=True)
    assert prepared.body_conforms is False and prepared.send
    assert stays_negative(case, prepared.body_conforms)


def _mutation(location, path, keywords, operator):
    return Mutation(
        path=path,
        parameter_location=location,
        schema_pointer="",
        channel=MutationChannel.SCHEMA,
        operator=operator,
        keywords=keywords,
        parameter=path[0] if path else None,
        original_value=None,
        new_value=None,
    )


def test_a_key_the_prefix_made_valid_is_not_judged_negative_by_the_fuzzers_record_either():
    """The bbb222 false alarm (ST201 on createContractors): the fuzzer drew `contractor_id` a
    boolean and an extra query parameter; its components called the body positive, but its
    mutations named the body, so it no longer excused the query parameter (DRF ignores it). With
    the prefix the key is valid: the case is judged as the valid one it is, and the fake, which
    accepts it as DRF would, keeps its contract."""
    operation = next(
        r.ok()
        for r in schemathesis.openapi.from_path(
            str(catalogue().api("datawiz").spec_path)
        ).get_all_operations()
        if r.ok().definition.raw["operationId"] == "createContractors"
    )
    case = find(
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        lambda c: c.media_type == "application/json" and c.meta.phase.name == TestPhase.FUZZING,
        settings=settings(database=None, suppress_health_check=list(HealthCheck)),
    )
    case.body = [{"contractor_id": True, "name": "bbb"}, {"contractor_id": False, "name": 0.99999}]
    case.query = {"format": "json", "k": "true"}
    case.meta.components = {
        ParameterLocation.BODY: ComponentInfo(GenerationMode.POSITIVE),
        ParameterLocation.QUERY: ComponentInfo(GenerationMode.NEGATIVE),
    }
    case.meta.phase = PhaseInfo(
        TestPhase.FUZZING,
        FuzzingPhaseData(
            description="- query: violates `additionalProperties`\n- body: violates `type`",
            parameter=None,
            parameter_location=None,
            location=None,
            mutations=(
                _mutation(
                    ParameterLocation.QUERY, (), ("additionalProperties",), OperatorKind.NEGATE_CONSTRAINTS
                ),
                _mutation(ParameterLocation.BODY, ("contractor_id",), ("type",), OperatorKind.CHANGE_TYPE),
            ),
        ),
    )
    places = KeyPlaces.of(catalogue().api("datawiz"), PREFIX)
    prepared = prepare(case, places, writes=True)
    assert prepared.body_conforms is True and [item["contractor_id"] for item in case.body] == [
        f"{PREFIX}true",
        f"{PREFIX}false",
    ]
    with fake_app("memory") as app:
        target = in_process_target("datawiz", app, Credentials(token=TOKEN))
        response = target.api_call("POST", "/api/v1/contractors/", json=case.body, params=case.query)
    assert response.status_code == 201, response.text  # accepted, as DRF accepts it
    negative = stays_negative(case, prepared.body_conforms)
    case.validate_response(response, checks=[*CHECKS, negative_data_rejection] if negative else CHECKS)
    assert not negative


# Operations whose generated cases, before the rewrite covered them, wrote outside the run
# (form and multipart bodies, float keys) or called an empty key made valid an accepted
# negative case (ST201 on cashiers and loss types in every `verify --allow-writes`).
FUZZED = ("/api/v1/brands/", "/api/v1/cashiers/", "/api/v1/loss-types/", "/api/v1/shops/")


def test_the_fuzzed_writes_of_a_run_stay_inside_it_and_raise_no_false_alarm(tmp_path):
    document = yaml.safe_load(catalogue().api("datawiz").spec_path.read_text())
    document["paths"] = {path: item for path, item in document["paths"].items() if path in FUZZED}
    trimmed = tmp_path / "datawiz.json"
    trimmed.write_text(json.dumps(document))
    with fake_app("memory") as app:
        target = in_process_target("datawiz", app, Credentials(token=TOKEN))
        options = RunOptions(allow_writes=True, max_examples=10, run_id="0a1b2c")
        ctx = Context(target, options, Report(api="datawiz", target="fake"))
        before = inventory(target)
        check_operations(ctx, str(trimmed))
        after = inventory(target)
    assert ctx.report.passed and ctx.report.ok, ctx.report.summary()
    created = sum(len(after.objects[c]) - len(before.objects[c]) for c in after.objects)
    assert created > 10  # the generated writes were accepted: there is something to judge
    assert written_outside(target, before, after, PREFIX) == []
    assert set(after.statuses.values()) == {200}


@pytest.mark.parametrize("api", ["akinon", "datawiz"])
def test_every_key_the_diff_writes_is_a_key_of_its_run(api):
    api_facts = catalogue().api(api)
    places = KeyPlaces.of(api_facts, PREFIX)
    bodies = [step.body for step in write_steps(api_facts, PREFIX) if isinstance(step.body, dict | list)]
    # Already the run's: the rewrite changes nothing (an empty object names no key at all).
    assert [places.rewrite(body) for body in bodies] == bodies
    assert all(is_run_key(v) for body in bodies for v in _key_values(body, places.fields))


def _fill_in_units(path: str, body: bytes) -> bytes:
    """A deployment more lenient than DRF: a unit sent without its key or name gets its own."""
    if path != "/api/v1/units/":
        return body
    sent = json.loads(body)
    for index, unit in enumerate(sent if isinstance(sent, list) else [sent]):
        if isinstance(unit, dict):
            unit.setdefault("unit_id", f"auto-{index}")
            unit.setdefault("name", "filled in")
    return json.dumps(sent).encode()


def test_a_deployment_that_fills_in_what_is_missing_stores_the_diffs_writes_inside_its_run():
    lenient = Drift(
        "fills_in_units", "datawiz", "fills in a unit's key and name", rewrite_request=_fill_in_units
    )
    with fake_app("memory") as app:
        target = in_process_target("datawiz", DriftedApp(app, lenient), Credentials(token=TOKEN))
        before = inventory(target)
        report = run_diff(target, allow_writes=True, selection=Selection.parse(["units"], None))
        after = inventory(target)
    stored = after.objects["units"] - before.objects["units"]
    assert stored, report.summary()  # the deployment stored what a faithful one refuses
    prefixes = {re.match(r"ct-[0-9a-f]{6}-", key[0]) and key[0][:10] for key in stored}
    assert len(prefixes) == 1 and None not in prefixes, stored
    assert written_outside(target, before, after, prefixes.pop()) == []
    assert any("differs" in failure.message for failure in report.failures)  # and the diff says so


def test_the_link_state_machine_writes_only_inside_the_run():
    with fake_app("memory") as app:
        target = in_process_target("datawiz", app, Credentials(token=TOKEN))
        options = RunOptions(allow_writes=True, max_examples=10, run_id="0a1b2c")
        ctx = Context(target, options, Report(api="datawiz", target="fake"))
        before = inventory(target)
        check_links(ctx, str(target.facts.spec_path))
        after = inventory(target)
    assert ctx.report.ok, ctx.report.summary()
    assert sum(len(after.objects[c] - before.objects[c]) for c in after.objects) > 0
    assert written_outside(target, before, after, PREFIX) == []
