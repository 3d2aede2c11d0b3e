"""Byte-faithful forwarding: method, raw path and query, body, headers but hop-by-hop ones, no
compression added or removed; an https upstream with a path prefix; the modes; --read-only."""

import gzip
import json

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.tls import generate_localhost_certificate
from tests.drifts import DriftedApp, catalogue
from tests.live_server import live_server
from tests.proxy.harness import proxied

KEY = "forwarding-key-123456"


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers what it received, gzip-compressed when the client accepts it."""
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    seen = {
        "method": scope["method"],
        "raw_path": scope["raw_path"].decode("latin-1"),
        "query": scope["query_string"].decode("latin-1"),
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "body": body.decode("latin-1"),
    }
    content = json.dumps(seen).encode()
    headers = [(b"content-type", b"application/json"), (b"x-upstream", b"kept")]
    if b"gzip" in dict(scope["headers"]).get(b"accept-encoding", b""):
        content = gzip.compress(content, mtime=0)
        headers.append((b"content-encoding", b"gzip"))
    headers.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def test_the_request_arrives_as_sent():
    with proxied(echo) as run, httpx.Client() as client:
        # httpx sends the path as given: an encoded slash and a raw query must arrive untouched.
        answer = client.request(
            "PATCH",
            f"{run.base}/odd/a%2Fb/./c?b=2&a=1&a=%20&empty",
            content=b"\x00raw body\xff",
            headers={
                "X-Custom": "yes",
                "Connection": "keep-alive, X-Drop",
                "X-Drop": "hop",
                "Accept-Encoding": "identity",
            },
        )
    seen = answer.json()
    assert seen["method"] == "PATCH"
    assert seen["raw_path"] == "/odd/a%2Fb/./c" or seen["raw_path"] == "/odd/a%2Fb/c"
    assert seen["query"] == "b=2&a=1&a=%20&empty"
    assert seen["body"] == "\x00raw body\xff"
    names = [name for name, _ in seen["headers"]]
    assert ("x-custom", "yes") in [tuple(h) for h in seen["headers"]]
    assert "x-drop" not in names and "connection" not in names  # hop-by-hop, and what Connection names
    assert dict(seen["headers"])["accept-encoding"] == "identity"
    assert dict(seen["headers"])["host"] == run.base.removeprefix("http://")  # the client's Host
    assert answer.headers["x-upstream"] == "kept"


def test_no_header_is_added_and_compression_passes_through():
    with proxied(echo) as run:
        with httpx.Client(headers={}) as client:
            client.headers.clear()
            plain = client.get(f"{run.base}/x/")
        assert "accept-encoding" not in dict(plain.json()["headers"])
        assert "user-agent" not in dict(plain.json()["headers"])
        with (
            httpx.Client() as client,
            client.stream("GET", f"{run.base}/x/", headers={"Accept-Encoding": "gzip"}) as answer,
        ):
            raw = b"".join(answer.iter_raw())
        assert answer.headers["content-encoding"] == "gzip"
        assert raw[:2] == b"\x1f\x8b"  # still compressed: the proxy neither decoded nor re-encoded it
        assert json.loads(gzip.decompress(raw))["raw_path"] == "/x/"


def test_an_https_upstream_with_a_path_prefix(tmp_path):
    files = generate_localhost_certificate(tmp_path)
    from mockserver.proxy.app import ProxyApp
    from mockserver.proxy.settings import ProxySettings

    with live_server(echo, str(files.cert_chain), str(files.private_key)) as upstream:  # type: ignore[arg-type]
        app = ProxyApp(ProxySettings(upstream=f"{upstream}/staging/", upstream_ca=files.ca_cert))
        with live_server(app) as base:  # type: ignore[arg-type]
            seen = httpx.get(f"{base}/api/v1/x/?q=1").json()
    assert seen["raw_path"] == "/staging/api/v1/x/" and seen["query"] == "q=1"


def _drift(name: str):
    return next(d for d in catalogue() if d.name == name)


def drifted(name: str):
    return DriftedApp(create_app(Settings(auth_mode="strict", tokens=(KEY,))), _drift(name), KEY)


def test_annotate_adds_one_short_header():
    with proxied(drifted("create_answers_200"), mode="annotate") as run:
        answer = httpx.post(
            f"{run.base}/api/v1/products/",
            json={"product_id": "p-1", "name": "Milk", "category_id": "cat-dairy"},
            headers={"Authorization": f"Bearer {KEY}"},
        )
        assert answer.status_code == 200  # the upstream's answer, unaltered
        note = answer.headers["x-mockserver-violations"]
        assert len(note) < 100 and note.startswith("1; /__mockserver__/violations?exchange=")
        details = httpx.get(run.base + note.split("; ")[1]).json()
    assert details["count"] == 1 and details["violations"][0]["kind"] == "response.status"


def test_enforce_embeds_the_upstream_answer_and_never_replaces_a_refusal():
    with proxied(drifted("datawiz_json_as_text_plain"), mode="enforce") as run:
        auth = {"Authorization": f"Bearer {KEY}"}
        answer = httpx.get(f"{run.base}/api/v1/shops/", headers=auth)
        assert answer.status_code == 502
        problem = answer.json()
        assert problem["upstream_status"] == 200 and '"results"' in problem["upstream_body"]
        assert any("text/plain" in v for v in problem["violations"])
        refused = httpx.get(f"{run.base}/api/v1/shops/")  # a 401 in text/plain: still a violation
        assert refused.status_code == 401  # the upstream's own refusal reaches the client
        assert refused.headers["x-mockserver-violations"].startswith("1;")
        wrong = httpx.get(f"{run.base}/api/v1/shops/", headers={"Authorization": "Bearer wrong"})
        assert wrong.status_code == 401


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_read_only_refuses_writes_before_the_upstream(method):
    app = create_app(Settings(auth_mode="strict", tokens=(KEY,)))
    with proxied(app, read_only=True) as run:
        answer = httpx.request(
            method, f"{run.base}/api/v1/products/", json={}, headers={"Authorization": f"Bearer {KEY}"}
        )
        assert answer.status_code == 403 and "read-only" in answer.json()["detail"]
        assert (
            httpx.get(f"{run.base}/api/v1/products/", headers={"Authorization": f"Bearer {KEY}"}).status_code
            == 200
        )
    assert [e["method"] for e in app.state.store.journal()] == ["GET"]


def test_a_body_over_the_limit_is_refused_before_the_upstream_one_at_it_goes_through():
    reached: list[str] = []

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            reached.append(scope["method"])
        await echo(scope, receive, send)

    with proxied(counting, max_body_bytes=64) as run:
        over = httpx.post(f"{run.base}/anything/", content=b"x" * 65)
        at = httpx.post(f"{run.base}/anything/", content=b"y" * 64)
    assert over.status_code == 413 and "64 bytes" in over.json()["detail"]
    assert at.status_code == 200 and at.json()["body"] == "y" * 64
    assert reached == ["POST"]  # only the one at the limit


def test_the_live_view_filters():
    with proxied(drifted("create_answers_200")) as run:
        auth = {"Authorization": f"Bearer {KEY}"}
        httpx.post(
            f"{run.base}/api/v1/products/",
            json={"product_id": "p-2", "name": "Milk", "category_id": "cat-dairy"},
            headers=auth,
        )
        httpx.get(f"{run.base}/api/v1/products/")  # 401: no violation
        every = httpx.get(f"{run.base}/__mockserver__/violations").json()
        tenant = every["violations"][0]["tenant"]
        assert every["count"] == 1 and KEY not in json.dumps(every)
        for query, count in [
            ("operation=createProducts", 1),
            ("operation=listProducts", 0),
            ("kind=response", 1),
            ("kind=behaviour", 0),
            (f"tenant={tenant}", 1),
            ("tenant=tenant:0000", 0),
        ]:
            assert httpx.get(f"{run.base}/__mockserver__/violations?{query}").json()["count"] == count, query
