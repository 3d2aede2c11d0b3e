"""The views of a declared setup task: execute (204), the task's state, whether it is required;
and each new tenant's starting catalogues from the declared fixtures."""

import json
from pathlib import Path
from typing import Any

from mockserver.http import ApiRequest, ApiResponse, Handler
from mockserver.settings import Settings
from mockserver.setup_task import rules
from mockserver.setup_task.state import SetupTaskState
from mockserver.spec.setup_tasks import SetupTaskDeclaration


class SetupTaskViews:
    def __init__(self, declaration: SetupTaskDeclaration, settings: Settings) -> None:
        self.declaration = declaration
        self.state = SetupTaskState(declaration, settings)
        # A profile's ready_after_outcome, read once: the status handler is chosen in handlers().
        profile = settings.profile_of(declaration.api)
        self._ready_after_outcome = profile is not None and profile.ready_after_outcome is True

    def handlers(self) -> dict[str, Handler]:
        status = self.status_ready_after_outcome if self._ready_after_outcome else self.status
        views = {"execute": self.execute, "status": status, "is_required": self.is_required}
        return {operation_id: views[role] for role, operation_id in self.declaration.operations.items()}

    def execute(self, request: ApiRequest) -> ApiResponse:
        declaration = self.declaration
        self.state.change(
            request.store, request.require_tenant(), lambda s, now: rules.start_task(declaration, s, now)
        )
        return ApiResponse(204)

    def status(self, request: ApiRequest) -> ApiResponse:
        return ApiResponse(200, {"result": self.state.poll_status(request.store, request.require_tenant())})

    def status_ready_after_outcome(self, request: ApiRequest) -> ApiResponse:
        """The status as a deployment answers that reads "no active task" literally (a profile's
        ready_after_outcome): an ended task's outcome is settled all the same, but said as the
        idle state (READY), as before the first task (akinon#8 is the fake's default)."""
        answer = self.status(request)
        if answer.data["result"] in self.declaration.outcomes:
            return ApiResponse(200, {"result": self.declaration.idle})
        return answer

    def is_required(self, request: ApiRequest) -> ApiResponse:
        declaration = self.declaration

        def settle_and_check(state: rules.SetupState, now: float) -> tuple[rules.SetupState, bool]:
            state = rules.settle(declaration, state, now)
            return state, rules.is_required(declaration, state)

        required = self.state.change(request.store, request.require_tenant(), settle_and_check)
        return ApiResponse(200, {"result": declaration.answers[required]})

    def initial_values(self, fixtures: Path) -> dict[str, Any]:
        """A new tenant's setup state: both catalogues from fixtures/<api>/<file>."""
        declaration = self.declaration

        def catalogue(name: str) -> rules.Catalogue:
            path = fixtures / declaration.api / name
            return (
                rules.flatten(declaration, json.loads(path.read_text(encoding="utf-8")))
                if path.exists()
                else {}
            )

        state = rules.new_setup_state(
            declaration,
            catalogue(declaration.source_fixtures),
            catalogue(declaration.target_fixtures),
            *self.state.timing(),
        )
        return {declaration.setup_value: state}
