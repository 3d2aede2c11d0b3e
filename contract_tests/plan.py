"""A run's plan: every check it may run, what each is about (a collection, a setup task, an
operation), the checks a person chose with --include/--exclude, and running them in turn with a
fair share of the request budget each, so that whatever does not run is said, with its reason."""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from contract_tests.context import INTERRUPTED, NEEDS_WRITES, Context
from contract_tests.preflight import is_drf_error
from contract_tests.report import NotRun
from contract_tests.target import TIME_LIMIT, CutOff, Target
from mockserver.spec.catalogue import ServedApi
from mockserver.spec.loader import Operation

NOT_SELECTED = "not chosen by --include"
FUZZ_TURN = 2  # requests kept for each operation still to fuzz: one positive and one negative case


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Context], None]
    writes: bool = False
    # The declared collections it reads or writes: when one is not deployed, it is not run.
    collections: tuple[str, ...] = ()
    # The declared paths outside any collection it sends to (a login, a setup task's endpoints):
    # when one is not deployed, it is not run.
    paths: tuple[str, ...] = ()
    # What --include/--exclude match: collection and setup task names, operationIds, tags.
    subjects: frozenset[str] = frozenset()
    # A conformance fuzz: how many cases it generates follows its share of the budget.
    fuzz: bool = False
    # Why the run does not run it by design (a credentials endpoint on a real deployment, ...).
    skip: str | None = None


@dataclass(frozen=True)
class Selection:
    """--include and --exclude: names of collections, setup tasks, operationIds or tags."""

    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, include: Iterable[str] | None, exclude: Iterable[str] | None) -> "Selection":
        def names(values: Iterable[str] | None) -> frozenset[str]:
            return frozenset(n.strip() for v in values or () for n in v.split(",") if n.strip())

        return cls(names(include), names(exclude))

    def unknown(self, api: ServedApi) -> list[str]:
        """Names given that the spec does not know (a typo would silently select nothing)."""
        known = selectable(api)
        return sorted((self.include | self.exclude) - known)

    def reason_to_skip(self, subjects: frozenset[str]) -> str | None:
        excluded = sorted(subjects & self.exclude)
        if excluded:
            return f"excluded by --exclude {','.join(excluded)}"
        if self.include and not subjects & self.include:
            return NOT_SELECTED
        return None


def selectable(api: ServedApi) -> set[str]:
    names = {c.name for c in api.collections} | {t.name for t in api.setup_tasks}
    for operation in api.spec.operations:
        names.add(operation.operation_id)
        names |= set(operation.definition.get("tags") or ())
    return names


def subject_of(api: ServedApi, operation_id: str, path: str) -> str:
    """What an operation belongs to, as a report groups it: its collection, its setup task, or
    (anything else) its path."""
    for collection in api.collections:
        if operation_id in collection.operations(api.spec):
            return collection.name
    for task in api.setup_tasks:
        paths = {o.path for o in api.spec.operations if o.operation_id in task.operations.values()}
        if path in paths:
            return task.name
    return path


def subjects_of(api: ServedApi, operations: Iterable[Operation], *names: str) -> frozenset[str]:
    """The names --include/--exclude match for checks about these operations (and `names`)."""
    found = set(names)
    for operation in operations:
        found.add(operation.operation_id)
        found |= set(operation.definition.get("tags") or ())
    return frozenset(found)


def collection_subjects(api: ServedApi, name: str) -> frozenset[str]:
    """A collection's name and its operations' tags (an operationId selects only the checks of
    that one operation: its conformance fuzz and its credentials check)."""
    collection = next((c for c in api.collections if c.name == name), None)
    if collection is None:
        return frozenset({name})
    tags = {t for op in collection.operations(api.spec).values() for t in op.definition.get("tags") or ()}
    return frozenset({name, *tags})


def task_paths(api: ServedApi) -> tuple[str, ...]:
    """The paths of every setup task's operations (what its checks need deployed)."""
    ids = {i for task in api.setup_tasks for i in task.operations.values()}
    return tuple(dict.fromkeys(o.path for o in api.spec.operations if o.operation_id in ids))


