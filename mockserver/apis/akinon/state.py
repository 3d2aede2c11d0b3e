"""The tenant's address setup state in the store, changed atomically by the model's pure rules."""

from collections.abc import Callable
from typing import Any

from mockserver.apis.akinon import model
from mockserver.http import ApiRequest
from mockserver.settings import Settings

SETUP = "akinon.setup"


def empty_setup(settings: Settings) -> model.SetupState:
    return model.new_setup_state({}, {}, settings.akinon_task_seconds, settings.akinon_task_polls)


def change_setup(
    request: ApiRequest, change: Callable[[model.SetupState, float], tuple[model.SetupState, Any]]
) -> Any:
    """Run a pure change on the tenant's setup state at the store's time; returns its result."""
    now = request.store.now()

    def apply(state: model.SetupState | None) -> tuple[model.SetupState, Any]:
        # A tenant loaded from a state dump without Akinon data starts with empty catalogues.
        return change(state if state is not None else empty_setup(request.settings), now)

    return request.store.mutate_value(request.require_tenant(), SETUP, apply)
