"""Every setting of mockserver, declared once: its flag, environment variable, type, choices,
default and help (as moto's settings.py and starlette's Config keep theirs in one place).

The command line (`serve`, `proxy`, `verify`, `diff`), the environment (`MOCKSERVER_<FLAG>`,
`MOCKSERVER_VERIFY_<FLAG>`), the pytest marker and `running()` all read values through this table,
so a value gets the same checks wherever it comes from, and a mistake is one `Mistake` line that
names where the value came from, what is wrong and what to do."""

import argparse
import difflib
import ipaddress
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.settings import KNOWN_APIS, Settings

Values = dict[str, Any]
Parse = Callable[[str], Any]


class Mistake(ValueError):
    """A value a user gave that cannot work: one line saying where it came from, what is wrong
    and what to do; the command exits with `status` (2: the command line is wrong)."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


# -- what a value must be (each raises ValueError saying what was expected) -------------------


def text(value: str) -> str:
    return value


def not_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty; give a value (an empty one would match nothing, or anything)")
    return value


def whole(minimum: int) -> Parse:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"is not a whole number; give one of at least {minimum}") from None
        if number < minimum:
            raise ValueError(f"is below {minimum}; give a whole number of at least {minimum}")
        return number

    return parse


def number(minimum: float, above: bool = False) -> Parse:
    """A number of at least `minimum` (greater than it, when `above`)."""

    def parse(value: str) -> float:
        try:
            result = float(value)
        except ValueError:
            raise ValueError("is not a number; give one such as 2.5") from None
        if result != result or result < minimum or (above and result == minimum):
            raise ValueError(f"must be {'above' if above else 'at least'} {minimum:g}")
        return result

    return parse


def port(value: str) -> int:
    try:
        number_ = int(value)
    except ValueError:
        raise ValueError("is not a port number; give one such as 8000 (0: any free port)") from None
    if not 0 <= number_ <= 65535:
        raise ValueError("is not a port number (0-65535); give one such as 8000 (0: any free port)")
    return number_


def pair(value: str) -> tuple[str, str]:
    name, sep, secret = value.partition(":")
    if not sep or not name or not secret:
        raise ValueError("is not NAME:SECRET (both parts non-empty)")
    return name, secret


def timing(cast: Parse) -> Parse:
    """`[TASK=]VALUE`: for one setup task by its declared name, or for every task without one."""

    def parse(value: str) -> tuple[str, Any]:
        name, sep, amount = value.rpartition("=")
        if sep and not name:
            raise ValueError("has no task name before '='; give TASK=VALUE, or VALUE for every task")
        return name, cast(amount)

    return parse


def url(value: str) -> str:
    if not re.match(r"^https?://[^/\s]", value):
        hint = f"http://{value}" if "://" not in value else "http://HOST:PORT"
        raise ValueError(f"is not an http(s) URL; give one with its scheme, such as {hint}")
    return value


def directory(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.exists():
        raise ValueError("does not exist; give an existing directory")
    if not path.is_dir():
        raise ValueError("is not a directory")
    return path


def existing_file(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise ValueError("does not exist" if not path.exists() else "is not a file")
    if not os.access(path, os.R_OK):
        raise ValueError("cannot be read (permissions)")
    return path


def writable_file(value: str) -> Path:
    """A file the command writes: its folder must exist and take files, so a run never ends in
    an error after its work is done."""
    path = Path(value).expanduser()
    folder = path.parent
    if path.is_dir():
        raise ValueError("is a directory; give a file name")
    if not folder.is_dir():
        raise ValueError(f"is in {folder}, which does not exist; create it or give another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"is in {folder}, where this user cannot write")
    return path


def writable_directory(value: str) -> Path:
    """A directory the command writes into (made if missing): its nearest existing parent must
    take files."""
    path = Path(value).expanduser()
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise ValueError(f"cannot be made: {existing} is not a directory")
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"cannot be written: {existing or path} does not take new files")
    return path


def profile(value: str) -> Any:
    from mockserver.profile import ProfileError, load_profile

    try:
        return load_profile(existing_file(value))
    except ProfileError as error:
        raise ValueError(error.problem) from None


def store(value: str) -> str:
    from mockserver.store.factory import is_shared  # the one place the schemes are typed

    if value != "memory" and not is_shared(value):
        raise ValueError("is neither 'memory' nor a Redis URL; give memory or redis://HOST:PORT/DB")
    return value


def apis(value: str) -> tuple[str, ...]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in (*KNOWN_APIS, "all")]
    if unknown or not names:
        raise ValueError(
            f"is not one of {', '.join((*KNOWN_APIS, 'all'))}{did_you_mean(unknown, KNOWN_APIS)}"
        )
    return KNOWN_APIS if "all" in names else tuple(dict.fromkeys(names))


def did_you_mean(given: Iterable[str], known: Iterable[str]) -> str:
    for word in given:
        close = difflib.get_close_matches(word, list(known), n=1)
        if close:
            return f" (did you mean {close[0]}?)"
    return ""


SWITCH_ON, SWITCH_OFF = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


@dataclass(frozen=True)
class Option:
    """One setting: a flag (`--port`), read from the command line, the environment and, when it
    has a `marker` name, from `@pytest.mark.mockserver(...)` and `running(...)`."""

    flag: str
    help: str
    parse: Parse = text
    default: Any = None
    choices: tuple[str, ...] = ()
    many: bool = False  # repeatable; the variable holds several, separated by commas or spaces
    switch: bool = False  # no value; the variable is 1/true/yes/on or 0/false/no/off
    required: bool = False
    env: str | None = None  # the variable, when not PREFIX + the flag's name
    marker: str | None = None  # its keyword in @pytest.mark.mockserver(...) and running(...)
    metavar: str | None = None
    # Given a command's values, why this option does nothing there (or None): a warning line.
    idle: Callable[[Values], str | None] | None = None
    instead: str | None = None  # a deprecated flag: the one to use (its values go there)

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")

    def variable(self, prefix: str) -> str:
        return self.env or prefix + self.dest.upper()

    def check(self, raw: str, where: str, close: str = "") -> Any:
        """The value from its text, or a Mistake naming `where` it came from (`MOCKSERVER_PORT=`
        for a variable, `@pytest.mark.mockserver(port=` and `)` for a marker)."""
        try:
            return self.value(raw)
        except ValueError as error:
            raise Mistake(f"{where}{raw!r}{close} {error}") from None

    def value(self, raw: str) -> Any:
        """The value from its text; a ValueError says what is wrong and what to give."""
        if self.choices and raw not in self.choices:
            raise ValueError(f"is not one of {', '.join(self.choices)}{did_you_mean([raw], self.choices)}")
        return self.parse(raw)

    def from_environment(self, raw: str, variable: str) -> Any:
        if self.switch:
            if raw.strip().lower() not in (*SWITCH_ON, *SWITCH_OFF):
                raise Mistake(f"{variable}={raw!r} is not a switch; give 1 (on) or 0 (off)")
            return raw.strip().lower() in SWITCH_ON
        if self.many:
            return [self.check(part, variable + "=") for part in raw.replace(",", " ").split()]
        return self.check(raw, variable + "=")

    def from_marker(self, value: Any, where: str) -> Any:
        """A marker argument, as its text form (a pair as NAME:SECRET, a mapping as its items),
        given exactly the checks the flag's text gets."""
        if self.switch:
            if not isinstance(value, bool):
                raise Mistake(f"{where}{value!r}) is not True or False")
            return value
        if self.many:
            items = value.items() if isinstance(value, Mapping) else value
            if isinstance(items, str | bytes) or not isinstance(items, Iterable):
                items = [items]
            return [self.check(_as_text(item, self.parse), where, ")") for item in items]
        if isinstance(value, list | tuple) and self.parse is apis:
            value = ",".join(value)
        return self.check(_as_text(value, self.parse), where, ")")