def task_subjects(api: ServedApi) -> frozenset[str]:
    """Every setup task's name, its operations' ids and tags (the checks of the task)."""
    found: set[str] = set()
    for task in api.setup_tasks:
        operations = [o for o in api.spec.operations if o.operation_id in task.operations.values()]
        found |= subjects_of(api, operations, task.name)
    return frozenset(found)


@dataclass
class Deployment:
    """Which declared collections and other paths the target serves: a collection's list (GET) or
    another path (OPTIONS, which every DRF view answers) that answers 404 without DRF's
    {"detail": ...} body is not deployed there (asked once each, when first needed)."""

    answers: dict[str, str | None] = field(default_factory=dict)  # collection or path -> why not

    def missing(self, target: Target, names: tuple[str, ...], paths: tuple[str, ...] = ()) -> str | None:
        for name in (*names, *paths):
            if name not in self.answers:
                is_path = name.startswith("/")
                self.answers[name] = (
                    _path_not_deployed(target, name) if is_path else _not_deployed(target, name)
                )
            if self.answers[name]:
                return self.answers[name]
        return None


def _not_deployed(target: Target, name: str) -> str | None:
    collection = next((c for c in target.facts.collections if c.name == name), None)
    if collection is None:
        return f"the spec declares no collection {name}"
    answer = target.api_call("GET", collection.list_path)
    if answer.status_code == 404 and not is_drf_error(answer):
        return f"{name} is not deployed (GET {collection.list_path} answered 404 without a DRF body)"
    return None


def _path_not_deployed(target: Target, path: str) -> str | None:
    if "{" in path:
        return None  # a path with parameters is asked about through its collection
    answer = target.api_call("OPTIONS", path)
    if answer.status_code == 404 and not is_drf_error(answer):
        return f"{path} is not deployed (OPTIONS {path} answered 404 without a DRF body)"
    return None


def run_plan(ctx: Context, plan: list[Check], selection: Selection = Selection()) -> None:
    """Run the checks chosen, each with its share of the budget: a check with a fixed set of
    requests may spend what is left but a turn kept for every check after it (one request, or two
    for an operation to fuzz); the fuzz divides what the fixed checks left equally over the
    operations. Whatever is not run (cut off, interrupted, not deployed) is said with its reason."""
    report, target = ctx.report, ctx.target
    chosen: list[Check] = []
    for check in plan:
        reason = check.skip or selection.reason_to_skip(check.subjects)
        if reason is None and check.writes and not ctx.options.allow_writes:
            reason = NEEDS_WRITES
        if reason is None:
            chosen.append(check)
        else:
            report.skip(check.name, reason)
    order = [c for c in chosen if not c.fuzz] + [c for c in chosen if c.fuzz]
    deployment = Deployment()
    started = 0
    try:
        for index, check in enumerate(order):
            started = index + 1
            why_not = _cut_before(ctx, check, deployment)
            if why_not is not None:
                report.not_run.append(NotRun(check.name, why_not))
                continue
            later = order[index + 1 :]
            left = target.budget - target.requests_sent
            if check.fuzz:
                share = left // (len(later) + 1)
            else:
                share = left - sum(FUZZ_TURN if c.fuzz else 1 for c in later)
            target.share_end = target.requests_sent + max(share, 0)
            try:
                ctx.run(check.name, check.run, writes=check.writes)
            finally:
                target.share_end = None
    except KeyboardInterrupt:
        recorded = {entry.check for entry in report.not_run}
        for check in order[started - 1 :]:
            if check.name not in recorded:
                report.not_run.append(NotRun(check.name, INTERRUPTED))


def _cut_before(ctx: Context, check: Check, deployment: Deployment) -> str | None:
    """Why a check cannot start: the run's time is up, or a collection or path it needs is not
    deployed."""
    deadline = ctx.target.deadline
    if deadline is not None and time.monotonic() >= deadline:
        return TIME_LIMIT
    if not check.collections and not check.paths:
        return None
    try:
        return deployment.missing(ctx.target, check.collections, check.paths)
    except CutOff as error:
        return str(error)
    except httpx.HTTPError:
        return None  # the check meets it too, and reports it as the deployment's answer
