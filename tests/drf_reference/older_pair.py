"""The older Django/DRF pair of the reference (tests/drf_reference/__init__.py's OLDER_PAIR),
installed from the package index by the ordinary client into a cache directory shared by later
runs on the same machine: `pip install --no-deps --target`, so only those four packages are
other versions and everything else comes from the test environment. About ten seconds the first
time, nothing after."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.drf_reference import OLDER_PAIR

CACHE_ENV = "MOCKSERVER_DRF_REFERENCE_CACHE"  # where the pair is kept (default: the user's cache)
INSTALLED = ".installed"


def _cache_root() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mockserver"


def older_pair_packages() -> Path:
    """The directory holding the older pair, installed first if it is not there yet."""
    name = "drf-reference-" + "-".join(f"{package}{version}" for package, version in OLDER_PAIR.items())
    target = _cache_root() / name
    if (target / INSTALLED).exists():
        return target
    staging = target.with_name(f"{name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    requirements = [f"{package}=={version}" for package, version in OLDER_PAIR.items()]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile"]
    done = subprocess.run(
        [*command, "--target", str(staging), *requirements], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"installing the older DRF pair failed:\n{done.stdout}\n{done.stderr}")
    (staging / INSTALLED).write_text("\n".join(requirements) + "\n")
    try:
        staging.rename(target)  # another run may have finished first: keep its copy
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return target
