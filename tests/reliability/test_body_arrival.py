"""A body read over a real socket whatever way it arrives: with the headers, late, in pieces, or
never (408). The read takes a body already buffered without a timer (drf/parsing.py): these are
the cases where it has to wait."""

import socket
import time

import httpx
import orjson

from mockserver.apis import catalogue
from mockserver.app import create_app
from mockserver.settings import Settings
from tests.live_server import live_server, read_answer

PRODUCTS = catalogue().api("datawiz").collection("products")
KEYWORD = catalogue().api("datawiz").auth_keyword
AUTH = {"Authorization": f"{KEYWORD} body-arrival"}


def _exchange(port: int, head: bytes, pieces: list[bytes], pause: float) -> bytes:
    """Send the head, then each piece after `pause` seconds; the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(head)
        for piece in pieces:
            time.sleep(pause)
            raw.sendall(piece)
        return read_answer(raw)


def _head(length: int) -> bytes:
    return (
        f"POST {PRODUCTS.list_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def test_a_body_is_read_whole_however_it_arrives_and_one_that_never_does_is_answered_408() -> None:
    app = create_app(Settings(body_timeout_seconds=0.5))
    with live_server(app) as base:
        port = int(base.rsplit(":", 1)[1])
        for number, split in enumerate((None, 0, 9), start=1):
            body = orjson.dumps(
                {"product_id": f"arrival-{number}", "name": "Late", "category_id": "cat-dairy"}
            )
            # None: with the headers; 0: the whole body late; 9: a piece, then the rest late
            pieces = [body] if split == 0 else [body[split:]] if split else []
            head = _head(len(body)) + (body[:split] if split else b"" if split == 0 else body)
            answer = _exchange(port, head, pieces, pause=0.2)
            assert answer.startswith(b"HTTP/1.1 201"), answer
        for number in (1, 2, 3):
            read = httpx.get(f"{base}{PRODUCTS.list_path}arrival-{number}/", headers=AUTH)
            assert read.json()["name"] == "Late"
        started = time.monotonic()
        answer = _exchange(port, _head(100), [], pause=0)  # the headers, and no body ever
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert time.monotonic() - started < 5
