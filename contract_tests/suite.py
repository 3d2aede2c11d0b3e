"""run_suite: every check of one API against one target, planned, then run into one report."""

from contract_tests import akinon_checks, akinon_examples, datawiz_checks, machines
from contract_tests.auth_checks import secured_checks
from contract_tests.collection_promises import FIELD_PROMISES, PROMISES
from contract_tests.conformance import conformance_checks
from contract_tests.context import Context, RunOptions, sample
from contract_tests.coverage import fill_coverage
from contract_tests.plan import (
    Check,
    Selection,
    collection_subjects,
    run_plan,
    subjects_of,
    task_paths,
    task_subjects,
)
from contract_tests.report import Report
from contract_tests.stateful import check_links
from contract_tests.target import Target

STATEFUL_ONLY_ON_FAKES = "its links log in with generated credentials: only against a mockserver fake"


def _api_checks(ctx: Context, listed: list[tuple]) -> list[Check]:
    """Checks written for one API (rules, documented examples, state machines): about the setup
    task (Akinon) or the collections they read (Datawiz)."""
    api = ctx.target.facts
    paths: tuple[str, ...] = ()
    if ctx.target.api == "datawiz":
        collections = datawiz_checks.COLLECTIONS
        about = frozenset().union(*(collection_subjects(api, name) for name in collections))
    else:
        collections, about = (), task_subjects(api)
        paths = task_paths(api)
    return [
        Check(name, check, writes, collections=collections, paths=paths, subjects=about)
        for name, check, writes in listed
    ]


def login_checks(ctx: Context) -> list[Check]:
    """The Akinon login's documented refusals. The login is the Omnitron SDK's, not the seed's: a
    deployment may serve the setup task alone, and then this check is not run (not deployed)."""
    if ctx.target.api != "akinon":
        return []
    api = ctx.target.facts
    login = [o for o in api.spec.operations if o.operation_id == "login"]
    paths = tuple(o.path for o in login)
    about = subjects_of(api, login, "login")
    return [Check("akinon.login_answers", akinon_examples.login_answers, paths=paths, subjects=about)]


SEMANTIC_CHECKS = {
    "akinon": [
        *akinon_checks.CHECKS,
        ("akinon.documented_answers", akinon_examples.documented_answers, False),
    ],
    "datawiz": datawiz_checks.CHECKS,
}


def collection_checks(ctx: Context) -> list[Check]:
    """The generic promises over every collection the spec declares: reads first, then writes."""
    api = ctx.target.facts
    checks = []
    for writes in (False, True):
        for collection in api.collections:
            about = collection_subjects(api, collection.name)
            for name, promise, promise_writes, applies in PROMISES:
                if promise_writes == writes and applies(collection):
                    checks.append(
                        Check(
                            f"collection.{name}[{collection.name}]",
                            lambda c, p=promise, col=collection: p(c, col),
                            writes,
                            collections=(collection.name,),
                            subjects=about,
                        )
                    )
            for name, field_promise, promise_writes, fields_of in FIELD_PROMISES:
                if promise_writes != writes:
                    continue
                fields = fields_of(collection)
                for field in sample(
                    ctx, f"{collection.name}.{name}", fields, ctx.options.fields_per_collection
                ):
                    checks.append(
                        Check(
                            f"collection.{name}[{collection.name}.{field}]",
                            lambda c, p=field_promise, col=collection, f=field: p(c, col, f),
                            writes,
                            collections=(collection.name,),
                            subjects=about,
                        )
                    )
    return checks


def plan_suite(ctx: Context, conformance: bool = True) -> list[Check]:
    """Every check the suite may run against this target, in the order it runs them."""
    spec = str(ctx.target.facts.spec_path)
    plan = [
        *secured_checks(ctx),
        *_api_checks(ctx, SEMANTIC_CHECKS.get(ctx.target.api, [])),
        *login_checks(ctx),
        *collection_checks(ctx),
        *_api_checks(ctx, machines.CHECKS.get(ctx.target.api, [])),
    ]
    if conformance:
        plan += conformance_checks(ctx, spec)
        plan.append(
            Check(
                "stateful.links",
                lambda c: check_links(c, spec),
                writes=True,
                subjects=frozenset(),
                skip=None if ctx.target.is_fake else STATEFUL_ONLY_ON_FAKES,
            )
        )
    return plan


def run_suite(
    target: Target,
    options: RunOptions | None = None,
    *,
    conformance: bool = True,
    report: Report | None = None,
    selection: Selection = Selection(),
) -> Report:
    """Every check chosen; results go into `report` as they come (a progress line may read it)."""
    options = options or RunOptions()
    report = report if report is not None else Report(api=target.api, target=target.base_url)
    ctx = Context(target, options, report)
    run_plan(ctx, plan_suite(ctx, conformance), selection)
    report.requests_sent = target.requests_sent
    fill_coverage(report, target)
    return report
