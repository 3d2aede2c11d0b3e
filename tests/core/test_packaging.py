"""README's commands are what CI runs, and a plain wheel carries the specs and fixtures it serves."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines[:12] if line.startswith("    ")]


def test_ci_runs_exactly_the_readme_test_command():
    install_and_serve, install_and_test = _readme_commands()[:2]
    assert install_and_serve.endswith("mockserver serve")
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert install_and_test in ci_lines


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
def test_the_wheel_carries_specs_and_fixtures(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("mockserver-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for spec in (ROOT / "specs").glob("*.yaml"):
        assert f"mockserver/_data/specs/{spec.name}" in names
    for fixture in (ROOT / "fixtures").rglob("*.json"):
        assert "mockserver/_data/fixtures/" + fixture.relative_to(ROOT / "fixtures").as_posix() in names
    assert "contract_tests/__init__.py" in names
    from mockserver.console import ASSETS  # the web console serves these from the installed package

    for path in ASSETS.values():
        assert path.relative_to(ROOT).as_posix() in names
