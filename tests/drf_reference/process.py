"""Start the reference service in its own process (Django's settings are process-wide) on a free
loopback port, and stop it afterwards."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def reference_server(
    data_dir: Path,
    fixtures: Path,
    specs: Path | None = None,
    collections: tuple[str, ...] = (),
    timeout: float = 60,
    packages: Path | None = None,
    drf_defaults: bool = False,
    document_forms: bool = False,
) -> Iterator[str]:
    """`packages`: a directory of other Django/DRF versions, put before the environment's own."""
    port = free_port()
    log = (data_dir / "server.log").open("w+b")
    path = [str(packages) if packages else None, str(ROOT), os.environ.get("PYTHONPATH")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, path))}
    command = [
        sys.executable,
        "-m",
        "tests.drf_reference.serve",
        "--port",
        str(port),
        "--data",
        str(data_dir),
        "--fixtures",
        str(fixtures),
        "--collections",
        ",".join(collections),
        *(["--specs", str(specs)] if specs is not None else []),
        *(["--drf-defaults"] if drf_defaults else []),
        *(["--document-forms"] if document_forms else []),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while not _accepts(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"the DRF reference did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
