"""The pytest plugin as its users meet it: test files run by pytester, in a fresh pytest, with the
plugin loaded through its entry point (as after `pip install .`)."""

import sys

import pytest

from mockserver.testing import live, settings_for

pytest_plugins = ["pytester"]

AKINON = "/api/v1/oms/setup/addresses/"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # A subprocess: the plugin is found through its pytest11 entry point, nothing is imported here.
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_the_in_process_fixture_with_its_handle(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        AKINON = "{AKINON}"

        def test_akinon_task_on_the_virtual_clock(mockserver):
            client, auth = mockserver.client, mockserver.akinon_auth
            assert client.get(AKINON + "is_required/", headers=auth).json() == {{"result": "true"}}
            assert client.post(AKINON + "execute/", headers=auth).status_code == 204
            assert client.get(AKINON + "get_async_status/", headers=auth).json() == {{"result": "WORKING"}}
            mockserver.clock.advance(5)
            assert client.get(AKINON + "get_async_status/", headers=auth).json() == {{"result": "FINISHED"}}
            entries = mockserver.journal(operation_id="getAddressSetupStatus")
            assert [e["status"] for e in entries] == [200, 200]

        def test_scripted_outcomes_and_faults(mockserver):
            auth = mockserver.akinon_auth
            assert mockserver.akinon.next_outcomes(["FAILED"]) == ["FAILED"]
            mockserver.client.post(AKINON + "execute/", headers=auth)
            mockserver.clock.advance(5)
            assert mockserver.client.get(AKINON + "get_async_status/", headers=auth).json()["result"] == "FAILED"
            mockserver.faults.set("isAddressSetupRequired", status=403, times=1)
            assert mockserver.client.get(AKINON + "is_required/", headers=auth).status_code == 403
            assert mockserver.client.get(AKINON + "is_required/", headers=auth).status_code == 200

        def test_datawiz_state_dump_load_and_reset(mockserver):
            auth = mockserver.datawiz_auth
            product = {{"product_id": "p-plugin", "name": "from a test", "category_id": "cat-dairy"}}
            assert mockserver.client.post("/api/v1/products/", json=product, headers=auth).status_code == 201
            dumped = mockserver.state.dump()
            mockserver.reset()
            assert mockserver.client.get("/api/v1/products/p-plugin/", headers=auth).status_code == 404
            mockserver.state.load(dumped)
            assert mockserver.client.get("/api/v1/products/p-plugin/", headers=auth).status_code == 200
            mockserver.state.empty()
            assert mockserver.client.get("/api/v1/products/", headers=auth).json()["count"] == 0

        def test_the_async_client(mockserver):
            import asyncio

            async def count_shops():
                async with mockserver.async_client as client:
                    answer = await client.get("/api/v1/shops/", headers=mockserver.datawiz_auth)
                    return answer.json()["count"]

            assert asyncio.run(count_shops()) == 12

        def test_each_test_has_a_tenant_of_its_own_1(mockserver):
            mockserver.client.post("/api/v1/products/", json={{"product_id": "only-here", "name": "n", "category_id": "cat-dairy"}}, headers=mockserver.datawiz_auth)

        def test_each_test_has_a_tenant_of_its_own_2(mockserver):
            answer = mockserver.client.get("/api/v1/products/only-here/", headers=mockserver.datawiz_auth)
            assert answer.status_code == 404
        """
    )
    result = run(pytester)
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 6 and not outcomes.get("failed"), result.stdout.str()


def test_the_marker_and_the_live_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        import requests

        AKINON = "{AKINON}"

        @pytest.mark.mockserver(api="akinon", auth="strict", tokens=("team-key",), users={{"alice": "pw-123456"}})
        def test_strict_in_process(mockserver):
            assert mockserver.credentials["token"] == "team-key"
            assert mockserver.client.get(AKINON + "is_required/", headers={{"Authorization": "Token nope"}}).status_code == 401
            assert mockserver.client.get(AKINON + "is_required/", headers=mockserver.akinon_auth).status_code == 200
            assert mockserver.client.get("/api/v1/products/", headers=mockserver.datawiz_auth).status_code == 404
            login = mockserver.client.post("/api/v1/auth/login/", json={{"username": "alice", "password": "pw-123456"}})
            assert login.status_code == 200

        @pytest.mark.mockserver(empty=True)
        def test_empty(mockserver):
            assert mockserver.client.get("/api/v1/shops/", headers=mockserver.datawiz_auth).json()["count"] == 0

        def test_live_over_a_socket_with_requests(mockserver_live):
            assert mockserver_live.url.startswith("http://127.0.0.1:")
            answer = requests.post(mockserver_live.url + AKINON + "execute/", headers=mockserver_live.akinon_auth)
            assert answer.status_code == 204
            mockserver_live.clock.advance(5)
            status = requests.get(mockserver_live.url + AKINON + "get_async_status/", headers=mockserver_live.akinon_auth)
            assert status.json() == {{"result": "FINISHED"}}

        def test_live_tenants_are_fresh(mockserver_live):
            status = requests.get(mockserver_live.url + AKINON + "get_async_status/", headers=mockserver_live.akinon_auth)
            assert status.json() == {{"result": "READY"}}

        @pytest.mark.mockserver(api="akinon", auth="strict", users={{"alice": "s3cret-pass"}}, tokens=("ci-key",))
        def test_the_omnitron_sdk_runs_the_setup(mockserver_live):
            from omnisdk.api_endpoint import ApiEndpoint
            from omnisdk.omnitron.client import OmnitronApiClient

            sdk = OmnitronApiClient(base_url=mockserver_live.url + "/", username="alice", password="s3cret-pass")
            assert sdk.token.startswith("Token ")  # the SDK keeps only a weak reference: hold it

            def setup():
                return ApiEndpoint(api_class_name="OmnitronApiClient", endpoint="oms/setup/addresses", model=dict, raw=True)

            assert setup()(path="execute").create(item={{}}) == {{}}
            mockserver_live.clock.advance(5, auth={{"Authorization": sdk.token}})  # alice's tenant's clock
            assert setup().retrieve(id="get_async_status") == {{"result": "FINISHED"}}

        @pytest.mark.mockserver(api="datawiz")
        def test_live_with_settings_of_its_own(mockserver_live):
            assert requests.get(mockserver_live.url + AKINON + "is_required/", headers=mockserver_live.akinon_auth).status_code == 404
        """
    )
    result = run(pytester)
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 6 and not outcomes.get("failed"), result.stdout.str()


