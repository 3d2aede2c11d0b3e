"""Turn data into bodies: compact JSON as DRF renders it, or the browsable `api` HTML page."""

import html
import json
from typing import Any

import orjson

from mockserver.drf.negotiation import BROWSABLE_RENDERER, Renderer
from mockserver.drf.presented import plain

HTTP_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def render_json(data: Any, indent: int | None = None) -> bytes:
    if not indent:
        return orjson.dumps(data)
    # DRF's JSONRenderer with an indent: Python's json, ", " / ": " separators, UTF-8 as is.
    text = json.dumps(plain(data), indent=indent, ensure_ascii=False, separators=(",", ": "))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def vary_on_cookie(headers: dict[str, str]) -> None:
    """The browsable API's templates read the session (the user), so Django's SessionMiddleware
    adds Cookie to Vary on every HTML page (`Vary: Accept, Cookie`)."""
    vary = headers.get("Vary")
    headers["Vary"] = f"{vary}, Cookie" if vary else "Cookie"


def render_browsable(
    data: Any, status: int, headers: dict[str, str], title: str | None, request_line: str
) -> bytes:
    """A readable HTML page of the same answer, in the spirit of DRF's browsable API."""
    head = [f"HTTP {status} {HTTP_REASONS.get(status, '').upper()}".rstrip()]
    head += [f"{name}: {value}" for name, value in headers.items()]
    # plain() first: embedded fragments are indented like the rest.
    shown = orjson.dumps(plain(data), option=orjson.OPT_INDENT_2).decode() if data is not None else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title or "API")} – Django REST framework</title>
<style>body{{font-family:sans-serif;margin:2em}}pre{{background:#f5f5f5;padding:1em;overflow:auto}}</style>
</head><body>
<h1>{html.escape(title or "API")}</h1>
<p><code>{html.escape(request_line)}</code></p>
<pre class="response-info"><b>{html.escape(chr(10).join(head))}</b>

{html.escape(shown)}</pre>
</body></html>
"""
    return page.encode()


def render(
    renderer: Renderer, data: Any, status: int, headers: dict[str, str], title: str | None, request_line: str
) -> tuple[bytes, str]:
    if renderer is BROWSABLE_RENDERER:
        vary_on_cookie(headers)
        shown_headers = {"Content-Type": "application/json", **headers}
        return render_browsable(data, status, shown_headers, title, request_line), "text/html; charset=utf-8"
    return render_json(data, renderer.indent), "application/json"
