"""`mockserver verify` and `mockserver diff` in a subprocess against `mockserver serve`: the exit
status of a run that could not run every check (6), of a check that broke (7), of a wrong
--include (2), and an interrupted run that still reports what it did and did not run."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from contract_tests.report import NOT_RUN, TOOL_ERROR
from tests.e2e.test_serve_socket import serving, wait_ready
from tests.e2e.test_verify_socket import run_cli
from tests.spec_copies import keep_setup_paths, spec_copy

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

QUICK = ["--max-examples", "2", "--task-timeout", "3"]
VERIFY_AKINON = ["verify", "--api", "akinon", "--base-url"]


@pytest.fixture(scope="module")
def base():
    with serving("--auth", "strict", "--token", "ci-key") as (url, _, _):
        wait_ready(url)
        yield url


def verify(base: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(["verify", "--base-url", base, "--token", "ci-key", *QUICK, *args])


def test_a_small_budget_is_said_and_exits_6_not_0(base, tmp_path):
    full = verify(base, "--api", "akinon")
    assert full.returncode == 0, full.stdout + full.stderr
    report = tmp_path / "r.json"
    cut = verify(base, "--api", "akinon", "--budget", "50", "--report-json", str(report))
    assert cut.returncode == NOT_RUN, cut.stdout + cut.stderr
    passed = full.stdout.splitlines()[-1].split(" passed")[0]
    assert f"{passed} passed" not in cut.stdout.splitlines()[-2]  # not the full run's count
    assert "did not run" in cut.stdout and "--budget" in cut.stdout
    data = json.loads(report.read_text())
    assert data["exit_status"] == NOT_RUN and data["not_run"] and data["ok"] is False
    assert data["requests_sent"] <= 50 + 2  # the preflight's two requests come first


def test_a_spec_copy_without_the_login_runs_without_a_traceback(base, tmp_path):
    copy, _ = spec_copy(tmp_path, keep_setup_paths, api="akinon")
    run = verify(base, "--api", "akinon", "--specs", str(copy))
    assert "Traceback" not in run.stderr + run.stdout
    assert run.returncode == NOT_RUN, run.stdout + run.stderr
    assert "akinon.login_answers: the spec declares no operation login (not run)" in run.stdout


def test_a_check_that_breaks_is_a_tool_error_with_exit_7(base, tmp_path):
    # The real command line, with one check replaced by one that has a bug of its own.
    program = (
        "import sys\n"
        "import contract_tests.suite as suite\n"
        "def broken(ctx):\n"
        "    raise TypeError('a bug of the suite')\n"
        "suite.SEMANTIC_CHECKS['akinon'][0] = ('akinon.documented_values', broken, False)\n"
        "from mockserver.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    report = tmp_path / "r.json"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            program,
            *VERIFY_AKINON,
            base,
            "--token",
            "ci-key",
            *QUICK,
            "--report-json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == TOOL_ERROR, run.stdout + run.stderr
    assert "akinon.documented_values: the check itself broke (TypeError: a bug of the suite)" in run.stdout
    assert "✗" not in run.stdout  # not the deployment's failure
    (error,) = json.loads(report.read_text())["errors"]
    assert "a bug of the suite" in error["traceback"]


def test_an_interrupted_run_reports_what_did_not_run(base, tmp_path):
    report = tmp_path / "r.json"
    journal, key = f"{base}/__mockserver__/journal", {"Authorization": "Token ci-key"}
    httpx.delete(journal, headers=key)  # earlier tests of the module used the same tenant
    command = [sys.executable, "-m", "mockserver", *VERIFY_AKINON, base, "--token", "ci-key"]
    command += ["--rate-limit", "4", *QUICK, "--report-json", str(report)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell that starts pytest in the background makes it ignore SIGINT, and a child keeps
        # that: Python then never raises KeyboardInterrupt. Ctrl+C is what this test is about.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # Interrupt once checks run (the fake's journal holds the preflight and a few checks' requests),
    # not after a fixed sleep: on a loaded machine the run may still be starting then.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        seen = httpx.get(journal, headers=key, params={"path": "/api/"}).json()["count"]
        if seen >= 12:
            break
        time.sleep(0.25)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == NOT_RUN, out + err
    assert "Traceback" not in err
    assert "interrupted (Ctrl+C) (not run)" in out
    data = json.loads(report.read_text())
    assert data["not_run"] and all(entry["reason"] == "interrupted (Ctrl+C)" for entry in data["not_run"])


def test_include_names_what_the_spec_knows(base):
    run = verify(base, "--api", "datawiz", "--include", "units,no-such-thing")
    assert run.returncode == 2 and "no-such-thing" in run.stderr and "Traceback" not in run.stderr


def test_diff_names_itself(base):
    run = run_cli(["diff", "--api", "akinon", "--base-url", base, "--token", "ci-key"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("mockserver diff: akinon at ")
    assert "mockserver verify" not in run.stdout


def test_a_read_only_run_says_once_what_needs_writes(base, tmp_path: Path):
    run = verify(base, "--api", "akinon")
    lines = [line for line in run.stdout.splitlines() if "--allow-writes" in line]
    assert (
        len(lines) == 1 and lines[0].startswith("- ") and "checks: writes: needs --allow-writes" in lines[0]
    )
