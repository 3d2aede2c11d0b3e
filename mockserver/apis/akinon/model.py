"""Pure rules of the Akinon address setup, on plain JSON-able data.

A catalogue is flat: an address path ("TR", "TR/34", "TR/34/3423", "TR/34/3423/01") maps to
`{"level", "name", ...}`. Sorted paths list every parent before its children, which is the
order a copy runs in. The task is stored as when it started, how long it takes, how many status
polls it needs and how it will end; its state is computed from the clock when read.
"""

from typing import Any, Literal

Status = Literal["READY", "WORKING", "FINISHED", "FAILED", "ABORTED"]
Outcome = Literal["FINISHED", "FAILED", "ABORTED"]
STATUSES: tuple[Status, ...] = ("READY", "WORKING", "FINISHED", "FAILED", "ABORTED")
OUTCOMES: tuple[Outcome, ...] = ("FINISHED", "FAILED", "ABORTED")
LEVELS = ("country", "city", "township", "district")
CHILDREN = {"country": "cities", "city": "townships", "township": "districts"}
Catalogue = dict[str, dict[str, Any]]
SetupState = dict[str, Any]


class AddressError(ValueError):
    """A catalogue edit that names an address the wrong way."""


def flatten(tree: dict[str, Any]) -> Catalogue:
    """The nested fixture form ({"countries": [{"code", "name", "cities": [...]}]}) -> flat paths."""
    catalogue: Catalogue = {}

    def walk(nodes: list[dict[str, Any]], level_index: int, prefix: str) -> None:
        level = LEVELS[level_index]
        for node in nodes:
            code = str(node.get("code", "")).strip()
            if not code or "/" in code:
                raise AddressError(f"every {level} needs a code without '/'; got {node.get('code')!r}")
            path = f"{prefix}/{code}" if prefix else code
            record = {k: v for k, v in node.items() if k != CHILDREN.get(level)}
            record["level"] = level
            catalogue[path] = record
            child_key = CHILDREN.get(level)
            if child_key and node.get(child_key):
                walk(node[child_key], level_index + 1, path)

    walk(tree.get("countries") or [], 0, "")
    return catalogue


def level_of(path: str) -> str:
    return LEVELS[path.count("/")]


def missing_paths(omnitron: Catalogue, oms: Catalogue) -> list[str]:
    """Omnitron addresses OMS lacks, parents first."""
    return sorted(path for path in omnitron if path not in oms)


def is_required(state: SetupState) -> bool:
    return bool(missing_paths(state["omnitron"], state["oms"]))


def new_setup_state(omnitron: Catalogue, oms: Catalogue, duration: float, polls: int) -> SetupState:
    return {
        "omnitron": omnitron,
        "oms": oms,
        "task": None,
        "tasks_started": 0,
        "next_outcomes": [],
        "settings": {"duration_seconds": duration, "polls": polls},
    }


def task_ended(task: dict[str, Any], now: float) -> bool:
    return now >= task["started_at"] + task["duration_seconds"] and task["polls_seen"] >= task["polls_needed"]


def task_status_at(task: dict[str, Any] | None, now: float) -> Status:
    if task is None:
        return "READY"
    return task["outcome"] if task_ended(task, now) else "WORKING"


def copied_by(outcome: str, to_copy: list[str]) -> list[str]:
    """What a task copies: everything, a deterministic first half (parents first), or nothing."""
    if outcome == "FINISHED":
        return list(to_copy)
    if outcome == "FAILED":
        return list(to_copy[: len(to_copy) // 2])
    return []


def settle(state: SetupState, now: float) -> SetupState:
    """Apply an ended task's copy once; reading twice changes nothing."""
    task = state.get("task")
    if task is None or task.get("settled") or not task_ended(task, now):
        return state
    copied = []
    for path in copied_by(task["outcome"], task["to_copy"]):
        # Only what still exists in Omnitron and is still missing from OMS (never copied twice).
        parent = path.rpartition("/")[0]
        if path in state["omnitron"] and path not in state["oms"] and (not parent or parent in state["oms"]):
            state["oms"][path] = dict(state["omnitron"][path])
            copied.append(path)
    task["settled"] = True
    task["copied"] = len(copied)
    return state


def start_task(state: SetupState, now: float) -> tuple[SetupState, bool]:
    """Start a task unless one is WORKING; returns whether one started."""
    state = settle(state, now)
    if task_status_at(state.get("task"), now) == "WORKING":
        return state, False
    queue = state.get("next_outcomes") or []
    outcome = queue.pop(0) if queue else "FINISHED"
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
        "to_copy": missing_paths(state["omnitron"], state["oms"]),
        "settled": False,
    }
    return state, True


def poll_status(state: SetupState, now: float) -> tuple[SetupState, Status]:
    """A status read: a task WORKING now is reported so, and the read counts as one of its polls."""
    task = state.get("task")
    if task is not None and not task_ended(task, now):
        task["polls_seen"] += 1
        return state, "WORKING"
    state = settle(state, now)
    return state, task_status_at(state.get("task"), now)


def add_addresses(state: SetupState, addresses: Catalogue) -> tuple[SetupState, dict[str, int]]:
    """Add Omnitron addresses, or change the fields given for existing ones (a parent may be
    named by its code alone to add children under it)."""
    added = changed = 0
    for path in sorted(addresses):
        existing = state["omnitron"].get(path)
        if existing is None:
            if not addresses[path].get("name"):
                raise AddressError(f"{path}: a new address needs a name")
            state["omnitron"][path] = addresses[path]
            added += 1
            continue
        merged = {**existing, **addresses[path]}
        if merged != existing:
            state["omnitron"][path] = merged
            changed += 1
    return state, {"added": added, "changed": changed}


def remove_addresses(state: SetupState, paths: list[str]) -> tuple[SetupState, int]:
    """Remove Omnitron addresses and everything under them (OMS keeps what it copied)."""
    doomed = {p for p in state["omnitron"] if any(p == path or p.startswith(path + "/") for path in paths)}
    for path in doomed:
        del state["omnitron"][path]
    return state, len(doomed)


def counts(catalogue: Catalogue) -> dict[str, int]:
    result = dict.fromkeys(LEVELS, 0)
    for record in catalogue.values():
        result[record["level"]] += 1
    return result
