"""What every check shares: the target, the run's options and the report it writes to."""

import random
import secrets
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from contract_tests.findings import shape
from contract_tests.report import Failure, Note, NotRun, Report, ToolError
from contract_tests.target import CutOff, Target
from mockserver.spec.catalogue import ServedApi
from mockserver.spec.collections import CollectionDeclaration
from mockserver.spec.loader import Operation
from mockserver.spec.provenance import Provenance
from mockserver.spec.setup_tasks import SetupTaskDeclaration

INTERRUPTED = "interrupted (Ctrl+C)"
NEEDS_WRITES = "writes: needs --allow-writes"
AFTER_FAILURE = "an earlier check failed (fail fast)"


class CheckAborted(Exception):
    """A check cannot continue (its failure is already recorded)."""


class CannotRun(Exception):
    """The check cannot be run against this target or spec (the reason says why): not run."""


class NotDeclared(CannotRun):
    """What a check needs is not in the spec (a copy with paths removed)."""


def declared_operation(api: ServedApi, operation_id: str) -> Operation:
    for operation in api.spec.operations:
        if operation.operation_id == operation_id:
            return operation
    raise NotDeclared(f"the spec declares no operation {operation_id}")


def declared_collection(api: ServedApi, name: str) -> CollectionDeclaration:
    for collection in api.collections:
        if collection.name == name:
            return collection
    raise NotDeclared(f"the spec declares no collection {name}")


def declared_task(api: ServedApi) -> SetupTaskDeclaration:
    """The API's setup task, with every operation it names still in the spec."""
    if len(api.setup_tasks) != 1:
        raise NotDeclared(f"the spec declares {len(api.setup_tasks)} setup tasks, where the check needs one")
    task = api.setup_tasks[0]
    for operation_id in task.operations.values():
        declared_operation(api, operation_id)
    return task


@dataclass
class RunOptions:
    allow_writes: bool = False
    max_examples: int = 10
    task_timeout: float = 120.0
    fail_fast: bool = False  # stop at the first failed check (the drift proofs need only one)
    # Ordering and search fields checked per collection: None checks every declared one; CI
    # samples a few (a different few each run, named in the report) to stay fast.
    fields_per_collection: int | None = None
    # Generated cases per operation of a declared collection (None: max_examples). The generic
    # views behind them are one code path, checked in depth by the collection promises.
    collection_examples: int | None = None
    # Collections whose operations schemathesis fuzzes (None: all; CI samples a different few
    # each run, the rest named as skipped): every collection is still checked by the promises.
    conformance_collections: int | None = None
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    # A decided behaviour that differs fails the run instead of being noted (--pin-decisions).
    pin_decisions: bool = False

    @property
    def prefix(self) -> str:
        """Every object a run writes carries this, so it is never mixed with other data."""
        return f"ct-{self.run_id}-"


