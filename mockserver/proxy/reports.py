"""What a proxy run saw, for CI: the JSON report and the JUnit XML (one testcase per operation and
status seen, failing with its violations and a masked curl line), and the coverage of the
documented operations and statuses."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from mockserver.proxy.violations import Violation
from mockserver.spec.catalogue import Catalogue


@dataclass
class Traffic:
    """Counts of what passed: (operationId, status) -> exchanges; unmatched paths apart."""

    seen: Counter[tuple[str, int]] = field(default_factory=Counter)
    unmatched: Counter[str] = field(default_factory=Counter)
    exchanges: int = 0

    def note(self, operation_id: str | None, status: int, method: str, path: str) -> None:
        self.exchanges += 1
        if operation_id is None:
            self.unmatched[f"{method} {path}"] += 1
        else:
            self.seen[(operation_id, status)] += 1


def _documented_key(status: int, documented: set[str]) -> str | None:
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in documented:
            return key
    return None


def coverage(catalogue: Catalogue, traffic: Traffic) -> dict[str, Any]:
    operations = []
    for spec in catalogue.api_specs:
        for operation in spec.operations:
            documented = set(operation.responses)
            seen = {status for (op_id, status) in traffic.seen if op_id == operation.operation_id}
            covered = {_documented_key(s, documented) for s in seen} - {None}
            operations.append(
                {
                    "api": spec.name,
                    "operation": operation.operation_id,
                    "method": operation.method,
                    "path": operation.path,
                    "statuses_seen": sorted(seen),
                    "statuses_never_seen": sorted(documented - covered),
                    "undocumented_statuses_seen": sorted(
                        s for s in seen if _documented_key(s, documented) is None
                    ),
                }
            )
    total = sum(len(op["statuses_seen"]) + len(op["statuses_never_seen"]) for op in operations)
    return {
        "operations_seen": sum(1 for op in operations if op["statuses_seen"]),
        "operations_documented": len(operations),
        "documented_statuses": total,
        "operations": operations,
        "unmatched_paths": dict(traffic.unmatched),
    }


def report_data(
    catalogue: Catalogue,
    traffic: Traffic,
    violations: list[Violation],
    total: int,
    upstream: str,
    notes: list[Violation] | None = None,
) -> dict[str, Any]:
    notes = notes or []
    return {
        "upstream": upstream,
        "ok": total == 0,
        "exchanges": traffic.exchanges,
        "violations_total": total,
        "violations": [v.as_dict() for v in violations],
        "by_kind": dict(Counter(v.kind for v in violations)),
        # where the traffic parts from a behaviour the project decided: never a failure
        "notes": [n.as_dict() for n in notes],
        "notes_by_kind": dict(Counter(n.kind for n in notes)),
        "coverage": coverage(catalogue, traffic),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _case(found: Violation) -> tuple[str, int]:
    return found.operation or f"{found.method} {found.path}", found.status


def write_junit(
    path: Path,
    catalogue: Catalogue,
    traffic: Traffic,
    violations: list[Violation],
    notes: list[Violation] | None = None,
) -> None:
    by_case: dict[tuple[str, int], list[Violation]] = {}
    for found in violations:
        by_case.setdefault(_case(found), []).append(found)
    noted: dict[tuple[str, int], list[Violation]] = {}
    for found in notes or []:
        noted.setdefault(_case(found), []).append(found)
    cases = sorted({(op, status) for (op, status) in traffic.seen} | set(by_case) | set(noted))
    never = [
        (op["operation"], status)
        for op in coverage(catalogue, traffic)["operations"]
        for status in op["statuses_never_seen"]
    ]
    suite = ElementTree.Element(
        "testsuite",
        name="mockserver-proxy",
        tests=str(len(cases) + len(never)),
        failures=str(sum(1 for case in cases if case in by_case)),
        skipped=str(len(never)),
    )
    for operation, status in cases:
        case = ElementTree.SubElement(suite, "testcase", classname="proxy", name=f"{operation} -> {status}")
        found = by_case.get((operation, status))
        if found:
            node = ElementTree.SubElement(
                case, "failure", message=f"{len(found)} violation(s): {found[0].message[:200]}"
            )
            node.text = "\n\n".join(
                f"[{v.kind}] {v.message}\n  exchange #{v.exchange}\n  request:  {v.curl}\n  answer:   {v.response_excerpt}"
                for v in found[:50]
            )
        if (operation, status) in noted:  # the testcase passes: one line per note
            out = ElementTree.SubElement(case, "system-out")
            out.text = "\n".join(f"note [{n.kind}] {n.message}" for n in noted[(operation, status)][:50])
    for operation, status in never:
        case = ElementTree.SubElement(
            suite, "testcase", classname="proxy.coverage", name=f"{operation} -> {status}"
        )
        ElementTree.SubElement(case, "skipped", message="documented, never seen in the traffic")
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
