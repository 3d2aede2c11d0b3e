"""The tenant's address setup state in the store, changed atomically by the model's pure rules.

The task is kept apart from the (large) catalogues, so the status polls a client makes while a
task runs read and write only the small task value.
"""

# Nested functions below are defined on every poll: postponed annotations cost nothing there.
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.apis.akinon import model
from mockserver.http import ApiRequest
from mockserver.settings import Settings

SETUP = "akinon.setup"
TASK = "akinon.task"
Change = Callable[[model.SetupState, float], tuple[model.SetupState, Any]]


def empty_setup(settings: Settings) -> model.SetupState:
    return model.new_setup_state({}, {}, settings.akinon_task_seconds, settings.akinon_task_polls)


def change_setup(request: ApiRequest, change: Change) -> Any:
    """Run a pure change on the whole setup state (catalogues and task) at the store's time."""
    store, tenant, now = request.store, request.require_tenant(), request.store.now()
    changed: dict[str, model.SetupState] = {}

    def on_setup(setup: model.SetupState | None) -> tuple[model.SetupState, Any]:
        # A tenant loaded from a state dump without Akinon data starts with empty catalogues.
        setup = setup if setup is not None else empty_setup(request.settings)

        def on_task(holder: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
            # The task value is {"task": task-or-None}; None means it was never split out.
            task = holder["task"] if holder is not None else setup.get("task")
            state, result = change({**setup, "task": task}, now)
            changed["setup"] = state
            return {"task": state.pop("task", None)}, result

        result = store.mutate_value(tenant, TASK, on_task)
        return changed["setup"], result

    return store.mutate_value(tenant, SETUP, on_setup)


def poll_status(request: ApiRequest) -> model.Status:
    """A status read touching only the task, unless an ended task still has to copy.

    An idle or settled task is answered from a plain read; only a running task (whose polls
    are counted) or one that ended unsettled needs a write."""
    store, tenant, now = request.store, request.require_tenant(), request.store.now()
    holder = store.get_value(tenant, TASK)
    if holder is not None:
        task = holder["task"]
        if task is None:
            return "READY"
        if task.get("settled") and model.task_ended(task, now):
            return task["outcome"]

    def quick(holder: dict[str, Any] | None) -> tuple[dict[str, Any] | None, model.Status | None]:
        if holder is None:
            return holder, None  # not split out yet: the full path decides
        task = holder["task"]
        if task is None:
            return holder, "READY"
        if not model.task_ended(task, now):
            task["polls_seen"] += 1
            return holder, "WORKING"
        return holder, task["outcome"] if task.get("settled") else None

    status = store.mutate_value(tenant, TASK, quick)
    return status if status is not None else change_setup(request, model.poll_status)