@dataclass
class Context:
    target: Target
    options: RunOptions
    report: Report
    shared: dict[str, Any] = field(default_factory=dict)  # what checks of one run reuse (related objects)
    _current: str = ""

    def run(self, name: str, check: Callable[["Context"], None], *, writes: bool = False) -> None:
        """Run one check and record its verdict: passed, failed, not run (with the reason), or an
        error of the tool. A check reads an answer only after stating the shape it needs
        (`field`, `require`), so anything else escaping it is the suite's own error."""
        if self.options.fail_fast and self.report.failures:
            self.report.skip(name, AFTER_FAILURE)
            return
        if writes and not self.options.allow_writes:
            self.report.skip(name, NEEDS_WRITES)
            return
        before = len(self.report.failures)
        self._current = name
        try:
            check(self)
        except CheckAborted:
            pass
        except httpx.HTTPError as error:
            self.fail("transport", f"{type(error).__name__}: {error}")
        except (CutOff, CannotRun) as error:
            if len(self.report.failures) == before:  # a failure found before the cut stands
                self.report.not_run.append(NotRun(name, str(error)))
            return
        except KeyboardInterrupt:
            self.report.not_run.append(NotRun(name, INTERRUPTED))
            raise
        except Exception as error:
            self.report.errors.append(
                ToolError(name, f"{type(error).__name__}: {error}", traceback.format_exc())
            )
            return
        if len(self.report.failures) == before:
            self.report.passed.append(name)

    @property
    def current(self) -> str:
        """The name of the check running."""
        return self._current

    def fail(
        self,
        operation: str,
        message: str,
        *,
        expected: Any = "",
        actual: Any = "",
        response: httpx.Response | None = None,
    ) -> None:
        self.report.failures.append(
            Failure(
                check=self._current,
                operation=operation,
                message=message,
                expected=_short(expected),
                actual=_short(actual),
                request=self._request_line(response),
                actual_shape=_short(shape(actual)) if isinstance(actual, dict | list) else _short(actual),
            )
        )

    def decided(
        self,
        decision: Provenance,
        operation: str,
        message: str,
        *,
        expected: Any = "",
        actual: Any = "",
        response: httpx.Response | None = None,
    ) -> None:
        """A behaviour the project decided differs: a Note naming the decision (a Failure when the
        run pins decisions)."""
        if self.options.pin_decisions:
            self.fail(
                operation,
                f"{message} (pinned: {decision.describe()})",
                expected=expected,
                actual=actual,
                response=response,
            )
            return
        self.report.notes.append(
            Note(
                check=self._current,
                operation=operation,
                message=message,
                decision=decision.reference,
                reason=decision.reason,
                expected=_short(expected),
                actual=_short(actual),
                request=self._request_line(response),
            )
        )

    def judge(
        self, provenance: Provenance, condition: bool, operation: str, message: str, **details: Any
    ) -> bool:
        """`expect`, by where the behaviour comes from: a documented one that fails is a failure,
        a decided one a note."""
        if condition:
            return True
        if provenance.decided:
            self.decided(provenance, operation, message, **details)
        else:
            self.fail(operation, message, **details)
        return False

    def _request_line(self, response: httpx.Response | None) -> str:
        if response is not None:
            return self.target.describe(response)
        if self.target.last_response is not None:
            # A check comparing what several answers said: the request that completed the picture.
            return f"{self.target.describe(self.target.last_response)}  # the last request sent"
        return ""

    def expect(self, condition: bool, operation: str, message: str, **details: Any) -> bool:
        if not condition:
            self.fail(operation, message, **details)
        return condition

    def require(self, condition: bool, operation: str, message: str, **details: Any) -> None:
        if not self.expect(condition, operation, message, **details):
            raise CheckAborted

    def expect_equal(self, actual: Any, expected: Any, operation: str, message: str) -> bool:
        """What an answer said equals what it should have (the failure shows both)."""
        return self.expect(actual == expected, operation, message, expected=expected, actual=actual)

    def expect_status(self, response: httpx.Response, status: int, operation: str, message: str) -> bool:
        """The answer's status is `status` (the failure shows both and the exchange)."""
        return self.expect(
            response.status_code == status,
            operation,
            message,
            expected=status,
            actual=response.status_code,
            response=response,
        )

    def require_status(self, response: httpx.Response, status: int, operation: str, message: str) -> None:
        if not self.expect_status(response, status, operation, message):
            raise CheckAborted

    def field(
        self,
        body: Any,
        name: str,
        expected: type | tuple[type, ...],
        operation: str,
        response: httpx.Response | None = None,
    ) -> Any:
        """`body[name]`, once the answer shows it is an object holding `name` of type `expected`; else
        a failure naming the field, the type expected and what came (and the check stops)."""
        self.require(
            isinstance(body, dict),
            operation,
            f"the answer must be an object with {name!r}",
            expected=f"{{{name!r}: {_type_names(expected)}}}",
            actual=body,
            response=response,
        )
        value = body.get(name, _MISSING)
        self.require(
            value is not _MISSING and isinstance(value, expected) and not _bool_for_number(value, expected),
            operation,
            f"{name!r} must be {_type_names(expected)}",
            expected=_type_names(expected),
            actual="(missing)" if value is _MISSING else _typed(value),
            response=response,
        )
        return value

    def shaped(
        self,
        value: Any,
        expected: type | tuple[type, ...],
        operation: str,
        what: str,
        response: httpx.Response | None = None,
    ) -> Any:
        """`value`, once it is of type `expected`; else a failure saying what it should have been."""
        self.require(
            isinstance(value, expected) and not _bool_for_number(value, expected),
            operation,
            f"{what} must be {_type_names(expected)}",
            expected=_type_names(expected),
            actual=_typed(value),
            response=response,
        )
        return value

    def json_of(self, response: httpx.Response, operation: str) -> Any:
        content_type = response.headers.get("content-type", "")
        self.require(
            content_type.split(";")[0].strip() == "application/json",
            operation,
            "the answer is not JSON",
            expected="Content-Type: application/json",
            actual=f"Content-Type: {content_type or '(none)'}",
            response=response,
        )
        try:
            return response.json()
        except ValueError:
            self.require(
                False, operation, "the body is not valid JSON", actual=response.text[:200], response=response
            )


_MISSING = object()
_JSON_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _type_names(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(_JSON_NAMES.get(k, k.__name__) for k in types)


def _typed(value: Any) -> Any:
    """A value as a type failure shows it: a string quoted, so "1" is not read as 1."""
    return repr(value) if isinstance(value, str) else value


def _bool_for_number(value: Any, expected: type | tuple[type, ...]) -> bool:
    """JSON true is no count: Python's bool is an int, the answer's is not."""
    types = expected if isinstance(expected, tuple) else (expected,)
    return isinstance(value, bool) and bool not in types


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 400 else text[:400] + "…"


def sample(ctx: Context, what: str, names: list[str], limit: int | None) -> list[str]:
    """All of `names`, or `limit` of them: a different few per run (the run id seeds the choice),
    so repeated CI runs cover everything and each report names what it checked."""
    if limit is None or len(names) <= limit:
        return names
    return random.Random(f"{ctx.options.run_id}-{what}").sample(names, limit)
