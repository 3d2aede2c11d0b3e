"""`mockserver serve | proxy | verify | diff`: flags (or MOCKSERVER_<NAME> variables) into settings."""

import argparse
import errno
import os
import shlex
import signal
import socket
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mockserver import __version__, extras
from mockserver.masking import mask
from mockserver.options import (
    PREFIXES,
    PROXY,
    SERVE,
    TABLES,
    Mistake,
    Parser,
    add_options,
    did_you_mean,
    idle_warnings,
    is_loopback,
    one_per_api,
    resolve_args,
)
from mockserver.options import settings_from as settings_from_values
from mockserver.settings import Settings

if TYPE_CHECKING:
    from mockserver.spec.catalogue import Catalogue, ServedApi


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from a parsed and resolved `serve` command line."""
    return settings_from_values(vars(args))


def _banner(
    args: argparse.Namespace,
    settings: Settings,
    scheme: str,
    ca_path: Path | None,
    catalogue: "Catalogue",
) -> str:
    """What each API's spec declares, read from the app's catalogue (the paths are never typed
    here), with the keyword its spec declares a key is sent with (spec/security.py)."""
    base = f"{scheme}://{args.host}:{args.port}"
    lines = [f"mockserver serving {', '.join(settings.apis)} at {base}  (auth: {settings.auth_mode})"]
    keywords = {api.name: api.auth_keyword for api in catalogue.apis if api.spec.security_schemes}
    for api in catalogue.apis:
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
    if catalogue.apis:
        first = catalogue.apis[0]
        lines.append(f"  Try: {_first_request(first, base, keywords.get(first.name), settings, ca_path)}")
    return "\n".join(lines)


def _first_request(
    api: "ServedApi", base: str, keyword: str | None, settings: Settings, ca_path: Path | None
) -> str:
    """One request to paste into a shell that this fake answers 200, in its auth mode: any key in
    open mode; in strict mode the user's own --token (never printed: $TOKEN stands for it)."""
    trust = f" --cacert {shlex.quote(str(ca_path))}" if ca_path is not None else ""
    if keyword is None:
        credential, note = "", ""
    elif settings.auth_mode == "open":
        credential, note = f" -H 'Authorization: {keyword} dev'", ""
    else:
        credential = f' -H "Authorization: {keyword} $TOKEN"'
        note = (
            "   (TOKEN: one of your --token keys)"
            if settings.tokens
            else "   (TOKEN: a key your login returns)"
        )
    return f"curl -s{trust}{credential} '{base}{first_path(api)}'{note}"


def first_path(api: "ServedApi") -> str:
    """A first GET to try: a setup task's is_required check, or else a collection's list."""
    paths = [api.operation(task.operations["is_required"]).path for task in api.setup_tasks]
    paths += [declaration.list_path for declaration in api.collections]
    return paths[0] if paths else "/"


def one_off_posts(api: "ServedApi") -> list[tuple[str, str, tuple[str, ...]]]:
    """The API's one-off POSTs (logins, tokens): (operationId, path, the fields the body requires)."""
    return [
        (op.operation_id, op.path, tuple(next(iter(op.request_schemas.values()), {}).get("required", ())))
        for op in api.one_off_operations
        if op.method == "POST"
    ]


def _api_lines(api: "ServedApi", base: str, keyword: str | None) -> list[str]:
    label = f"{api.name.capitalize()}:"
    declared = [
        f"{count} {noun}{'s' if count != 1 else ''}"
        for count, noun in ((len(api.setup_tasks), "setup task"), (len(api.collections), "collection"))
        if count
    ]
    credential = f"   Authorization: {keyword} <key>" if keyword else ""
    lines = [f"  {label:<8} {base}{first_path(api)}  ({', '.join(declared)}){credential}"]
    for operation_id, path, required in one_off_posts(api):
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
        f"refusing to listen on {host} without --admin-token: anyone who reaches the port "
        "could read, load and reset every tenant's data through /__mockserver__/. Give --admin-token "
        "(or MOCKSERVER_ADMIN_TOKEN), or --allow-open-control if you mean it."
    )


def store_refusal(settings: Settings, workers: int) -> str | None:
    from mockserver.store.factory import is_shared

    if workers > 1 and not is_shared(settings.store):
        return (
            f"refusing --workers {workers} with the memory store: each worker process would "
            "hold its own tenants, documents, tokens and journal, and a client would see them change "
            "from one request to the next. Give a shared store (--store redis://HOST:PORT/DB, or "
            "MOCKSERVER_STORE), or serve with one worker."
        )
    return None


SERVE_ARGUMENTS_VARIABLE = "MOCKSERVER_SERVE_ARGUMENTS"


def app_from_environment() -> object:
    """The app of one worker process (uvicorn --workers imports it by name): the parent's command
    line, handed over in the environment and read again through the same table."""
    import json

    from mockserver.app import create_app

    return create_app(settings_from(parse_args(["serve", *json.loads(os.environ[SERVE_ARGUMENTS_VARIABLE])])))


