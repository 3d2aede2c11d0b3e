"""A failure of a check, and failures that share one cause told once: a finding is every failure
with the same message, the same expected value and an answer of the same structure, whatever
collection it came from."""

from dataclasses import dataclass
from typing import Any

SHOWN_CHECKS = 5  # a finding names this many of its checks, then says how many more


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and types, not the data."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def detail_lines(*labelled: tuple[str, str]) -> list[str]:
    """The indented `label value` lines of a failure or a note, each only when it has a value."""
    return [f"  {label} {value}" for label, value in labelled if value]


@dataclass
class Failure:
    check: str
    operation: str
    message: str
    expected: str = ""
    actual: str = ""
    request: str = ""
    # The structure of what came (keys and types, not values): failures of one cause share it.
    actual_shape: str = ""

    def describe(self) -> str:
        lines = [f"✗ {self.check} — {self.operation}", f"  {self.message}"]
        lines += detail_lines(
            ("expected:", self.expected), ("actual:  ", self.actual), ("request: ", self.request)
        )
        return "\n".join(lines)


@dataclass
class Finding:
    """Failures of one cause: the first told in full, the others counted and named."""

    failures: list[Failure]

    @property
    def checks(self) -> list[str]:
        return list(dict.fromkeys(failure.check for failure in self.failures))

    def describe(self) -> str:
        first = self.failures[0]
        if len(self.failures) == 1:
            return first.describe()
        checks = self.checks
        named = ", ".join(checks[:SHOWN_CHECKS])
        more = f" and {len(checks) - SHOWN_CHECKS} more" if len(checks) > SHOWN_CHECKS else ""
        lines = [f"✗ {len(checks)} checks ({len(self.failures)} failures): {first.message}"]
        if first.expected:
            lines.append(f"  expected: {first.expected}")
        if first.actual:
            lines.append(f"  actual:   {first.actual}  (the first; the JSON report has each)")
        lines.append(f"  checks:   {named}{more}")
        if first.request:
            lines.append(f"  request:  {first.request}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        first = self.failures[0]
        return {
            "message": first.message,
            "expected": first.expected,
            "actual": first.actual,
            "actual_shape": first.actual_shape,
            "count": len(self.failures),
            "checks": self.checks,
        }


def group_failures(failures: list[Failure]) -> list[Finding]:
    """Findings in the order their first failure came."""
    groups: dict[tuple[str, str, str], Finding] = {}
    for failure in failures:
        key = (failure.message, failure.expected, failure.actual_shape or failure.actual)
        groups.setdefault(key, Finding([])).failures.append(failure)
    return list(groups.values())
