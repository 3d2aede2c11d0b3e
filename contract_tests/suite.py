"""run_suite: every check of one API against one target, into one report."""

from contract_tests import akinon_checks, akinon_examples, datawiz_checks, machines
from contract_tests.auth_checks import every_secured_operation
from contract_tests.collection_promises import FIELD_PROMISES, PROMISES
from contract_tests.conformance import check_operations
from contract_tests.context import Context, RunOptions, sample
from contract_tests.report import Report
from contract_tests.stateful import check_links
from contract_tests.target import Target

# What the documents promise beyond what the spec declares (rules, documented examples).
SEMANTIC_CHECKS = {
    "akinon": [
        *akinon_checks.CHECKS,
        ("akinon.documented_answers", akinon_examples.documented_answers, False),
    ],
    "datawiz": datawiz_checks.CHECKS,
}


def run_suite(
    target: Target,
    options: RunOptions | None = None,
    *,
    conformance: bool = True,
    report: Report | None = None,
) -> Report:
    """Every check; results go into `report` as they come (a progress line may read it meanwhile)."""
    options = options or RunOptions()
    report = report if report is not None else Report(api=target.api, target=target.base_url)
    ctx = Context(target, options, report)
    spec = str(target.facts.spec_path)
    ctx.run("auth.every_secured_operation", every_secured_operation)
    for name, check, writes in SEMANTIC_CHECKS.get(target.api, []):
        ctx.run(name, check, writes=writes)
    check_collections(ctx)
    for name, check, writes in machines.CHECKS.get(target.api, []):
        ctx.run(name, check, writes=writes)
    if conformance:
        check_operations(ctx, spec)
        if not target.is_fake:
            report.skipped.append(
                "stateful.links (its links log in with generated credentials: only against a mockserver fake)"
            )
        else:
            ctx.run("stateful.links", lambda c: check_links(c, spec), writes=True)
    report.requests_sent = target.requests_sent
    return report


def check_collections(ctx: Context) -> None:
    """The generic promises over every collection the spec declares: reads first, then writes."""
    for writes in (False, True):
        for collection in ctx.target.facts.collections:
            for name, promise, promise_writes, applies in PROMISES:
                if promise_writes == writes and applies(collection):
                    ctx.run(
                        f"collection.{name}[{collection.name}]",
                        lambda c, p=promise, col=collection: p(c, col),
                        writes=writes,
                    )
            for name, field_promise, promise_writes, fields_of in FIELD_PROMISES:
                if promise_writes != writes:
                    continue
                fields = fields_of(collection)
                for field in sample(
                    ctx, f"{collection.name}.{name}", fields, ctx.options.fields_per_collection
                ):
                    ctx.run(
                        f"collection.{name}[{collection.name}.{field}]",
                        lambda c, p=field_promise, col=collection, f=field: p(c, col, f),
                        writes=writes,
                    )
