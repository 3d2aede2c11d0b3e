"""What each install brings: the stand-in (`pip install .`) and the contract suite (`.[verify]`).

    python -m bench.install_size      # two fresh virtual environments under a temporary folder

Prints, per install, the distributions installed and the size of site-packages on disk. It needs the
package index (or a warm pip cache); nothing here runs in the test suite.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLS = {"stand-in": ".", "with the contract suite": ".[verify]"}


def measure(target: str, where: Path) -> tuple[int, float]:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    pip = where / "bin" / "pip"
    installed = subprocess.run([str(pip), "install", "-q", target], capture_output=True, text=True, cwd=ROOT)
    if installed.returncode:
        raise SystemExit(f"pip install {target} failed:\n{installed.stderr}")
    listed = subprocess.run(
        [str(pip), "list", "--format", "json"], check=True, capture_output=True, text=True
    )
    # pip itself (and setuptools where the venv has it) come with any environment
    count = sum(1 for item in json.loads(listed.stdout) if item["name"] not in ("pip", "setuptools"))
    (site,) = where.glob("lib/python*/site-packages")
    size = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    return count, size / 1e6


def main() -> None:
    print(f"{'install':<26} {'distributions':>13} {'site-packages':>14}")
    with tempfile.TemporaryDirectory() as scratch:
        for name, target in INSTALLS.items():
            count, megabytes = measure(target, Path(scratch) / name.replace(" ", "-"))
            print(f"{name:<26} {count:>13} {megabytes:>11.0f} MB")


if __name__ == "__main__":
    main()
