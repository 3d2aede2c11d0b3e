"""The APIs the fake serves. Each module exposes API: ApiModule.

A module holds only what its spec cannot declare: handlers of operations that are not generic
DRF collections or setup tasks, rule hooks the declarations name, and control handlers."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from mockserver.drf.defaults import check_field_defaults
from mockserver.drf.generic import Hook
from mockserver.http import Handler
from mockserver.resources import specs_dir
from mockserver.settings import KNOWN_APIS, Settings
from mockserver.spec.catalogue import CONTROL_API, CONTROL_SPEC, Catalogue, build_catalogue
from mockserver.spec.errors import StartupError

TenantState = dict[str, Any]
SPECS_ENV = "MOCKSERVER_SPECS"  # the specs directory (`--specs`), also for the contract suite


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
    name = CONTROL_SPEC if api == CONTROL_API else load_api_module(api).spec_file
    return (directory or specs_dir()) / name


def available_apis(directory: Path | None = None) -> tuple[str, ...]:
    """The APIs whose specs the directory holds (the packaged specs by default)."""
    return tuple(name for name in KNOWN_APIS if spec_path(name, directory).exists())


def load_catalogue(
    apis: tuple[str, ...] | None = None, directory: Path | None = None, control: bool = True
) -> Catalogue:
    """The catalogue of the APIs named (every API the directory holds by default), read afresh
    from the directory's specs (the packaged ones by default), with the control API's paths that
    apply to them. A spec it cannot serve raises a StartupError."""
    chosen = Path(directory).resolve() if directory is not None else specs_dir()
    files = {}
    for name in apis if apis is not None else available_apis(chosen):
        path = spec_path(name, chosen)
        if not path.exists():
            raise StartupError(f"no spec {path.name} for the API {name} in {chosen}")
        files[name] = path
    control_file = spec_path(CONTROL_API) if control else None
    return build_catalogue(files, control_file, checks=(check_field_defaults,))


def specs_directory(directory: Path | str | None = None) -> Path:
    """The specs directory a reader of the catalogue means: the one given, else the copy
    MOCKSERVER_SPECS names (the variable of `--specs`), else the packaged specs."""
    chosen = directory or os.environ.get(SPECS_ENV)
    return Path(chosen).resolve() if chosen else specs_dir()


def catalogue(directory: Path | str | None = None) -> Catalogue:
    """The catalogue of every API the specs directory holds (specs_directory), built once per
    directory for the readers that ask often (the contract suite, the bench, the tests); the fake
    builds its own at start-up (load_catalogue)."""
    return _catalogue(specs_directory(directory))


@cache
def _catalogue(directory: Path) -> Catalogue:
    return load_catalogue(None, directory)
