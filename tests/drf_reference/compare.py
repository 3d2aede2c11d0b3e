"""Send one request to both services and compare what DRF decides: the status, the headers
DRF sets (Allow, Vary, Content-Type, WWW-Authenticate, Location) and the JSON body, with each
service's own host replaced by one placeholder. HTML bodies (the browsable API) are not compared."""

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

COMPARED_HEADERS = ("allow", "vary", "content-type", "www-authenticate", "location")
HOST = "http://testserver"
SECRET_FIELDS = ("access_token", "refresh_token")  # issued at random by each side


@dataclass(frozen=True)
class Exchange:
    """One request, as sent to both sides."""

    name: str
    method: str
    path: str  # with its query string
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    files: Any = None
    data: Any = None
    authenticated: bool = True


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any  # parsed JSON, "<html>", "" (empty), or the raw text

    def differences(self, other: "Answer") -> list[str]:
        found = []
        if self.status != other.status:
            found.append("status")
        found += [
            f"header {name}" for name in COMPARED_HEADERS if self.headers.get(name) != other.headers.get(name)
        ]
        if self.body != other.body:
            found.append("body")
        return found


def _normalised(value: Any, base: str) -> Any:
    if isinstance(value, str):
        return value.replace(base, HOST)
    if isinstance(value, list):
        return [_normalised(item, base) for item in value]
    if isinstance(value, dict):
        return {
            key: "<issued>" if key in SECRET_FIELDS else _normalised(item, base)
            for key, item in value.items()
        }
    return value


def answer_of(response: httpx.Response, base: str) -> Answer:
    headers = {
        name: _normalised(response.headers[name], base)
        for name in COMPARED_HEADERS
        if name in response.headers
    }
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    body: Any
    if not response.content:
        body = ""
    elif media_type == "application/json":
        try:
            body = _normalised(json.loads(response.content), base)
        except ValueError:
            body = _normalised(response.text, base)
    elif media_type == "text/html":
        body = "<html>"
    else:
        body = _normalised(response.text, base)
    return Answer(response.status_code, headers, body)


def send(client: httpx.Client, base: str, exchange: Exchange, auth: dict[str, str]) -> Answer:
    headers = {**(auth if exchange.authenticated else {}), **exchange.headers}
    response = client.request(
        exchange.method,
        base + exchange.path,
        headers=headers,
        json=exchange.json,
        content=exchange.content,
        files=exchange.files,
        data=exchange.data,
    )
    return answer_of(response, base)
