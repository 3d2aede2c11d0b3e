"""Setup tasks declared in a spec, read and checked once at start-up.

    x-setup-tasks:                   # top level: each task's catalogues and their shape
      addresses:
        source: {name: omnitron, fixtures: omnitron-addresses.json}
        target: {name: oms, fixtures: oms-addresses.json}
        levels:                      # the catalogue's levels, outermost first; `key` is the list
          - {name: country, key: countries}   # that holds a level's items in the fixture tree
          - {name: city, key: cities}
        running: {seconds: 3, polls: 0}   # how long a task runs on the virtual clock (optional; the
                                     # settings override it per task: --task-seconds addresses=5)
    paths: ... each operation of the trio says which task it serves and how:
        x-setup-task: {task: addresses, role: execute | status | is_required}

The status operation's 200 schema is the one place the states are typed: its `result` enum,
each value given its role by `x-setup-task-states` (idle, running, or an outcome with what it
copies: all, first-half, none; one outcome is the default), or named another spelling of one
(`Ready: {spelling_of: READY}`: a document that spells a state two ways; the fake answers the
state's own spelling, a judge reads either as that state).
"""

from dataclasses import dataclass, field
from typing import Any

from mockserver.spec.errors import StartupError, declaration_error
from mockserver.spec.loader import ApiSpec, Operation
from mockserver.spec.provenance import NONE, TASK_BEHAVIOURS, ProvenanceError, Provenances, read_provenance

TASKS = "x-setup-tasks"
OPERATION = "x-setup-task"
STATES = "x-setup-task-states"
ROLES = ("execute", "status", "is_required")
COPIES = ("all", "first-half", "none")
_TASK_KEYS = {"source", "target", "levels", "description", "running", "provenance"}
# A task's running time when its declaration gives none: virtual seconds, status polls.
DEFAULT_SECONDS, DEFAULT_POLLS = 3.0, 0


@dataclass(frozen=True)
class Level:
    name: str
    key: str  # the list of this level's items in the fixture tree


@dataclass(frozen=True)
class SetupTaskDeclaration:
    api: str
    name: str
    source: str  # the catalogue copied from
    target: str  # the catalogue copied into
    source_fixtures: str
    target_fixtures: str
    levels: tuple[Level, ...]
    idle: str  # the state before the tenant's first task
    running: str
    outcomes: dict[str, str]  # outcome state -> what a task ending so copies
    default_outcome: str
    answers: dict[bool, str]  # is_required's answer for True and False
    operations: dict[str, str]  # role -> operationId
    seconds: float = DEFAULT_SECONDS  # virtual seconds a task stays running (x-setup-tasks.<task>.running)
    polls: int = 0  # status polls it stays running, on top of the seconds
    # Which of its judged behaviours a source states and which the project decided (provenance.py)
    provenance: Provenances = field(default=NONE)
    spellings: dict[str, str] = field(default_factory=dict)  # another spelling -> the state

    @property
    def states(self) -> tuple[str, ...]:
        return (self.idle, self.running, *self.outcomes)

    def state_of(self, value: str) -> str:
        """The state an answer's value names (another spelling the spec gives is that state)."""
        return self.spellings.get(value, value)

    @property
    def setup_value(self) -> str:
        """The store value holding both catalogues and the task settings."""
        return f"{self.api}.setup.{self.name}"

    @property
    def task_value(self) -> str:
        """The store value holding the task alone (status polls touch only this)."""
        return f"{self.api}.task.{self.name}"


def _result_schema(spec: ApiSpec, operation: Operation, where: str) -> dict[str, Any]:
    response = operation.responses.get("200")
    schema = response.content.get("application/json") if response else None
    result = ((schema or {}).get("properties") or {}).get("result")
    if not isinstance(result, dict) or not isinstance(result.get("enum"), list):
        raise declaration_error(spec, where, "its 200 answer must be {result: <one of an enum>}")
    return result


def _states(spec: ApiSpec, operation: Operation) -> tuple[str, str, dict[str, str], str, dict[str, str]]:
    where = f"{operation.method} {operation.path} 200 result"
    result = _result_schema(spec, operation, where)
    roles = result.get(STATES)
    if not isinstance(roles, dict) or list(roles) != list(result["enum"]):
        raise declaration_error(
            spec, f"{where}.{STATES}", "must give every value of the enum, in its order, a role"
        )
    idle = running = default = None
    outcomes: dict[str, str] = {}
    spellings: dict[str, str] = {}
    for state, role in roles.items():
        here = f"{where}.{STATES}.{state}"
        state_role = role.get("role") if isinstance(role, dict) else None
        if isinstance(role, dict) and set(role) == {"spelling_of"}:
            if (
                not isinstance(roles.get(role["spelling_of"]), dict)
                or "role" not in roles[role["spelling_of"]]
            ):
                raise declaration_error(
                    spec, f"{here}.spelling_of", "expected a state of the enum that has a role"
                )
            spellings[state] = role["spelling_of"]
        elif state_role == "idle" and idle is None:
            idle = state
        elif state_role == "running" and running is None:
            running = state
        elif state_role == "outcome":
            if role.get("copies") not in COPIES:
                raise declaration_error(spec, f"{here}.copies", f"expected one of {COPIES}")
            outcomes[state] = role["copies"]
            if role.get("default"):
                default = state if default is None else ""
        else:
            raise declaration_error(
                spec,
                here,
                "expected {role: idle}, {role: running} (once each), {role: outcome, copies: ...}"
                " or {spelling_of: <state>}",
            )
    if idle is None or running is None or not outcomes or not default:
        raise declaration_error(
            spec, f"{where}.{STATES}", "needs one idle, one running and outcomes, exactly one the default"
        )
    return idle, running, outcomes, default, spellings


