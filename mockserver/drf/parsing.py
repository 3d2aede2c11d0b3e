"""DRF's parsers: JSON, form and multipart bodies, with DRF's error texts and a size limit."""

import asyncio
import json
import types
from collections.abc import Coroutine, Generator
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from mockserver.drf.errors import ParseError, RequestTimedOut, RequestTooLarge, UnsupportedMediaType
from mockserver.incoming import IncomingRequest

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
PARSED_MEDIA_TYPES = (JSON, FORM, MULTIPART)
BODY_TIMEOUT = 30.0  # seconds for a whole body to arrive


class FormData(dict):
    """A form or multipart body: DRF reads it as HTML input (a QueryDict), to which serializer
    fields apply their form rules (empty values, `lines[0]field` nesting; see serializer.py)."""


class _NoBody:
    """DRF reads an empty body as empty data, whatever the Content-Type says."""


NO_BODY: Any = _NoBody()


def _strict_constant(value: str) -> None:
    raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")


# orjson reads an integer past 64 bits as a float (-29293907574366289920 -> -2.93e+19); Python's
# json, DRF's parser, keeps it exact, so its IntegerField answers with its bounds, not "A valid
# integer is required.". A body holding a run of 19 digits (even in a string) is read by json.
# Found by mapping every digit to "0" and every other byte to " " and looking for nineteen "0"s:
# about a tenth of the time a regex search for [0-9]{19} takes (which tries every position).
_DIGITS_AS_ZERO = bytes(b"0"[0] if b"0"[0] <= byte <= b"9"[0] else b" "[0] for byte in range(256))
_LONG_DIGITS = b"0" * 19


def has_long_digits(raw: bytes) -> bool:
    """Whether the body holds a run of 19 or more ASCII digits."""
    return _LONG_DIGITS in raw.translate(_DIGITS_AS_ZERO)


def parse_json(raw: bytes, charset: str = "utf-8") -> Any:
    if charset.lower().replace("-", "") == "utf8" and not has_long_digits(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # fall through for the exact message Python's json (and so DRF) gives
    try:
        return json.loads(raw.decode(charset), parse_constant=_strict_constant)
    except (ValueError, LookupError) as error:
        raise ParseError(f"JSON parse error - {error}") from error
    except RecursionError as error:
        raise ParseError("JSON parse error - the document is nested too deeply") from error


async def read_body(request: IncomingRequest, limit: int, timeout: float = BODY_TIMEOUT) -> bytes:
    request.body_read = True
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise RequestTooLarge(limit)
    # A small body is usually in the server's buffer before the app runs: its first piece is
    # taken by one step of the read, with no timer; arming one (asyncio.timeout) was a sixth of a
    # one-document upload's cost. A read that has to wait goes on under the timeout.
    first = request.chunk()
    try:
        waiting = first.send(None)
    except StopIteration as done:
        chunk, more = done.value
        if len(chunk) > limit:
            raise RequestTooLarge(limit) from None
        if not more:
            request.raw_body = chunk
            return chunk
        pending = None
    else:
        chunk, more, pending = b"", True, first
    chunks = [chunk]
    size = len(chunk)
    try:
        async with asyncio.timeout(timeout):  # one timer for the whole body, not one per piece
            if pending is not None:
                chunk, more = await _resume(pending, waiting)
                size += len(chunk)
                if size > limit:
                    raise RequestTooLarge(limit)
                chunks.append(chunk)
            while more:
                chunk, more = await request.chunk()
                size += len(chunk)
                if size > limit:
                    raise RequestTooLarge(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise RequestTimedOut(timeout) from None
    request.raw_body = body = b"".join(chunks)
    return body


@types.coroutine
def _resume(coroutine: Coroutine[Any, Any, Any], waiting: Any) -> Generator[Any, Any, Any]:
    """The rest of a coroutine whose first step was taken by hand and stopped at `waiting` (what
    `await` would have done from there): what the event loop sends or throws goes to it."""
    while True:
        try:
            sent = yield waiting
        except GeneratorExit:
            coroutine.close()
            raise
        except BaseException as error:  # a cancellation (the timeout) reaches the read
            try:
                waiting = coroutine.throw(error)
            except StopIteration as done:
                return done.value
        else:
            try:
                waiting = coroutine.send(sent)
            except StopIteration as done:
                return done.value


def media_type_of(content_type: str) -> tuple[str, dict[str, str]]:
    head, *raw_params = content_type.split(";")
    params = {}
    for raw in raw_params:
        key, _, value = raw.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return head.strip().lower(), params


async def parse_body(
    request: IncomingRequest, accepted: tuple[str, ...], limit: int, timeout: float = BODY_TIMEOUT
) -> Any:
    """Return the parsed body, NO_BODY for an empty one, or raise DRF's 400/413/415."""
    raw = await read_body(request, limit, timeout)
    if not raw:
        return NO_BODY
    content_type = request.headers.get("content-type", "")
    if content_type == JSON and JSON in accepted:  # the common case, with nothing to split
        return parse_json(raw)
    media_type, params = media_type_of(content_type)
    if media_type not in accepted:
        raise UnsupportedMediaType(content_type)
    if media_type == JSON:
        return parse_json(raw, params.get("charset", "utf-8"))
    if media_type == FORM:
        try:
            text = raw.decode(params.get("charset", "utf-8"))
        except (UnicodeDecodeError, LookupError) as error:
            raise ParseError(f"Form parse error - {error}") from error
        return FormData(parse_qsl(text, keep_blank_values=True))
    return await _parse_multipart(request, raw)


async def _parse_multipart(request: IncomingRequest, raw: bytes) -> FormData:
    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    replayed = Request(request.scope, replay)
    try:
        form = await replayed.form()
    except Exception as error:  # python-multipart raises several types for broken bodies
        raise ParseError(f"Multipart form parse error - {error}") from error
    return FormData(
        (key, value.filename if isinstance(value, UploadFile) else value) for key, value in form.multi_items()
    )
