"""The journal family: what the dispatcher hands over for each request, and the entry it becomes.

A record holds references to what the request already produced (its header dict, the body bytes
as received, the rendered answer) and is formatted into a JSON entry only when someone reads
the journal. Building the masked, previewed entry on every request cost about a fifth of a
status poll served over a socket (measured); the formatting is the same, only later.
"""

import shlex
from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

import orjson

from mockserver.masking import mask_header

BODY_LIMIT = 4096  # characters of a body the journal shows
SECRET_FIELDS = frozenset({"password", "client_secret", "refresh_token", "access_token", "key"})
SECRET_HEADERS = ("authorization", "x-mockserver-admin-token")


class JournalRecord(NamedTuple):
    time: float  # the store's clock when the answer was ready
    tenant: str | None
    method: str
    path: str
    query: str
    operation_id: str | None
    status: int
    duration_seconds: float
    request_headers: dict[str, str]  # lower-case names, as received: masked when formatted
    request_body: Any  # bytes as received (cut), or the parsed body when it holds secrets, or None
    response_body: Any  # the rendered bytes (cut to what a preview shows), or data with secrets
    response_headers: dict[str, str] | None = None  # the answer's own dict, Content-Type aside
    response_media_type: str | None = None


class Journal(Protocol):
    """The last requests (bounded), shared by every process of the store, each with an id that
    grows in the order they were recorded."""

    def record(self, record: JournalRecord) -> None: ...
    def journal(self, tenant: str | None = None) -> list[dict[str, Any]]: ...
    def clear_journal(self, tenant: str | None = None) -> int: ...


def has_secrets(data: Any) -> bool:
    return isinstance(data, dict) and not SECRET_FIELDS.isdisjoint(data.keys())


WITHHELD = "(withheld: the body names a credential field and cannot be read to mask it)"


def sent_body(raw: bytes) -> Any:
    """What a refused request sent (its body was read but never accepted), for the journal:
    masked as an accepted body is (a JSON or form object's credential fields), cut as any is.
    A body that names a credential field but cannot be parsed is withheld, never shown raw."""
    lowered = raw[: BODY_LIMIT * 4].lower()
    if not any(name.encode() in lowered for name in SECRET_FIELDS):
        return cut(raw)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = _form(raw)
    if isinstance(data, dict):
        return data if has_secrets(data) else cut(raw)
    return cut(raw) if isinstance(data, list) else WITHHELD


def _form(raw: bytes) -> dict[str, str] | None:
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return None
    return dict(pairs) if has_secrets(dict(pairs)) else None


def cut(rendered: bytes) -> bytes:
    """The part of a rendered body a preview can show, so a record never pins a large answer."""
    return rendered if len(rendered) <= BODY_LIMIT else rendered[: BODY_LIMIT + 1]


def entry(sequence: int, record: JournalRecord) -> dict[str, Any]:
    """The JSON form of a record (specs/control.yaml, JournalEntry)."""
    return {
        "id": sequence,
        "time": record.time,
        "tenant": record.tenant,
        "method": record.method,
        "path": record.path,
        "query": record.query,
        "operation_id": record.operation_id,
        "status": record.status,
        "duration_ms": round(record.duration_seconds * 1000, 3),
        "request_headers": masked_headers(record.request_headers),
        "response_headers": response_headers(record),
        "request_body": preview(record.request_body),
        "response_body": preview(record.response_body),
    }


def masked_headers(headers: dict[str, str]) -> dict[str, str]:
    shown = dict(headers)
    for name in SECRET_HEADERS:
        value = shown.get(name)
        if value is not None:
            shown[name] = mask_header(value)
    return shown


def response_headers(record: JournalRecord) -> dict[str, str]:
    shown = masked_headers(record.response_headers or {})
    if record.response_media_type is not None:
        shown["Content-Type"] = record.response_media_type
    return shown


def preview(data: Any) -> str | None:
    if data is None or data == b"":
        return None
    if isinstance(data, bytes):
        text = data[: BODY_LIMIT + 1].decode("utf-8", "replace")
        return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…"
    if has_secrets(data):
        data = {k: ("…" if k in SECRET_FIELDS else v) for k, v in data.items()}
    text = data if isinstance(data, str) else None
    if text is None:
        try:
            text = orjson.dumps(data).decode()
        except TypeError:
            text = repr(data)
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…"


# Headers a reproducible command does without (curl sets them itself, or they are per connection).
_CURL_SKIPPED = ("host", "content-length", "accept-encoding", "connection", "user-agent")
CURL_BODY_LIMIT = 2000


def curl_command(method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes | None) -> str:
    """A curl command that repeats a request, its credentials masked as the journal masks them."""
    shown = masked_headers({name.lower(): value for name, value in headers})
    parts = ["curl", "-X", method]
    for name, value in shown.items():
        if name not in _CURL_SKIPPED:
            parts += ["-H", f"{name}: {value}"]
    if body:
        text = body.decode("utf-8", "replace")
        parts += ["--data-raw", text if len(text) <= CURL_BODY_LIMIT else text[:CURL_BODY_LIMIT] + "…"]
    parts.append(url)
    return " ".join(shlex.quote(part) for part in parts)
