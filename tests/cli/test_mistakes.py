"""Every mistake a user can make on the command line, in the environment or in a pytest marker
answers one line naming the flag, variable or file, saying what is wrong and what to do, with the
documented exit status, and never a traceback (issue 24).

THE TABLE BELOW IS WHERE THE NEXT SUCH CASE GOES: a `Case` with the command line, the variables,
the exit status and the words the one line must hold. Each runs the real `mockserver` command in
a subprocess; none gets as far as listening (a refused start-up stops before binding), so each
takes a fraction of a second. Warnings (an option that does nothing) are the one kind that
starts: `WARNINGS` runs those until the banner. The pytest-side mistakes run through pytester."""

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
import trustme

from mockserver.resources import specs_dir

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

pytest_plugins = ["pytester"]


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]  # after `mockserver`; {dir} is a folder of prepared files, {busy} a taken port
    words: tuple[str, ...]  # each must be in the one line (case-sensitive)
    status: int = 2
    env: dict[str, str] = field(default_factory=dict)
    # A fault no user can cause from outside (a bug of mockserver, Ctrl+C at one given moment),
    # made in the subprocess by replacing one function (FAULTS) before the command runs.
    fault: str = ""


FAULTS = {
    "interrupt": "os.kill(os.getpid(), signal.SIGINT)",  # a real Ctrl+C: Python raises KeyboardInterrupt
    "bug": "raise RuntimeError('a bug of mockserver')",
}


VERIFY = ("verify", "--api", "akinon", "--base-url", "http://127.0.0.1:9", "--token", "t")
CALIBRATE = ("calibrate", *VERIFY[1:], "--out", "{dir}/profile.json")

