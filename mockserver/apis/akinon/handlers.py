"""Akinon: the address setup trio is a setup task declared in specs/akinon-oms-address-setup.yaml
and served by the generic setup-task views; this module adds what real clients need around it
(the token login and active_user/) and the Akinon control operations."""

import hashlib

from mockserver.apis import ApiModule
from mockserver.apis.akinon.control import CONTROL_HANDLERS
from mockserver.auth import tokens
from mockserver.drf.errors import ValidationFailed
from mockserver.http import ApiRequest, ApiResponse

BAD_CREDENTIALS = "Unable to log in with provided credentials."


def login(request: ApiRequest) -> ApiResponse:
    username, password = request.body["username"], request.body["password"]
    settings = request.settings
    if settings.auth_mode == "strict" and settings.users_by_name().get(username) != password:
        raise ValidationFailed({"non_field_errors": [BAD_CREDENTIALS]})
    return ApiResponse(200, {"key": tokens.issue_akinon_key(request.store, request.app.auth.keys, username)})


def get_active_user(request: ApiRequest) -> ApiResponse:
    identity = request.identity
    username = identity.user if identity and identity.user else "api"
    # A stable primary key per user, as a database would give.
    pk = int(hashlib.sha1(username.encode()).hexdigest()[:6], 16)
    return ApiResponse(
        200,
        {
            "pk": pk,
            "username": username,
            "email": f"{username}@example.com",
            "first_name": "",
            "last_name": "",
            "is_active": True,
        },
    )


API = ApiModule(
    name="akinon",
    spec_file="akinon-oms-address-setup.yaml",
    handlers={
        "login": login,
        "loginIntegration": login,
        "getActiveUser": get_active_user,
    },
    control_handlers=CONTROL_HANDLERS,
)
