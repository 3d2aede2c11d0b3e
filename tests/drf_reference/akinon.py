"""The Akinon setup task(s) of the reference: stock DRF APIViews built from the spec's
`x-setup-tasks` declaration, written here independently of the fake (mockserver/setup_task/) as
the oracle's own reading of the document: `is_required` says whether the target catalogue lacks
a code path of the source's, `execute` (204) starts one task that copies everything missing
after TASK_SECONDS of real time, the status is READY before the first task, WORKING, then
FINISHED until the next execute. DRF's TokenAuthentication (keyword `Token`), DRF's
obtain_auth_token answering `{"key"}` as the spec's login does, and the active user."""

import json
import time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import path
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mockserver.apis import spec_path
from mockserver.spec.loader import ApiSpec, load_spec
from mockserver.spec.setup_tasks import SetupTaskDeclaration, read_setup_tasks
from tests.drf_reference.models import SetupTask
from tests.drf_reference.resources import reference_specs_dir

API = "akinon"
TASK_SECONDS = 2.0  # how long a task runs, on the reference's own clock


def code_paths(tree: dict[str, Any], keys: list[str]) -> list[str]:
    """Every item of a fixture tree as its code path (`TR`, `TR/34`, `TR/34/3423`, ...), parents
    first: an address is the same in both catalogues when its codes are."""
    found: list[str] = []

    def walk(items: list[dict[str, Any]], level: int, prefix: str) -> None:
        for item in items:
            here = f"{prefix}/{item['code']}" if prefix else str(item["code"])
            found.append(here)
            if level + 1 < len(keys):
                walk(item.get(keys[level + 1]) or [], level + 1, here)

    walk(tree.get(keys[0]) or [], 0, "")
    return found


class Catalogues:
    """A declared task with its source catalogue, read once from the fixtures."""

    def __init__(self, task: SetupTaskDeclaration, fixtures: Path) -> None:
        keys = [level.key for level in task.levels]
        self.task = task
        self.source = code_paths(json.loads((fixtures / task.source_fixtures).read_text("utf-8")), keys)
        self.initial_target = code_paths(
            json.loads((fixtures / task.target_fixtures).read_text("utf-8")), keys
        )

    def row(self) -> SetupTask:
        found, _ = SetupTask.objects.get_or_create(
            name=self.task.name, defaults={"target_paths": self.initial_target}
        )
        return found

    def missing(self, row: SetupTask) -> list[str]:
        held = set(row.target_paths)
        return [path for path in self.source if path not in held]

    def settle(self, row: SetupTask) -> None:
        """An ended task copies what was missing when it started, once."""
        if row.started_at is None or row.settled or time.time() < row.started_at + TASK_SECONDS:
            return
        row.target_paths = [*row.target_paths, *(p for p in row.to_copy if p not in set(row.target_paths))]
        row.settled = True
        row.save()

    def state(self, row: SetupTask) -> str:
        if row.started_at is None:
            return self.task.idle
        return self.task.default_outcome if row.settled else self.task.running


class TaskView(APIView):
    authentication_classes = (TokenAuthentication,)
    permission_classes = (IsAuthenticated,)
    catalogues: Catalogues
    view_name = ""
    view_description = ""

    def get_view_name(self) -> str:
        return self.view_name

    def get_view_description(self, html: bool = False) -> str:
        return self.view_description


class IsRequired(TaskView):
    def get(self, request: Request) -> Response:
        with transaction.atomic():
            row = self.catalogues.row()
            self.catalogues.settle(row)
            answers = self.catalogues.task.answers
            return Response({"result": answers[bool(self.catalogues.missing(row))]})


class Execute(TaskView):
    def post(self, request: Request) -> Response:
        with transaction.atomic():
            row = self.catalogues.row()
            self.catalogues.settle(row)
            if self.catalogues.state(row) != self.catalogues.task.running:  # one task at a time
                row.started_at, row.to_copy, row.settled = time.time(), self.catalogues.missing(row), False
                row.save()
        return Response(status=status.HTTP_204_NO_CONTENT)


class Status(TaskView):
    def get(self, request: Request) -> Response:
        with transaction.atomic():
            row = self.catalogues.row()
            self.catalogues.settle(row)
            return Response({"result": self.catalogues.state(row)})


class Login(ObtainAuthToken):
    """DRF's obtain_auth_token, answering the key as the spec's login does."""

    view_name = ""

    def get_view_name(self) -> str:
        return self.view_name or super().get_view_name()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"key": token.key})


class ActiveUser(TaskView):
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "pk": user.pk,
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_active": user.is_active,
            }
        )


ROLES = {"is_required": IsRequired, "execute": Execute, "status": Status}
OTHERS = {"login": Login, "loginIntegration": Login, "getActiveUser": ActiveUser}


def _view(spec: ApiSpec, operation_id: str, view: type[APIView], **attrs: Any) -> Any:
    operation = next(op for op in spec.operations if op.operation_id == operation_id)
    item = next(i for i in spec.path_items if i.path == operation.path)
    if issubclass(view, TaskView):
        attrs["view_description"] = item.view_description
    named = type(view.__name__, (view,), {"view_name": item.view_name or "", **attrs})
    return path(operation.path.lstrip("/"), named.as_view())


def akinon_urls(fixtures: Path) -> list[Any]:
    """The routes of the Akinon spec: every declared task's trio, the logins and the active user."""
    spec = load_spec(spec_path(API, reference_specs_dir()))
    routes = []
    for task in read_setup_tasks(spec):
        catalogues = Catalogues(task, fixtures)
        for role, view in ROLES.items():
            routes.append(_view(spec, task.operations[role], view, catalogues=catalogues))
    known = {op.operation_id for op in spec.operations}
    routes += [_view(spec, op, view) for op, view in OTHERS.items() if op in known]
    return routes