CASES: dict[str, Case] = {
    # Environment values get the checks flags get.
    "port variable not a number": Case(("serve",), ("MOCKSERVER_PORT", "'abc'", "port"), env={"MOCKSERVER_PORT": "abc"}),
    "workers variable not a number": Case(("serve",), ("MOCKSERVER_WORKERS", "'two'", "whole number"), env={"MOCKSERVER_WORKERS": "two"}),
    "verify budget variable": Case(VERIFY, ("MOCKSERVER_VERIFY_BUDGET", "'lots'", "whole number"), env={"MOCKSERVER_VERIFY_BUDGET": "lots"}),
    "api variable misspelt": Case(("serve",), ("MOCKSERVER_API", "'datawz'", "did you mean datawiz"), env={"MOCKSERVER_API": "datawz"}),
    "auth variable misspelt": Case(("serve",), ("MOCKSERVER_AUTH", "'strikt'", "open, strict"), env={"MOCKSERVER_AUTH": "strikt"}),
    "proxy mode variable misspelt": Case(("proxy", "--upstream", "http://127.0.0.1:9"), ("MOCKSERVER_MODE", "'enforse'", "did you mean enforce"), env={"MOCKSERVER_MODE": "enforse"}),
    "switch variable not a switch": Case(("serve",), ("MOCKSERVER_TLS", "'maybe'", "1 (on) or 0 (off)"), env={"MOCKSERVER_TLS": "maybe"}),
    # Flags.
    "log level unknown": Case(("serve", "--log-level", "loud"), ("--log-level", "'loud'", "info")),
    "api flag misspelt": Case(("serve", "--api", "datawz"), ("--api", "did you mean datawiz")),
    "flag misspelt": Case(("serve", "--prot", "8000"), ("unrecognized arguments: --prot", "did you mean --port")),
    "fixtures missing": Case(("serve", "--fixtures", "{dir}/nonexistent"), ("--fixtures", "does not exist")),
    "negative task seconds (old flag)": Case(("serve", "--akinon-task-seconds", "-5"), ("--akinon-task-seconds", "'-5'", "at least 0")),
    "negative task seconds": Case(("serve", "--task-seconds", "addresses=-5"), ("--task-seconds", "at least 0")),
    "task seconds of no task": Case(("serve", "--task-seconds", "adresses=5"), ("--task-seconds", "'adresses'", "declared: addresses")),
    "empty admin token": Case(("serve", "--admin-token", ""), ("--admin-token", "empty")),
    "open control beyond loopback": Case(("serve", "--host", "0.0.0.0"), ("--admin-token", "--allow-open-control")),
    "workers on the memory store": Case(("serve", "--workers", "2"), ("--workers 2", "--store redis://")),
    "store neither memory nor redis": Case(("serve", "--store", "mysql://x"), ("--store", "redis://HOST:PORT/DB")),
    "busy port": Case(("serve", "--port", "{busy}"), ("--port", "already in use", "--port 0")),
    # A copy of the specs.
    "specs folder missing": Case(("serve", "--specs", "{dir}/nonexistent"), ("--specs", "does not exist")),
    "specs folder empty": Case(("serve", "--specs", "{dir}/empty"), ("--specs", "holds no akinon-oms-address-setup.yaml")),
    "specs renamed": Case(("serve", "--specs", "{dir}/renamed", "--api", "datawiz"), ("--specs", "holds no datawiz.yaml")),
    "spec YAML syntax error": Case(("serve", "--specs", "{dir}/broken-yaml"), ("datawiz.yaml", "line 3", "not YAML")),
    "spec $ref misspelt": Case(("serve", "--specs", "{dir}/broken-ref"), ("datawiz.yaml", "'#/components/schemas/OAuthErrr'", "/paths/~1api~1o~1token~1/post/responses/400")),
    "spec declaration misspelt": Case(("serve", "--specs", "{dir}/misspelt-extension"), ("cannot start", "datawiz.yaml", "x-drf-colection")),
    # State files.
    "state file cut short": Case(("serve", "--state-file", "{dir}/cut.json"), ("--state-file", "cut.json", "not JSON", "line 1")),
    "state file empty": Case(("serve", "--state-file", "{dir}/empty.json"), ("--state-file", "empty.json", "empty")),
    "state file a list": Case(("serve", "--state-file", "{dir}/list.json"), ("--state-file", "list.json", "not a mockserver state")),
    "state file unknown collection": Case(("serve", "--state-file", "{dir}/unknown.json"), ("--state-file", "unknown.json", "'datawiz.nope'")),
    # TLS.
    "certificate files missing": Case(("serve", "--ssl-certfile", "/nope/cert.pem", "--ssl-keyfile", "/nope/key.pem"), ("--ssl-certfile", "/nope/cert.pem", "does not exist")),
    "certificate without its key": Case(("serve", "--ssl-certfile", "{dir}/ca.pem"), ("--ssl-certfile", "ca.pem", "--ssl-keyfile")),
    "tls dir not writable": Case(("serve", "--tls", "--tls-dir", "{dir}/list.json/tls"), ("--tls-dir", "list.json")),
    # The proxy and the contract suite.
    "upstream without scheme": Case(("proxy", "--upstream", "127.0.0.1:19100"), ("--upstream", "http://127.0.0.1:19100")),
    "verify api misspelt": Case(("verify", "--api", "datawz", "--base-url", "http://127.0.0.1:9", "--token", "t"), ("--api", "did you mean datawiz")),
    "verify without credential": Case(("verify", "--api", "datawiz", "--base-url", "http://127.0.0.1:9"), ("--token", "--username")),
    "verify base url missing": Case(("verify", "--api", "akinon", "--token", "t"), ("--base-url", "MOCKSERVER_VERIFY_BASE_URL", "required")),
    "report in a missing folder": Case((*VERIFY, "--junit-xml", "/nonexistent/dir/a.xml"), ("--junit-xml", "/nonexistent/dir", "does not exist")),
    # Faults: Ctrl+C before the command got going, an exception outside any check (issue 22/24).
    "interrupt while parsing verify": Case(VERIFY, ("interrupted (Ctrl+C)", "nothing was checked"), status=6, fault="mockserver.cli.parse_args=interrupt"),
    "interrupt while parsing diff": Case(("diff", *VERIFY[1:]), ("interrupted (Ctrl+C)", "nothing was checked"), status=6, fault="mockserver.cli.parse_args=interrupt"),
    "interrupt while parsing serve": Case(("serve",), ("interrupted (Ctrl+C)", "before it started"), status=130, fault="mockserver.cli.parse_args=interrupt"),
    "verify breaks outside any check": Case(VERIFY, ("tool error", "RuntimeError: a bug of mockserver", "not of the deployment", "--debug"), status=7, fault="contract_tests.cli.preflight=bug"),
    "diff breaks outside any check": Case(("diff", *VERIFY[1:]), ("tool error", "RuntimeError: a bug of mockserver", "--debug"), status=7, fault="contract_tests.cli.preflight=bug"),
    "interrupt while parsing calibrate": Case(CALIBRATE, ("interrupted (Ctrl+C)", "no profile written"), status=6, fault="mockserver.cli.parse_args=interrupt"),
    "interrupt while calibrating": Case(CALIBRATE, ("interrupted (Ctrl+C)", "no profile written"), status=6, fault="contract_tests.cli.preflight=interrupt"),
    "calibrate breaks outside any check": Case(CALIBRATE, ("tool error", "RuntimeError: a bug of mockserver", "not of the deployment", "--debug"), status=7, fault="contract_tests.cli.preflight=bug"),
    "verify untrusted certificate": Case(("verify", "--api", "akinon", "--base-url", "https://127.0.0.1:{tls}", "--token", "t"), ("--cacert", "--insecure", "does not trust"), status=3),
}  # fmt: skip

