"""Akinon address setup over HTTP: operationId -> handler, state through the store."""

import hashlib
import json
from pathlib import Path
from typing import Any

from mockserver.apis import ApiModule
from mockserver.apis.akinon import model
from mockserver.apis.akinon.control import CONTROL_HANDLERS
from mockserver.apis.akinon.state import SETUP, change_setup, poll_status
from mockserver.auth import tokens
from mockserver.drf.errors import ValidationFailed
from mockserver.http import ApiRequest, ApiResponse
from mockserver.settings import Settings

BAD_CREDENTIALS = "Unable to log in with provided credentials."


def initial_state(fixtures: Path, settings: Settings) -> dict[str, Any]:
    def catalogue(name: str) -> model.Catalogue:
        path = fixtures / "akinon" / name
        return model.flatten(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}

    state = model.new_setup_state(
        catalogue("omnitron-addresses.json"),
        catalogue("oms-addresses.json"),
        settings.akinon_task_seconds,
        settings.akinon_task_polls,
    )
    return {"values": {SETUP: state}}


def execute(request: ApiRequest) -> ApiResponse:
    change_setup(request, model.start_task)
    return ApiResponse(204)


def get_async_status(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"result": poll_status(request)})


def get_is_required(request: ApiRequest) -> ApiResponse:
    def settle_and_check(state: model.SetupState, now: float) -> tuple[model.SetupState, bool]:
        state = model.settle(state, now)
        return state, model.is_required(state)

    required = change_setup(request, settle_and_check)
    return ApiResponse(200, {"result": "true" if required else "false"})


def login(request: ApiRequest) -> ApiResponse:
    username, password = request.body["username"], request.body["password"]
    settings = request.settings
    if settings.auth_mode == "strict" and settings.users_by_name().get(username) != password:
        raise ValidationFailed({"non_field_errors": [BAD_CREDENTIALS]})
    return ApiResponse(200, {"key": tokens.issue_akinon_key(request.store, username)})


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
        "executeAddressSetup": execute,
        "getAddressSetupStatus": get_async_status,
        "isAddressSetupRequired": get_is_required,
        "login": login,
        "loginIntegration": login,
        "getActiveUser": get_active_user,
    },
    initial_state=initial_state,
    control_handlers=CONTROL_HANDLERS,
)
