"""Per-operation property tests with schemathesis: every answer conforms to the spec."""

import contextlib
import re
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contract_tests.context import Context, sample
from contract_tests.plan import Check, run_plan
from contract_tests.run_prefix import KeyPlaces, prepare
from contract_tests.target import SHARE_SPENT, BudgetExhausted, CutOff

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Credentials endpoints are never fuzzed on a real deployment: random logins can lock accounts.
CREDENTIAL_OPERATIONS = {"login", "loginIntegration", "obtainToken"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TEXT_FORM_MEDIA_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _send(ctx: Context, case: Any, needs_auth: bool) -> Any:
    kwargs = case.as_transport_kwargs(base_url=ctx.target.base_url)
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "authorization"}
    if needs_auth:
        headers.update(ctx.target.auth_headers())
    request: dict[str, Any] = {"headers": headers, "params": kwargs.get("params")}
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        request["content" if isinstance(data, bytes | str) else "data"] = data
    if kwargs.get("files"):
        request["files"] = [
            (name, (filename, value if isinstance(value, bytes | str) else str(value)))
            for name, (filename, value, *_) in kwargs["files"]
        ]
    return ctx.target.request(kwargs["method"], kwargs["url"], **request)


def conformance_checks(ctx: Context, spec_path: str) -> list[Check]:
    """One fuzz check per operation of the spec, each about its operation (and its collection)."""
    schema = schemathesis.openapi.from_path(spec_path)
    api = ctx.target.facts
    collection_of = {op: c.name for c in api.collections for op in c.operations(api.spec)}
    places = KeyPlaces.of(api, ctx.options.prefix)
    names = [c.name for c in api.collections]
    chosen = set(sample(ctx, "conformance", names, ctx.options.conformance_collections))
    checks = []
    for result in schema.get_all_operations():
        operation = result.ok()
        definition = operation.definition.raw
        operation_id = definition.get("operationId", operation.label)
        collection = collection_of.get(operation_id)
        skip = None
        if operation_id in CREDENTIAL_OPERATIONS and not ctx.target.is_fake:
            skip = "a credentials endpoint is never fuzzed on a real deployment (logins can lock accounts)"
        elif collection is not None and collection not in chosen:
            skip = "its collection is not in this run's sample of collections to fuzz"
        needs_auth = definition.get("security", schema.raw_schema.get("security")) != []
        examples = ctx.options.max_examples
        if collection is not None and ctx.options.collection_examples is not None:
            examples = ctx.options.collection_examples
        checks.append(
            Check(
                f"conformance.{operation_id}",
                lambda c, op=operation, auth=needs_auth, n=examples, o=operation_id: _fuzz(
                    c, op, o, auth, n, places
                ),
                writes=operation.method.upper() in WRITE_METHODS,
                collections=(collection,) if collection else (),
                paths=() if collection else (operation.path,),
                subjects=frozenset(
                    {operation_id, *(definition.get("tags") or ()), *([collection] if collection else [])}
                ),
                fuzz=True,
                skip=skip,
            )
        )
    return checks


def check_operations(ctx: Context, spec_path: str) -> None:
    """Fuzz every operation of a spec (the conformance checks alone)."""
    run_plan(ctx, conformance_checks(ctx, spec_path))


def failure_text(error: BaseException) -> str:
    """The check names and their explanations, without schemathesis' own reproduction hints."""
    text = str(error).split("Reproduce with:")[0].strip()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("Schemathesis found")]
    return " | ".join(lines)[:900]


# A lookup value followed by a renderer's format suffix (drf/negotiation.py: json, api).
_FORMAT_SUFFIXED = re.compile(r"[^/.]+\.(json|api)")


