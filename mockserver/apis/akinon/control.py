"""Control operations for the Akinon fake: script outcomes, edit Omnitron, read both catalogues.

They act on the API's declared setup task (the address setup); what its states, catalogues and
levels are comes from the spec."""

from typing import Any

from mockserver.drf.errors import ValidationFailed
from mockserver.http import ApiRequest, ApiResponse
from mockserver.setup_task import rules
from mockserver.setup_task.state import SetupTaskState
from mockserver.spec.setup_tasks import SetupTaskDeclaration

API_NAME = "akinon"


def _task(request: ApiRequest) -> SetupTaskDeclaration:
    return request.app.catalogue.api(API_NAME).setup_tasks[0]  # the address setup


def _change(request: ApiRequest, change: Any) -> Any:
    if request.tenant is None:
        raise ValidationFailed(
            {"non_field_errors": ["Name a tenant with the Authorization or X-Mockserver-Namespace header."]}
        )
    request.app.tenants.ensure_tenant(request.tenant)
    try:
        return SetupTaskState(_task(request), request.settings).change(request.store, request.tenant, change)
    except rules.CatalogueError as error:
        raise ValidationFailed({"non_field_errors": [str(error)]}) from None


def get_addresses(request: ApiRequest) -> ApiResponse:
    declaration = _task(request)

    def read(state: rules.SetupState, now: float) -> tuple[rules.SetupState, dict[str, Any]]:
        state = rules.settle(declaration, state, now)
        task = state.get("task")
        missing = rules.missing_paths(state[declaration.source], state[declaration.target])
        summary = {
            "status": rules.task_status_at(declaration, task, now),
            "is_required": bool(missing),
            declaration.source: rules.counts(declaration, state[declaration.source]),
            declaration.target: rules.counts(declaration, state[declaration.target]),
            "missing": missing[:200],
            "missing_count": len(missing),
            "task": None if task is None else {k: v for k, v in task.items() if k != "to_copy"},
            "next_outcomes": list(state.get("next_outcomes") or []),
            "settings": dict(state["settings"]),
            "now": now,  # the tenant's clock: what the task's times are read against
        }
        if request.query.get("full") in ("1", "true"):
            summary[f"{declaration.source}_addresses"] = state[declaration.source]
            summary[f"{declaration.target}_addresses"] = state[declaration.target]
        return state, summary

    return ApiResponse(200, _change(request, read))


def set_next_outcomes(request: ApiRequest) -> ApiResponse:
    outcomes = request.body["outcomes"]
    declared = _task(request).outcomes
    # DRF's ListField of choices: the bad items by their index.
    errors = {
        str(index): [f'"{outcome}" is not a valid choice.']
        for index, outcome in enumerate(outcomes)
        if outcome not in declared
    }
    if errors:
        raise ValidationFailed({"outcomes": errors})

    def queue(state: rules.SetupState, now: float) -> tuple[rules.SetupState, list[str]]:
        state["next_outcomes"] = [*(state.get("next_outcomes") or []), *outcomes]
        return state, state["next_outcomes"]

    return ApiResponse(200, {"next_outcomes": _change(request, queue)})


def add_omnitron_addresses(request: ApiRequest) -> ApiResponse:
    declaration = _task(request)
    try:
        addresses = rules.flatten(declaration, request.body)
    except rules.CatalogueError as error:
        raise ValidationFailed({declaration.levels[0].key: [str(error)]}) from None

    def add(state: rules.SetupState, now: float) -> tuple[rules.SetupState, dict[str, Any]]:
        state = rules.settle(declaration, state, now)
        state, result = rules.add_items(state, declaration.source, addresses)
        return state, {**result, "is_required": rules.is_required(declaration, state)}

    return ApiResponse(200, _change(request, add))


def remove_omnitron_addresses(request: ApiRequest) -> ApiResponse:
    declaration = _task(request)
    raw = request.query.get("paths", "")
    paths = [p.strip().strip("/") for p in raw.split(",") if p.strip()]
    if not paths:
        raise ValidationFailed({"paths": ["Name address paths, e.g. ?paths=TR/34,DE."]})

    def remove(state: rules.SetupState, now: float) -> tuple[rules.SetupState, dict[str, Any]]:
        state = rules.settle(declaration, state, now)
        state, removed = rules.remove_items(state, declaration.source, paths)
        return state, {"removed": removed, "is_required": rules.is_required(declaration, state)}

    return ApiResponse(200, _change(request, remove))


def set_task_settings(request: ApiRequest) -> ApiResponse:
    body = request.body

    def configure(state: rules.SetupState, now: float) -> tuple[rules.SetupState, dict[str, Any]]:
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
