"""Schemathesis' state machine over the spec's OpenAPI links (execute -> get_async_status,
POST relocate document -> GET it, login -> use the key), with the conformance checks.

It sends generated objects without this run's prefix, so it runs only against a mockserver fake,
never against a real deployment."""

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from contract_tests.conformance import CHECKS, failure_text
from contract_tests.context import Context


def check_links(ctx: Context, spec_path: str) -> None:
    schema = schemathesis.openapi.from_path(spec_path)
    app = getattr(ctx.target.client, "app", None)
    if app is not None:
        schema.app = app
    else:
        schema.config.update(base_url=ctx.target.base_url)
    schema.config.update(headers=ctx.target.auth_headers())
    base = schema.as_state_machine()

    class LinkMachine(base):  # type: ignore[misc, valid-type]
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    try:
        run_state_machine_as_test(
            LinkMachine,
            settings=settings(
                max_examples=ctx.options.max_examples,
                stateful_step_count=5,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except (Exception, BaseExceptionGroup) as error:
        ctx.fail("(links)", failure_text(error))
