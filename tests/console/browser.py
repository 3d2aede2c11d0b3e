"""Headless Chromium from the distribution (Debian's `chromium`), driven by Playwright for Python.

Nothing is downloaded: Playwright starts the system browser (`executable_path`), and every request
the page makes is recorded so a test can prove none left the machine or failed.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    sync_playwright,
)

CHROMIUM = os.environ.get("MOCKSERVER_CHROMIUM", "/usr/bin/chromium")
# Playwright adds --headless itself and takes the fresh profile as user_data_dir.
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs"
UPDATE_SCREENSHOTS = os.environ.get("MOCKSERVER_UPDATE_SCREENSHOTS") == "1"


@dataclass
class Traffic:
    """Every request a page made: where it went, and which failed or were answered with an error."""

    urls: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)  # a script error or a CSP refusal

    def hosts(self) -> set[str]:
        return {urlsplit(url).netloc for url in self.urls if not url.startswith("data:")}

    def watch(self, page: Page) -> None:
        page.on("request", self._sent)
        page.on("requestfailed", self._failed)
        page.on("response", lambda response: self._answered(response))
        page.on("console", self._logged)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _sent(self, request: Request) -> None:
        self.urls.append(request.url)

    def _failed(self, request: Request) -> None:
        # ERR_ABORTED is the page cancelling its own request (left behind by a navigation, or a
        # spec download Swagger UI supersedes; seen under heavy load): nothing the fake refused or
        # failed to answer, which shows as a status (errors) or a connection failure (here).
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(_describe(request))

    def _logged(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _answered(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"{response.status} {_describe(response.request)}")


def _describe(request: Request) -> str:
    return f"{request.method} {request.url} {request.failure or ''}".strip()


@contextmanager
def chromium() -> Iterator[BrowserContext]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"no browser at {CHROMIUM}: apt-get install chromium chromium-driver (scripts/test, README's test command, does it)"
        )
    profile = tempfile.mkdtemp(prefix="mockserver-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 900},
                locale="en-US",
                timezone_id="UTC",
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """docs/<name>.png, written when MOCKSERVER_UPDATE_SCREENSHOTS=1 (and committed)."""
    if UPDATE_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
