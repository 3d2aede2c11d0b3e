"""What a run found: failures with a reproducible request, printed, as JSON and as JUnit XML."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx

from mockserver.store.journal import curl_command


def curl_line(request: httpx.Request) -> str:
    """A curl command for the request, with credentials masked (the journal's masking)."""
    try:
        body = request.content
    except httpx.RequestNotRead:  # a streamed (multipart) body
        body = b"<multipart body>"
    return curl_command(request.method, str(request.url), request.headers.items(), body)


@dataclass
class Failure:
    check: str
    operation: str
    message: str
    expected: str = ""
    actual: str = ""
    request: str = ""

    def describe(self) -> str:
        lines = [f"✗ {self.check} — {self.operation}", f"  {self.message}"]
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.actual:
            lines.append(f"  actual:   {self.actual}")
        if self.request:
            lines.append(f"  request:  {self.request}")
        return "\n".join(lines)


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
        if self.reason:
            lines.append(f"  the fake's choice: {self.reason}")
        if self.expected:
            lines.append(f"  fake:     {self.expected}")
        if self.actual:
            lines.append(f"  actual:   {self.actual}")
        if self.request:
            lines.append(f"  request:  {self.request}")
        return "\n".join(lines)


@dataclass
class Report:
    api: str
    target: str
    passed: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # decided behaviours that differ (not failures)
    requests_sent: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def failed_checks(self) -> set[str]:
        return {failure.check for failure in self.failures}

    def summary(self) -> str:
        lines = [f"mockserver verify: {self.api} at {self.target}"]
        lines += [failure.describe() for failure in self.failures]
        lines += [note.describe() for note in self.notes]
        lines += [f"- skipped: {reason}" for reason in self.skipped]
        noted = f", {len(self.notes)} notes (decided behaviours that differ)" if self.notes else ""
        lines.append(
            f"{len(self.passed)} passed, {len(self.failures)} failed, {len(self.skipped)} skipped{noted} "
            f"({self.requests_sent} requests)"
        )
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        data: dict[str, Any] = {
            "api": self.api,
            "target": self.target,
            "ok": self.ok,
            "passed": self.passed,
            "skipped": self.skipped,
            "requests_sent": self.requests_sent,
            "failures": [asdict(failure) for failure in self.failures],
            "notes": [asdict(note) for note in self.notes],
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")

    def write_junit(self, path: Path) -> None:
        suite = ElementTree.Element(
            "testsuite",
            name=f"mockserver-verify-{self.api}",
            tests=str(len(self.passed) + len(self.failures) + len(self.skipped)),
            failures=str(len(self.failures)),
            skipped=str(len(self.skipped)),
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
        for reason in self.skipped:
            case = ElementTree.SubElement(suite, "testcase", classname=self.api, name=reason)
            ElementTree.SubElement(case, "skipped", message=reason)
        ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