def warn(lines: list[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr, flush=True)


def listening_socket(host: str, port: int, flag: str = "--port") -> socket.socket:
    """The socket uvicorn serves on, bound before the banner: a busy port is one line, and
    `--port 0` shows the port it got."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        reason = error.strerror or str(error)
        if error.errno == errno.EADDRINUSE:
            raise Mistake(
                f"{flag} {port}: {host}:{port} is already in use; stop what listens there, or give another "
                f"port ({flag} 0 picks a free one)"
            ) from None
        raise Mistake(f"--host {host} {flag} {port}: cannot listen there ({reason})") from None
    sock.set_inheritable(True)  # for the worker processes of --workers
    return sock


def check_certificate(certfile: Path | None, keyfile: Path | None, flag: str = "--ssl-certfile") -> None:
    """Load the certificate as uvicorn will, before the banner: one line instead of `PEM lib`."""
    if certfile is None:
        return
    import ssl

    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError) as error:
        key = (
            f" with --ssl-keyfile {keyfile}"
            if keyfile
            else " (no --ssl-keyfile: the file must hold the key too)"
        )
        raise Mistake(
            f"{flag} {certfile}{key}: not a PEM certificate chain and its private key ({error}); give the "
            "chain with --ssl-certfile and its key with --ssl-keyfile"
        ) from None


def check_specs(settings: Settings) -> None:
    """A --specs copy holds a spec file for every API served, under the packaged name."""
    if settings.specs_dir is None:
        return
    from mockserver.apis import spec_path

    for api in settings.apis:
        path = spec_path(api, settings.specs_dir)
        if not path.is_file():
            raise Mistake(
                f"--specs {settings.specs_dir}: holds no {path.name} (the {api} spec, under the packaged "
                f"file's name); copy the packaged specs there, or serve only the others with --api"
            )


def serve(args: argparse.Namespace) -> int:
    from mockserver.app import create_app
    from mockserver.spec.errors import StartupError
    from mockserver.state_file import StateFileError
    from mockserver.store.base import StoreUnavailable

    settings = settings_from(args)
    refusal = open_control_refusal(args.host, settings, args.allow_open_control) or store_refusal(
        settings, args.workers
    )
    if refusal is not None:
        raise Mistake(refusal)
    warn(idle_warnings(SERVE, vars(args), "serve"))
    certfile, keyfile, ca_path = args.ssl_certfile, args.ssl_keyfile, None
    if args.tls and not certfile:
        from mockserver.tls import generate_localhost_certificate  # cryptography: only for --tls

        try:
            files = generate_localhost_certificate(args.tls_dir, args.host)
        except OSError as error:
            raise Mistake(
                f"--tls-dir {args.tls_dir}: cannot write the certificate there ({error.strerror})"
            ) from None
        certfile, keyfile, ca_path = files.cert_chain, files.private_key, files.ca_cert
    check_certificate(certfile, keyfile)
    check_specs(settings)
    try:
        started = create_app(settings)  # start-up problems (a store out of reach) show here, once
    except StoreUnavailable as error:
        raise Mistake(f"--store: {error}") from None
    except StateFileError as error:
        raise Mistake(f"--state-file {error}") from None
    except (StartupError, ValueError, OSError) as error:
        raise Mistake(f"cannot start: {str(error).removeprefix('mockserver cannot start: ')}") from None
    app: object = started
    sock = listening_socket(args.host, args.port)
    args.port = sock.getsockname()[1]
    print(_banner(args, settings, "https" if certfile else "http", ca_path, started.catalogue), flush=True)
    run_uvicorn(app, sock, args, certfile, keyfile)
    return 0


def run_uvicorn(
    app: object,
    sock: socket.socket,
    args: argparse.Namespace,
    certfile: object,
    keyfile: object,
    **extra: object,
) -> None:
    """uvicorn on the socket already bound (uvicorn.run would bind its own); `extra`: more of
    uvicorn.Config's options."""
    import uvicorn

    options: dict[str, object] = {}
    if args.workers > 1:
        import json

        os.environ[SERVE_ARGUMENTS_VARIABLE] = json.dumps(args.argv)
        app, options = "mockserver.cli:app_from_environment", {"factory": True, "workers": args.workers}
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
        host=args.host,
        port=args.port,
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        log_level=args.log_level,
        # uvicorn formats every access-log line before the logger drops it: above info, where no
        # line would be shown, not logging at all saves about 5% per request (measured).
        access_log=_shows_access_log(args.log_level),
        lifespan="on",
        **extra,  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    try:
        if args.workers > 1:
            import inspect

            from uvicorn.supervisors import Multiprocess

            # uvicorn before 0.30 passed the worker's target; later ones build it from the config.
            target = {"target": server.run} if "target" in inspect.signature(Multiprocess).parameters else {}
            Multiprocess(config, sockets=[sock], **target).run()  # type: ignore[arg-type]
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass


def proxy(args: argparse.Namespace) -> int:
    import logging

    from mockserver.proxy.app import ProxyApp
    from mockserver.proxy.settings import ProxySettings

    warn(idle_warnings(PROXY, vars(args), "proxy"))
    settings = ProxySettings(
        upstream=args.upstream,
        apis=args.api,
        specs=args.specs,
        mode=args.mode,
        upstream_ca=args.upstream_ca,
        upstream_timeout=args.upstream_timeout,
        upstream_host=args.upstream_host,
        read_only=args.read_only,
        report_json=args.report_json,
        junit_xml=args.junit_xml,
        record=args.record,
        profiles=one_per_api(args.profile),
    )
    check_certificate(args.ssl_certfile, args.ssl_keyfile)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    try:
        app = ProxyApp(settings)
    except ValueError as error:
        raise Mistake(f"cannot start: {error}") from None
    sock = listening_socket(args.host, args.port)
    args.port = sock.getsockname()[1]
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
    args.workers = 1
    # the upstream's own Date and Server go through; the proxy adds neither
    run_uvicorn(app, sock, args, args.ssl_certfile, args.ssl_keyfile, server_header=False, date_header=False)
    return app.exit_status


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI; given the command about to run, only what that command needs is imported (the
    contract suite's modules cost `serve` a tenth of a second of start-up)."""
    parser = Parser(prog="mockserver", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser(
        "serve",
        help="serve the fake",
        description=(
            "Serve the fake with uvicorn. The state lives in this process's memory, or in a Redis "
            "shared by several workers (--workers) and replicas (--store redis://HOST:PORT/DB). "
            "Every flag also reads MOCKSERVER_<FLAG> (MOCKSERVER_PORT, MOCKSERVER_STATE_FILE, ...)."
        ),
    )
    add_options(serve_parser, SERVE, PREFIXES["serve"])
    serve_parser.set_defaults(run=serve)
    proxy_parser = commands.add_parser(
        "proxy",
        help="check real traffic against the specs on its way to a deployment, and record it",
        description=(
            "Forwards every request to --upstream unchanged and checks each exchange against the specs "
            "and the documented behaviours, without sending a request of its own. Every flag also "
            "reads MOCKSERVER_<FLAG>."
        ),
    )
    add_options(proxy_parser, PROXY, PREFIXES["proxy"])
    proxy_parser.set_defaults(run=proxy)
    if command in ("serve", "proxy"):
        return parser
    absent = extras.missing()
    if absent:  # installed without the `verify` extra: listed, and main() says which extra they need
        for name in ("verify", "diff", "calibrate"):
            commands.add_parser(name, help=f"needs the [verify] extra ({', '.join(absent)} missing)")
        return parser
    from contract_tests.cli import add_contract_commands

    add_contract_commands(commands)
    return parser


def parse_args(arguments: list[str]) -> argparse.Namespace:
    """The command line, each value resolved through the settings table (flag, else variable,
    else default, all checked alike); a mistake raises Mistake."""
    command = next((word for word in arguments if not word.startswith("-")), None)
    args, unknown = build_parser(command).parse_known_args(arguments)
    if unknown:
        flags = [option.flag for option in TABLES[args.command]]
        raise Mistake(
            f"unrecognized arguments: {' '.join(unknown)}{did_you_mean(unknown[:1], flags)} "
            f"(see mockserver {args.command} --help)"
        )
    args.argv = arguments[arguments.index(args.command) + 1 :]
    resolve_args(TABLES[args.command], args, PREFIXES[args.command])
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; a mistake is one line on stderr and its exit status (2: the command line is
    wrong), never a traceback unless --debug (or MOCKSERVER_DEBUG=1)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = next((word for word in arguments if not word.startswith("-")), None)
    if command in ("verify", "diff", "calibrate") and (absent := extras.missing()):
        return extras.needs_extra(command, absent)
    debug = "--debug" in arguments or os.environ.get("MOCKSERVER_DEBUG", "").lower() in (
        "1",
        "true",
        "yes",
        "on",
    )
    label = f"mockserver {command}" if command in TABLES else "mockserver"
    try:
        args = parse_args(arguments)
        return int(args.run(args) or 0)
    except Mistake as mistake:
        if debug:
            traceback.print_exc()
        print(f"{label}: {mistake}", file=sys.stderr)
        return mistake.status
    except KeyboardInterrupt:
        # Before the command got going (a run interrupted later says so itself): verify and diff
        # say their checks did not run, with their documented status; so does calibrate, whose
        # profile is written only once every probe has answered; serve and proxy the shell's.
        if command in ("verify", "diff", "calibrate"):
            from contract_tests.report import NOT_RUN

            lost = (
                ": no profile written"
                if command == "calibrate"
                else " before any check ran: nothing was checked"
            )
            print(f"{label}: interrupted (Ctrl+C){lost}", file=sys.stderr)
            return NOT_RUN
        print(f"{label}: interrupted (Ctrl+C) before it started", file=sys.stderr)
        return 130
    except Exception as error:  # a failure nobody foresaw: still one line, the details on --debug
        if debug:
            traceback.print_exc()
        print(
            f"{label}: unexpected {error.__class__.__name__}: {error}"
            + ("" if debug else " (run again with --debug for the traceback)"),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
