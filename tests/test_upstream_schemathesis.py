"""The upstream schemathesis CLI, every check, on each API spec against a served fake: no failure.
What outside tools read in the specs is the truth (a lookup never takes `.exe`, a form's empty
nullable field is null, a date is a date), and the fake answers what the spec says. A short run
(few examples per operation); scripts/upstream-schemathesis is the long one (docs/contract-tests.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.starts_first  # about 100 s
def test_schemathesis_finds_no_failure_on_any_spec(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "scripts" / "upstream-schemathesis")]
    command += ["--max-examples", "3", "--seed", "1", "--report-dir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert sorted(p.name for p in tmp_path.glob("*.xml")) == ["akinon-oms-address-setup.xml", "datawiz.xml"]
