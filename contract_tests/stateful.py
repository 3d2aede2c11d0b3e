"""Schemathesis' state machine over the spec's OpenAPI links (execute -> get_async_status,
POST relocate document -> GET it, login -> use the key), with the conformance checks.

Its generated bodies get this run's prefix in every key, as the conformance cases do; it runs
only against a mockserver fake all the same: its links log in with generated credentials, which
can lock an account on a real deployment."""

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.core.failures import FailureGroup

from contract_tests.conformance import CHECKS, WRITE_METHODS, failure_text
from contract_tests.context import Context
from contract_tests.run_prefix import KeyPlaces, prepare


def check_links(ctx: Context, spec_path: str) -> None:
    schema = schemathesis.openapi.from_path(spec_path)
    app = getattr(ctx.target.client, "app", None)
    if app is not None:
        schema.app = app
    else:
        schema.config.update(base_url=ctx.target.base_url)
    schema.config.update(headers=ctx.target.auth_headers())
    base = schema.as_state_machine()
    places = KeyPlaces.of(ctx.target.facts, ctx.options.prefix)

    class LinkMachine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case):
            # A body the prefix turns invalid is sent all the same: it writes nothing, and the
            # checks here accept a documented 400.
            prepare(case, places, writes=case.method.upper() in WRITE_METHODS)

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
    except (AssertionError, FailureGroup, Flaky) as error:  # the promises broken (not the suite's errors)
        ctx.fail("(links)", failure_text(error))
