"""Every operation the spec secures refuses missing and invalid credentials with 401, whatever its
method: one unguarded view is enough to leak or change data."""

import re
from typing import Any

from contract_tests.context import NEEDS_WRITES, Context
from contract_tests.plan import Check, subject_of, subjects_of
from mockserver.spec.catalogue import SecuredOperation

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _concrete(ctx: Context, path: str) -> str:
    # DRF authenticates before it looks an object up, so an id that does not exist still gets 401.
    return re.sub(r"\{[^}]+\}", f"{ctx.options.prefix}no-such-object", path)


def _expect_401(
    ctx: Context, method: str, path: str, headers: dict[str, str], what: str, challenge: str
) -> None:
    body: Any = {} if method not in READ_METHODS else None
    answer = ctx.target.request(method, path, headers=headers, json=body)
    operation = f"{method} {path} {what}"
    ctx.expect_status(answer, 401, operation, f"{what} must be rejected with 401")
    if answer.status_code == 401:
        ctx.expect(
            answer.headers.get("www-authenticate", "").startswith(challenge),
            operation,
            f"a 401 challenges with WWW-Authenticate: {challenge} (the view's first scheme)",
            expected=challenge,
            actual=answer.headers.get("www-authenticate"),
            response=answer,
        )
        if method != "HEAD":
            body = ctx.json_of(answer, operation)
            ctx.expect(
                isinstance(body, dict) and isinstance(body.get("detail"), str),
                operation,
                'a 401 is {"detail": "..."}',
                actual=body,
                response=answer,
            )


def secured_checks(ctx: Context) -> list[Check]:
    """One credentials check per collection, setup task or other path: a failure names where
    the guard is missing, and a collection not deployed is not run alone."""
    api = ctx.target.facts
    groups: dict[str, list[SecuredOperation]] = {}
    for operation in api.secured_operations:
        groups.setdefault(subject_of(api, operation.operation_id, operation.path), []).append(operation)
    collections = {c.name for c in api.collections}
    checks = []
    for subject, operations in groups.items():
        name = f"auth.every_secured_operation[{subject}]"
        declared = [
            op for op in api.spec.operations if op.operation_id in {o.operation_id for o in operations}
        ]
        checks.append(
            Check(
                name,
                lambda c, ops=operations, n=name: every_secured_operation(c, ops, n),
                collections=(subject,) if subject in collections else (),
                paths=() if subject in collections else tuple(dict.fromkeys(o.path for o in operations)),
                subjects=subjects_of(api, declared, subject),
            )
        )
    return checks


def every_secured_operation(ctx: Context, operations: list[SecuredOperation], name: str) -> None:
    keyword = ctx.target.facts.auth_keyword
    for operation in operations:
        method, path = operation.method, operation.path
        challenge = ctx.target.facts.keyword_of(operation.schemes[0])
        if method not in READ_METHODS and not ctx.options.allow_writes:
            # An unguarded write would really write; only with --allow-writes.
            ctx.report.skip(f"{name} {method} {path}", NEEDS_WRITES)
            continue
        url = _concrete(ctx, path)
        _expect_401(ctx, method, url, {}, "without credentials", challenge)
        if ctx.target.fake_auth_mode != "open":  # an open-mode fake accepts any key by design
            invalid = {"Authorization": f"{keyword} ct-invalid-{ctx.options.run_id}"}
            _expect_401(ctx, method, url, invalid, "with invalid credentials", challenge)
