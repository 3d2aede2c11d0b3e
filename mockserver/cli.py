"""`mockserver serve | proxy | verify | diff`: flags (or MOCKSERVER_<NAME> variables) into settings."""

import argparse
import ipaddress
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mockserver import __version__, extras
from mockserver.masking import mask
from mockserver.settings import KNOWN_APIS, Settings

if TYPE_CHECKING:
    from mockserver.app import Dispatcher

ENV_PREFIX = "MOCKSERVER_"


def _pair(text: str) -> tuple[str, str]:
    name, sep, secret = text.partition(":")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME:SECRET, got {text!r}")
    return name, secret


def _env_default(name: str, default: object = None) -> object:
    return os.environ.get(ENV_PREFIX + name.upper().replace("-", "_"), default)


def _env_list(name: str) -> list[str]:
    raw = os.environ.get(ENV_PREFIX + name.upper().replace("-", "_"), "")
    return [part for part in raw.replace(",", " ").split() if part]


def _env_flag(name: str) -> bool:
    return str(_env_default(name, "")).lower() in ("1", "true", "yes", "on")


def add_listen_arguments(parser: argparse.ArgumentParser, port: int, api_help: str) -> None:
    parser.add_argument("--host", default=_env_default("host", "127.0.0.1"), help="default 127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=int(str(_env_default("port", port))), help=f"default {port}"
    )
    parser.add_argument(
        "--api", choices=[*KNOWN_APIS, "all"], default=_env_default("api", "all"), help=api_help
    )


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    add_listen_arguments(parser, 8000, "which API to serve")
    parser.add_argument(
        "--auth",
        choices=["open", "strict"],
        default=_env_default("auth", "open"),
        help="open: any well-formed credential is its own tenant; strict: only configured or issued ones",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=_env_list("token"),
        help="a key accepted in strict mode (Token KEY on Akinon, Bearer KEY on Datawiz); repeatable",
    )
    parser.add_argument(
        "--user",
        action="append",
        type=_pair,
        default=[_pair(p) for p in _env_list("user")],
        help="NAME:PASSWORD for the Akinon login and the OAuth2 password grant; repeatable",
    )
    parser.add_argument(
        "--signing-key",
        action="append",
        type=_pair,
        default=[_pair(p) for p in _env_list("signing_key")],
        help="KEYID:SECRET for HTTP Signatures (hmac-sha256); repeatable",
    )
    parser.add_argument(
        "--oauth-client",
        action="append",
        type=_pair,
        default=[_pair(p) for p in _env_list("oauth_client")],
        help="CLIENT_ID:SECRET accepted at /api/o/token/ in strict mode (none configured: any client)",
    )
    parser.add_argument(
        "--admin-token",
        default=_env_default("admin_token"),
        help="the X-Mockserver-Admin-Token that control calls reaching every tenant need",
    )
    parser.add_argument(
        "--allow-open-control",
        action="store_true",
        default=_env_flag("allow_open_control"),
        help="listen beyond loopback without --admin-token (anyone who reaches the port controls every tenant)",
    )
    parser.add_argument(
        "--tenant-secret",
        default=_env_default("tenant_secret"),
        help="the key tenant ids and issued Akinon keys derive from (default: made per run, kept in --state-file)",
    )
    parser.add_argument("--ssl-certfile", default=_env_default("ssl_certfile"))
    parser.add_argument("--ssl-keyfile", default=_env_default("ssl_keyfile"))
    parser.add_argument(
        "--tls",
        action="store_true",
        default=_env_flag("tls"),
        help="serve https with a generated localhost certificate; prints the CA file clients should trust",
    )
    parser.add_argument("--tls-dir", default=_env_default("tls_dir"), help="where --tls writes its files")
    parser.add_argument(
        "--state-file", default=_env_default("state_file"), help="load at start, save on change"
    )
    parser.add_argument("--fixtures", default=_env_default("fixtures"), help="a fixtures directory")
    parser.add_argument(
        "--specs",
        default=_env_default("specs"),
        help="a directory of spec files to serve instead of the packaged ones",
    )
    parser.add_argument(
        "--no-fixtures", action="store_true", default=_env_flag("no_fixtures"), help="new tenants start empty"
    )
    parser.add_argument(
        "--validate-responses",
        action="store_true",
        default=_env_flag("validate_responses"),
        help="check every answer against the spec (a mismatch answers 500 with the problems)",
    )
    parser.add_argument(
        "--akinon-task-seconds",
        type=float,
        default=float(str(_env_default("akinon_task_seconds", 3.0))),
        help="virtual seconds an address setup task stays WORKING (0: done at once)",
    )
    parser.add_argument(
        "--akinon-task-polls",
        type=int,
        default=int(str(_env_default("akinon_task_polls", 0))),
        help="status polls a task stays WORKING, on top of the seconds",
    )
    parser.add_argument(
        "--store",
        default=_env_default("store", "memory"),
        help="memory (this process, the default) or redis://HOST:PORT/DB: a Redis shared by every "
        "worker and replica of this fake",
    )
    parser.add_argument(
        "--store-prefix",
        default=_env_default("store_prefix", "mockserver"),
        help="the prefix of this fake's keys in a shared store, so several fakes can share one Redis",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(str(_env_default("workers", 1))),
        help="worker processes (more than 1 needs a shared --store: each would otherwise hold its own data)",
    )
    parser.add_argument("--log-level", default=_env_default("log_level", "info"))


