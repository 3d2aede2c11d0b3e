"""What a run found: failures with a reproducible request, the checks that did not run and why,
errors of the tool itself, and what each operation was sent; printed, as JSON and as JUnit XML."""

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx

from contract_tests.findings import Failure, detail_lines, group_failures
from mockserver.store.journal import curl_command

# Exit statuses of `mockserver verify` and `mockserver diff` (docs/contract-tests.md; 2 is a wrong
# command line, 3-5 a refused preflight: contract_tests/preflight.py).
PASSED = 0
DRIFT = 1  # a check failed: the deployment drifts from the contract
NOT_RUN = 6  # nothing failed, but checks did not run (budget, time limit, interrupt, not deployed)
TOOL_ERROR = 7  # nothing failed, but a check broke: an error of mockserver, not of the deployment


def curl_line(request: httpx.Request) -> str:
    """A curl command for the request, with credentials masked (the journal's masking)."""
    try:
        body = request.content
    except httpx.RequestNotRead:  # a streamed (multipart) body
        body = b"<multipart body>"
    return curl_command(request.method, str(request.url), request.headers.items(), body)


@dataclass(frozen=True)
class NotRun:
    """A check that sent nothing it could judge, or stopped before its verdict, and why."""

    check: str
    reason: str


@dataclass(frozen=True)
class ToolError:
    """A check that broke: an error of the suite, never counted as the deployment's failure."""

    check: str
    error: str
    traceback: str

    def describe(self) -> str:
        return (
            f"! {self.check}: the check itself broke ({self.error}); an error of mockserver, "
            "not of the deployment (the traceback is in the JSON and JUnit reports)"
        )


@dataclass
class Coverage:
    """What one operation of the spec was sent: requests, and generated cases (conformance)."""

    requests: int = 0
    cases: int = 0


@dataclass
class Note:
    """A difference from a behaviour the project decided (the sources are silent or disagree):
    reported, never a failure (unless the run pins decisions)."""

    check: str
    operation: str
    message: str
    decision: str  # the decision's id (specs/decisions/<file>.md, its row)
    reason: str = ""  # the decision's own text
    expected: str = ""
    actual: str = ""
    request: str = ""

    def describe(self) -> str:
        lines = [
            f"~ {self.check} — {self.operation}",
            f"  {self.message}: differs from the fake's choice, decision {self.decision}",
        ]
        lines += detail_lines(
            ("the fake's choice:", self.reason),
            ("fake:    ", self.expected),
            ("actual:  ", self.actual),
            ("request: ", self.request),
        )
        return "\n".join(lines)


