"""The OAuth2 token endpoint (django-oauth-toolkit): password and refresh_token grants."""

import base64
import binascii
from typing import Any
from urllib.parse import unquote

from mockserver.auth import tokens
from mockserver.drf.parsing import NO_BODY
from mockserver.http import ApiRequest, ApiResponse

NO_CACHE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
DEFAULT_SCOPE = "read write"


def _error(status: int, error: str, description: str | None = None) -> ApiResponse:
    body = {"error": error} | ({"error_description": description} if description else {})
    headers = dict(NO_CACHE)
    if status == 401:  # oauthlib's OAuth2Error.headers for an unauthenticated client
        challenge = [f'error="{error}"'] + ([f'error_description="{description}"'] if description else [])
        headers["WWW-Authenticate"] = "Bearer " + ", ".join(challenge)
    return ApiResponse(status, body, headers)


def _client(request: ApiRequest, form: dict[str, Any]) -> tuple[str, str] | None:
    header = request.request.headers.get("authorization", "")
    keyword, _, encoded = header.partition(" ")
    if keyword.lower() == "basic" and encoded:
        try:
            client_id, sep, secret = base64.b64decode(encoded.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return (unquote(client_id), unquote(secret)) if sep else None
    if form.get("client_id"):
        return str(form["client_id"]), str(form.get("client_secret", ""))
    return None


def _client_accepted(request: ApiRequest, client: tuple[str, str] | None) -> bool:
    if client is None:
        return False
    configured = dict(request.settings.oauth_clients)
    if request.settings.auth_mode == "strict" and configured:
        return configured.get(client[0]) == client[1]
    return True


def obtain_token(request: ApiRequest) -> ApiResponse:
    form = {} if request.body is NO_BODY else dict(request.body)
    client = _client(request, form)
    if not _client_accepted(request, client):
        return _error(401, "invalid_client")
    assert client is not None
    grant = form.get("grant_type")
    lifetime = request.settings.bearer_token_lifetime
    scope = str(form.get("scope") or DEFAULT_SCOPE)
    if grant == "password":
        for name in ("username", "password"):
            if not form.get(name):
                return _error(400, "invalid_request", f"Request is missing {name} parameter.")
        username, password = str(form["username"]), str(form["password"])
        settings = request.settings
        if settings.auth_mode == "strict" and settings.users_by_name().get(username) != password:
            return _error(400, "invalid_grant", "Invalid credentials given.")
        issued = tokens.issue_bearer(request.store, username, lifetime, scope, client[0])
        return ApiResponse(200, issued, dict(NO_CACHE))
    if grant == "refresh_token":
        refresh = str(form.get("refresh_token") or "")
        record = tokens.lookup(request.store, refresh) if refresh else None
        if record is None or record.get("kind") != "refresh" or record.get("client_id") != client[0]:
            return _error(400, "invalid_grant")
        tokens.forget(request.store, refresh)  # refresh tokens rotate, as django-oauth-toolkit does
        issued = tokens.issue_bearer(
            request.store, record["user"], lifetime, record.get("scope", scope), client[0]
        )
        return ApiResponse(200, issued, dict(NO_CACHE))
    return _error(400, "unsupported_grant_type")
