"""`mockserver verify` and `mockserver diff` against `mockserver serve` over a real socket."""

import subprocess
import sys
from xml.etree import ElementTree

import pytest

from contract_tests.preflight import CREDENTIALS_REFUSED
from tests.e2e.test_serve_socket import serving, wait_ready


def run_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    """`mockserver ARGS` in a subprocess, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("api", ["akinon", "datawiz"])
def test_verify_passes_against_the_served_fake(api, tmp_path):
    junit = tmp_path / "report.xml"
    with serving("--auth", "strict", "--token", "ci-key") as (base, _, _):
        wait_ready(base)
        run = run_cli(
            [
                "verify",
                "--api",
                api,
                "--base-url",
                base,
                "--token",
                "ci-key",
                "--allow-writes",
                "--max-examples",
                "3",
                "--junit-xml",
                str(junit),
            ]
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert " 0 failed" in run.stdout
        suite = ElementTree.parse(junit).getroot()
        assert suite.get("failures") == "0" and int(suite.get("tests")) > 5
        diff = run_cli(
            [
                "diff",
                "--api",
                api,
                "--base-url",
                base,
                "--token",
                "ci-key",
                "--allow-writes",
            ]
        )
        assert diff.returncode == 0, diff.stdout + diff.stderr


def test_verify_fails_with_a_readable_explanation_on_bad_credentials():
    with serving("--auth", "strict", "--token", "ci-key") as (base, _, _):
        wait_ready(base)
        run = run_cli(
            [
                "verify",
                "--api",
                "akinon",
                "--base-url",
                base,
                "--token",
                "wrong",
            ]
        )
        # Said once, before any check, with its own exit status (not a run of 401 failures).
        assert run.returncode == CREDENTIALS_REFUSED
        assert "refused the credentials given" in run.stderr and "401" in run.stderr
        assert "✗" not in run.stdout and "wrong" not in run.stderr
