"""Control operations for the Akinon fake: script outcomes, edit Omnitron, read both catalogues."""

from typing import Any

from mockserver.apis.akinon import model
from mockserver.apis.akinon.state import change_setup
from mockserver.drf.errors import ValidationFailed
from mockserver.http import ApiRequest, ApiResponse


def _change(request: ApiRequest, change: Any) -> Any:
    if request.tenant is None:
        raise ValidationFailed(
            {"non_field_errors": ["Name a tenant with the Authorization or X-Mockserver-Namespace header."]}
        )
    request.app.tenants.ensure_tenant(request.tenant)
    try:
        return change_setup(request, change)
    except model.AddressError as error:
        raise ValidationFailed({"non_field_errors": [str(error)]}) from None


def _summary(state: model.SetupState, now: float) -> dict[str, Any]:
    task = state.get("task")
    missing = model.missing_paths(state["omnitron"], state["oms"])
    return {
        "status": model.task_status_at(task, now),
        "is_required": bool(missing),
        "omnitron": model.counts(state["omnitron"]),
        "oms": model.counts(state["oms"]),
        "missing": missing[:200],
        "missing_count": len(missing),
        "task": None if task is None else {k: v for k, v in task.items() if k != "to_copy"},
        "next_outcomes": list(state.get("next_outcomes") or []),
        "settings": dict(state["settings"]),
    }


def get_addresses(request: ApiRequest) -> ApiResponse:
    def read(state: model.SetupState, now: float) -> tuple[model.SetupState, dict[str, Any]]:
        state = model.settle(state, now)
        summary = _summary(state, now)
        if request.query.get("full") in ("1", "true"):
            summary["omnitron_addresses"] = state["omnitron"]
            summary["oms_addresses"] = state["oms"]
        return state, summary

    return ApiResponse(200, _change(request, read))


def set_next_outcomes(request: ApiRequest) -> ApiResponse:
    outcomes = request.body["outcomes"]

    def queue(state: model.SetupState, now: float) -> tuple[model.SetupState, list[str]]:
        state["next_outcomes"] = [*(state.get("next_outcomes") or []), *outcomes]
        return state, state["next_outcomes"]

    return ApiResponse(200, {"next_outcomes": _change(request, queue)})


def add_omnitron_addresses(request: ApiRequest) -> ApiResponse:
    try:
        addresses = model.flatten(request.body)
    except model.AddressError as error:
        raise ValidationFailed({"countries": [str(error)]}) from None

    def add(state: model.SetupState, now: float) -> tuple[model.SetupState, dict[str, Any]]:
        state = model.settle(state, now)
        state, result = model.add_addresses(state, addresses)
        return state, {**result, "is_required": model.is_required(state)}

    return ApiResponse(200, _change(request, add))


def remove_omnitron_addresses(request: ApiRequest) -> ApiResponse:
    raw = request.query.get("paths", "")
    paths = [p.strip().strip("/") for p in raw.split(",") if p.strip()]
    if not paths:
        raise ValidationFailed({"paths": ["Name address paths, e.g. ?paths=TR/34,DE."]})

    def remove(state: model.SetupState, now: float) -> tuple[model.SetupState, dict[str, Any]]:
        state = model.settle(state, now)
        state, removed = model.remove_addresses(state, paths)
        return state, {"removed": removed, "is_required": model.is_required(state)}

    return ApiResponse(200, _change(request, remove))


def set_task_settings(request: ApiRequest) -> ApiResponse:
    body = request.body

    def configure(state: model.SetupState, now: float) -> tuple[model.SetupState, dict[str, Any]]:
        if body.get("duration_seconds") is not None:
            state["settings"]["duration_seconds"] = float(body["duration_seconds"])
        if body.get("polls") is not None:
            state["settings"]["polls"] = int(body["polls"])
        return state, dict(state["settings"])

    return ApiResponse(200, _change(request, configure))


CONTROL_HANDLERS = {
    "getAkinonAddresses": get_addresses,
    "setAkinonNextOutcomes": set_next_outcomes,
    "addAkinonOmnitronAddresses": add_omnitron_addresses,
    "removeAkinonOmnitronAddresses": remove_omnitron_addresses,
    "setAkinonTaskSettings": set_task_settings,
}
