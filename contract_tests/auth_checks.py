"""Every operation the spec secures refuses missing and invalid credentials with 401, whatever its
method: one unguarded view is enough to leak or change data."""

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from contract_tests.context import Context
from contract_tests.target import API_KEYWORDS

METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


@cache
def secured_operations(spec_path: str) -> list[tuple[str, str]]:
    """(METHOD, path) of every operation whose security is not `[]`, in spec order."""
    spec = yaml.safe_load(Path(spec_path).read_text(encoding="utf-8"))
    default = spec.get("security", [])
    return [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in METHODS
        if method in item and item[method].get("security", default) != []
    ]


def _concrete(ctx: Context, path: str) -> str:
    # DRF authenticates before it looks an object up, so an id that does not exist still gets 401.
    return re.sub(r"\{[^}]+\}", f"{ctx.options.prefix}no-such-object", path)


def _expect_401(ctx: Context, method: str, path: str, headers: dict[str, str], what: str) -> None:
    body: Any = {} if method not in READ_METHODS else None
    answer = ctx.target.request(method, path, headers=headers, json=body)
    operation = f"{method} {path} {what}"
    ctx.expect(
        answer.status_code == 401,
        operation,
        f"{what} must be rejected with 401",
        expected=401,
        actual=answer.status_code,
        response=answer,
    )
    if answer.status_code == 401:
        ctx.expect(
            bool(answer.headers.get("www-authenticate")),
            operation,
            "a 401 carries a WWW-Authenticate challenge",
            actual=answer.headers.get("www-authenticate"),
            response=answer,
        )


def every_secured_operation(ctx: Context, spec_path: str) -> None:
    keyword = API_KEYWORDS[ctx.target.api]
    for method, path in secured_operations(spec_path):
        if method not in READ_METHODS and not ctx.options.allow_writes:
            # An unguarded write would really write; only with --allow-writes.
            ctx.report.skipped.append(f"auth {method} {path} (writes; pass --allow-writes)")
            continue
        url = _concrete(ctx, path)
        _expect_401(ctx, method, url, {}, "without credentials")
        if ctx.target.fake_auth_mode != "open":  # an open-mode fake accepts any key by design
            invalid = {"Authorization": f"{keyword} ct-invalid-{ctx.options.run_id}"}
            _expect_401(ctx, method, url, invalid, "with invalid credentials")