def test_under_xdist_each_worker_has_its_own_fake(pytester: pytest.Pytester) -> None:
    seen = pytester.path / "seen"
    seen.mkdir()
    pytester.makepyfile(
        f"""
        import os
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_live(mockserver_live, n):
            assert mockserver_live.client.get("/__mockserver__/health").status_code == 200
            worker = os.environ["PYTEST_XDIST_WORKER"]
            with open(os.path.join({str(seen)!r}, worker), "a") as record:
                record.write(mockserver_live.url + "\\n")
        """
    )
    outcomes = run(pytester, "-n", "2").parseoutcomes()
    assert outcomes.get("passed") == 6, outcomes
    urls = {worker.name: set(worker.read_text().split()) for worker in seen.iterdir()}
    assert len(urls) == 2 and all(len(found) == 1 for found in urls.values())  # one fake per worker
    assert len(set.union(*urls.values())) == 2  # and not the same one


def test_against_a_running_fake_and_against_a_real_deployment(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        from mockserver.testing import NotAFake

        AKINON = "{AKINON}"

        def test_the_same_test_against_a_running_fake(mockserver):
            assert mockserver.url.startswith("http://127.0.0.1:")
            mockserver.client.post(AKINON + "execute/", headers=mockserver.akinon_auth)
            mockserver.clock.advance(5)
            assert mockserver.client.get(AKINON + "get_async_status/", headers=mockserver.akinon_auth).json() == {{"result": "FINISHED"}}
        """
    )
    with live(settings_for()) as url:
        outcomes = run(pytester, "--mockserver-url", url).parseoutcomes()
    assert outcomes.get("passed") == 1 and not outcomes.get("failed"), outcomes

    # A strict fake elsewhere, its one token shared by every test and both xdist workers: each
    # handle still has a tenant of its own (a namespace beside the token).
    pytester.makepyfile(
        test_shared="""
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_own_tenant(mockserver, n):
            auth = mockserver.datawiz_auth
            assert mockserver.client.get("/api/v1/products/mine/", headers=auth).status_code == 404
            product = {"product_id": "mine", "name": str(n), "category_id": "cat-dairy"}
            assert mockserver.client.post("/api/v1/products/", json=product, headers=auth).status_code == 201
            assert mockserver.client.get("/api/v1/products/mine/", headers=auth).json()["name"] == str(n)

        @pytest.mark.mockserver(api="akinon", auth="open")
        def test_needs_other_settings(mockserver):
            raise AssertionError("runs only where the fake's settings fit")
        """
    )
    with live(settings_for(auth="strict", tokens=("team-key",))) as url:
        result = run(
            pytester, "--mockserver-url", url, "--mockserver-token", "team-key", "-n", "2", "test_shared.py"
        )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 8 and outcomes.get("skipped") == 1, result.stdout.str()

    pytester.makepyfile(
        test_real="""
        import pytest
        from mockserver.testing import NotAFake

        def test_a_real_deployment_says_what_it_cannot_do(mockserver):
            assert not mockserver.endpoint.is_fake
            with pytest.raises(NotAFake, match="clock/advance needs a mockserver fake"):
                mockserver.clock.advance(5)
            assert mockserver.client.get("/").status_code == 200
        """
    )
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    deployment = Starlette(routes=[Route("/", lambda request: PlainTextResponse("a real service"))])
    from tests.live_server import live_server

    with live_server(deployment) as url:
        result = run(pytester, "--mockserver-url", url, "test_real.py")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 1 and not outcomes.get("failed"), result.stdout.str()


def test_running_embeds_a_live_fake_without_pytest() -> None:
    import requests

    from mockserver.testing import running

    with running(api="akinon") as fake:
        assert requests.post(fake.url + AKINON + "execute/", headers=fake.akinon_auth).status_code == 204
        fake.clock.advance(5)
        assert requests.get(fake.url + AKINON + "get_async_status/", headers=fake.akinon_auth).json() == {
            "result": "FINISHED"
        }
        assert [e["operation_id"] for e in fake.journal()][:2] == [
            "getAddressSetupStatus",
            "executeAddressSetup",
        ]
        url = fake.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/__mockserver__/health", timeout=2)
    assert sys.modules.get("mockserver.pytest_plugin") is not None  # loaded by this very session


def test_xdist_workers_sharing_one_fake_never_see_each_others_time(pytester: pytest.Pytester) -> None:
    """Tests in two workers advance and freeze their own tenants' clocks on one --mockserver-url
    fake at the same time; each sees only its own time (with one clock for the whole fake, the
    advancing tests would finish the frozen tests' tasks and shift each other's offsets)."""
    pytester.makepyfile(
        test_time=f"""
        import pytest

        AKINON = "{AKINON}"

        def state(fake):
            return fake.client.get(AKINON + "get_async_status/", headers=fake.akinon_auth).json()["result"]

        @pytest.mark.parametrize("n", range(8))
        def test_own_time(mockserver, n):
            fake = mockserver
            fake.client.post(AKINON + "execute/", headers=fake.akinon_auth)
            if n % 2:
                for step in range(1, 30):
                    fake.clock.advance(10)
                    offset = fake.client.get("/__mockserver__/clock", headers=fake.akinon_auth).json()["offset_seconds"]
                    assert offset == step * 10
                assert state(fake) == "FINISHED"
            else:
                fake.clock.freeze()
                for _ in range(30):
                    assert state(fake) == "WORKING"
                fake.clock.advance(5)
                assert state(fake) == "FINISHED"
        """
    )
    with live(settings_for()) as url:
        result = run(pytester, "--mockserver-url", url, "-n", "2", "test_time.py")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 8 and not outcomes.get("failed"), result.stdout.str()


def test_a_user_project_under_w_error_passes(pytester: pytest.Pytester) -> None:
    """The plugin adds no warning of its own (nor Starlette's notice about its test client) to a
    user's run: a project that turns every warning into an error still passes."""
    pytester.makepyfile(
        f"""
        def test_in_process(mockserver):
            answer = mockserver.client.get("{AKINON}is_required/", headers=mockserver.akinon_auth)
            assert answer.json() == {{"result": "true"}}

        def test_over_a_socket(mockserver_live):
            assert mockserver_live.client.get("/__mockserver__/health").status_code == 200
        """
    )
    result = run(pytester, "-W", "error")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 2 and "warning" not in outcomes and "warnings" not in outcomes, (
        result.stdout.str()
    )
