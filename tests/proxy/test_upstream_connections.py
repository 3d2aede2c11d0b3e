"""The proxy's own HTTP/1.1 connections to the upstream: kept alive and reused, a kept connection
the upstream closed meanwhile replaced without a fault, chunked answers de-chunked, HEAD answers
read without a body, answers arriving a few bytes at a time, ended by the close or preceded by
an interim 100 Continue."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from mockserver.proxy.app import ProxyApp
from mockserver.proxy.settings import ProxySettings
from tests.live_server import live_server

ANSWER = b'{"result":"true"}'


@contextmanager
def raw_upstream(
    close_after_each: bool = False,
    chunked: bool = False,
    until_close: bool = False,
    interim: bool = False,
    piece: int = 0,
) -> Iterator[tuple[str, list[int]]]:
    """An HTTP/1.1 server written by hand: counts the connections it accepted; `close_after_each`
    closes a connection after each answer without saying so (an idle timeout that struck);
    `until_close` sends no length and ends the body by closing; `interim` sends a 100 Continue
    first; `piece` sends the answer that many bytes at a time, pausing between them."""
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
                    framing, body = b"transfer-encoding: chunked\r\n", b"5\r\n" + ANSWER[:5] + b"\r\n"
                    body += f"{len(ANSWER) - 5:x}".encode() + b"\r\n" + ANSWER[5:] + b"\r\n0\r\n\r\n"
                elif until_close:
                    framing, body = b"", ANSWER
                else:
                    framing, body = f"content-length: {len(ANSWER)}\r\n".encode(), ANSWER
                answer = (
                    (b"HTTP/1.1 100 Continue\r\n\r\n" if interim else b"")
                    + b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + framing
                    + b"\r\n"
                    + (b"" if head_only else body)
                )
                for start in range(0, len(answer), piece or len(answer)):
                    connection.sendall(answer[start : start + (piece or len(answer))])
                    if piece:
                        time.sleep(0.002)
                if close_after_each or until_close:
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


def test_an_answer_arriving_a_few_bytes_at_a_time_is_read_whole():
    with raw_upstream(piece=3) as (upstream, accepted):
        _get_five(upstream)
    assert len(accepted) == 1


def test_a_chunked_answer_arriving_a_few_bytes_at_a_time_is_read_whole():
    with raw_upstream(chunked=True, piece=2) as (upstream, _):
        _get_five(upstream)


def test_an_answer_ended_by_the_close_is_read_to_its_end_and_the_connection_not_kept():
    with raw_upstream(until_close=True, piece=4) as (upstream, accepted):
        _get_five(upstream)
    assert len(accepted) == 5


def test_an_interim_answer_is_passed_over_for_the_real_one():
    with raw_upstream(interim=True) as (upstream, accepted):
        _get_five(upstream)
    assert len(accepted) == 1


def test_a_head_answer_has_no_body_to_wait_for():
    with raw_upstream() as (upstream, accepted):
        _get_five(upstream, "HEAD")
    assert len(accepted) == 1
