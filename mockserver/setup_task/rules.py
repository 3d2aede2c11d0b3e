"""Pure rules of a setup task, on plain JSON-able data; what they need of the task (its states,
catalogue names and levels) comes from its declaration in the spec.

A catalogue is flat: a path of codes ("TR", "TR/34", "TR/34/3423", "TR/34/3423/01") maps to
`{"level", "name", ...}`. Sorted paths list every parent before its children, which is the
order a copy runs in. The task is stored as when it started, how long it takes, how many status
polls it needs and how it will end; its state is computed from the clock when read.
"""

from typing import Any

from mockserver.spec.setup_tasks import SetupTaskDeclaration

Catalogue = dict[str, dict[str, Any]]
SetupState = dict[str, Any]


class CatalogueError(ValueError):
    """A catalogue edit that names an item the wrong way."""


def flatten(declaration: SetupTaskDeclaration, tree: dict[str, Any]) -> Catalogue:
    """The nested fixture form ({"countries": [{"code", "name", "cities": [...]}]}) -> flat paths."""
    catalogue: Catalogue = {}
    levels = declaration.levels

    def walk(nodes: list[dict[str, Any]], depth: int, prefix: str) -> None:
        level = levels[depth]
        child_key = levels[depth + 1].key if depth + 1 < len(levels) else None
        for node in nodes:
            code = str(node.get("code", "")).strip()
            if not code or "/" in code:
                raise CatalogueError(f"every {level.name} needs a code without '/'; got {node.get('code')!r}")
            path = f"{prefix}/{code}" if prefix else code
            record = {k: v for k, v in node.items() if k != child_key}
            record["level"] = level.name
            catalogue[path] = record
            if child_key and node.get(child_key):
                walk(node[child_key], depth + 1, path)

    walk(tree.get(levels[0].key) or [], 0, "")
    return catalogue


def missing_paths(source: Catalogue, target: Catalogue) -> list[str]:
    """Source items the target lacks, parents first."""
    return sorted(path for path in source if path not in target)


def is_required(declaration: SetupTaskDeclaration, state: SetupState) -> bool:
    return bool(missing_paths(state[declaration.source], state[declaration.target]))


def new_setup_state(
    declaration: SetupTaskDeclaration, source: Catalogue, target: Catalogue, duration: float, polls: int
) -> SetupState:
    return {
        declaration.source: source,
        declaration.target: target,
        "task": None,
        "tasks_started": 0,
        "next_outcomes": [],
        "settings": {"duration_seconds": duration, "polls": polls},
    }


def task_ended(task: dict[str, Any], now: float) -> bool:
    return now >= task["started_at"] + task["duration_seconds"] and task["polls_seen"] >= task["polls_needed"]


def task_status_at(declaration: SetupTaskDeclaration, task: dict[str, Any] | None, now: float) -> str:
    if task is None:
        return declaration.idle
    return task["outcome"] if task_ended(task, now) else declaration.running


def copied_by(declaration: SetupTaskDeclaration, outcome: str, to_copy: list[str]) -> list[str]:
    """What a task copies: everything, a deterministic first half (parents first), or nothing."""
    copies = declaration.outcomes[outcome]
    if copies == "all":
        return list(to_copy)
    if copies == "first-half":
        return list(to_copy[: len(to_copy) // 2])
    return []


def settle(declaration: SetupTaskDeclaration, state: SetupState, now: float) -> SetupState:
    """Apply an ended task's copy once; reading twice changes nothing."""
    task = state.get("task")
    if task is None or task.get("settled") or not task_ended(task, now):
        return state
    source, target = state[declaration.source], state[declaration.target]
    copied = []
    for path in copied_by(declaration, task["outcome"], task["to_copy"]):
        # Only what still exists in the source and is still missing from the target (never twice).
        parent = path.rpartition("/")[0]
        if path in source and path not in target and (not parent or parent in target):
            target[path] = dict(source[path])
            copied.append(path)
    task["settled"] = True
    task["copied"] = len(copied)
    return state


def start_task(declaration: SetupTaskDeclaration, state: SetupState, now: float) -> tuple[SetupState, bool]:
    """Start a task unless one is running; returns whether one started."""
    state = settle(declaration, state, now)
    if task_status_at(declaration, state.get("task"), now) == declaration.running:
        return state, False
    queue = state.get("next_outcomes") or []
    outcome = queue.pop(0) if queue else declaration.default_outcome
    state["next_outcomes"] = queue
    state["tasks_started"] = state.get("tasks_started", 0) + 1
    settings = state["settings"]
    state["task"] = {
        "id": state["tasks_started"],
        "started_at": now,
        "duration_seconds": float(settings["duration_seconds"]),
        "polls_needed": int(settings["polls"]),
        "polls_seen": 0,
        "outcome": outcome,
        "to_copy": missing_paths(state[declaration.source], state[declaration.target]),
        "settled": False,
    }
    return state, True


def poll_status(declaration: SetupTaskDeclaration, state: SetupState, now: float) -> tuple[SetupState, str]:
    """A status read: a task running now is reported so, and the read counts as one of its polls."""
    task = state.get("task")
    if task is not None and not task_ended(task, now):
        task["polls_seen"] += 1
        return state, declaration.running
    state = settle(declaration, state, now)
    return state, task_status_at(declaration, state.get("task"), now)


def add_items(state: SetupState, catalogue: str, items: Catalogue) -> tuple[SetupState, dict[str, int]]:
    """Add items to a catalogue, or change the fields given for existing ones (a parent may be
    named by its code alone to add children under it)."""
    added = changed = 0
    for path in sorted(items):
        existing = state[catalogue].get(path)
        if existing is None:
            if not items[path].get("name"):
                raise CatalogueError(f"{path}: a new item needs a name")
            state[catalogue][path] = items[path]
            added += 1
            continue
        merged = {**existing, **items[path]}
        if merged != existing:
            state[catalogue][path] = merged
            changed += 1
    return state, {"added": added, "changed": changed}


def remove_items(state: SetupState, catalogue: str, paths: list[str]) -> tuple[SetupState, int]:
    """Remove items and everything under them from a catalogue."""
    doomed = {p for p in state[catalogue] if any(p == path or p.startswith(path + "/") for path in paths)}
    for path in doomed:
        del state[catalogue][path]
    return state, len(doomed)


def counts(declaration: SetupTaskDeclaration, catalogue: Catalogue) -> dict[str, int]:
    result = dict.fromkeys((level.name for level in declaration.levels), 0)
    for record in catalogue.values():
        result[record["level"]] += 1
    return result