def settings_from(args: argparse.Namespace) -> Settings:
    apis = KNOWN_APIS if args.api == "all" else (args.api,)
    return Settings(
        apis=apis,
        auth_mode=args.auth,
        tokens=tuple(args.token),
        users=tuple(args.user),
        signing_keys=tuple(args.signing_key),
        oauth_clients=tuple(args.oauth_client),
        admin_token=args.admin_token,
        tenant_secret=args.tenant_secret,
        state_file=Path(args.state_file) if args.state_file else None,
        store=args.store,
        store_prefix=args.store_prefix,
        fixtures_dir=Path(args.fixtures) if args.fixtures else None,
        specs_dir=Path(args.specs) if args.specs else None,
        seed_fixtures=not args.no_fixtures,
        validate_responses=args.validate_responses,
        akinon_task_seconds=args.akinon_task_seconds,
        akinon_task_polls=args.akinon_task_polls,
    )


def _banner(
    args: argparse.Namespace,
    settings: Settings,
    scheme: str,
    ca_path: Path | None,
    keywords: dict[str, str],
    served: list["ServedApi"],
) -> str:
    """`keywords`: API -> the keyword its spec declares a key is sent with (auth/schemes.py);
    `served`: what each API's spec declares, read from the app (the paths are never typed here)."""
    base = f"{scheme}://{args.host}:{args.port}"
    lines = [f"mockserver serving {', '.join(settings.apis)} at {base}  (auth: {settings.auth_mode})"]
    for api in served:
        lines.extend(_api_lines(api, base, keywords.get(api.name)))
    from mockserver.control import CONTROL_PREFIX

    lines.append(f"  Control: {base}{CONTROL_PREFIX}/health  (reset, state, journal, clock, faults)")
    lines.append(f"  Store: {_store_line(settings, args.workers)}")
    lines.append(f"  Boundary: {control_boundary(args.host, settings)}")
    if settings.auth_mode == "open":
        lines.append(
            "  Credentials: any well-formed one works and gets its own data (e.g. "
            + ", ".join(f"'{keyword} dev'" for keyword in dict.fromkeys(keywords.values()))
            + ")."
        )
    else:
        if settings.tokens:
            lines.append(f"  Tokens: {', '.join(mask(token) for token in settings.tokens)}")
        if settings.users:
            lines.append(f"  Users: {', '.join(name for name, _ in settings.users)}")
        if settings.signing_keys:
            lines.append(f"  Signing keys: {', '.join(key for key, _ in settings.signing_keys)}")
    if ca_path is not None:
        lines.append(
            f"  TLS: trust this CA file: {ca_path}   (REQUESTS_CA_BUNDLE={ca_path}, curl --cacert {ca_path})"
        )
    lines.append("  Stop with Ctrl+C.")
    lines.append(f"  Console: {base}{CONTROL_PREFIX}/ui/")
    return "\n".join(lines)


