"""Instructions per request, counted by valgrind (callgrind): a figure the machine's load cannot move.

python -m bench.instructions                  # status poll and POST one document, fake and bare app
python -m bench.instructions --http           # also through uvicorn's httptools protocol (no socket)
python -m bench.instructions --serve-args "--profile p.json"   # the fake as `serve` with these options

On a shared machine req/s and µs swing with other people's work; the instructions a request takes
do not. Each figure runs one child under `valgrind --tool=callgrind`: it builds the fake (and the
bare app, so both heaps are alike), sends 1,500 warm-up requests (the journal's ring full, as in a
long run) and counts only the next N: counting starts when the child calls getppid() (callgrind's
--zero-before) and the child leaves with os._exit, before any clean-up. What a run costs once (about
13 million instructions, whatever N) is taken out by counting N and 2N requests: the figure is the
difference over N. Instructions are not time
(the fake touches more code and data than the bare app, so its time ratio is lower); they say
whether a change removed work. The children run two at a time, about a minute each.
"""

import argparse
import asyncio
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import orjson

from bench.load import request_bytes
from bench.profile import Case, bare_app, call
from bench.workload import BEARER, DOCUMENTS_PATH, STATUS_PATH, TOKEN, document

WARM_UP = 1500
REQUESTS = ("status", "post")


def request_of(who: str, what: str) -> Case:
    body = orjson.dumps(document(0))
    if who == "fake":
        if what == "status":
            return Case("status", "GET", STATUS_PATH, TOKEN)
        return Case("post", "POST", DOCUMENTS_PATH, BEARER, body)
    if what == "status":
        return Case("status", "GET", "/bare", {})
    return Case("post", "POST", "/bare-post", {"Content-Type": "application/json"}, body)


class _Transport:
    """What uvicorn's protocol writes to, counted instead of sent."""

    def __init__(self) -> None:
        self.writes, self.closed = 0, False

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def write(self, data: bytes) -> None:
        self.writes += 1

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def child(who: str, what: str, http: bool, requests: int, serve_args: list[str]) -> None:
    """Build both apps, warm up, then count `requests` (from getppid() on) and leave at once."""
    import uvloop

    from mockserver.app import create_app
    from mockserver.cli import parse_args, settings_from

    fake = create_app(settings_from(parse_args(["serve", *serve_args])))
    app = fake if who == "fake" else bare_app()
    case = request_of(who, what)
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    if not http:
        loop.run_until_complete(call(app, case, WARM_UP))
        os.getppid()  # callgrind --zero-before=getppid: counting starts here
        loop.run_until_complete(call(app, case, requests))
        os._exit(0)
    from uvicorn.config import Config
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    from uvicorn.server import ServerState

    config = Config(app, log_level="warning", access_log=False, lifespan="off", http="httptools")
    config.load()
    protocol = HttpToolsProtocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
    transport = _Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    payload = request_bytes(case.method, case.path, "127.0.0.1:8000", case.headers, case.body)

    async def send(count: int) -> None:
        for _ in range(count):
            written = transport.writes
            protocol.data_received(payload)
            while transport.writes < written + 2:  # the head and the body
                await asyncio.sleep(0)

    loop.run_until_complete(send(WARM_UP))
    os.getppid()
    loop.run_until_complete(send(requests))
    os._exit(0)


def counted(who: str, what: str, http: bool, requests: int, serve_args: list[str]) -> int:
    """Instructions of one child run under callgrind (its `requests` and what a run costs once)."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--zero-before=getppid",
            f"--callgrind-out-file={folder}/out",
            sys.executable,
            "-m",
            "bench.instructions",
            "--child",
            f"{who},{what},{'http' if http else 'asgi'}",
            "--requests",
            str(requests),
            "--serve-args",
            shlex.join(serve_args),
        ]
        run = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}
        )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or found is None:
        raise SystemExit(f"{who} {what}: valgrind failed\n{run.stderr[-2000:]}")
    return int(found.group(1))


def per_request(who: str, what: str, http: bool, requests: int, serve_args: list[str]) -> int:
    """Instructions per request: 2N requests counted less N requests counted, over N."""
    twice = counted(who, what, http, 2 * requests, serve_args)
    return (twice - counted(who, what, http, requests, serve_args)) // requests


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions")
    parser.add_argument("--requests", type=int, default=1000, help="requests counted per figure")
    parser.add_argument("--http", action="store_true", help="also through uvicorn's protocol")
    parser.add_argument("--only", default="", help="status or post")
    parser.add_argument("--serve-args", default="", help="options for the fake, as `serve` takes them")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    serve_args = shlex.split(args.serve_args)
    if args.child:
        who, what, level = args.child.split(",")
        child(who, what, level == "http", args.requests, serve_args)
    if shutil.which("valgrind") is None:
        raise SystemExit("python -m bench.instructions needs valgrind (apt-get install valgrind)")
    rows = [
        (what, http)
        for what in REQUESTS
        if args.only in what
        for http in ((False, True) if args.http else (False,))
    ]
    jobs = [(who, what, http) for what, http in rows for who in ("fake", "bare")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        figures = dict(
            zip(jobs, pool.map(lambda job: per_request(*job, args.requests, serve_args), jobs), strict=True)
        )
    print(f"{'request':<44} {'fake':>10} {'bare':>10} {'bare/fake':>10}")
    for what, http in rows:
        fake, bare = figures[("fake", what, http)], figures[("bare", what, http)]
        name = f"{what}{', through uvicorn' if http else ', ASGI'}"
        print(f"{name:<44} {fake:>10,} {bare:>10,} {bare / fake:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
