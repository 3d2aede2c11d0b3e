"""Run the contract suite with pytest: against the fake in-process by default, or against a
deployment named by MOCKSERVER_VERIFY_BASE_URL (with MOCKSERVER_VERIFY_TOKEN, ...)."""

import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)

from contract_tests.context import RunOptions  # noqa: E402
from contract_tests.target import Credentials, Target, in_process_target, url_target  # noqa: E402
from mockserver.options import PREFIXES, VERIFY, from_environment  # noqa: E402

CONTRACT_TOKEN = "contract-suite-token"


@pytest.fixture(params=["akinon", "datawiz"])
def target(request: pytest.FixtureRequest) -> Target:
    api = request.param
    given = environment()
    if given.get("base_url"):
        credentials = Credentials(
            token=given.get("token"),
            username=given.get("username"),
            password=given.get("password"),
            client_id=given.get("client_id"),
            client_secret=given.get("client_secret"),
        )
        return url_target(api, given["base_url"], credentials)
    from mockserver.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(auth_mode="strict", tokens=(CONTRACT_TOKEN,), validate_responses=True))
    return in_process_target(api, app, Credentials(token=CONTRACT_TOKEN))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The variables are read before any test of this folder runs: a mistake in one is pytest's
    usage error, one line, not a fixture error of every test (tests/cli/test_mistakes.py)."""
    here = Path(__file__).parent
    if any(Path(str(item.path)).is_relative_to(here) for item in items):
        environment()


def environment() -> dict:
    """The MOCKSERVER_VERIFY_* variables set, read through `mockserver verify`'s own table (each
    checked as its flag is; a mistake is pytest's usage error, one line)."""
    try:
        return from_environment(VERIFY, PREFIXES["verify"])
    except ValueError as mistake:
        raise pytest.UsageError(f"mockserver: {mistake}") from None


@pytest.fixture
def options() -> RunOptions:
    given = environment()
    # CI checks two ordering and two search fields per collection (a different two each run);
    # MOCKSERVER_VERIFY_SAMPLE_FIELDS=0 checks every declared field. Writes are allowed against
    # the fake in-process, and against a deployment only when MOCKSERVER_VERIFY_ALLOW_WRITES=1.
    return RunOptions(
        allow_writes=given.get("allow_writes", not given.get("base_url")),
        max_examples=given.get("max_examples", 8),
        fields_per_collection=given.get("sample_fields", 2) or None,
        collection_examples=given.get("collection_examples", 3),
        conformance_collections=given.get("conformance_collections", 4) or None,
    )
