"""What the proxy needs to know of the specs, read once from the loaded spec objects: the router,
each operation's collection (key, ordering and search fields, from `x-drf-collection`) and each
setup task (states from `x-setup-task-states`). The one place to change if the declarations do."""

from dataclasses import dataclass, field
from pathlib import Path

from mockserver.app import load_specs
from mockserver.setup_task.declaration import SetupTaskDeclaration, read_setup_tasks
from mockserver.spec.collections import CollectionDeclaration, read_collections
from mockserver.spec.loader import ApiSpec, Operation
from mockserver.spec.routing import RouteMatch, Router


@dataclass
class CollectionRole:
    """An operation's place in a collection: its list, its detail, or neither."""

    declaration: CollectionDeclaration
    is_list: bool


@dataclass
class TaskRole:
    declaration: SetupTaskDeclaration
    role: str  # execute, status, is_required


@dataclass
class SpecFacts:
    specs: list[ApiSpec]
    router: Router
    collections: dict[str, CollectionRole] = field(default_factory=dict)  # operationId -> role
    by_path: dict[str, CollectionRole] = field(default_factory=dict)  # list or detail path -> role
    tasks: dict[str, TaskRole] = field(default_factory=dict)  # operationId -> role
    declarations: list[CollectionDeclaration] = field(default_factory=list)
    setup_tasks: list[SetupTaskDeclaration] = field(default_factory=list)

    def operation(self, method: str, path: str) -> tuple[RouteMatch | None, Operation | None]:
        match = self.router.match(path)
        if match is None:
            return None, None
        return match, match.path_item.operations.get(method)

    def documented(self) -> list[tuple[Operation, str]]:
        """Every documented (operation, status) pair, for coverage."""
        return [(op, status) for spec in self.specs for op in spec.operations for status in op.responses]


def collection_declarations(spec: ApiSpec) -> list[CollectionDeclaration]:
    """A spec's collections with their key, ordering and search fields (x-drf-collection)."""
    return read_collections(spec)


def read_facts(apis: tuple[str, ...], specs_dir: Path | None = None) -> SpecFacts:
    _, specs = load_specs(apis, specs_dir)
    facts = SpecFacts(specs, Router([item for spec in specs for item in spec.path_items]))
    for spec in specs:
        for declaration in collection_declarations(spec):
            facts.declarations.append(declaration)
            for op_id, operation in declaration.operations(spec).items():
                is_list = operation.path == declaration.list_path
                if is_list or operation.path == declaration.detail_path:
                    facts.collections[op_id] = facts.by_path[operation.path] = CollectionRole(
                        declaration, is_list
                    )
        for task in read_setup_tasks(spec):
            facts.setup_tasks.append(task)
            for role, op_id in task.operations.items():
                facts.tasks[op_id] = TaskRole(task, role)
    return facts
