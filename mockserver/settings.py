"""Plain settings for one fake instance; the app reads them. The command line, the environment
and the pytest marker build them through one table of options (mockserver/options.py)."""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from mockserver.profile import Profile

AuthMode = Literal["open", "strict"]
KNOWN_APIS = ("akinon", "datawiz")
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    apis: tuple[str, ...] = KNOWN_APIS
    auth_mode: AuthMode = "open"
    # Strict mode: what is accepted besides credentials issued by the login/token endpoints.
    tokens: tuple[str, ...] = ()
    users: tuple[tuple[str, str], ...] = ()
    signing_keys: tuple[tuple[str, str], ...] = ()
    oauth_clients: tuple[tuple[str, str], ...] = ()
    admin_token: str | None = None
    # The key tenant ids and issued Akinon keys are derived with (auth/keys.py); by default one made
    # for this process, or the one a state file keeps.
    tenant_secret: str | None = None
    state_file: Path | None = None
    # "memory" (this process) or a Redis URL shared by every worker and replica (store/factory.py);
    # the prefix keeps the keys of fakes sharing one Redis apart.
    store: str = "memory"
    store_prefix: str = "mockserver"
    fixtures_dir: Path | None = None
    # A directory of spec files to serve instead of the packaged ones (same file names).
    specs_dir: Path | None = None
    # Seed each new tenant with the fixtures (a realistic starting point); off gives empty tenants.
    seed_fixtures: bool = True
    # Checks every response against the spec and answers 500 with the mismatch; on in the tests.
    validate_responses: bool = False
    journal_size: int = 1000
    max_body_bytes: int = 32 * 1024 * 1024
    # A body that has not arrived whole by then is answered 408 (a slow client holds nothing).
    body_timeout_seconds: float = 30.0
    bearer_token_lifetime: int = 36000
    # Overrides of the setup tasks' declared timing (x-setup-tasks): (task name, value), where
    # the name "" is every task; a named entry beats "", and among equals the last one given wins.
    task_seconds: tuple[tuple[str, float], ...] = ()
    task_polls: tuple[tuple[str, int], ...] = ()
    # The deployments' behaviours to answer with (serve --profile), at most one per API; read
    # once at start-up by the views, so no profile costs nothing per request.
    profiles: tuple[Profile, ...] = ()

    def profile_of(self, api: str) -> Profile | None:
        return next((profile for profile in self.profiles if profile.api == api), None)

    def credential_key(self) -> bytes | None:
        return hashlib.sha256(self.tenant_secret.encode()).digest() if self.tenant_secret else None

    def task_timing(self, task: str, seconds: float, polls: int) -> tuple[float, int]:
        """A task's seconds and polls: as declared, unless these settings override them."""
        return _override(self.task_seconds, task, seconds), _override(self.task_polls, task, polls)

    def users_by_name(self) -> dict[str, str]:
        return dict(self.users)


def _override(entries: tuple[tuple[str, T], ...], task: str, declared: T) -> T:
    named = [value for name, value in entries if name == task]
    every = [value for name, value in entries if name == ""]
    return (named or every or [declared])[-1]
