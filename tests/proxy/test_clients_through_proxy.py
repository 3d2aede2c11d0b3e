"""Real clients through the proxy in front of the faithful fake: zero violations."""

from omnisdk.api_endpoint import ApiEndpoint
from omnisdk.omnitron.client import OmnitronApiClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.proxy.harness import proxied


def setup_endpoint() -> ApiEndpoint:
    return ApiEndpoint(
        api_class_name="OmnitronApiClient", endpoint="oms/setup/addresses", model=dict, raw=True
    )


def test_omnisdk_through_the_proxy_shows_no_violation():
    settings = Settings(auth_mode="strict", users=(("alice", "s3cret"),), akinon_task_seconds=0)
    with proxied(create_app(settings)) as run:
        client = OmnitronApiClient(base_url=f"{run.base}/", username="alice", password="s3cret")
        assert client.token.startswith("Token ")
        assert setup_endpoint().retrieve(id="is_required") == {"result": "true"}
        assert setup_endpoint()(path="execute").create(item={}) == {}
        assert setup_endpoint().retrieve(id="get_async_status") == {"result": "FINISHED"}
        assert setup_endpoint().retrieve(id="is_required") == {"result": "false"}
        assert run.proxy.traffic.exchanges == 5
        assert run.proxy.violations.total == 0, run.describe()
