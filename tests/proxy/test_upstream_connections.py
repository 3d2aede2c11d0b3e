"""The proxy's own HTTP/1.1 connections to the upstream: kept alive and reused, a kept connection
the upstream closed meanwhile replaced without a fault, chunked answers de-chunked, HEAD answers
read without a body."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from mockserver.proxy.app import ProxyApp
from mockserver.proxy.settings import ProxySettings
from tests.live_server import live_server

ANSWER = b'{"result":"true"}'


@contextmanager
def raw_upstream(close_after_each: bool = False, chunked: bool = False) -> Iterator[tuple[str, list[int]]]:
    """An HTTP/1.1 server written by hand: counts the connections it accepted; `close_after_each`
    closes a connection after each answer without saying so (an idle timeout that struck)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[int] = []
    stop = threading.Event()

    def answer(connection: socket.socket) -> None:
        with connection:
            pending = b""
            while True:
                while b"\r\n\r\n" not in pending:
                    data = connection.recv(65536)
                    if not data:
                        return
                    pending += data
                head, _, pending = pending.partition(b"\r\n\r\n")
                head_only = head.startswith(b"HEAD ")
                if chunked:
                    framing, body = b"transfer-encoding: chunked", b"5\r\n" + ANSWER[:5] + b"\r\n"
                    body += f"{len(ANSWER) - 5:x}".encode() + b"\r\n" + ANSWER[5:] + b"\r\n0\r\n\r\n"
                else:
                    framing, body = f"content-length: {len(ANSWER)}".encode(), ANSWER
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + framing
                    + b"\r\n\r\n"
                    + (b"" if head_only else body)
                )
                if close_after_each:
                    return

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _get_five(upstream: str, method: str = "GET") -> ProxyApp:
    proxy = ProxyApp(ProxySettings(upstream=upstream, upstream_timeout=5))
    with live_server(proxy) as base, httpx.Client(base_url=base) as client:  # type: ignore[arg-type]
        for _ in range(5):
            answer = client.request(method, "/anything/")
            assert answer.status_code == 200
            assert answer.content == (b"" if method == "HEAD" else ANSWER)
    return proxy


def test_one_kept_connection_serves_one_client_in_turn():
    with raw_upstream() as (upstream, accepted):
        proxy = _get_five(upstream)
    assert len(accepted) == 1
    assert proxy.violations.total == 0


def test_a_kept_connection_the_upstream_closed_is_replaced_without_a_fault():
    with raw_upstream(close_after_each=True) as (upstream, accepted):
        proxy = _get_five(upstream)
    assert len(accepted) == 5
    assert proxy.violations.total == 0, [v.log_line() for v in proxy.violations.all()]


def test_a_chunked_answer_reaches_the_client_whole():
    with raw_upstream(chunked=True) as (upstream, _):
        _get_five(upstream)


def test_a_head_answer_has_no_body_to_wait_for():
    with raw_upstream() as (upstream, accepted):
        _get_five(upstream, "HEAD")
    assert len(accepted) == 1
