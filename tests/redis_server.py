"""A real redis-server (Debian's package) on a free loopback port, started and stopped by the tests."""

import atexit
import itertools
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from tests.live_server import free_port

if TYPE_CHECKING:
    from mockserver.store.redis_store import RedisStore


class RedisServer:
    """One redis-server process without persistence, in its own temporary directory; it can be
    stopped and started again on the same port (a restart under load)."""

    def __init__(self, persistent: bool = False) -> None:
        executable = shutil.which("redis-server")
        assert executable, (
            "redis-server is missing: scripts/test (README's test command) installs Debian's redis-server package"
        )
        self.executable = executable
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="mockserver-redis-"))
        self.process: subprocess.Popen[bytes] | None = None
        # Persistent: every write in the append-only file before it is acknowledged, so a killed
        # server comes back with all it acknowledged (a restart test can count what survived).
        self.persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if persistent else ["--appendonly", "no"]
        )
        self._databases = itertools.cycle(range(1, 64))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def new_database_url(self) -> str:
        """A database of its own (of 64), so tests sharing this server do not meet."""
        return f"redis://127.0.0.1:{self.port}/{next(self._databases)}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                *self.persistence,
                "--dir", str(self.directory),
                "--databases", "64",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.02)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


_session_server: RedisServer | None = None


def session_redis_server() -> RedisServer:
    """The one redis-server of this test session, started on first use, stopped at exit."""
    global _session_server
    if _session_server is None:
        _session_server = RedisServer()
        _session_server.start()
        atexit.register(_session_server.close)
    return _session_server


def fresh_redis_store(**options: object) -> "RedisStore":
    """A Redis store of its own (a new key prefix) on the session's redis-server."""
    from mockserver.store.redis_store import RedisStore

    server = session_redis_server()
    return RedisStore(server.url, prefix=f"test-{uuid.uuid4().hex[:12]}", **options)  # type: ignore[arg-type]


def machine_tests(
    machine: type, examples: int, steps: int, redis_examples: int = 8, redis_steps: int = 10
) -> tuple[type, type]:
    """A hypothesis state machine's TestCase on the memory store and on the Redis store (a real
    redis-server, fewer examples): the machine's `new_store` is overridden for the second."""
    from hypothesis import HealthCheck, settings

    def new_store(self: object) -> "RedisStore":
        return fresh_redis_store()

    on_redis = type(f"{machine.__name__}OnRedis", (machine,), {"new_store": new_store})
    lenient = {"deadline": None, "suppress_health_check": list(HealthCheck)}
    machine.TestCase.settings = settings(max_examples=examples, stateful_step_count=steps, **lenient)
    on_redis.TestCase.settings = settings(
        max_examples=redis_examples, stateful_step_count=redis_steps, **lenient
    )
    return machine.TestCase, on_redis.TestCase
