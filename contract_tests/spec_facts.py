"""The API facts the contract suite, the tests and the bench need, read from the specs: which spec
file serves an API, its collections (keys, ordering, search, paging, forms, hyperlinks, related
objects), its setup tasks and their states, and the security of every operation. Nothing here
types a fact of an API; each is looked up in the loaded specs (once per directory), the spec file
of an API in the API registry (mockserver.apis.spec_path).

The directory is the packaged specs unless MOCKSERVER_SPECS (or `verify --specs DIR`) names a copy,
so a collection added to a copy of a spec is checked with no new code."""

import os
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from mockserver.apis import spec_path
from mockserver.auth.schemes import api_keyword, auth_scheme
from mockserver.resources import specs_dir
from mockserver.settings import KNOWN_APIS
from mockserver.setup_task.declaration import SetupTaskDeclaration, read_setup_tasks
from mockserver.spec.collections import CollectionDeclaration, read_collections
from mockserver.spec.loader import ApiSpec, Operation, load_spec

SPECS_ENV = "MOCKSERVER_SPECS"


def specs_directory(directory: Path | str | None = None) -> Path:
    chosen = directory or os.environ.get(SPECS_ENV)
    return Path(chosen).resolve() if chosen else specs_dir()


@dataclass(frozen=True)
class SecuredOperation:
    method: str
    path: str
    operation_id: str
    schemes: tuple[str, ...]


@dataclass(frozen=True)
class ApiFacts:
    api: str
    spec_path: Path
    spec: ApiSpec

    @cached_property
    def collections(self) -> tuple[CollectionDeclaration, ...]:
        return tuple(read_collections(self.spec))

    def collection(self, name: str) -> CollectionDeclaration:
        return next(c for c in self.collections if c.name == name)

    @cached_property
    def setup_tasks(self) -> tuple[SetupTaskDeclaration, ...]:
        return tuple(read_setup_tasks(self.spec))

    def operation(self, operation_id: str) -> Operation:
        return next(op for op in self.spec.operations if op.operation_id == operation_id)

    @cached_property
    def key_fields(self) -> frozenset[str]:
        """Every field a write must carry this run's prefix in: each text field of every
        collection's key, and every field that refers to such a key (`exists_in`, or the source
        of a hyperlink to another collection)."""
        names: set[str] = set()
        for collection in self.collections:
            properties = collection.input_schema.get("properties") or {}
            names |= {name for name in collection.key if _is_text(properties.get(name))}
            names |= set(_reference_fields(collection.input_schema))
            for link in collection.hyperlinks:
                names |= set(link.source_fields)
        return frozenset(names)

    @cached_property
    def secured_operations(self) -> tuple[SecuredOperation, ...]:
        """Every operation whose security is not `[]`, in spec order, with the schemes it takes."""
        return tuple(
            SecuredOperation(op.method, op.path, op.operation_id, op.security_schemes)
            for op in self.spec.operations
            if op.security
        )

    @cached_property
    def auth_keyword(self) -> str:
        """The Authorization keyword of the API's first security scheme (how the suite sends a key)."""
        return api_keyword(self.spec.security_schemes, self.spec.document.get("security"))

    def keyword_of(self, scheme_name: str) -> str:
        """The keyword a security scheme's `Authorization` header (and its 401 challenge) starts
        with, read as the fake reads it (mockserver/auth/schemes.py)."""
        return auth_scheme(scheme_name, self.spec.security_schemes[scheme_name]).keyword

    @cached_property
    def password_token_url(self) -> str | None:
        """The OAuth2 password grant's token URL, when the API logs in that way."""
        for scheme in self.spec.security_schemes.values():
            flow = (scheme.get("flows") or {}).get("password") if scheme.get("type") == "oauth2" else None
            if flow:
                return str(flow["tokenUrl"])
        return None

    @cached_property
    def task(self) -> SetupTaskDeclaration:
        """The API's (only) setup task."""
        (task,) = self.setup_tasks
        return task

    @property
    def task_states(self) -> tuple[str, ...]:
        """The `result` enum of the setup task's status answer, as the spec types it."""
        return self.task.states


def _is_text(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("x-drf") or {}).get("type", "string") == "string"


def _reference_fields(schema: Any) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict) and (prop.get("x-drf") or {}).get("exists_in"):
                found.append(name)
            found += _reference_fields(prop.get("items") if isinstance(prop, dict) else None)
    return found


@cache
def _facts(api: str, directory: Path) -> ApiFacts:
    path = spec_path(api, directory)
    if not path.exists():
        raise ValueError(f"no spec {path.name} for the API {api} in {directory}")
    return ApiFacts(api, path, load_spec(path))


def facts(api: str, directory: Path | str | None = None) -> ApiFacts:
    return _facts(api, specs_directory(directory))


def apis(directory: Path | str | None = None) -> list[str]:
    """The APIs whose specs the directory holds (the control API is the fake's own, not one the
    suite checks)."""
    chosen = specs_directory(directory)
    return [name for name in KNOWN_APIS if spec_path(name, chosen).exists()]
