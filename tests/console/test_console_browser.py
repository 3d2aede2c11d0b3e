"""The web console in headless Chromium against the fake over a real socket: every page loads with
nothing from outside the machine and no failed request, the journal shows what a test sent, the
state view's actions change what the API answers, and the admin token guards it all.

MOCKSERVER_UPDATE_SCREENSHOTS=1 also writes docs/console-*.png (shown in README).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.console.browser import Traffic, chromium, screenshot
from tests.live_server import live_server

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

AKINON = "/api/v1/oms/setup/addresses/"
# The journal view polls every 2 s; a loaded CI machine (2 cores, the whole suite) gets room to spare.
expect.set_options(timeout=15_000)
TASK_SECONDS = 600  # far longer than a test: only the console's clock button can end the task


@dataclass
class Console:
    url: str  # the fake's base URL
    page: Page
    traffic: Traffic

    @property
    def ui(self) -> str:
        return self.url + "/__mockserver__/ui/"

    def api(self, method: str, path: str, token: str = "console-key", **options) -> httpx.Response:
        headers = {"Authorization": f"Token {token}", **options.pop("headers", {})}
        return httpx.request(method, self.url + path, headers=headers, timeout=10, **options)

    def status(self, token: str = "console-key") -> str:
        return self.api("GET", AKINON + "get_async_status/", token).json()["result"]

    def tenant_of(self, token: str = "console-key", admin: str | None = None) -> str:
        """The tenant id the fake shows for a credential (never computed here): the journal's
        newest entry, a call made with it."""
        self.api("GET", AKINON + "is_required/", token)
        headers = {"X-Mockserver-Admin-Token": admin} if admin else {}
        journal = httpx.get(self.url + "/__mockserver__/journal?limit=1", headers=headers, timeout=10).json()
        return journal["entries"][0]["tenant"]

    def assert_stayed_on_this_machine(self, refusals_logged: bool = False) -> None:
        assert self.traffic.urls, "the page made no request at all"
        assert self.traffic.hosts() == {self.url.removeprefix("http://")}, self.traffic.hosts()
        assert self.traffic.failed == []
        # No script error and no request the page's Content-Security-Policy refused; the browser
        # logs each 403 the admin guard answers, and nothing else.
        logged = [m for m in self.traffic.console_errors if not (refusals_logged and "status of 403" in m)]
        assert logged == []


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    with chromium() as context:
        yield context


def _console(browser: BrowserContext, settings: Settings) -> Iterator[Console]:
    with live_server(create_app(settings)) as url:
        page = browser.new_page()
        traffic = Traffic()
        traffic.watch(page)
        page.on("dialog", lambda dialog: dialog.accept())  # "reset this tenant?" and the like
        try:
            yield Console(url, page, traffic)
        finally:
            page.close()


@pytest.fixture
def console(browser: BrowserContext) -> Iterator[Console]:
    yield from _console(
        browser, Settings(validate_responses=True, task_seconds=(("addresses", TASK_SECONDS),))
    )


@pytest.fixture
def unchecked_console(browser: BrowserContext) -> Iterator[Console]:
    # An injected 503 is not in the spec's responses: checking answers would turn it into a 500.
    yield from _console(browser, Settings(task_seconds=(("addresses", TASK_SECONDS),)))


@pytest.fixture
def guarded_console(browser: BrowserContext) -> Iterator[Console]:
    yield from _console(browser, Settings(validate_responses=True, admin_token="s3cret-admin"))


def _open_state(console: Console, tenant: str) -> None:
    page = console.page
    page.goto(console.ui + "#state")
    expect(page.locator("#tenant-select option").filter(has_text=tenant)).to_have_count(1)
    page.locator("#tenant-select").select_option(tenant)
    expect(page.locator("[data-fact='Task status']")).not_to_be_empty()


def test_every_page_loads_with_nothing_from_outside_the_machine_and_no_failed_request(console):
    page = console.page
    login = console.api("POST", "/api/v1/auth/login/", json={"username": "qa", "password": "pw"})
    console.api("GET", AKINON + "get_async_status/", login.json()["key"])
    console.api("POST", AKINON + "execute/")
    console.api("GET", AKINON + "get_async_status/")

    page.goto(console.ui)
    page.locator("tr.entry").first.click()
    expect(page.locator(".curl-command")).to_contain_text("curl -X GET")
    screenshot(page, "console-journal")

    _open_state(console, console.tenant_of())
    page.locator("#collections a", has_text="relocate").click()
    expect(page.locator("#collection-table tbody tr")).to_have_count(11)
    page.locator("#catalogues summary").click()
    expect(page.locator("#catalogue-table tbody tr")).to_have_count(25)
    page.locator("#catalogue-nav [name=missing]").check()
    expect(page.locator("#catalogue-position")).to_contain_text("(273 addresses)")
    screenshot(page, "console-state")

    page.goto(console.ui + "docs.html")
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator("#document").select_option(label="mockserver control API (control)")
    expect(page.locator(".opblock-summary-operation-id", has_text="getCollectionPage")).to_be_visible()
    page.locator("#document").select_option(label="Akinon OMS — Address Setup Services (akinon)")
    expect(page.locator(".opblock-summary-operation-id", has_text="executeAddressSetup")).to_be_visible()
    screenshot(page, "console-docs", full_page=False)

    console.assert_stayed_on_this_machine()
    assert console.traffic.errors == []
    requested = {url.removeprefix(console.url) for url in console.traffic.urls}
    assert "/__mockserver__/ui/swagger-ui-bundle.js" in requested
    assert "/__mockserver__/specs/control.json" in requested


def test_try_it_out_in_the_api_docs_is_answered_by_the_fake(console):
    page = console.page
    page.goto(console.ui + "docs.html?api=akinon")
    page.locator(".auth-wrapper .authorize").click()
    page.locator(".modal-ux input").fill("Token docs-key")
    page.locator(".modal-ux .modal-btn.authorize").click()
    page.locator(".modal-ux .btn-done").click()
    operation = page.locator(
        ".opblock", has=page.locator(".opblock-summary-operation-id", has_text="getAddressSetupStatus")
    ).first
    operation.locator(".opblock-summary").click()
    operation.locator(".execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table .microlight").first).to_contain_text('"READY"')

    journal = httpx.get(console.url + "/__mockserver__/journal", params={"path": "get_async_status"}).json()
    (entry,) = journal["entries"]
    assert entry["request_headers"]["authorization"] != "Token docs-key"  # masked
    assert entry["tenant"] == console.tenant_of("docs-key")
    console.assert_stayed_on_this_machine()
    assert console.traffic.errors == []


def test_a_request_made_by_a_test_appears_in_the_journal_view_with_headers_bodies_and_curl(console):
    page = console.page
    page.goto(console.ui)
    expect(page.locator("#journal-summary")).to_have_text("0 matching requests, newest first")

    # Sent after the page is open: the live view picks it up by itself.
    secret = "pw-Very-Secret-1"
    login = console.api("POST", "/api/v1/auth/login/", json={"username": "qa", "password": secret})
    key = login.json()["key"]
    console.api("POST", AKINON + "get_async_status/", key)  # 405: the method the document shows
    row = page.locator("tr.entry", has_text="/api/v1/oms/setup/addresses/get_async_status/")
    expect(row).to_have_count(1)
    expect(row.locator(".status")).to_have_text("405")
    expect(page.locator("tr.entry").first).to_contain_text("get_async_status")  # newest first

    row.click()
    details = page.locator("tr.details")
    expect(details.locator(".response-headers")).to_contain_text("Allow: GET, HEAD, OPTIONS")
    expect(details.locator(".response-body")).to_contain_text('Method \\"POST\\" not allowed.')
    expect(details.locator(".request-headers")).to_contain_text("authorization: Token")
    curl = details.locator(".curl-command").inner_text()
    # The credential is a placeholder the shell fills in, and the note says to set it.
    assert curl.startswith('curl -X POST -H "authorization: Token $TOKEN" ')
    expect(details.locator(".curl-note")).to_contain_text("set TOKEN to the credential first")
    assert curl.endswith(f"{console.url}/api/v1/oms/setup/addresses/get_async_status/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.url)
    page.bring_to_front()  # the clipboard answers a focused page only
    details.locator(".copy-curl").click()
    expect(details.locator(".copy-curl")).to_have_text("Copied")  # the copy is asynchronous
    assert page.evaluate("navigator.clipboard.readText()") == curl

    page.locator("tr.entry", has_text="/api/v1/auth/login/").click()
    login_body = page.locator("tr.entry:has-text('/api/v1/auth/login/') + tr.details .request-body")
    expect(login_body).to_contain_text('"password": "…"')
    assert secret not in page.content() and key not in page.content()

    # Filters: status, path, operation and tenant.
    other = console.api("GET", AKINON + "is_required/", "someone-else")
    assert other.status_code == 200
    filters = page.locator("#journal-filters")
    filters.locator("[name=status]").fill("405")
    filters.locator("button[type=submit]").click()
    expect(page.locator("tr.entry")).to_have_count(1)
    filters.locator("[name=status]").fill("")
    filters.locator("[name=operation_id]").fill("isAddressSetupRequired")
    filters.locator("button[type=submit]").click()
    expect(page.locator("tr.entry")).to_have_count(1)
    filters.locator("[name=operation_id]").fill("")
    filters.locator("[name=path]").fill("/auth/")
    filters.locator("button[type=submit]").click()
    expect(page.locator("tr.entry")).to_have_count(1)
    filters.locator("[name=path]").fill("")
    filters.locator("[name=tenant]").select_option(console.tenant_of("someone-else"))
    expect(page.locator("tr.entry")).to_have_count(2)  # its two is_required calls, and no one else's
    expect(page.locator("tr.entry", has_text="get_async_status")).to_have_count(0)
    console.assert_stayed_on_this_machine()


def test_the_clock_button_changes_what_get_async_status_answers(console):
    page = console.page
    assert console.api("POST", AKINON + "execute/").status_code == 204
    assert console.status() == "WORKING"
    _open_state(console, console.tenant_of())
    expect(page.locator("[data-fact='Task status']")).to_have_text("WORKING")
    # the task as its state on the tenant's clock and what comes next, not its stored fields
    expect(page.locator("[data-fact='Task']")).to_contain_text("becomes FINISHED at ")
    expect(page.locator("[data-fact='Task']")).to_contain_text(" s on this tenant's clock")
    expect(page.locator("[data-fact='Task']")).not_to_contain_text("polls_seen")

    page.locator("#clock-form [name=seconds]").fill(str(TASK_SECONDS))
    page.locator("#clock-advance").click()
    expect(page.locator("#notice")).to_have_text(f"This tenant's clock moved {TASK_SECONDS} s forward.")
    assert console.status() == "FINISHED"
    assert console.status("another-tenant") == "READY"
    console.api("POST", AKINON + "execute/", "another-tenant")
    assert console.status("another-tenant") == "WORKING"  # the console moved one tenant's time only
    expect(page.locator("[data-fact='Task status']")).to_have_text("FINISHED")
    expect(page.locator("[data-fact='Task']")).to_contain_text("FINISHED since ")
    expect(page.locator("#clock-now")).to_contain_text(f"+{TASK_SECONDS}")
    expect(page.locator("#clock-now")).to_contain_text("This tenant's clock")
    console.assert_stayed_on_this_machine()


def test_a_short_key_used_by_both_apis_is_found_and_labelled_with_both(console):
    """`dev` masks to "…" in every label: typing the credential finds its tenant; one key sent as
    `Token dev` and as `Bearer dev` is one tenant, labelled with both schemes."""
    page = console.page
    console.api("GET", AKINON + "is_required/", "dev")
    httpx.get(console.url + "/api/v1/units/", headers={"Authorization": "Bearer dev"}, timeout=10)
    console.api("GET", AKINON + "is_required/", "someone-else-entirely")
    page.goto(console.ui + "#state")
    page.locator("#tenant-find [name=credential]").fill("Bearer dev")
    page.locator("#tenant-find button").click()
    expect(page.locator("#notice")).to_contain_text("That credential's tenant is Bearer … and Token …")
    chosen = page.locator("#tenant-select option:checked")
    expect(chosen).to_contain_text("Bearer … and Token …")
    expect(page.locator("#tenant-find [name=credential]")).to_have_value("")  # not kept
    page.locator("#tenant-find [name=credential]").fill("Token nobody-has-called")
    page.locator("#tenant-find button").click()
    expect(page.locator("#notice")).to_contain_text("No tenant for that credential yet")
    page.locator("#collections a", has_text="units").click()
    expect(page.locator("#collection-page")).to_be_in_viewport()  # opened where the user looks
    console.assert_stayed_on_this_machine()


def test_the_state_view_queues_outcomes_sets_and_clears_faults_and_resets_a_tenant(unchecked_console):
    console = unchecked_console
    page = console.page
    _open_state(console, console.tenant_of())

    page.locator("#outcome-form [name=outcome]").select_option("FAILED")
    page.locator("#outcome-form button").click()
    expect(page.locator("[data-fact='Next outcomes']")).to_have_text("FAILED")
    console.api("POST", AKINON + "execute/")
    page.locator("#clock-form [name=seconds]").fill(str(TASK_SECONDS))
    page.locator("#clock-advance").click()
    expect(page.locator("[data-fact='Task status']")).to_have_text("FAILED")
    assert console.status() == "FAILED"

    fault = page.locator("#fault-form")
    fault.locator("[name=operation_id]").fill("getAddressSetupStatus")
    fault.locator("[name=status]").fill("503")
    fault.locator("button[type=submit]").click()
    expect(page.locator("#faults tbody tr")).to_have_count(1)
    expect(fault.locator("[name=operation_id]")).to_have_value("")  # cleared for the next rule
    box = fault.locator("[name=operation_id]").bounding_box()
    assert box is not None and box["width"] >= 300  # "createRelocateDocument" fits whole
    assert console.api("GET", AKINON + "get_async_status/").status_code == 503
    assert console.api("GET", AKINON + "get_async_status/", "someone-else").status_code == 200
    page.locator("#faults tbody button").click()
    expect(page.locator("#faults tbody tr")).to_have_count(0)
    assert console.api("GET", AKINON + "get_async_status/").status_code == 200

    assert console.api("GET", AKINON + "is_required/").json() == {"result": "true"}
    page.locator("#tenant-reset").click()
    expect(page.locator("#notice")).to_contain_text("The tenant was reset")
    assert console.status() == "READY"  # the task and its failure are forgotten
    console.assert_stayed_on_this_machine()


def test_the_admin_token_guards_the_console(guarded_console):
    console = guarded_console
    page = console.page
    console.api("GET", AKINON + "get_async_status/")
    page.goto(console.ui)
    expect(page.locator("#notice")).to_contain_text("needs its admin token")
    expect(page.locator("tr.entry")).to_have_count(0)
    assert {error.split()[0] for error in console.traffic.errors} == {"403"}  # data, never the page

    page.locator("#admin-token").fill("wrong")
    page.locator("#admin-form button").click()
    expect(page.locator("#notice")).to_contain_text("needs its admin token")

    page.locator("#admin-token").fill("s3cret-admin")
    page.locator("#admin-form button").click()
    expect(page.locator("tr.entry")).to_have_count(1)
    expect(page.locator("#notice")).to_be_hidden()

    # The token stays with this tab: the state view and its actions work after a reload.
    refused = len(console.traffic.errors)
    page.reload()
    _open_state(console, console.tenant_of(admin="s3cret-admin"))
    page.locator("#clock-advance").click()
    expect(page.locator("#notice")).to_contain_text("This tenant's clock moved 3 s forward.")
    assert len(console.traffic.errors) == refused
    console.assert_stayed_on_this_machine(refusals_logged=True)


def test_the_browser_itself_refuses_to_load_anything_from_another_origin(console):
    page = console.page
    page.goto(console.ui)
    expect(page.locator("#journal-summary")).not_to_be_empty()
    # Another loopback address is another origin: the console's Content-Security-Policy stops the
    # fetch in the browser, before anything is sent.
    outcome = page.evaluate("fetch('http://127.0.0.2:9/').then(() => 'sent', () => 'refused')")
    assert outcome == "refused"
    assert any("Content Security Policy" in message for message in console.traffic.console_errors)


def test_with_its_store_out_of_reach_the_console_still_loads_and_says_why(browser):
    """The console's page and files hold no data: with Redis down they are served all the same,
    and the page says the store is unreachable instead of failing to load."""
    from tests.redis_server import RedisServer

    redis = RedisServer()
    redis.start()
    try:
        settings = Settings(store=redis.new_database_url())
        with live_server(create_app(settings)) as url:
            page = browser.new_page()
            try:
                traffic = Traffic()
                traffic.watch(page)
                redis.stop()
                page.goto(url + "/__mockserver__/ui/")
                expect(page.locator("#notice")).to_contain_text("the shared store is unreachable")
                loaded = {u.removeprefix(url) for u in traffic.urls}
                assert {"/__mockserver__/ui/console.js", "/__mockserver__/ui/console.css"} <= loaded
                assert not [e for e in traffic.errors if "/ui/" in e], traffic.errors
            finally:
                page.close()
    finally:
        redis.close()