def stays_negative(case: Any, body_conforms: bool | None = None) -> bool:
    """Whether a negative case stays negative once the suite puts its own credentials in (a case
    made invalid only through headers, on an operation whose only header is Authorization, does
    not) and the run's prefix in its keys: a case whose negative body the prefix made valid is
    judged as a valid one, whatever else was drawn negative in it (schemathesis still reads its
    body as negative, and so no longer excuses an extra query parameter, which DRF ignores)."""
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.NEGATIVE:
        return False
    negative = {
        str(location.value)
        for location, info in meta.components.items()
        if info.mode == GenerationMode.NEGATIVE
    }
    if body_conforms and ("body" in negative or _body_mutated(meta)):
        return False
    declared_headers = [
        p for p in case.operation.definition.raw.get("parameters", []) if p.get("in") == "header"
    ]
    own_auth = any(name.lower() == "authorization" for name in (case.headers or {}))
    if own_auth and negative == {"header"}:
        return False
    if "body" in negative and (case.media_type or "").split(";")[0].strip() in TEXT_FORM_MEDIA_TYPES:
        # Every form field is text on the wire, and DRF reads a form as a QueryDict and trims
        # its strings: a "boolean" name arrives as the valid string "false", a read-only field
        # is ignored, of a repeated field the last value counts, a value too long only by
        # surrounding spaces fits. Schemathesis re-reads the sent form but not these rules, so
        # an accepted case is no proof of drift (found by the 10,000-request fuzz); JSON bodies
        # keep the rejection check, and so do query and path values in JSON cases.
        return False
    if negative == {"path"} and any(
        _FORMAT_SUFFIXED.fullmatch(str(value)) for value in (case.path_parameters or {}).values()
    ):
        # `/things/x.json/` is the detail of `x` with DRF's format suffix, not a bad key: the
        # service answers it, so an accepted case is no proof of drift.
        return False
    return bool(negative - {"header"}) or bool(declared_headers)


def _body_mutated(meta: Any) -> bool:
    """Whether the fuzzer made the body invalid, by its own record of the mutations: the
    components' flags may call the body positive while a mutation changed a key in it (the
    bbb222 false alarm: `contractor_id` drawn a boolean, which the prefix made a valid key; the
    fuzzer still read the body as negative and no longer excused an extra query parameter)."""
    data = getattr(meta.phase, "data", None)
    locations = {getattr(data, "parameter_location", None)}
    locations |= {mutation.parameter_location for mutation in getattr(data, "mutations", None) or ()}
    return ParameterLocation.BODY in locations


def _cases(ctx: Context, asked: int) -> int:
    """Cases per mode within the check's share of the budget (the report's coverage says how many
    ran): a share too small for one case of each mode cuts the check off."""
    share_end = ctx.target.share_end
    if share_end is None:
        return asked
    cases = min(asked, (share_end - ctx.target.requests_sent) // 2)
    if cases < 1:
        raise BudgetExhausted(SHARE_SPENT)
    return cases


def _fuzz(
    ctx: Context, operation: Any, operation_id: str, needs_auth: bool, max_examples: int, places: KeyPlaces
) -> None:
    failed: set[str] = set()
    writes = operation.method.upper() in WRITE_METHODS
    held_back = 0
    cut: list[CutOff] = []
    cases = _cases(ctx, max_examples)

    def exercise(case: Any) -> None:
        nonlocal held_back
        if cut:
            return  # the run stopped this check: the cases hypothesis still generates are not sent
        prepared = prepare(case, places, writes=writes)
        if not prepared.send:
            held_back += 1
            return
        try:
            response = _send(ctx, case, needs_auth)
        except CutOff as error:
            cut.append(error)
            return
        ctx.report.count_case(operation_id)
        with contextlib.suppress(Exception):
            response.request.read()  # a streamed (multipart) body, for the checks and the curl line
        negative = stays_negative(case, prepared.body_conforms)
        try:
            case.validate_response(
                response, checks=[*CHECKS, negative_data_rejection] if negative else CHECKS
            )
        except (AssertionError, FailureGroup) as error:  # schemathesis groups every failed check
            message = failure_text(error)
            if message not in failed:
                failed.add(message)
                ctx.fail(operation.label, message, response=response)

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        test = settings(
            max_examples=cases,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )(given(operation.as_strategy(generation_mode=mode))(exercise))
        try:
            test()
        except Unsatisfiable:
            continue  # nothing in this operation can be made invalid (or valid) for this mode
    if held_back:
        ctx.report.skip(
            f"{ctx.current}: {held_back} generated cases",
            "not sent: the run's prefix in their key would have made a valid body invalid",
        )
    if cut:
        raise cut[0]
