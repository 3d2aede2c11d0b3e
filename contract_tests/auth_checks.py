"""Every operation the spec secures refuses missing and invalid credentials with 401, whatever its
method: one unguarded view is enough to leak or change data."""

import re
from typing import Any

from contract_tests.context import Context

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


def every_secured_operation(ctx: Context) -> None:
    api = ctx.target.facts
    keyword = api.auth_keyword
    for operation in api.secured_operations:
        method, path = operation.method, operation.path
        challenge = api.keyword_of(operation.schemes[0])
        if method not in READ_METHODS and not ctx.options.allow_writes:
            # An unguarded write would really write; only with --allow-writes.
            ctx.report.skipped.append(f"auth {method} {path} (writes; pass --allow-writes)")
            continue
        url = _concrete(ctx, path)
        _expect_401(ctx, method, url, {}, "without credentials", challenge)
        if ctx.target.fake_auth_mode != "open":  # an open-mode fake accepts any key by design
            invalid = {"Authorization": f"{keyword} ct-invalid-{ctx.options.run_id}"}
            _expect_401(ctx, method, url, invalid, "with invalid credentials", challenge)