def _as_text(value: Any, parse: Parse) -> str:
    if isinstance(value, tuple | list) and len(value) == 2:
        return f"{value[0]}{':' if parse is pair else '='}{value[1]}"
    if isinstance(value, bool):
        raise Mistake(f"{value!r} is not a value here")
    return str(value)


# -- when an option does nothing ----------------------------------------------------------------


def _open_auth(values: Values) -> str | None:
    if values.get("auth") == "open":
        return "in open auth mode (any well-formed credential is accepted); add --auth strict to accept only these"
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _loopback_or_guarded(values: Values) -> str | None:
    if values.get("admin_token") is not None:
        return "with --admin-token (control calls that reach every tenant need it)"
    if is_loopback(str(values.get("host"))):
        return f"on the loopback address {values.get('host')} (only this machine reaches it)"
    return None


def _without(dest: str, flag: str) -> Callable[[Values], str | None]:
    return lambda values: None if values.get(dest) else f"without {flag}"


def _with(dest: str, flag: str) -> Callable[[Values], str | None]:
    return lambda values: f"with {flag}" if values.get(dest) else None


def _memory_store(values: Values) -> str | None:
    return (
        "with the memory store (the prefix keeps keys apart in a shared Redis)"
        if values.get("store") == "memory"
        else None
    )


