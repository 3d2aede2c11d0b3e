"""What the Akinon document promises beyond what a schema can say."""

import time

from contract_tests.context import Context, declared_operation, declared_task
from mockserver.spec.catalogue import ServedApi
from mockserver.spec.setup_tasks import SetupTaskDeclaration


def task(ctx: Context) -> SetupTaskDeclaration:
    """The setup task the spec declares: its operations by role and its states."""
    return declared_task(ctx.target.facts)


def endpoint(facts: ServedApi, role: str) -> str:
    """The path of the task's execute, status or is_required operation (a spec copy without it
    cannot run the check: NotDeclared)."""
    return declared_operation(facts, declared_task(facts).operations[role]).path


def read_result(ctx: Context, role: str, allowed: tuple[str, ...], what: str) -> str:
    """GET an endpoint answering {"result": ...}; the value must be one of `allowed`."""
    path = endpoint(ctx.target.facts, role)
    operation = f"GET {path}"
    answer = ctx.target.api_call("GET", path)
    ctx.require_status(answer, 200, operation, "status is not 200")
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
    """The state, by its own spelling: another spelling the document shows (its example's
    "Ready") is that state, noted as differing from the fake's choice (akinon#3)."""
    declared = task(ctx)
    allowed = (*declared.states, *declared.spellings)
    value = read_result(ctx, "status", allowed, "the state is not one of the documented values")
    if value in declared.spellings:
        path = endpoint(ctx.target.facts, "status")
        ctx.judge(
            declared.provenance.of("state_spelling"),
            False,
            f"GET {path}",
            "the state is spelt as the document's example, not as its list of values",
            expected=declared.state_of(value),
            actual=value,
        )
    return declared.state_of(value)


def read_is_required(ctx: Context) -> str:
    answers = tuple(task(ctx).answers.values())
    return read_result(ctx, "is_required", answers, "result must be one of the documented strings")


def documented_values(ctx: Context) -> None:
    read_status(ctx)
    read_is_required(ctx)


def get_endpoints_refuse_post(ctx: Context) -> None:
    """The document heads both GET, but its examples POST (specs/decisions/akinon.md #1): a
    deployment that takes the POST differs from the fake's choice, which the provenance says."""
    decision = task(ctx).provenance.of("post_refused")
    for role in ("status", "is_required"):
        path = endpoint(ctx.target.facts, role)
        answer = ctx.target.api_call("POST", path)
        operation = f"POST {path}"
        if answer.status_code == 200 and decision.decided:
            ctx.decided(decision, operation, "a GET endpoint answers POST", expected=405, actual=200)
            continue
        ctx.expect_status(answer, 405, operation, "a GET endpoint must answer POST with 405")
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
    keyword = ctx.target.facts.auth_keyword
    for role in ("status", "is_required"):
        path = endpoint(ctx.target.facts, role)
        answer = ctx.target.request("GET", path)
        operation = f"GET {path} without credentials"
        ctx.expect_status(answer, 401, operation, "missing credentials must be rejected with 401")
        ctx.expect(
            keyword.lower() in answer.headers.get("www-authenticate", "").lower(),
            operation,
            f"a 401 must challenge with WWW-Authenticate: {keyword}",
            expected=keyword,
            actual=answer.headers.get("www-authenticate"),
            response=answer,
        )
        if ctx.target.fake_auth_mode == "open":
            continue  # an open-mode fake accepts any key by design
        bad = ctx.target.request("GET", path, headers={"Authorization": f"{keyword} ct-invalid-key"})
        ctx.expect_status(
            bad, 401, f"GET {path} with an invalid key", "an invalid key must be rejected with 401"
        )


def task_lifecycle(ctx: Context) -> None:
    """execute -> running* -> an outcome, within the timeout; an outcome that copies everything
    (FINISHED) leaves nothing to copy, one that does not (FAILED, ABORTED) leaves something."""
    declared = task(ctx)
    running, outcomes = declared.running, tuple(declared.outcomes)
    status = endpoint(ctx.target.facts, "status")
    before = read_status(ctx)
    required_before = read_is_required(ctx)
    execute = endpoint(ctx.target.facts, "execute")
    started = ctx.target.api_call("POST", execute, json={})
    operation = f"POST {execute}"
    if before == running and not ctx.target.is_fake and started.status_code == 400:
        return  # a deployment may refuse a second start while one runs (specs/decisions/akinon.md #7)
    ctx.require_status(started, 204, operation, "execute must answer 204 No Content")
    ctx.expect(
        started.content == b"",
        operation,
        "a 204 carries no body",
        actual=started.text[:100],
        response=started,
    )
    seen = [read_status(ctx)]
    deadline, pause = time.monotonic() + ctx.options.task_timeout, 0.25
    while seen[-1] == running and time.monotonic() < deadline:
        if not ctx.target.advance_clock(1.0):
            time.sleep(pause)
            pause = min(pause * 1.5, 5.0)
        seen.append(read_status(ctx))
    ctx.require(
        seen[-1] in outcomes,
        f"GET {status}",
        f"the task did not end within {ctx.options.task_timeout:.0f} s",
        expected=" | ".join(outcomes),
        actual=" -> ".join(seen[-5:]),
    )
    ctx.expect(
        declared.idle not in seen,
        f"GET {status}",
        f"a started task never reports {declared.idle}",
        actual=" -> ".join(seen),
    )
    first_outcome = next(i for i, s in enumerate(seen) if s in outcomes)
    ctx.expect(
        all(s == seen[first_outcome] for s in seen[first_outcome:]),
        f"GET {status}",
        "an ended task does not go back",
        actual=" -> ".join(seen),
    )
    if declared.outcomes[seen[-1]] == "all":
        nothing_left = declared.answers[False]
        ctx.expect(
            read_is_required(ctx) == nothing_left,
            f"GET {endpoint(ctx.target.facts, 'is_required')}",
            f"after {seen[-1]} with nothing changed, is_required is {nothing_left!r}",
            expected=repr(nothing_left),
        )
        again = read_status(ctx)
        # The document: "no active task: READY"; the fake keeps the outcome (a decision), so an
        # idle answer after an end is a note, any other change a failure.
        ctx.judge(
            declared.provenance.of("outcome_reported")
            if again == declared.idle
            else declared.provenance.documented,
            again == seen[-1],
            f"GET {status}",
            "the outcome is reported until the next execute",
            expected=seen[-1],
            actual=again,
        )
    elif required_before == declared.answers[True]:
        # an outcome that does not copy everything leaves part of what was missing missing
        still = declared.answers[True]
        ctx.expect(
            read_is_required(ctx) == still,
            f"GET {endpoint(ctx.target.facts, 'is_required')}",
            f"after {seen[-1]}, which does not copy everything, is_required stays {still!r}",
            expected=repr(still),
        )


CHECKS = [
    ("akinon.documented_values", documented_values, False),
    ("akinon.get_endpoints_refuse_post", get_endpoints_refuse_post, False),
    ("akinon.credentials_are_required", credentials_are_required, False),
    ("akinon.task_lifecycle", task_lifecycle, True),
]
