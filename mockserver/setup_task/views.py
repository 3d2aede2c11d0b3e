"""The views of a declared setup task: execute (204), the task's state, whether it is required;
and each new tenant's starting catalogues from the declared fixtures."""

import json
from pathlib import Path
from typing import Any

from mockserver.http import ApiRequest, ApiResponse, Handler
from mockserver.settings import Settings
from mockserver.setup_task import rules
from mockserver.setup_task.declaration import SetupTaskDeclaration
from mockserver.setup_task.state import SetupTaskState


class SetupTaskViews:
    def __init__(self, kind: SetupTaskDeclaration, settings: Settings) -> None:
        self.kind = kind
        self.state = SetupTaskState(kind, settings)

    def handlers(self) -> dict[str, Handler]:
        views = {"execute": self.execute, "status": self.status, "is_required": self.is_required}
        return {operation_id: views[role] for role, operation_id in self.kind.operations.items()}

    def execute(self, request: ApiRequest) -> ApiResponse:
        kind = self.kind
        self.state.change(
            request.store, request.require_tenant(), lambda s, now: rules.start_task(kind, s, now)
        )
        return ApiResponse(204)

    def status(self, request: ApiRequest) -> ApiResponse:
        return ApiResponse(200, {"result": self.state.poll_status(request.store, request.require_tenant())})

    def is_required(self, request: ApiRequest) -> ApiResponse:
        kind = self.kind

        def settle_and_check(state: rules.SetupState, now: float) -> tuple[rules.SetupState, bool]:
            state = rules.settle(kind, state, now)
            return state, rules.is_required(kind, state)

        required = self.state.change(request.store, request.require_tenant(), settle_and_check)
        return ApiResponse(200, {"result": kind.answers[required]})

    def initial_values(self, fixtures: Path) -> dict[str, Any]:
        """A new tenant's setup state: both catalogues from fixtures/<api>/<file>."""
        kind = self.kind

        def catalogue(name: str) -> rules.Catalogue:
            path = fixtures / kind.api / name
            return rules.flatten(kind, json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}

        state = rules.new_setup_state(
            kind, catalogue(kind.source_fixtures), catalogue(kind.target_fixtures), *self.state.timing()
        )
        return {kind.setup_value: state}