def _http_upstream(values: Values) -> str | None:
    return "with an http upstream" if str(values.get("upstream", "")).startswith("http://") else None


# -- the table ----------------------------------------------------------------------------------


def _listen(port_default: int, api_help: str) -> list[Option]:
    return [
        Option("--host", "the address to listen on", default="127.0.0.1"),
        Option("--port", "the port to listen on (0: any free one, shown in the banner)", port, port_default),
        Option(
            "--api",
            api_help + " (akinon, datawiz, all, or a comma-separated list)",
            apis,
            KNOWN_APIS,
            marker="api",
            metavar="{akinon,datawiz,all}",
        ),
    ]


DEBUG = Option(
    "--debug", "show the Python traceback of a failure instead of one line", switch=True, default=False
)

SERVE = [
    *_listen(8000, "which API to serve"),
    Option(
        "--auth",
        "open: any well-formed credential is its own tenant; strict: only configured or issued ones",
        default="open",
        choices=("open", "strict"),
        marker="auth",
    ),
    Option(
        "--token",
        "a key accepted in strict mode (Token KEY on Akinon, Bearer KEY on Datawiz); repeatable",
        not_empty,
        (),
        many=True,
        marker="tokens",
        idle=_open_auth,
    ),
    Option(
        "--user",
        "NAME:PASSWORD for the Akinon login and the OAuth2 password grant; repeatable",
        pair,
        (),
        many=True,
        marker="users",
        idle=_open_auth,
    ),
    Option(
        "--signing-key",
        "KEYID:SECRET for HTTP Signatures (hmac-sha256); repeatable",
        pair,
        (),
        many=True,
        marker="signing_keys",
        idle=_open_auth,
    ),
    Option(
        "--oauth-client",
        "CLIENT_ID:SECRET accepted at /api/o/token/ in strict mode (none: any client)",
        pair,
        (),
        many=True,
        marker="oauth_clients",
        idle=_open_auth,
    ),
    Option(
        "--admin-token",
        "the X-Mockserver-Admin-Token that control calls reaching every tenant need",
        not_empty,
        marker="admin_token",
    ),
    Option(
        "--allow-open-control",
        "listen beyond loopback without --admin-token (anyone who reaches the port controls every tenant)",
        switch=True,
        default=False,
        idle=_loopback_or_guarded,
    ),
    Option(
        "--tenant-secret",
        "the key tenant ids and issued Akinon keys derive from (default: made per run, kept in --state-file)",
        not_empty,
        marker="tenant_secret",
    ),
    Option("--ssl-certfile", "serve https with this certificate chain (PEM)", existing_file),
    Option(
        "--ssl-keyfile",
        "the private key of --ssl-certfile (PEM), unless the chain file holds it",
        existing_file,
        idle=_without("ssl_certfile", "--ssl-certfile"),
    ),
    Option(
        "--tls",
        "serve https with a generated localhost certificate; prints the CA file clients should trust",
        switch=True,
        default=False,
        idle=_with("ssl_certfile", "--ssl-certfile (its certificate is served)"),
    ),
    Option(
        "--tls-dir",
        "where --tls writes its files (default: a new temporary directory)",
        writable_directory,
        idle=_without("tls", "--tls"),
    ),
    Option(
        "--state-file",
        "load at start; on the memory store every accepted write is saved behind the answers (atomically, "
        "within 0.5 s plus two saves), on a shared store at every control change and on shutdown",
        writable_file,
        marker="state_file",
    ),
    Option(
        "--fixtures",
        "a fixtures directory (default: the packaged one)",
        directory,
        marker="fixtures",
        idle=_with("no_fixtures", "--no-fixtures"),
    ),
    Option(
        "--specs",
        "a directory of spec files to serve instead of the packaged ones (same file names)",
        directory,
        marker="specs",
    ),
    Option("--no-fixtures", "new tenants start empty", switch=True, default=False, marker="empty"),
    Option(
        "--validate-responses",
        "check every answer against the spec (a mismatch answers 500 with the problems)",
        switch=True,
        default=False,
        marker="validate_responses",
    ),
    Option(
        "--profile",
        "answer as the deployment this profile describes (written by `mockserver calibrate`; "
        "docs/fidelity.md); one per API, repeatable",
        profile,
        (),
        many=True,
        marker="profile",
        metavar="PROFILE.json",
    ),
    Option(
        "--task-seconds",
        "[TASK=]SECONDS a setup task stays running on the virtual clock, overriding its declaration in the "
        "spec (x-setup-tasks); without TASK= for every task; repeatable",
        timing(number(0)),
        (),
        many=True,
        marker="task_seconds",
        metavar="[TASK=]SECONDS",
    ),
    Option(
        "--task-polls",
        "[TASK=]POLLS status reads a setup task stays running, on top of the seconds, overriding its "
        "declaration; repeatable",
        timing(whole(0)),
        (),
        many=True,
        marker="task_polls",
        metavar="[TASK=]POLLS",
    ),
    Option(
        "--akinon-task-seconds", "deprecated: --task-seconds SECONDS", number(0), instead="--task-seconds"
    ),
    Option("--akinon-task-polls", "deprecated: --task-polls POLLS", whole(0), instead="--task-polls"),
    Option(
        "--store",
        "memory (this process, the default) or redis://HOST:PORT/DB: a Redis shared by every "
        "worker and replica of this fake",
        store,
        "memory",
        marker="store",
    ),
    Option(
        "--store-prefix",
        "the prefix of this fake's keys in a shared store, so several fakes can share one Redis",
        not_empty,
        "mockserver",
        marker="store_prefix",
        idle=_memory_store,
    ),
    Option("--workers", "worker processes (more than 1 needs a shared --store)", whole(1), 1),
    Option("--log-level", "uvicorn's log level", default="info", choices=LOG_LEVELS),
    DEBUG,
]