@dataclass(frozen=True)
class ServedApi:
    """What the banner shows of one API, read from its loaded spec: a first path to try, how many
    collections and setup tasks it declares, and its one-off POSTs (logins, tokens) with the
    fields their bodies require."""

    name: str
    first_path: str
    collections: int
    tasks: int
    posts: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operationId, path, required fields)


def served_apis(dispatcher: "Dispatcher") -> list[ServedApi]:
    served = []
    for module in dispatcher.modules:
        collections = [v.declaration for v in dispatcher.views if v.declaration.api == module.name]
        tasks = [t.kind for t in dispatcher.setup_tasks if t.kind.api == module.name]
        # A task's is_required check (a GET) or else a collection's list: a first GET to try.
        paths = [dispatcher.bindings[t.operations["is_required"]].operation.path for t in tasks]
        paths += [declaration.list_path for declaration in collections]
        posts = tuple(
            (op.operation_id, op.path, tuple(next(iter(op.request_schemas.values()), {}).get("required", ())))
            for op in (dispatcher.bindings[op_id].operation for op_id in module.handlers)
            if op.method == "POST"
        )
        served.append(ServedApi(module.name, paths[0] if paths else "/", len(collections), len(tasks), posts))
    return served


def _api_lines(api: ServedApi, base: str, keyword: str | None) -> list[str]:
    label = f"{api.name.capitalize()}:"
    declared = [
        f"{count} {noun}{'s' if count != 1 else ''}"
        for count, noun in ((api.tasks, "setup task"), (api.collections, "collection"))
        if count
    ]
    credential = f"   Authorization: {keyword} <key>" if keyword else ""
    lines = [f"  {label:<8} {base}{api.first_path}  ({', '.join(declared)}){credential}"]
    for operation_id, path, required in api.posts:
        fields = f" ({', '.join(required)})" if required else ""
        lines.append(f"           {operation_id}:  POST {base}{path}{fields}")
    return lines


def _store_line(settings: Settings, workers: int) -> str:
    processes = f"{workers} worker{'s' if workers > 1 else ''}"
    if settings.store == "memory":
        return f"memory of this process ({processes})"
    from urllib.parse import urlsplit

    location = urlsplit(settings.store)
    shown = location._replace(netloc=location.hostname or "" if location.password else location.netloc)
    if location.password and location.port:
        shown = shown._replace(netloc=f"{location.hostname}:{location.port}")
    return f"{shown.geturl()} (key prefix {settings.store_prefix!r}; {processes}, shared with every replica)"


def _shows_access_log(level: str) -> bool:
    return level.lower() in ("trace", "debug", "info")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def control_boundary(host: str, settings: Settings) -> str:
    """The banner's line on who may use the control API."""
    if settings.admin_token is not None:
        return (
            "calls that name a tenant (its credential or X-Mockserver-Namespace) act on that tenant "
            "only; calls that reach every tenant need X-Mockserver-Admin-Token."
        )
    reach = "this machine" if is_loopback(host) else "anyone who reaches this port"
    return f"no --admin-token: {reach} can read, load and reset every tenant's data."


def open_control_refusal(host: str, settings: Settings, allowed: bool) -> str | None:
    if is_loopback(host) or settings.admin_token is not None or allowed:
        return None
    return (
        f"mockserver: refusing to listen on {host} without --admin-token: anyone who reaches the port "
        "could read, load and reset every tenant's data through /__mockserver__/. Give --admin-token "
        "(or MOCKSERVER_ADMIN_TOKEN), or --allow-open-control if you mean it."
    )