def _running(spec: ApiSpec, where: str, raw: Any) -> tuple[float, int]:
    seconds = raw.get("seconds", DEFAULT_SECONDS) if isinstance(raw, dict) else None
    polls = raw.get("polls", DEFAULT_POLLS) if isinstance(raw, dict) else None
    if (
        not isinstance(raw, dict)
        or set(raw) - {"seconds", "polls"}
        or isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or seconds < 0
        or isinstance(polls, bool)
        or not isinstance(polls, int)
        or polls < 0
    ):
        raise declaration_error(
            spec, where, "expected {seconds: <number, at least 0>, polls: <whole number, at least 0>}"
        )
    return float(seconds), polls


def read_setup_tasks(spec: ApiSpec) -> list[SetupTaskDeclaration]:
    declared = spec.document.get(TASKS) or {}
    if not isinstance(declared, dict):
        raise declaration_error(spec, TASKS, "expected a mapping of task names")
    roles: dict[str, dict[str, Operation]] = {name: {} for name in declared}
    for operation in spec.operations:
        marker = operation.definition.get(OPERATION)
        if marker is None:
            continue
        where = f"paths.{operation.path}.{operation.method.lower()}.{OPERATION}"
        if (
            not isinstance(marker, dict)
            or marker.get("task") not in declared
            or marker.get("role") not in ROLES
        ):
            raise declaration_error(
                spec, where, f"expected {{task: <one of {sorted(declared)}>, role: <one of {ROLES}>}}"
            )
        if marker["role"] in roles[marker["task"]]:
            raise declaration_error(spec, where, f"a second {marker['role']} operation for {marker['task']}")
        roles[marker["task"]][marker["role"]] = operation
    return [_read_one(spec, name, raw, roles[name]) for name, raw in declared.items()]


def _read_one(spec: ApiSpec, name: str, raw: Any, operations: dict[str, Operation]) -> SetupTaskDeclaration:
    where = f"{TASKS}.{name}"
    if not isinstance(raw, dict) or set(raw) - _TASK_KEYS:
        raise declaration_error(spec, where, f"expected the keys {sorted(_TASK_KEYS)}")
    missing = [role for role in ROLES if role not in operations]
    if missing:
        raise declaration_error(
            spec, where, f"no operation declares the role(s) {missing} (x-setup-task on an operation)"
        )
    catalogues = {}
    for side in ("source", "target"):
        value = raw.get(side)
        if not isinstance(value, dict) or not isinstance(value.get("name"), str) or not value.get("fixtures"):
            raise declaration_error(spec, f"{where}.{side}", "expected {name: ..., fixtures: <file>.json}")
        catalogues[side] = value
    levels = raw.get("levels")
    if not isinstance(levels, list) or not levels:
        raise declaration_error(spec, f"{where}.levels", "expected a list of {name, key}, outermost first")
    for index, level in enumerate(levels):
        if not isinstance(level, dict) or set(level) != {"name", "key"}:
            raise declaration_error(spec, f"{where}.levels[{index}]", "expected {name: ..., key: ...}")
    seconds, polls = _running(spec, f"{where}.running", raw.get("running", {}))
    idle, running, outcomes, default, spellings = _states(spec, operations["status"])
    answers = _result_schema(spec, operations["is_required"], f"{where} is_required")["enum"]
    try:
        provenance = read_provenance(raw.get("provenance"), where, spec.source, TASK_BEHAVIOURS)
    except ProvenanceError as error:
        raise StartupError(f"{spec.source.name}: {error}") from None
    if sorted(answers) != ["false", "true"]:
        raise declaration_error(spec, f"{where} is_required", 'its result enum must be ["true", "false"]')
    return SetupTaskDeclaration(
        api=spec.name,
        name=name,
        source=catalogues["source"]["name"],
        target=catalogues["target"]["name"],
        source_fixtures=catalogues["source"]["fixtures"],
        target_fixtures=catalogues["target"]["fixtures"],
        levels=tuple(Level(level["name"], level["key"]) for level in levels),
        idle=idle,
        running=running,
        outcomes=outcomes,
        default_outcome=default,
        answers={True: "true", False: "false"},
        operations={role: op.operation_id for role, op in operations.items()},
        seconds=seconds,
        polls=polls,
        provenance=provenance,
        spellings=spellings,
    )
