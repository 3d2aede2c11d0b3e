"""Upstream faults become DRF-shaped 502/504 answers and violation records; the proxy keeps
serving and never holds a client past its upstream timeout."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from mockserver.proxy.app import ProxyApp
from mockserver.proxy.settings import ProxySettings
from tests.live_server import free_port, live_server
from tests.proxy.harness import proxied

IS_REQUIRED = "/api/v1/oms/setup/addresses/is_required/"
AUTH = {"Authorization": "Token fault-key"}
TIMEOUT = 1.0


def answering(status: int, content_type: bytes, body: bytes, pause: float = 0.0, chunks: int = 1):
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]}
        )
        size = max(1, len(body) // chunks)
        for start in range(0, len(body), size):
            await asyncio.sleep(pause)
            await send({"type": "http.response.body", "body": body[start : start + size], "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    return app


@contextmanager
def resetting_server() -> Iterator[str]:
    """Accepts a connection, reads the request and closes without a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.recv(65536)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def check_fault(base: str, proxy: ProxyApp, status: int, kind: str) -> None:
    started = time.monotonic()
    answer = httpx.get(base + IS_REQUIRED, headers=AUTH, timeout=TIMEOUT + 5)
    assert time.monotonic() - started < TIMEOUT + 1.5, "the client was held past the upstream timeout"
    assert answer.status_code == status
    assert isinstance(answer.json()["detail"], str)  # DRF's shape
    assert [v.kind for v in proxy.violations.all()] == [kind]
    assert httpx.get(base + "/__mockserver__/violations").json()["total"] == 1  # still serving


@pytest.mark.parametrize(
    ("upstream", "status", "kind"),
    [
        (answering(503, b"application/json", b'{"detail":"down"}'), 502, "upstream.5xx"),
        (answering(200, b"text/html", b"<html>maintenance</html>"), 502, "upstream.non_json"),
        (answering(200, b"application/json", b"<html>not json"), 502, "upstream.non_json"),
        (answering(200, b"application/json", b'{"result":"true"}', pause=TIMEOUT * 2), 504, "upstream.slow"),
        (
            answering(200, b"application/json", b'{"result": "true"}' * 10, pause=0.3, chunks=10),
            504,
            "upstream.slow",
        ),
    ],
    ids=["5xx", "html-on-json", "broken-json", "hangs", "trickle"],
)
def test_an_upstream_fault_becomes_a_gateway_answer(upstream, status, kind):
    with proxied(upstream, upstream_timeout=TIMEOUT) as run:
        check_fault(run.base, run.proxy, status, kind)


def test_the_5xx_answer_embeds_the_upstream_status_and_body():
    with proxied(answering(500, b"text/plain", b"Server Error (500)")) as run:
        answer = httpx.get(run.base + IS_REQUIRED, headers=AUTH)
    assert answer.status_code == 502
    assert answer.json()["upstream_status"] == 500 and answer.json()["upstream_body"] == "Server Error (500)"


def test_a_refused_connection():
    proxy = ProxyApp(ProxySettings(upstream=f"http://127.0.0.1:{free_port()}", upstream_timeout=TIMEOUT))
    with live_server(proxy) as base:  # type: ignore[arg-type]
        check_fault(base, proxy, 502, "upstream.refused")


def test_a_reset_connection():
    with resetting_server() as upstream:
        proxy = ProxyApp(ProxySettings(upstream=upstream, upstream_timeout=TIMEOUT))
        with live_server(proxy) as base:  # type: ignore[arg-type]
            check_fault(base, proxy, 502, "upstream.reset")