def store_refusal(settings: Settings, workers: int) -> str | None:
    from mockserver.store.factory import is_shared

    if settings.store != "memory" and not is_shared(settings.store):
        return (
            f"mockserver: --store is 'memory' or a Redis URL (redis://HOST:PORT/DB), not {settings.store!r}."
        )
    if workers < 1:
        return "mockserver: --workers is at least 1."
    if workers > 1 and not is_shared(settings.store):
        return (
            f"mockserver: refusing --workers {workers} with the memory store: each worker process would "
            "hold its own tenants, documents, tokens and journal, and a client would see them change "
            "from one request to the next. Give a shared store (--store redis://HOST:PORT/DB, or "
            "MOCKSERVER_STORE), or serve with one worker."
        )
    return None


SERVE_ARGUMENTS_VARIABLE = "MOCKSERVER_SERVE_ARGUMENTS"


def app_from_environment() -> object:
    """The app of one worker process (uvicorn --workers imports it by name): the arguments the
    parent parsed, handed over in the environment."""
    import json

    from mockserver.app import create_app

    return create_app(settings_from(argparse.Namespace(**json.loads(os.environ[SERVE_ARGUMENTS_VARIABLE]))))


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mockserver.app import create_app
    from mockserver.auth.schemes import api_keyword
    from mockserver.store.base import StoreUnavailable

    settings = settings_from(args)
    refusal = open_control_refusal(args.host, settings, args.allow_open_control) or store_refusal(
        settings, args.workers
    )
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    certfile, keyfile, ca_path = args.ssl_certfile, args.ssl_keyfile, None
    if args.tls and not certfile:
        from mockserver.tls import generate_localhost_certificate  # cryptography: only for --tls

        files = generate_localhost_certificate(Path(args.tls_dir) if args.tls_dir else None, args.host)
        certfile, keyfile, ca_path = str(files.cert_chain), str(files.private_key), files.ca_cert
    try:
        app: object = create_app(settings)  # start-up problems (a store out of reach) show here, once
    except (ValueError, StoreUnavailable) as error:
        print(f"mockserver cannot start: {error}", file=sys.stderr)
        return 2
    keywords = {
        spec.name: api_keyword(spec.security_schemes, spec.document.get("security"))
        for spec in app.state.dispatcher.specs  # type: ignore[attr-defined]
        if spec.security_schemes
    }
    served = served_apis(app.state.dispatcher)  # type: ignore[attr-defined]
    workers: dict[str, object] = {}
    if args.workers > 1:
        import json

        handed = {k: v for k, v in vars(args).items() if k != "run"}
        os.environ[SERVE_ARGUMENTS_VARIABLE] = json.dumps(handed)
        app, workers = "mockserver.cli:app_from_environment", {"factory": True, "workers": args.workers}
    print(_banner(args, settings, "https" if certfile else "http", ca_path, keywords, served), flush=True)
    uvicorn.run(
        app,  # type: ignore[arg-type]
        **workers,  # type: ignore[arg-type]
        host=args.host,
        port=args.port,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        log_level=args.log_level,
        # uvicorn formats every access-log line before the logger drops it: above info, where no
        # line would be shown, not logging at all saves about 5% per request (measured).
        access_log=_shows_access_log(args.log_level),
        lifespan="on",
    )
    return 0


