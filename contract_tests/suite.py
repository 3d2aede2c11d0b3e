"""run_suite: every check of one API against one target, into one report."""

from contract_tests import akinon_checks, akinon_examples, datawiz_checks, machines
from contract_tests.auth_checks import every_secured_operation
from contract_tests.conformance import check_operations
from contract_tests.context import Context, RunOptions
from contract_tests.report import Report
from contract_tests.stateful import check_links
from contract_tests.target import Target
from mockserver.resources import specs_dir

SPEC_FILES = {"akinon": "akinon-oms-address-setup.yaml", "datawiz": "datawiz.yaml"}
SEMANTIC_CHECKS = {
    "akinon": [
        *akinon_checks.CHECKS,
        ("akinon.documented_answers", akinon_examples.documented_answers, False),
    ],
    "datawiz": datawiz_checks.CHECKS,
}


def run_suite(target: Target, options: RunOptions | None = None, *, conformance: bool = True) -> Report:
    options = options or RunOptions()
    report = Report(api=target.api, target=target.base_url)
    ctx = Context(target, options, report)
    spec = str(specs_dir() / SPEC_FILES[target.api])
    ctx.run("auth.every_secured_operation", lambda c: every_secured_operation(c, spec))
    for name, check, writes in [*SEMANTIC_CHECKS[target.api], *machines.CHECKS[target.api]]:
        ctx.run(name, check, writes=writes)
    if conformance:
        check_operations(ctx, spec)
        if not target.is_fake:
            report.skipped.append("stateful.links (sends unprefixed data: only against a mockserver fake)")
        else:
            ctx.run("stateful.links", lambda c: check_links(c, spec), writes=True)
    report.requests_sent = target.requests_sent
    return report