PROXY = [
    Option(
        "--upstream", "the deployment's base URL (http or https, may carry a path prefix)", url, required=True
    ),
    *_listen(8080, "which API's specs to check against"),
    Option(
        "--specs",
        "check against the specs in this directory (a copy, with its own provenance; default: the "
        "packaged ones)",
        directory,
    ),
    Option(
        "--mode",
        "observe: answers unaltered; annotate: an X-Mockserver-Violations header; enforce: a "
        "violating exchange is answered 502 with the violations and the upstream's answer",
        default="observe",
        choices=("observe", "annotate", "enforce"),
    ),
    Option("--report-json", "the violations and coverage as JSON, written on exit", writable_file),
    Option("--junit-xml", "the violations as JUnit XML, written on exit", writable_file),
    Option(
        "--record",
        "write what the traffic showed as a state file on exit (for serve --state-file)",
        writable_file,
    ),
    Option("--upstream-ca", "a CA file to trust for an https upstream", existing_file, idle=_http_upstream),
    Option(
        "--upstream-timeout",
        "seconds an exchange with the upstream may take in all (then 504)",
        number(0, above=True),
        30.0,
    ),
    Option(
        "--upstream-host",
        "send the upstream its own Host header instead of the client's",
        switch=True,
        default=False,
    ),
    Option(
        "--ssl-certfile",
        "serve https (in front of an https upstream, so the links it builds lead back here)",
        existing_file,
    ),
    Option(
        "--ssl-keyfile",
        "the private key of --ssl-certfile",
        existing_file,
        idle=_without("ssl_certfile", "--ssl-certfile"),
    ),
    Option(
        "--read-only", "refuse writes with 403 before they reach the upstream", switch=True, default=False
    ),
    Option(
        "--profile",
        "judge the traffic against the deployment's profile (`mockserver calibrate`): a pinned knob "
        "the upstream no longer shows is a violation; one per API, repeatable",
        profile,
        (),
        many=True,
        metavar="PROFILE.json",
    ),
    Option("--log-level", "the log level", default="info", choices=LOG_LEVELS),
    DEBUG,
]

