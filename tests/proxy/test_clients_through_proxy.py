"""Real clients through the proxy in front of the faithful fake: zero violations."""

from omnisdk.api_endpoint import ApiEndpoint
from omnisdk.omnitron.client import OmnitronApiClient

from mockserver.app import create_app
from mockserver.proxy.app import ProxyApp
from mockserver.proxy.settings import ProxySettings
from mockserver.settings import Settings
from mockserver.tls import generate_localhost_certificate
from tests.datawiz.test_published_client_e2e import published_client_settings, talk_as_the_published_client
from tests.live_server import live_server
from tests.proxy.harness import proxied


def setup_endpoint() -> ApiEndpoint:
    return ApiEndpoint(
        api_class_name="OmnitronApiClient", endpoint="oms/setup/addresses", model=dict, raw=True
    )


def test_omnisdk_through_the_proxy_shows_no_violation():
    settings = Settings(auth_mode="strict", users=(("alice", "s3cret"),), task_seconds=(("addresses", 0),))
    with proxied(create_app(settings)) as run:
        client = OmnitronApiClient(base_url=f"{run.base}/", username="alice", password="s3cret")
        assert client.token.startswith("Token ")
        assert setup_endpoint().retrieve(id="is_required") == {"result": "true"}
        assert setup_endpoint()(path="execute").create(item={}) == {}
        assert setup_endpoint().retrieve(id="get_async_status") == {"result": "FINISHED"}
        assert setup_endpoint().retrieve(id="is_required") == {"result": "false"}
        assert run.proxy.traffic.exchanges == 5
        assert run.proxy.violations.total == 0, run.describe()


def test_the_datawiz_clients_requests_through_the_proxy_to_an_https_upstream(tmp_path):
    # The proxy serves the upstream's scheme, so the links the upstream builds on the Host the
    # client sent lead back through it.
    files = generate_localhost_certificate(tmp_path)
    upstream_app = create_app(published_client_settings())
    cert = (str(files.cert_chain), str(files.private_key))
    with live_server(upstream_app, *cert) as upstream:
        proxy = ProxyApp(ProxySettings(upstream=upstream, upstream_ca=files.ca_cert))
        with live_server(proxy, *cert) as base:  # type: ignore[arg-type]
            talk_as_the_published_client(base, str(files.ca_cert))
    assert proxy.traffic.exchanges >= 6
    # The wrong signature's 401 is the upstream's own, and documented: not a violation.
    assert proxy.violations.total == 0, "\n".join(v.log_line() for v in proxy.violations.all())