# Options that do nothing with the rest of the settings: the fake starts, and says so in one line.
WARNINGS: dict[str, Case] = {
    "token in open mode": Case(("serve", "--token", "ci-key"), ("--token", "does nothing in open auth mode", "--auth strict"), status=0),
    "tls dir without tls": Case(("serve", "--tls-dir", "{dir}/tls"), ("--tls-dir", "does nothing without --tls"), status=0),
}  # fmt: skip


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the cases name: spec copies with one thing wrong, state files, a certificate."""
    folder = tmp_path_factory.mktemp("mistakes")
    (folder / "empty").mkdir()
    (folder / "renamed").mkdir()
    shutil.copy(specs_dir() / "datawiz.yaml", folder / "renamed" / "dw.yaml")
    datawiz = (specs_dir() / "datawiz.yaml").read_text(encoding="utf-8")
    lines = datawiz.split("\n")
    lines.insert(2, "x-oops: a: b")  # line 3: a mapping where none may start
    broken = {
        "broken-yaml": "\n".join(lines),
        "broken-ref": datawiz.replace("#/components/schemas/OAuthError", "#/components/schemas/OAuthErrr", 1),
        "misspelt-extension": datawiz.replace("x-drf-collection:", "x-drf-colection:", 1),
    }
    for name, text in broken.items():
        shutil.copytree(specs_dir(), folder / name)
        (folder / name / "datawiz.yaml").write_text(text, encoding="utf-8")
    (folder / "cut.json").write_text('{"tenants": {')
    (folder / "empty.json").write_text("")
    (folder / "list.json").write_text("[1, 2, 3]")
    (folder / "unknown.json").write_text(
        json.dumps({"tenants": {"t": {"collections": {"datawiz.nope": []}}}})
    )
    trustme.CA().cert_pem.write_to_path(str(folder / "ca.pem"))
    return folder


@pytest.fixture(scope="module")
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.fixture(scope="module")
def untrusted_tls_port() -> Iterator[int]:
    """An https server whose certificate no CA on this machine signed."""
    authority = trustme.CA()
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def command(case: Case, folder: Path, busy: int, tls: int) -> tuple[list[str], dict[str, str]]:
    args = [
        a.replace("{dir}", str(folder)).replace("{busy}", str(busy)).replace("{tls}", str(tls))
        for a in case.args
    ]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    environment.update(case.env)
    if case.fault:
        module, name = case.fault.split("=")[0].rsplit(".", 1)
        fault = FAULTS[case.fault.split("=")[1]]
        program = (
            f"import importlib, os, signal, sys\nimport mockserver.cli\n"
            f"def fault(*args, **kwargs):\n    {fault}\n"
            f"setattr(importlib.import_module({module!r}), {name!r}, fault)\n"
            "sys.exit(mockserver.cli.main(sys.argv[1:]))"
        )
        return [sys.executable, "-c", program, *args], environment
    return [sys.executable, "-m", "mockserver", *args], environment


@pytest.mark.parametrize("name", CASES)
def test_a_mistake_is_one_line(name: str, prepared: Path, busy_port: int, untrusted_tls_port: int) -> None:
    case = CASES[name]
    argv, environment = command(case, prepared, busy_port, untrusted_tls_port)
    run = subprocess.run(argv, env=environment, capture_output=True, text=True, timeout=120)
    output = run.stdout + run.stderr
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert run.stdout == "" and lines[0].startswith(f"mockserver {case.args[0]}: "), output
    for word in case.words:
        assert word in lines[0], f"{word!r} not in: {lines[0]}"
    assert run.returncode == case.status, output


@pytest.mark.parametrize("name", WARNINGS)
def test_an_option_that_does_nothing_is_one_warning(name: str, prepared: Path) -> None:
    case = WARNINGS[name]
    argv, environment = command(case, prepared, 0, 0)
    process = subprocess.Popen(
        [*argv, "--port", "0", "--log-level", "warning"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # mockserver serving ... at http://127.0.0.1:PORT  (auth: ...)
        assert first.startswith("mockserver serving") and ":0 " not in first, first
        wait_ready(first.split(" at ")[1].split()[0])
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mockserver serve: warning: "), err
    for word in case.words:
        assert word in lines[0], f"{word!r} not in: {lines[0]}"
    assert process.returncode == case.status


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/__mockserver__/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError(f"{base} never answered")


# -- pytest-side mistakes: one ERROR line from pytest, exit status 4 (a usage error) -------------

CONTRACT_TESTS = str(Path(__file__).resolve().parents[1] / "contract")  # `pytest tests/contract`

PYTEST_CASES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], dict[str, str]]] = {
    # name: (marker arguments, pytest options, words of the one line, environment)
    "marker argument misspelt": ('ap="akinon"', (), ("unknown argument 'ap'", "did you mean api", "test_it.py::test_one"), {}),
    "marker auth misspelt": ('auth="strikt"', (), ("auth='strikt'", "open, strict", "test_it.py::test_one"), {}),
    "marker port not a number": ('task_seconds={"addresses": "soon"}', (), ("task_seconds=", "not a number"), {}),
    "url without scheme": ("", ("--mockserver-url", "127.0.0.1:19100"), ("--mockserver-url", "http://127.0.0.1:19100"), {}),
    "contract suite variable misspelt": ("", (CONTRACT_TESTS,), ("MOCKSERVER_VERIFY_BUDGET", "'lots'", "whole number"), {"MOCKSERVER_VERIFY_BUDGET": "lots"}),
    "contract suite switch misspelt": ("", (CONTRACT_TESTS,), ("MOCKSERVER_VERIFY_ALLOW_WRITES", "'yes please'", "1 (on) or 0 (off)"), {"MOCKSERVER_VERIFY_ALLOW_WRITES": "yes please"}),
}  # fmt: skip


@pytest.mark.parametrize("name", PYTEST_CASES)
def test_a_pytest_mistake_is_one_line(
    name: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments, options, words, environment = PYTEST_CASES[name]
    for variable in [v for v in os.environ if v.startswith("MOCKSERVER_")]:
        monkeypatch.delenv(variable)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    marker = f"@pytest.mark.mockserver({arguments})" if arguments else ""
    pytester.makepyfile(test_it=f"import pytest\n\n{marker}\ndef test_one(mockserver):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *options)
    output = result.stdout.str() + "\n" + result.stderr.str()
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("ERROR: mockserver: ")]
    assert len(errors) == 1, output
    for word in words:
        assert word in errors[0], f"{word!r} not in: {errors[0]}"
    assert result.ret == pytest.ExitCode.USAGE_ERROR
