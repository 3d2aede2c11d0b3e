"""The values family: a tenant's small named values (a setup task's state, its clock), each read
whole and changed atomically by a pure function of the old value."""

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import orjson

R = TypeVar("R")


class Values(Protocol):
    def get_value(self, tenant: str, name: str, default: Any = None) -> Any: ...
    def mutate_value(self, tenant: str, name: str, change: Callable[[Any], tuple[Any, R]]) -> R:
        """`change(old) -> (new, result)`: written whole or, on a conflict, run again."""
        ...


def decoded(raw: bytes | None, default: Any = None) -> Any:
    """A stored value as a reader gets it: its own copy, never the stored state (nor `default`)."""
    if raw is not None:
        return orjson.loads(raw)
    return None if default is None else orjson.loads(orjson.dumps(default))
