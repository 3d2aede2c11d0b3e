"""The request is checked with the fake's serializer unless the upstream refused it (a 4xx is
the deployment's own judgement); the answer is checked always."""

import httpx
from starlette.types import Receive, Scope, Send

from tests.proxy.harness import proxied

PRODUCTS = "/api/v1/products/"
AUTH = {"Authorization": "Bearer request-checks"}


def answering(status: int, body: bytes):
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = [(b"content-type", b"application/json"), (b"allow", b"GET, POST, HEAD, OPTIONS")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_an_accepted_request_the_spec_refuses_is_a_violation():
    with proxied(answering(201, b'{"updated": 0, "inserted": 1}')) as run:
        httpx.post(run.base + PRODUCTS, json={"name": "no product_id"}, headers=AUTH)
    assert [v.kind for v in run.proxy.violations.all()] == ["request"]
    assert "product_id" in run.proxy.violations.all()[0].message


def test_a_refused_request_is_not_judged_again():
    with proxied(answering(400, b'{"product_id": ["This field is required."]}')) as run:
        httpx.post(run.base + PRODUCTS, json={"name": "no product_id"}, headers=AUTH)
    assert run.proxy.violations.total == 0, run.describe()


def test_an_undocumented_error_answer_is_still_checked():
    with proxied(answering(400, b'"Bad Request"')) as run:
        httpx.post(run.base + PRODUCTS, json={"name": "no product_id"}, headers=AUTH)
    assert run.kinds() == {"response.schema"}