TARGET = [
    Option("--api", "the API to check, as its spec names it (x-mockserver-api)", required=True),
    Option(
        "--specs",
        "check against the specs in this directory (a copy; default: the packaged ones)",
        directory,
        env="MOCKSERVER_SPECS",
    ),
    Option("--base-url", "the deployment (or fake) to check", url, required=True),
    Option("--token", "sent as 'Token KEY' (Akinon) or 'Bearer KEY' (Datawiz)", not_empty),
    Option("--username", "log in first (Akinon login / OAuth2 password grant)", not_empty),
    Option("--password", "the password of --username"),
    Option("--client-id", "OAuth2 client for Datawiz logins"),
    Option("--client-secret", "the secret of --client-id"),
    Option(
        "--allow-writes", "also run checks that write (data carries a run prefix)", switch=True, default=False
    ),
    Option(
        "--pin-decisions",
        "a behaviour the project decided (specs/decisions/) that differs fails the run instead of "
        "being reported as a note",
        switch=True,
        default=False,
    ),
    Option("--max-examples", "generated cases per operation and mode", whole(1), 10),
    Option("--rate-limit", "requests per second (default: no limit)", number(0, above=True)),
    Option("--budget", "most requests a run may send", whole(1), 5000),
    Option(
        "--sample-fields",
        "check this many ordering and search fields per collection (a different few "
        "each run); 0 or none: all",
        whole(0),
    ),
    Option(
        "--collection-examples",
        "generated cases per operation of a declared collection (default: --max-examples)",
        whole(1),
    ),
    Option(
        "--conformance-collections",
        "fuzz the operations of this many collections (a different few each run); 0 or none: all",
        whole(0),
    ),
    Option(
        "--include",
        "run only the checks of these collections, setup tasks, operationIds or tags (repeatable or "
        "comma-separated)",
        not_empty,
        (),
        many=True,
        metavar="NAMES",
    ),
    Option(
        "--exclude",
        "leave out the checks of these collections, setup tasks, operationIds or tags (repeatable or "
        "comma-separated)",
        not_empty,
        (),
        many=True,
        metavar="NAMES",
    ),
    Option(
        "--time-limit",
        "seconds the whole run may take; the checks it cuts off are reported not run",
        number(0, above=True),
    ),
    Option("--timeout", "seconds per request", number(0, above=True), 30.0),
    Option("--task-timeout", "seconds a setup task may take to end", number(0, above=True), 120.0),
    Option("--cacert", "a CA file to trust (e.g. the one `serve --tls` prints)", existing_file),
    Option("--insecure", "do not verify TLS certificates", switch=True, default=False),
    Option("--junit-xml", "the report as JUnit XML", writable_file),
    Option("--report-json", "the report as JSON", writable_file),
    DEBUG,
]

