"""The package keeps its layers (docs/architecture.md): import-linter's contracts in pyproject.toml
hold, so a new import cycle or an upward import fails here; and no module imports another
module's private (`_name`) names."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mockserver", "contract_tests", "bench")


def test_the_layering_contracts_hold():
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    if executable is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]' (import-linter)")
    run = subprocess.run(
        [executable, "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "broken" in run.stdout and " 0 broken" in run.stdout


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


def test_no_module_imports_a_private_name_of_another():
    found = [
        line
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for line in _private_imports(path)
    ]
    assert found == []
