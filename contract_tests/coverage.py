"""What each operation of the spec was sent in a run: the requests the target sent, matched to the
spec's path templates as the fake routes them."""

from contract_tests.report import Coverage, Report
from contract_tests.target import Target
from mockserver.spec.routing import Router


def fill_coverage(report: Report, target: Target) -> None:
    """Every operation of the spec in `report.coverage`, with the requests sent to it (a HEAD the
    spec does not declare counts as its GET)."""
    spec = target.facts.spec
    for operation in spec.operations:
        report.coverage.setdefault(operation.operation_id, Coverage())
    router = Router(spec.path_items)
    for (method, path), count in target.sent.items():
        match = router.match(path)
        if match is None:
            continue
        operations = match.path_item.operations
        operation = operations.get(method) or (operations.get("GET") if method == "HEAD" else None)
        if operation is not None:
            report.coverage[operation.operation_id].requests += count
