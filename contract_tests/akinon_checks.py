"""What the Akinon document promises beyond what a schema can say."""

import time

from contract_tests.context import Context

BASE = "/api/v1/oms/setup/addresses/"
STATUSES = ("READY", "WORKING", "FINISHED", "FAILED", "ABORTED")
TERMINAL = ("FINISHED", "FAILED", "ABORTED")


def read_result(ctx: Context, endpoint: str, allowed: tuple[str, ...], what: str) -> str:
    """GET an endpoint answering {"result": ...}; the value must be one of `allowed`."""
    operation = f"GET {endpoint}"
    answer = ctx.target.api_call("GET", BASE + endpoint)
    ctx.require(
        answer.status_code == 200,
        operation,
        "status is not 200",
        expected=200,
        actual=answer.status_code,
        response=answer,
    )
    body = ctx.json_of(answer, operation)
    ctx.require(
        isinstance(body, dict) and "result" in body,
        operation,
        'the answer has no "result" key',
        expected='{"result": ...}',
        actual=body,
        response=answer,
    )
    value = body["result"]
    ctx.require(
        isinstance(value, str) and value in allowed,
        operation,
        what,
        expected=" | ".join(allowed),
        actual=repr(value),
        response=answer,
    )
    return value


def read_status(ctx: Context) -> str:
    return read_result(
        ctx, "get_async_status/", STATUSES, "the state is not one of the documented upper-case values"
    )


def read_is_required(ctx: Context) -> str:
    return read_result(ctx, "is_required/", ("true", "false"), 'result must be the string "true" or "false"')


def documented_values(ctx: Context) -> None:
    read_status(ctx)
    read_is_required(ctx)


def get_endpoints_refuse_post(ctx: Context) -> None:
    for endpoint in ("get_async_status/", "is_required/"):
        answer = ctx.target.api_call("POST", BASE + endpoint)
        operation = f"POST {endpoint}"
        ctx.expect(
            answer.status_code == 405,
            operation,
            "a GET endpoint must answer POST with 405",
            expected=405,
            actual=answer.status_code,
            response=answer,
        )
        allow = answer.headers.get("allow", "")
        ctx.expect(
            "GET" in allow and "POST" not in allow,
            operation,
            "Allow must list GET and not POST",
            expected="GET, HEAD, OPTIONS",
            actual=allow,
            response=answer,
        )


def credentials_are_required(ctx: Context) -> None:
    for endpoint in ("get_async_status/", "is_required/"):
        answer = ctx.target.request("GET", BASE + endpoint)
        operation = f"GET {endpoint} without credentials"
        ctx.expect(
            answer.status_code == 401,
            operation,
            "missing credentials must be rejected with 401",
            expected=401,
            actual=answer.status_code,
            response=answer,
        )
        ctx.expect(
            "token" in answer.headers.get("www-authenticate", "").lower(),
            operation,
            "a 401 must challenge with WWW-Authenticate: Token",
            expected="Token",
            actual=answer.headers.get("www-authenticate"),
            response=answer,
        )
        if ctx.target.fake_auth_mode == "open":
            continue  # an open-mode fake accepts any key by design
        bad = ctx.target.request("GET", BASE + endpoint, headers={"Authorization": "Token ct-invalid-key"})
        ctx.expect(
            bad.status_code == 401,
            f"GET {endpoint} with an invalid key",
            "an invalid key must be rejected with 401",
            expected=401,
            actual=bad.status_code,
            response=bad,
        )


def task_lifecycle(ctx: Context) -> None:
    """execute -> WORKING* -> FINISHED|FAILED|ABORTED, within the timeout; FINISHED leaves nothing to copy."""
    before = read_status(ctx)
    started = ctx.target.api_call("POST", BASE + "execute/", json={})
    operation = "POST execute/"
    if before == "WORKING" and not ctx.target.is_fake and started.status_code == 400:
        return  # a deployment may refuse a second start while one runs (specs/decisions/akinon.md #7)
    ctx.require(
        started.status_code == 204,
        operation,
        "execute must answer 204 No Content",
        expected=204,
        actual=started.status_code,
        response=started,
    )
    ctx.expect(
        started.content == b"",
        operation,
        "a 204 carries no body",
        actual=started.text[:100],
        response=started,
    )
    seen = [read_status(ctx)]
    deadline, pause = time.monotonic() + ctx.options.task_timeout, 0.25
    while seen[-1] == "WORKING" and time.monotonic() < deadline:
        if not ctx.target.advance_clock(1.0):
            time.sleep(pause)
            pause = min(pause * 1.5, 5.0)
        seen.append(read_status(ctx))
    ctx.require(
        seen[-1] in TERMINAL,
        "GET get_async_status/",
        f"the task did not end within {ctx.options.task_timeout:.0f} s",
        expected=" | ".join(TERMINAL),
        actual=" -> ".join(seen[-5:]),
    )
    ctx.expect(
        "READY" not in seen,
        "GET get_async_status/",
        "a started task never reports READY",
        actual=" -> ".join(seen),
    )
    first_terminal = next(i for i, s in enumerate(seen) if s in TERMINAL)
    ctx.expect(
        all(s == seen[first_terminal] for s in seen[first_terminal:]),
        "GET get_async_status/",
        "an ended task does not go back",
        actual=" -> ".join(seen),
    )
    if seen[-1] == "FINISHED":
        ctx.expect(
            read_is_required(ctx) == "false",
            "GET is_required/",
            'after FINISHED with nothing changed, is_required is "false"',
            expected='"false"',
        )
        again = read_status(ctx)
        ctx.expect(
            again == "FINISHED",
            "GET get_async_status/",
            "the outcome is reported until the next execute",
            expected="FINISHED",
            actual=again,
        )


CHECKS = [
    ("akinon.documented_values", documented_values, False),
    ("akinon.get_endpoints_refuse_post", get_endpoints_refuse_post, False),
    ("akinon.credentials_are_required", credentials_are_required, False),
    ("akinon.task_lifecycle", task_lifecycle, True),
]
