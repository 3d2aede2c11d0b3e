"""The published Omnitron SDK, unmodified, against `mockserver` over a real socket in strict mode."""

from omnisdk.api_endpoint import ApiEndpoint
from omnisdk.omnitron.client import OmnitronApiClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.live_server import live_server


def setup_endpoint() -> ApiEndpoint:
    # A new endpoint object per call: the SDK keeps the `path` of one call for the next ones.
    return ApiEndpoint(
        api_class_name="OmnitronApiClient", endpoint="oms/setup/addresses", model=dict, raw=True
    )


def test_omnisdk_logs_in_and_runs_the_setup():
    settings = Settings(
        auth_mode="strict",
        users=(("alice", "s3cret"),),
        task_seconds=(("addresses", 0),),
        validate_responses=True,
    )
    with live_server(create_app(settings)) as base:
        client = OmnitronApiClient(base_url=f"{base}/", username="alice", password="s3cret")
        assert client.token.startswith("Token ")
        assert setup_endpoint().retrieve(id="is_required") == {"result": "true"}
        assert setup_endpoint()(path="execute").create(item={}) == {}
        assert setup_endpoint().retrieve(id="get_async_status") == {"result": "FINISHED"}
        assert setup_endpoint().retrieve(id="is_required") == {"result": "false"}