def add_proxy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--upstream",
        default=_env_default("upstream"),
        required=_env_default("upstream") is None,
        help="the deployment's base URL (http or https, may carry a path prefix)",
    )
    add_listen_arguments(parser, 8080, "which API's specs to check against")
    parser.add_argument(
        "--mode",
        choices=["observe", "annotate", "enforce"],
        default=_env_default("mode", "observe"),
        help="observe: answers unaltered (default); annotate: an X-Mockserver-Violations header; "
        "enforce: a violating exchange is answered 502 with the violations and the upstream's answer",
    )
    parser.add_argument("--report-json", default=_env_default("report_json"), help="written on exit")
    parser.add_argument("--junit-xml", default=_env_default("junit_xml"), help="written on exit")
    parser.add_argument(
        "--record",
        default=_env_default("record"),
        help="write what the traffic showed as a state file on exit",
    )
    parser.add_argument("--upstream-ca", default=_env_default("upstream_ca"), help="a CA file to trust")
    parser.add_argument(
        "--upstream-timeout",
        type=float,
        default=float(str(_env_default("upstream_timeout", 30.0))),
        help="seconds an exchange with the upstream may take in all (then 504)",
    )
    parser.add_argument(
        "--upstream-host",
        action="store_true",
        default=_env_flag("upstream_host"),
        help="send the upstream its own Host header instead of the client's (name-based virtual hosts)",
    )
    parser.add_argument(
        "--ssl-certfile",
        default=_env_default("ssl_certfile"),
        help="serve https (in front of an https upstream, so the links it builds lead back here)",
    )
    parser.add_argument("--ssl-keyfile", default=_env_default("ssl_keyfile"))
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=_env_flag("read_only"),
        help="refuse writes with 403 before they reach the upstream",
    )
    parser.add_argument("--log-level", default=_env_default("log_level", "info"))


def proxy(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from mockserver.proxy.app import ProxyApp
    from mockserver.proxy.settings import ProxySettings

    settings = ProxySettings(
        upstream=args.upstream,
        apis=KNOWN_APIS if args.api == "all" else (args.api,),
        mode=args.mode,
        upstream_ca=Path(args.upstream_ca) if args.upstream_ca else None,
        upstream_timeout=args.upstream_timeout,
        upstream_host=args.upstream_host,
        read_only=args.read_only,
        report_json=Path(args.report_json) if args.report_json else None,
        junit_xml=Path(args.junit_xml) if args.junit_xml else None,
        record=Path(args.record) if args.record else None,
    )
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    app = ProxyApp(settings)
    base = f"{'https' if args.ssl_certfile else 'http'}://{args.host}:{args.port}"
    print(
        f"mockserver proxy: {base} -> {settings.upstream}  (mode: {settings.mode}"
        f"{', read-only' if settings.read_only else ''})\n"
        f"  violations live: {base}/__mockserver__/violations   reports and recording on Ctrl+C / SIGTERM",
        flush=True,
    )
    # uvicorn raises SIGINT/SIGTERM again once it has shut down (and the reports are written); the
    # handlers it then finds let the exit status say whether violations were found.
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: None)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level=args.log_level,
        access_log=_shows_access_log(args.log_level),  # as serve: no access lines formatted for nothing
        # the upstream's own Date and Server go through; the proxy adds neither
        server_header=False,
        date_header=False,
        lifespan="on",
    )
    return app.exit_status


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI; given the command about to run, only what that command needs is imported (the
    contract suite's modules cost `serve` a tenth of a second of start-up)."""
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser(
        "serve",
        help="serve the fake",
        description=(
            "Serve the fake with uvicorn. The state lives in this process's memory, or in a Redis "
            "shared by several workers (--workers) and replicas (--store redis://HOST:PORT/DB)."
        ),
    )
    add_serve_arguments(serve_parser)
    serve_parser.set_defaults(run=serve)
    proxy_parser = commands.add_parser(
        "proxy",
        help="check real traffic against the specs on its way to a deployment, and record it",
        description=(
            "Forwards every request to --upstream unchanged and checks each exchange against the specs "
            "and the documented behaviours, without sending a request of its own."
        ),
    )
    add_proxy_arguments(proxy_parser)
    proxy_parser.set_defaults(run=proxy)
    if command in ("serve", "proxy"):
        return parser
    absent = extras.missing()
    if absent:  # installed without the `verify` extra: listed, and main() says which extra they need
        for name in ("verify", "diff"):
            commands.add_parser(name, help=f"needs the [verify] extra ({', '.join(absent)} missing)")
        return parser
    from contract_tests.cli import add_contract_commands

    add_contract_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = next((word for word in arguments if not word.startswith("-")), None)
    if command in ("verify", "diff") and (absent := extras.missing()):
        return extras.needs_extra(command, absent)
    args = build_parser(command).parse_args(arguments)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
