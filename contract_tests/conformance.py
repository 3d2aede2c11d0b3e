"""Per-operation property tests with schemathesis: every answer conforms to the spec."""

import contextlib
import re
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contract_tests.context import Context, sample
from contract_tests.run_prefix import KeyPlaces, prepare
from contract_tests.target import BudgetExhausted

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


def check_operations(ctx: Context, spec_path: str) -> None:
    schema = schemathesis.openapi.from_path(spec_path)
    api = ctx.target.facts
    of_collections = {op for c in api.collections for op in c.operations(api.spec)}
    places = KeyPlaces.of(api, ctx.options.prefix)
    names = [c.name for c in api.collections]
    chosen = set(sample(ctx, "conformance", names, ctx.options.conformance_collections))
    left_out = {op for c in api.collections if c.name not in chosen for op in c.operations(api.spec)}
    for result in schema.get_all_operations():
        operation = result.ok()
        definition = operation.definition.raw
        operation_id = definition.get("operationId", operation.label)
        method = operation.method.upper()
        if method in WRITE_METHODS and not ctx.options.allow_writes:
            ctx.report.skipped.append(f"conformance {operation_id} (writes)")
            continue
        if operation_id in CREDENTIAL_OPERATIONS and not ctx.target.is_fake:
            ctx.report.skipped.append(
                f"conformance {operation_id} (credentials endpoint on a real deployment)"
            )
            continue
        needs_auth = definition.get("security", schema.raw_schema.get("security")) != []
        if operation_id in left_out:
            ctx.report.skipped.append(
                f"conformance {operation_id} (its collection is not in this run's sample)"
            )
            continue
        examples = ctx.options.max_examples
        if operation_id in of_collections and ctx.options.collection_examples is not None:
            examples = ctx.options.collection_examples
        ctx.run(
            f"conformance.{operation_id}",
            lambda c, op=operation, auth=needs_auth, n=examples: _fuzz(c, op, auth, n, places),
        )


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
    if body_conforms and "body" in negative:
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


def _fuzz(ctx: Context, operation: Any, needs_auth: bool, max_examples: int, places: KeyPlaces) -> None:
    failed: set[str] = set()
    writes = operation.method.upper() in WRITE_METHODS
    held_back = 0

    def exercise(case: Any) -> None:
        nonlocal held_back
        prepared = prepare(case, places, writes=writes)
        if not prepared.send:
            held_back += 1
            return
        try:
            response = _send(ctx, case, needs_auth)
        except BudgetExhausted:
            return
        with contextlib.suppress(Exception):
            response.request.read()  # a streamed (multipart) body, for the checks and the curl line
        try:
            negative = stays_negative(case, prepared.body_conforms)
            case.validate_response(
                response, checks=[*CHECKS, negative_data_rejection] if negative else CHECKS
            )
        except (Exception, BaseExceptionGroup) as error:  # schemathesis groups every failed check
            message = failure_text(error)
            if message not in failed:
                failed.add(message)
                ctx.fail(operation.label, message, response=response)

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        test = settings(
            max_examples=max_examples,
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
        ctx.report.skipped.append(
            f"conformance {operation.label}: {held_back} generated cases not sent "
            "(the run's prefix in their key would have made a valid body invalid)"
        )
