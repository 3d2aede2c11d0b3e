"""What is served, read once from the specs: one immutable catalogue of the loaded specs and their
operations, each API's collection and setup-task declarations, the control paths that apply, and
the facts every reader computes from them (auth keywords, key fields, secured operations, task
states). The dispatcher, the serve banner, the proxy and its recorder, the contract suite, the
bench and the tests read it; none of them reads a spec's `x-` declarations itself.

It is built by `build_catalogue` from the spec files of the APIs asked for (the API registry,
mockserver.apis.load_catalogue, knows which file serves which API); a declaration the engine
cannot serve stops the build with a StartupError naming its place."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mockserver.spec.collections import CollectionDeclaration, read_collections
from mockserver.spec.errors import StartupError
from mockserver.spec.extensions import check_extensions
from mockserver.spec.loader import ApiSpec, Operation, PathItem, load_spec
from mockserver.spec.routing import RouteMatch, Router
from mockserver.spec.security import api_keyword, auth_scheme, declared_schemes
from mockserver.spec.setup_tasks import SetupTaskDeclaration, read_setup_tasks
from mockserver.store.documents import KEY_SEPARATOR, item_key, key_of

__all__ = [  # composite keys are the store's (key_of, item_key): offered here to every reader
    "CONTROL_API",
    "CONTROL_SPEC",
    "KEY_SEPARATOR",
    "Catalogue",
    "CollectionRole",
    "SecuredOperation",
    "ServedApi",
    "TaskRole",
    "build_catalogue",
    "item_key",
    "key_of",
    "served_api",
]

CONTROL_API = "control"  # the fake's own API (specs/control.yaml), served under /__mockserver__/
CONTROL_SPEC = "control.yaml"
REQUIRES_API = "x-mockserver-requires-api"

# A check a higher layer adds to the build (DRF's field defaults, drf/defaults.py): it raises a
# StartupError naming the place of what it refuses.
SpecCheck = Callable[[ApiSpec], None]


@dataclass(frozen=True)
class SecuredOperation:
    method: str
    path: str
    operation_id: str
    schemes: tuple[str, ...]


@dataclass(frozen=True)
class CollectionRole:
    """An operation's place in a collection: its list or its detail."""

    declaration: CollectionDeclaration
    is_list: bool


@dataclass(frozen=True)
class TaskRole:
    """An operation's place in a setup task: execute, status or is_required."""

    declaration: SetupTaskDeclaration
    role: str


@dataclass(frozen=True)
class ServedApi:
    """One API as its spec declares it: its collections, setup tasks and security."""

    name: str
    spec: ApiSpec
    collections: tuple[CollectionDeclaration, ...]
    setup_tasks: tuple[SetupTaskDeclaration, ...]

    @property
    def spec_path(self) -> Path:
        return self.spec.source

    def collection(self, name: str) -> CollectionDeclaration:
        return next(c for c in self.collections if c.name == name)

    def operation(self, operation_id: str) -> Operation:
        return next(op for op in self.spec.operations if op.operation_id == operation_id)

    @property
    def task(self) -> SetupTaskDeclaration:
        """The API's (only) setup task."""
        (task,) = self.setup_tasks
        return task

    @property
    def task_states(self) -> tuple[str, ...]:
        """The `result` enum of the setup task's status answer, as the spec types it."""
        return self.task.states

    @cached_property
    def key_fields(self) -> frozenset[str]:
        """Every field a write must carry a run's prefix in: each text field of every collection's
        key, and every field that refers to such a key (`exists_in`, or the source of a hyperlink
        to another collection)."""
        names: set[str] = set()
        for collection in self.collections:
            properties = collection.input_schema.get("properties") or {}
            names |= {name for name in collection.key if _is_text(properties.get(name))}
            names |= {related.field for related in collection.related_fields if not related.many}
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
        """The Authorization keyword of the API's first security scheme (how a client sends a key)."""
        return api_keyword(self.spec.security_schemes, self.spec.document.get("security"))

    def keyword_of(self, scheme_name: str) -> str:
        """The keyword a security scheme's `Authorization` header (and its 401 challenge) starts
        with, read as the fake reads it (mockserver/spec/security.py)."""
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
    def one_off_operations(self) -> tuple[Operation, ...]:
        """The operations no collection or setup task serves (logins, token endpoints, and the
        OPTIONS and HEAD of such views): what an API module's own handlers serve."""
        generic = {op_id for c in self.collections for op_id in c.operations(self.spec)}
        generic |= {op_id for task in self.setup_tasks for op_id in task.operations.values()}
        return tuple(op for op in self.spec.operations if op.operation_id not in generic)


def _is_text(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("x-drf") or {}).get("type", "string") == "string"