PROFILE = Option(
    "--profile",
    "judge the deployment against the profile `mockserver calibrate` wrote for it: a variant it "
    "records is never a failure, a pinned knob that changed is ('the profile no longer matches')",
    profile,
    metavar="PROFILE.json",
)
VERIFY = [*TARGET, PROFILE]
DIFF = [*TARGET, PROFILE, Option("--seed", "the seed of the request sequence", whole(0), 0)]
# calibrate: the target's options that read (its credentials and client are verify's), and --out.
_CALIBRATE_KEPT = (
    "--api",
    "--specs",
    "--base-url",
    "--token",
    "--username",
    "--password",
    "--client-id",
    "--client-secret",
    "--allow-writes",
    "--rate-limit",
    "--budget",
    "--timeout",
    "--cacert",
    "--insecure",
    "--debug",
)
CALIBRATE = [
    *(option for option in TARGET if option.flag in _CALIBRATE_KEPT),
    Option(
        "--out", "where the profile is written (JSON)", writable_file, required=True, metavar="PROFILE.json"
    ),
]

PYTEST = [
    Option(
        "--mockserver-url",
        "run the mockserver fixtures against the fake or deployment at this URL",
        url,
        env="MOCKSERVER_URL",
    ),
    Option(
        "--mockserver-token",
        "the credential the handle sends to --mockserver-url: a strict fake's or a deployment's token",
        not_empty,
        env="MOCKSERVER_TOKEN",
    ),
]

# The environment prefix of each command's variables.
PREFIXES = {
    "serve": "MOCKSERVER_",
    "proxy": "MOCKSERVER_",
    "verify": "MOCKSERVER_VERIFY_",
    "diff": "MOCKSERVER_VERIFY_",
    "calibrate": "MOCKSERVER_VERIFY_",  # the credentials verify reads
    "pytest": "MOCKSERVER_",
}
TABLES = {
    "serve": SERVE,
    "proxy": PROXY,
    "verify": VERIFY,
    "diff": DIFF,
    "calibrate": CALIBRATE,
    "pytest": PYTEST,
}


# -- reading ------------------------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """argparse, whose mistakes are one line (`Mistake`) instead of the usage and an error."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        message = message.removeprefix("argument ")
        raise Mistake(f"{message} (see {self.prog} --help)")


def add_options(parser: argparse.ArgumentParser, table: list[Option], prefix: str) -> None:
    """Every option of a table as a flag; values are resolved later (`resolve`), so an unset flag
    is None here and the environment or the default can fill it with the same checks."""
    for option in table:
        variable = option.variable(prefix)
        # A deprecated flag still works (with a warning) but is no longer offered.
        shown = argparse.SUPPRESS if option.instead else f"{option.help} [env {variable}]"
        if option.default not in (None, (), False) and not option.instead:
            default = ",".join(option.default) if isinstance(option.default, tuple) else option.default
            shown += f" (default {default})"
        if option.switch:
            parser.add_argument(option.flag, action="store_const", const=True, default=None, help=shown)
            continue
        parser.add_argument(
            option.flag,
            action="append" if option.many else "store",
            default=None,
            type=_flag_type(option),
            metavar=option.metavar or ("{" + ",".join(option.choices) + "}" if option.choices else None),
            help=shown,
        )


def _flag_type(option: Option) -> Parse:
    def parse(raw: str) -> Any:
        try:
            return option.value(raw)
        except ValueError as error:  # argparse puts the flag's name in front
            raise argparse.ArgumentTypeError(f"{raw!r} {error}") from None

    return parse


def resolve(
    table: list[Option], given: Mapping[str, Any], prefix: str, environ: Mapping[str, str] | None = None
) -> Values:
    """Each option's value: given (a flag, already checked), else its variable (checked the same
    way), else its default; a deprecated flag's value moves to the one that replaces it."""
    environ = os.environ if environ is None else environ
    values: Values = {}
    for option in table:
        value = given.get(option.dest)
        variable = option.variable(prefix)
        if value is None and environ.get(variable) is not None:
            value = option.from_environment(environ[variable], variable)
        if value is None:
            if option.required:
                raise Mistake(f"{option.flag} (or {variable}) is required: {option.help}")
            value = list(option.default) if option.many else option.default
        values[option.dest] = value
    for option in table:
        if option.instead and values.get(option.dest) is not None:
            target = option.instead[2:].replace("-", "_")
            values[target] = [("", values[option.dest]), *values.get(target, [])]
    return values


