"""A tenant's setup task in the store, changed atomically by the pure rules.

The task is kept apart from the (large) catalogues, so the status polls a client makes while a
task runs read and write only the small task value.
"""

# Nested functions below are defined on every poll: postponed annotations cost nothing there.
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.settings import Settings
from mockserver.setup_task import rules
from mockserver.spec.setup_tasks import SetupTaskDeclaration
from mockserver.store import clock
from mockserver.store.base import Store

Change = Callable[[rules.SetupState, float], tuple[rules.SetupState, Any]]


class SetupTaskState:
    """One declared task's state for any tenant, through the store."""

    def __init__(self, declaration: SetupTaskDeclaration, settings: Settings) -> None:
        self.declaration = declaration
        self._settings = settings
        self._task_value = declaration.task_value  # named once: every status poll reads it

    def empty(self) -> rules.SetupState:
        return rules.new_setup_state(self.declaration, {}, {}, *self.timing())

    def timing(self) -> tuple[float, int]:
        """The task's seconds and polls: its declaration's, or the settings' override."""
        return self._settings.task_timing(
            self.declaration.name, self.declaration.seconds, self.declaration.polls
        )

    def change(self, store: Store, tenant: str, change: Change) -> Any:
        """Run a pure change on the whole setup state (catalogues and task) at the store's time."""
        now, declaration = clock.time_of(store, tenant), self.declaration
        changed: dict[str, rules.SetupState] = {}

        def on_setup(setup: rules.SetupState | None) -> tuple[rules.SetupState, Any]:
            # A tenant loaded from a state dump without this task's data starts with empty catalogues.
            setup = setup if setup is not None else self.empty()

            def on_task(holder: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
                # The task value is {"task": task-or-None}; None means it was never split out.
                task = holder["task"] if holder is not None else setup.get("task")
                state, result = change({**setup, "task": task}, now)
                changed["setup"] = state
                return {"task": state.pop("task", None)}, result

            result = store.mutate_value(tenant, declaration.task_value, on_task)
            return changed["setup"], result

        return store.mutate_value(tenant, declaration.setup_value, on_setup)

    def poll_status(self, store: Store, tenant: str) -> str:
        """A status read touching only the task, unless an ended task still has to copy.

        An idle or settled task is answered from a plain read; only a running task (whose polls
        are counted) or one that ended unsettled needs a write."""
        declaration, task_value = self.declaration, self._task_value
        holder = store.get_value(tenant, task_value)
        if holder is not None and holder["task"] is None:
            return declaration.idle  # an idle task has no time: the tenant's clock is not read
        now = clock.time_of(store, tenant)
        if holder is not None:
            task = holder["task"]
            if task.get("settled") and rules.task_ended(task, now):
                return task["outcome"]

        def quick(holder: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str | None]:
            if holder is None:
                return holder, None  # not split out yet: the full path decides
            task = holder["task"]
            if task is None:
                return holder, declaration.idle
            if not rules.task_ended(task, now):
                task["polls_seen"] += 1
                return holder, declaration.running
            return holder, task["outcome"] if task.get("settled") else None

        status = store.mutate_value(tenant, task_value, quick)
        if status is not None:
            return status
        return self.change(store, tenant, lambda state, at: rules.poll_status(declaration, state, at))