@dataclass(frozen=True)
class Catalogue:
    """Everything served: the APIs asked for, in their order, and the control API's paths that
    apply to them."""

    apis: tuple[ServedApi, ...]
    control: ApiSpec | None = None

    def api(self, name: str) -> ServedApi:
        for api in self.apis:
            if api.name == name:
                return api
        raise KeyError(f"{name} is not served (served: {', '.join(self.names)})")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(api.name for api in self.apis)

    @property
    def specs(self) -> tuple[ApiSpec, ...]:
        """Every loaded spec, the control API's last."""
        return (*self.api_specs, *((self.control,) if self.control is not None else ()))

    @property
    def api_specs(self) -> tuple[ApiSpec, ...]:
        return tuple(api.spec for api in self.apis)

    @cached_property
    def operations(self) -> Mapping[str, Operation]:
        """operationId -> operation, over every spec (control included)."""
        return MappingProxyType({op.operation_id: op for spec in self.specs for op in spec.operations})

    @property
    def path_items(self) -> tuple[PathItem, ...]:
        return tuple(item for spec in self.specs for item in spec.path_items)

    @property
    def control_paths(self) -> frozenset[str]:
        """The control paths served with these APIs."""
        return frozenset(item.path for item in self.control.path_items) if self.control else frozenset()

    @property
    def collections(self) -> tuple[CollectionDeclaration, ...]:
        return tuple(c for api in self.apis for c in api.collections)

    @property
    def setup_tasks(self) -> tuple[SetupTaskDeclaration, ...]:
        return tuple(t for api in self.apis for t in api.setup_tasks)

    @property
    def store_names(self) -> tuple[str, ...]:
        """The store's names of every served collection."""
        return tuple(c.store_name for c in self.collections)

    @cached_property
    def collection_roles(self) -> Mapping[str, CollectionRole]:
        """operationId -> its collection, for the operations of a list or detail path item."""
        roles: dict[str, CollectionRole] = {}
        for api in self.apis:
            for declaration in api.collections:
                for op_id, operation in declaration.operations(api.spec).items():
                    is_list = operation.path == declaration.list_path
                    if is_list or operation.path == declaration.detail_path:
                        roles[op_id] = CollectionRole(declaration, is_list)
        return MappingProxyType(roles)

    @cached_property
    def collection_paths(self) -> Mapping[str, CollectionRole]:
        """A collection's list or detail path -> its role there."""
        roles: dict[str, CollectionRole] = {}
        for role in self.collection_roles.values():
            declaration = role.declaration
            roles[declaration.list_path if role.is_list else str(declaration.detail_path)] = role
        return MappingProxyType(roles)

    @cached_property
    def task_roles(self) -> Mapping[str, TaskRole]:
        """operationId -> its setup task and role."""
        return MappingProxyType(
            {
                op_id: TaskRole(task, role)
                for task in self.setup_tasks
                for role, op_id in task.operations.items()
            }
        )

    @cached_property
    def api_router(self) -> Router:
        """The APIs' paths (the control API's left out): what a judge of a deployment matches."""
        return Router([item for spec in self.api_specs for item in spec.path_items])

    def api_operation(self, method: str, path: str) -> tuple[RouteMatch | None, Operation | None]:
        """The path's match among the APIs' paths, and the operation of `method` there."""
        match = self.api_router.match(path)
        if match is None:
            return None, None
        return match, match.path_item.operations.get(method)

    def documented(self) -> list[tuple[Operation, str]]:
        """Every documented (operation, status) pair of the APIs, for coverage."""
        return [(op, status) for spec in self.api_specs for op in spec.operations for status in op.responses]


def served_api(spec: ApiSpec) -> ServedApi:
    return ServedApi(spec.name, spec, tuple(read_collections(spec)), tuple(read_setup_tasks(spec)))


def _control_for(spec: ApiSpec, apis: Sequence[str]) -> ApiSpec:
    """The control spec with the paths of APIs not served left out (`x-mockserver-requires-api`)."""
    kept = [
        item
        for item in spec.path_items
        if item.extensions.get(REQUIRES_API, item.api) in (*apis, CONTROL_API)
    ]
    return replace(spec, path_items=kept)


def build_catalogue(
    api_files: Mapping[str, Path], control_file: Path | None = None, checks: Sequence[SpecCheck] = ()
) -> Catalogue:
    """The catalogue of the APIs whose spec files are given (name -> file), with the control API
    when its file is given. Every declaration is checked; one the engine cannot serve, a spec
    whose `x-mockserver-api` is not the name asked, or two specs declaring one security scheme
    otherwise raise a StartupError."""
    specs = []
    for name, path in api_files.items():
        spec = load_spec(path)
        if spec.name != name:
            raise StartupError(f"{path.name}: x-mockserver-api is {spec.name!r}, not {name!r}")
        specs.append(spec)
    control = _control_for(load_spec(control_file), tuple(api_files)) if control_file else None
    every = [*specs, *([control] if control is not None else [])]
    try:
        for spec in every:
            check_extensions(spec)
            for check in checks:
                check(spec)
        apis = tuple(served_api(spec) for spec in specs)
        declared_schemes(every)  # a scheme the fake cannot check, or two specs disagreeing
    except StartupError:
        raise
    except ValueError as error:  # a spec file the loader refuses
        raise StartupError(str(error)) from None
    return Catalogue(apis, control)
