"""The APIs the fake serves. Each module exposes API: ApiModule.

A module holds only what its spec cannot declare: handlers of operations that are not generic
DRF collections or setup tasks, rule hooks the declarations name, and control handlers."""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from mockserver.drf.generic import Hook
from mockserver.http import Handler
from mockserver.resources import specs_dir
from mockserver.settings import Settings

TenantState = dict[str, Any]


@dataclass(frozen=True)
class ApiModule:
    name: str
    spec_file: str
    # Handlers by operationId; one here overrides the generic view of that operation.
    handlers: dict[str, Handler] = field(default_factory=dict)
    # Rule hooks named by `x-drf-collection.hook` in the spec.
    hooks: dict[str, Hook] = field(default_factory=dict)
    # Builds a new tenant's starting values (beyond the collections' fixtures) from the fixtures directory.
    initial_state: Callable[[Path, Settings], TenantState] | None = None
    # Handlers of the control operations (specs/control.yaml) that belong to this API.
    control_handlers: dict[str, Handler] = field(default_factory=dict)


def load_api_module(name: str) -> ApiModule:
    module = import_module(f"mockserver.apis.{name}.handlers")
    return module.API


def spec_path(api: str, directory: Path | None = None) -> Path:
    """The spec file of an API (or of the fake's own control API) in `directory` (the packaged
    specs by default), as the API's module names it: the one place a spec's file name is typed."""
    from mockserver.control import CONTROL_API, control_module  # control imports this package

    module = control_module(()) if api == CONTROL_API else load_api_module(api)
    return (directory or specs_dir()) / module.spec_file
