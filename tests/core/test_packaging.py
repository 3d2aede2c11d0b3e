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


def test_the_readme_test_command_installs_what_the_tests_need():
    """On a fresh machine README's test command alone must do: it installs the distribution's
    redis-server and chromium when they are missing, then the package, then lints and tests."""
    install_and_test = _readme_commands()[1]
    assert install_and_test == "bash scripts/test"
    script = (ROOT / "scripts" / "test").read_text()
    for needed in (
        "redis-server",
        "chromium",
        "chromium-driver",
        "apt-get",
        "pip install",
        "ruff check",
        "pytest",
    ):
        assert needed in script, needed
    checked = subprocess.run(["bash", "-n", str(ROOT / "scripts" / "test")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
def test_the_wheel_carries_specs_and_fixtures(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("akinon_datawiz_mockserver-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    (metadata,) = (name for name in names if name.endswith(".dist-info/METADATA"))
    requires = [
        line for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist:")
    ]
    for suite_only in ("schemathesis", "hypothesis", "pytest"):  # the stand-in installs without them
        lines = [line for line in requires if line.split()[1].startswith(suite_only + ">")]
        assert all("extra ==" in line for line in lines), lines
        assert any("extra == 'verify'" in line for line in lines), lines
    for spec in (ROOT / "specs").glob("*.yaml"):
        assert f"mockserver/_data/specs/{spec.name}" in names
    for fixture in (ROOT / "fixtures").rglob("*.json"):
        assert "mockserver/_data/fixtures/" + fixture.relative_to(ROOT / "fixtures").as_posix() in names
    assert "contract_tests/__init__.py" in names
    # What users run, and nothing of this project's own tests: no conftest, no test module, no
    # drift catalogue (DRF ships rest_framework* only; its test scaffolding stays in tests/).
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"mockserver", "contract_tests"}, tops
    scaffolding = [
        name
        for name in names
        if name.rsplit("/", 1)[-1] in ("conftest.py", "drifts.py")
        or name.rsplit("/", 1)[-1].startswith("test_")
    ]
    assert scaffolding == []
    from mockserver.console import ASSETS  # the web console serves these from the installed package

    for path in ASSETS.values():
        assert path.relative_to(ROOT).as_posix() in names


def test_the_test_command_names_what_it_cannot_install(tmp_path):
    """Without the distribution's packages and without apt-get, one line says what to install (exit 2)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "id"):
        (bin_dir / tool).symlink_to(
            subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        )
    ran = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "test")],
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir)},
        timeout=30,
    )
    assert ran.returncode == 2, ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "redis-server" in lines[0] and "chromium" in lines[0] and "install" in lines[0]
