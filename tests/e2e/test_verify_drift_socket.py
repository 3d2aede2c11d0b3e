"""`mockserver verify` over a real socket against a drifted deployment: exit 1, and a summary that
names the check, the operation, expected vs actual and a masked curl line; the reports say the same."""

import json
from xml.etree import ElementTree

import pytest

from mockserver.app import create_app
from mockserver.cli import main
from mockserver.settings import Settings
from tests.drifts import DriftedApp, catalogue
from tests.live_server import live_server

KEY = "drift-key"
# A drift, its API, the words that explain it, and the part of the API the run needs to see it
# (the whole Datawiz run takes minutes; the drift is on one collection).
CASES = {
    "status_title_case": ("akinon", "'Working'", ()),  # 'Ready' is the document's own spelling: a note
    "wrong_upsert_counts": ("datawiz", "counts must say what was new", ("--include", "relocate-documents")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_verify_explains_a_drift(name, tmp_path, capsys):
    api, evidence, part = CASES[name]
    drift = next(d for d in catalogue() if d.name == name)
    app = DriftedApp(create_app(Settings(auth_mode="strict", tokens=(KEY,))), drift, KEY)
    junit, report = tmp_path / "verify.xml", tmp_path / "verify.json"
    with live_server(app) as base:
        code = main(
            [
                "verify",
                *("--api", api, "--base-url", base, "--token", KEY, "--allow-writes"),
                *("--max-examples", "2", "--task-timeout", "3"),
                *part,
                *("--junit-xml", str(junit), "--report-json", str(report)),
            ]
        )
    out = capsys.readouterr().out
    assert code == 1
    assert evidence in out and "expected:" in out and "curl -X" in out
    assert KEY not in out, "the secret must be masked"
    assert int(ElementTree.parse(junit).getroot().get("failures")) >= 1
    assert json.loads(report.read_text())["ok"] is False
