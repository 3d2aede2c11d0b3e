"""Run the contract suite with pytest: against the fake in-process by default, or against a
deployment named by MOCKSERVER_VERIFY_BASE_URL (with MOCKSERVER_VERIFY_TOKEN, ...)."""

import os
import warnings

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)

from contract_tests.context import RunOptions  # noqa: E402
from contract_tests.target import Credentials, Target, in_process_target, url_target  # noqa: E402

CONTRACT_TOKEN = "contract-suite-token"


@pytest.fixture(params=["akinon", "datawiz"])
def target(request: pytest.FixtureRequest) -> Target:
    api = request.param
    base_url = os.environ.get("MOCKSERVER_VERIFY_BASE_URL")
    if base_url:
        credentials = Credentials(
            token=os.environ.get("MOCKSERVER_VERIFY_TOKEN"),
            username=os.environ.get("MOCKSERVER_VERIFY_USERNAME"),
            password=os.environ.get("MOCKSERVER_VERIFY_PASSWORD"),
            client_id=os.environ.get("MOCKSERVER_VERIFY_CLIENT_ID"),
            client_secret=os.environ.get("MOCKSERVER_VERIFY_CLIENT_SECRET"),
        )
        return url_target(api, base_url, credentials)
    from mockserver.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(auth_mode="strict", tokens=(CONTRACT_TOKEN,), validate_responses=True))
    return in_process_target(api, app, Credentials(token=CONTRACT_TOKEN))


@pytest.fixture
def options() -> RunOptions:
    allow = os.environ.get(
        "MOCKSERVER_VERIFY_ALLOW_WRITES", "1" if not os.environ.get("MOCKSERVER_VERIFY_BASE_URL") else ""
    )
    # CI checks two ordering and two search fields per collection (a different two each run);
    # MOCKSERVER_VERIFY_SAMPLE_FIELDS=0 checks every declared field.
    sample = int(os.environ.get("MOCKSERVER_VERIFY_SAMPLE_FIELDS", "2"))
    return RunOptions(
        allow_writes=allow in ("1", "true"),
        max_examples=int(os.environ.get("MOCKSERVER_VERIFY_MAX_EXAMPLES", "8")),
        fields_per_collection=sample or None,
        collection_examples=int(os.environ.get("MOCKSERVER_VERIFY_COLLECTION_EXAMPLES", "3")),
        conformance_collections=int(os.environ.get("MOCKSERVER_VERIFY_CONFORMANCE_COLLECTIONS", "4")) or None,
    )