def from_environment(table: list[Option], prefix: str, environ: Mapping[str, str] | None = None) -> Values:
    """Only what the environment sets, each value checked as its flag is (for a reader with
    defaults of its own, such as the contract suite under pytest)."""
    environ = os.environ if environ is None else environ
    return {
        option.dest: option.from_environment(environ[option.variable(prefix)], option.variable(prefix))
        for option in table
        if environ.get(option.variable(prefix)) is not None
    }


def resolve_args(table: list[Option], args: argparse.Namespace, prefix: str) -> Values:
    """`resolve` over parsed flags; the namespace is given the values too (`args.port`)."""
    values = resolve(table, vars(args), prefix)
    for dest, value in values.items():
        setattr(args, dest, value)
    return values


def idle_warnings(table: list[Option], values: Values, command: str) -> list[str]:
    """One line per reason: the options given that do nothing with the rest of the settings."""
    by_reason: dict[str, list[str]] = {}
    for option in table:
        value = values.get(option.dest)
        given = value not in (None, False, [], ()) and value != option.default
        reason = option.idle(values) if given and option.idle is not None else None
        if reason:
            by_reason.setdefault(reason, []).append(option.flag)
        if given and option.instead:
            by_reason.setdefault(f"is deprecated: give {option.instead} instead", []).append(option.flag)
    return [
        f"mockserver {command}: warning: {', '.join(flags)} {'does' if len(flags) == 1 else 'do'} nothing {reason}"
        if not reason.startswith("is deprecated")
        else f"mockserver {command}: warning: {', '.join(flags)} {reason}"
        for reason, flags in by_reason.items()
    ]


# -- the marker and running() ------------------------------------------------------------------

MARKED = {option.marker: option for option in SERVE if option.marker}


def marker_values(arguments: Mapping[str, Any], where: str = "@pytest.mark.mockserver") -> Values:
    """The serve values a marker (or `running`) names, each checked as its flag is; an unknown
    argument is a Mistake naming the known ones."""
    given: Values = {}
    for keyword, value in arguments.items():
        option = MARKED.get(keyword)
        if option is None:
            raise Mistake(
                f"{where}: unknown argument {keyword!r}{did_you_mean([keyword], MARKED)}; "
                f"it takes {', '.join(MARKED)}"
            )
        if value is not None:
            given[option.dest] = option.from_marker(value, f"{where}({keyword}=")
    return resolve(SERVE, given, PREFIXES["serve"], environ={})


def settings_from(values: Values) -> Settings:
    """Settings from resolved serve values (the command line's or a marker's)."""
    return Settings(
        apis=values["api"],
        auth_mode=values["auth"],
        tokens=tuple(values["token"]),
        users=tuple(values["user"]),
        signing_keys=tuple(values["signing_key"]),
        oauth_clients=tuple(values["oauth_client"]),
        admin_token=values["admin_token"],
        tenant_secret=values["tenant_secret"],
        state_file=values["state_file"],
        store=values["store"],
        store_prefix=values["store_prefix"],
        fixtures_dir=values["fixtures"],
        specs_dir=values["specs"],
        seed_fixtures=not values["no_fixtures"],
        validate_responses=values["validate_responses"],
        task_seconds=tuple(values["task_seconds"]),
        task_polls=tuple(values["task_polls"]),
        profiles=one_per_api(values["profile"]),
    )


def one_per_api(profiles: list[Any]) -> tuple[Any, ...]:
    """The profiles given, at most one per API (a Mistake otherwise)."""
    apis_seen: dict[str, str] = {}
    for given in profiles:
        if given.api in apis_seen:
            raise Mistake(
                f"--profile {given.source} and {apis_seen[given.api]} both describe {given.api}; give one"
            )
        apis_seen[given.api] = given.source
    return tuple(profiles)
