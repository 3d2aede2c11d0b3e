"""What every check shares: the target, the run's options and the report it writes to."""

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from contract_tests.report import Failure, Note, Report
from contract_tests.target import BudgetExhausted, Target
from mockserver.spec.provenance import Provenance


class CheckAborted(Exception):
    """A check cannot continue (its failure is already recorded)."""


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
        if self.options.fail_fast and self.report.failures:
            self.report.skipped.append(f"{name} (an earlier check failed)")
            return
        if writes and not self.options.allow_writes:
            self.report.skipped.append(f"{name} (writes; pass --allow-writes)")
            return
        before = len(self.report.failures)
        self._current = name
        try:
            check(self)
        except CheckAborted:
            pass
        except httpx.HTTPError as error:
            self.fail("transport", f"{type(error).__name__}: {error}")
        except BudgetExhausted as error:
            self.report.skipped.append(f"{name} ({error})")
            return
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
            # An answer so far from the documented shape that the check could not read it.
            self.fail(
                "(shape)", f"the answer could not be read as documented: {type(error).__name__}: {error}"
            )
        if len(self.report.failures) == before:
            self.report.passed.append(name)

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


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 400 else text[:400] + "…"


def sample(ctx: Context, what: str, names: list[str], limit: int | None) -> list[str]:
    """All of `names`, or `limit` of them: a different few per run (the run id seeds the choice),
    so repeated CI runs cover everything and each report names what it checked."""
    if limit is None or len(names) <= limit:
        return names
    return random.Random(f"{ctx.options.run_id}-{what}").sample(names, limit)