@dataclass
class Report:
    api: str
    target: str
    command: str = "verify"  # or "diff": the command the summary names
    passed: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Not run because the run was asked so (read-only, --exclude, a sample, a design rule).
    skipped: list[NotRun] = field(default_factory=list)
    # Not run although asked for (budget, time limit, interrupt, preflight, not deployed, not in
    # the spec): the run cannot say the deployment keeps the contract.
    not_run: list[NotRun] = field(default_factory=list)
    errors: list[ToolError] = field(default_factory=list)
    coverage: dict[str, Coverage] = field(default_factory=dict)  # operationId -> what it was sent
    notes: list[Note] = field(default_factory=list)  # decided behaviours that differ (not failures)
    requests_sent: int = 0

    @property
    def ok(self) -> bool:
        """Every check asked for ran, and passed."""
        return not self.failures and not self.errors and not self.not_run

    @property
    def exit_status(self) -> int:
        if self.failures:
            return DRIFT
        if self.errors:
            return TOOL_ERROR
        return NOT_RUN if self.not_run else PASSED

    def failed_checks(self) -> set[str]:
        return {failure.check for failure in self.failures}

    def skip(self, check: str, reason: str) -> None:
        self.skipped.append(NotRun(check, reason))

    def count_case(self, operation_id: str) -> None:
        self.coverage.setdefault(operation_id, Coverage()).cases += 1

    def summary(self) -> str:
        lines = [f"mockserver {self.command}: {self.api} at {self.target}"]
        lines += [finding.describe() for finding in group_failures(self.failures)]
        lines += [error.describe() for error in self.errors]
        lines += [note.describe() for note in self.notes]
        lines += [f"- {line} (skipped)" for line in _by_reason(self.skipped)]
        lines += [f"- {line} (not run)" for line in _by_reason(self.not_run)]
        noted = f", {len(self.notes)} notes (decided behaviours that differ)" if self.notes else ""
        if self.coverage:
            lines.append(self.coverage_line())
        lines.append(
            f"{len(self.passed)} passed, {len(self.failures)} failed, {len(self.not_run)} not run, "
            f"{len(self.skipped)} skipped, {len(self.errors)} tool errors{noted} ({self.requests_sent} requests)"
        )
        if not self.failures and not self.errors and self.not_run:
            lines.append(
                f"{_checks(len(self.not_run))} did not run (reasons above): the run cannot say the "
                f"deployment keeps the contract (exit {NOT_RUN})"
            )
        return "\n".join(lines)

    def coverage_line(self) -> str:
        reached = [op for op, seen in self.coverage.items() if seen.requests]
        fuzzed = [seen.cases for seen in self.coverage.values() if seen.cases]
        line = f"- coverage: {len(reached)} of {len(self.coverage)} operations sent requests"
        if fuzzed:
            spread = f"{min(fuzzed)}" if min(fuzzed) == max(fuzzed) else f"{min(fuzzed)}-{max(fuzzed)}"
            line += f", {len(fuzzed)} fuzzed with {spread} cases each"
        return line

    def as_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "api": self.api,
            "target": self.target,
            "ok": self.ok,
            "exit_status": self.exit_status,
            "passed": self.passed,
            "skipped": [asdict(entry) for entry in self.skipped],
            "not_run": [asdict(entry) for entry in self.not_run],
            "errors": [asdict(error) for error in self.errors],
            "requests_sent": self.requests_sent,
            "coverage": {op: asdict(seen) for op, seen in sorted(self.coverage.items())},
            # Every failure, and the same failures grouped by cause (one finding per cause).
            "failures": [asdict(failure) for failure in self.failures],
            "notes": [asdict(note) for note in self.notes],
            "findings": [finding.as_json() for finding in group_failures(self.failures)],
        }

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_json(), indent=2, ensure_ascii=False), encoding="utf-8")

    def write_junit(self, path: Path) -> None:
        cases = (
            len(self.passed) + len(self.failures) + len(self.errors) + len(self.skipped) + len(self.not_run)
        )
        suite = ElementTree.Element(
            "testsuite",
            name=f"mockserver-{self.command}-{self.api}",
            tests=str(cases),
            failures=str(len(self.failures)),
            errors=str(len(self.errors)),
            skipped=str(len(self.skipped) + len(self.not_run)),
        )
        notes: dict[str, list[Note]] = {}
        for note in self.notes:
            notes.setdefault(note.check, []).append(note)
        for name in self.passed:
            case = ElementTree.SubElement(suite, "testcase", classname=self.api, name=name)
            if name in notes:  # the check passed; what differs from a decided choice is said
                out = ElementTree.SubElement(case, "system-out")
                out.text = "\n".join(note.describe() for note in notes[name])
        for failure in self.failures:
            case = ElementTree.SubElement(
                suite, "testcase", classname=self.api, name=f"{failure.check}: {failure.operation}"
            )
            node = ElementTree.SubElement(case, "failure", message=failure.message)
            node.text = failure.describe()
        for error in self.errors:
            case = ElementTree.SubElement(suite, "testcase", classname=self.api, name=error.check)
            node = ElementTree.SubElement(case, "error", message=error.error, type="ToolError")
            node.text = error.traceback
        for entry, label in [(e, "skipped") for e in self.skipped] + [(e, "not run") for e in self.not_run]:
            case = ElementTree.SubElement(suite, "testcase", classname=self.api, name=entry.check)
            ElementTree.SubElement(case, "skipped", message=f"{label}: {entry.reason}")
        ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def _checks(count: int) -> str:
    return "1 check" if count == 1 else f"{count} checks"


def _by_reason(entries: list[NotRun]) -> list[str]:
    """One line per reason: the check when one has it, else how many checks do."""
    counts = Counter(entry.reason for entry in entries)
    lines = []
    for reason, count in counts.items():
        if count == 1:
            (check,) = [entry.check for entry in entries if entry.reason == reason]
            lines.append(f"{check}: {reason}")
        else:
            lines.append(f"{count} checks: {reason}")
    return lines
