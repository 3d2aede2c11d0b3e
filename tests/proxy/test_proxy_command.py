"""`mockserver proxy` as CI runs it: a process, flags from MOCKSERVER_<NAME>, SIGTERM writes the
JSON and JUnit reports (a testcase per operation and status, failures with masked curl lines,
coverage) and the exit status says whether violations were found."""

import json
import os
import signal
import subprocess
import sys
import time
from xml.etree import ElementTree

import httpx

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.drifts import DriftedApp, catalogue
from tests.live_server import free_port, live_server

KEY = "command-secret-key-123"


def run_proxy(upstream: str, tmp_path, traffic) -> tuple[int, str, dict, ElementTree.Element]:
    port = free_port()
    env = {
        **os.environ,
        "MOCKSERVER_UPSTREAM": upstream,
        "MOCKSERVER_PORT": str(port),
        "MOCKSERVER_REPORT_JSON": str(tmp_path / "proxy.json"),
        "MOCKSERVER_JUNIT_XML": str(tmp_path / "proxy.xml"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "proxy", "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/__mockserver__/violations")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        traffic(base)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    report = json.loads((tmp_path / "proxy.json").read_text())
    return process.returncode, output, report, ElementTree.parse(tmp_path / "proxy.xml").getroot()


def datawiz_reads(base: str) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    httpx.get(f"{base}/api/v1/relocate-documents/", headers=auth)
    httpx.get(f"{base}/api/v1/relocate-documents/", headers=auth)
    httpx.get(f"{base}/api/v1/shops/")


def test_violations_fail_the_run_with_reports(tmp_path):
    drift = next(d for d in catalogue() if d.name == "decimals_as_numbers")
    app = DriftedApp(create_app(Settings(auth_mode="strict", tokens=(KEY,))), drift, KEY)
    with live_server(app) as upstream:
        code, output, report, junit = run_proxy(upstream, tmp_path, datawiz_reads)
    assert code == 1, output
    assert "violation #1 [response.schema] listRelocateDocuments -> 200" in output
    assert (
        KEY not in output
        and KEY not in json.dumps(report)
        and KEY not in ElementTree.tostring(junit, "unicode")
    )
    assert report["ok"] is False and report["exchanges"] == 3 and report["violations_total"] == 2
    assert "-H 'authorization: Bearer comm…'" in report["violations"][0]["curl"]
    cases = {case.get("name"): case for case in junit.iter("testcase")}
    assert cases["listRelocateDocuments -> 200"].find("failure") is not None
    assert "curl -X GET" in cases["listRelocateDocuments -> 200"].find("failure").text
    assert cases["listShops -> 401"].find("failure") is None
    assert cases["getRelocateDocument -> 200"].find("skipped") is not None  # documented, never seen
    coverage = {op["operation"]: op for op in report["coverage"]["operations"]}
    assert coverage["listRelocateDocuments"]["statuses_seen"] == [200]
    assert "404" in coverage["getRelocateDocument"]["statuses_never_seen"]


def test_a_clean_run_exits_zero(tmp_path):
    with live_server(create_app(Settings(auth_mode="strict", tokens=(KEY,)))) as upstream:
        code, output, report, junit = run_proxy(upstream, tmp_path, datawiz_reads)
    assert code == 0, output
    assert report["ok"] is True and junit.get("failures") == "0"
