"""`mockserver verify` as a person meets it in a terminal, over real sockets: a preflight that says
once what is wrong (nothing there, not the API, credentials refused) with its own exit status, and
a progress line only when a terminal watches."""

import os
import pty
import subprocess
import sys
import time

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from contract_tests.preflight import CREDENTIALS_REFUSED, NOT_THE_API, UNREACHABLE
from mockserver.app import create_app
from mockserver.cli import main
from mockserver.settings import Settings
from tests.live_server import free_port, live_server


def verify(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["verify", *args, "--max-examples", "1", "--task-timeout", "3"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_nothing_listening_is_said_once_with_its_own_status(capsys) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    code, out, err = verify(capsys, "--api", "akinon", "--base-url", closed, "--token", "k")
    assert code == UNREACHABLE
    assert err.count("nothing answers at") == 1 and "ConnectError" in err
    assert "transport" not in out and "requests)" not in out  # no run of identical failures


def test_a_service_that_is_not_the_api(capsys) -> None:
    other = Starlette(routes=[Route("/", lambda request: HTMLResponse("<h1>a blog</h1>"))])
    with live_server(other) as base:
        code, _, err = verify(capsys, "--api", "datawiz", "--base-url", base, "--token", "k")
    assert code == NOT_THE_API
    assert "is not the datawiz API" in err and "answered 404" in err and "--base-url" in err


def test_a_site_that_answers_every_path_with_a_page_is_not_the_api(capsys) -> None:
    async def page(scope, receive, send):  # a single-page app's catch-all: 200 HTML for any path
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
        )
        await send({"type": "http.response.body", "body": b"<html>an app</html>"})

    with live_server(page) as base:  # type: ignore[arg-type]
        code, out, err = verify(capsys, "--api", "akinon", "--base-url", base, "--token", "k")
    assert code == NOT_THE_API and "is not the akinon API" in err and "200 (text/html)" in err
    assert "failed" not in out


def test_credentials_the_deployment_refuses(capsys) -> None:
    strict = create_app(Settings(auth_mode="strict", tokens=("the-right-key",)))
    with live_server(strict) as base:
        code, _, err = verify(capsys, "--api", "akinon", "--base-url", base, "--token", "a-wrong-key")
        assert code == CREDENTIALS_REFUSED and "refused the credentials given" in err and "401" in err
        login = ("--username", "nobody", "--password", "nope")
        code, _, err = verify(capsys, "--api", "akinon", "--base-url", base, *login)
        assert code == CREDENTIALS_REFUSED and "refused the login" in err
        assert "a-wrong-key" not in err and "nope" not in err


def _run_verify(base: str, terminal: bool) -> str:
    """`mockserver verify` in a subprocess, its stderr on a pseudo-terminal or on a pipe."""
    command = [sys.executable, "-m", "mockserver", "verify", "--api", "akinon", "--base-url", base]
    command += ["--token", "k", "--max-examples", "1", "--task-timeout", "5"]
    env = {k: v for k, v in os.environ.items() if k != "MOCKSERVER_PROGRESS"}
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        return done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other end closed: the process is done
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=30)
    os.close(leader)
    return seen.decode(errors="replace")


def test_progress_shows_on_a_terminal_and_stays_out_of_ci_logs() -> None:
    with live_server(create_app(Settings(task_seconds=(("addresses", 1),)))) as base:
        on_terminal = _run_verify(base, terminal=True)
        in_ci = _run_verify(base, terminal=False)
    assert (
        "\rmockserver verify: " in on_terminal
        and " checks done, " in on_terminal
        and " requests" in on_terminal
    )
    assert "checks done" not in in_ci and "\r" not in in_ci
