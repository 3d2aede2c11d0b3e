"""The Akinon spec's own examples as explicit tests: each documented request is sent and the answer
compared with the documented one, by shape and by every value the document fixes."""

from typing import Any

import httpx

from contract_tests.akinon_checks import endpoint
from contract_tests.context import Context, declared_operation
from contract_tests.findings import shape


def _examples(response: dict[str, Any]) -> list[Any]:
    media = response.get("content", {}).get("application/json", {})
    found = [example["value"] for example in media.get("examples", {}).values()]
    return found + ([media["example"]] if "example" in media else [])


def _documented(ctx: Context, path: str, method: str, status: str) -> list[Any]:
    """The examples the spec (its references resolved) gives for one answer."""
    return _examples(ctx.target.facts.spec.document["paths"][path][method]["responses"][status])


def _compare_shape(ctx: Context, answer: httpx.Response, documented: list[Any], operation: str) -> Any:
    ctx.require(
        answer.status_code == 200, operation, "expected 200", actual=answer.status_code, response=answer
    )
    body = ctx.json_of(answer, operation)
    ctx.expect(
        any(shape(body) == shape(example) for example in documented),
        operation,
        "the answer has the documented shape",
        expected=documented[0],
        actual=body,
        response=answer,
    )
    return body


def _compare_exact(
    ctx: Context, answer: httpx.Response, status: int, documented: Any, operation: str
) -> None:
    ctx.expect_status(answer, status, operation, f"the documented {status}")
    if answer.status_code == status:
        ctx.expect(
            ctx.json_of(answer, operation) == documented,
            operation,
            "the documented body (DRF's own text)",
            expected=documented,
            actual=answer.text[:300],
            response=answer,
        )


def documented_answers(ctx: Context) -> None:
    facts = ctx.target.facts
    for role in ("status", "is_required"):
        path = endpoint(facts, role)
        documented = _documented(ctx, path, "get", "200")
        _compare_shape(ctx, ctx.target.api_call("GET", path), documented, f"GET {path}")

    path = endpoint(facts, "status")
    unauthorized = _documented(ctx, path, "get", "401")
    _compare_exact(ctx, ctx.target.request("GET", path), 401, unauthorized[0], f"GET {path} (no key)")
    if ctx.target.fake_auth_mode != "open":  # an open-mode fake accepts any key by design
        invalid = ctx.target.request(
            "GET", path, headers={"Authorization": f"{facts.auth_keyword} ct-invalid-{ctx.options.run_id}"}
        )
        _compare_exact(ctx, invalid, 401, unauthorized[1], f"GET {path} (invalid key)")
    not_acceptable = ctx.target.api_call("GET", path, headers={"Accept": "application/xml"})
    _compare_exact(
        ctx, not_acceptable, 406, _documented(ctx, path, "get", "406")[0], f"GET {path} (Accept: xml)"
    )


def login_answers(ctx: Context) -> None:
    """The login's documented refusals (the Omnitron SDK's login; the seed does not name it)."""
    facts = ctx.target.facts
    login = declared_operation(facts, "login").path
    bad, missing = _documented(ctx, login, "post", "400")
    if ctx.target.fake_auth_mode != "open":  # an open-mode fake logs anyone in by design
        # A user name no account has: a failed login that cannot lock anyone out.
        nobody = {"username": f"{ctx.options.prefix}nobody", "password": "not-a-password"}
        _compare_exact(
            ctx, ctx.target.request("POST", login, json=nobody), 400, bad, f"POST {login} (unknown user)"
        )
    _compare_exact(
        ctx,
        ctx.target.request("POST", login, json={"password": "not-a-password"}),
        400,
        missing,
        f"POST {login} (no username)",
    )
