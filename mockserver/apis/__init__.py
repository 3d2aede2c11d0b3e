"""The APIs the fake serves. Each module exposes API: ApiModule."""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from mockserver.http import Handler
from mockserver.settings import Settings
from mockserver.store.base import CollectionSpec

TenantState = dict[str, Any]


@dataclass(frozen=True)
class ApiModule:
    name: str
    spec_file: str
    handlers: dict[str, Handler]
    collections: tuple[CollectionSpec, ...] = ()
    # Builds a new tenant's starting state from the fixtures directory: {"values", "collections"}.
    initial_state: Callable[[Path, Settings], TenantState] | None = None
    # Handlers of the control operations (specs/control.yaml) that belong to this API.
    control_handlers: dict[str, Handler] = field(default_factory=dict)


def load_api_module(name: str) -> ApiModule:
    module = import_module(f"mockserver.apis.{name}.handlers")
    return module.API
