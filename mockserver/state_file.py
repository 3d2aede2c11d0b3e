"""Keep a developer's data across restarts: load at start, save atomically (temp file + rename).

The file holds the store's state and the key credentials are derived with (auth/keys.py), so that
tenant ids and issued Akinon keys stay the same after a restart; issued credentials are in it as
digests only. It is written readable by its owner alone."""

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import orjson

from mockserver.auth.keys import CredentialKeys
from mockserver.auth.tokens import digested
from mockserver.store.base import Store

KEY_FIELD = "credential_key"
# Write-behind: a change waits at most this long behind the save before it (a burst of uploads is
# one save, not one per upload). With the save itself, the bound a change is on disk within.
SAVE_DELAY_SECONDS = 0.5

logger = logging.getLogger("mockserver")


def load_state_file(store: Store, path: Path, keys: CredentialKeys | None = None) -> None:
    """Load the store's state, and the credential key the file keeps into `keys` (unless one is
    configured). Whatever an older version wrote in clear (tenant ids carrying a credential,
    issued credentials) is loaded under derived ids and digests, and so never written again."""
    state = read_state_file(path)
    if state is None:
        return
    key = state.pop(KEY_FIELD, None)
    try:
        if keys is not None:
            if isinstance(key, str) and not keys.configured:
                keys.key = bytes.fromhex(key)  # the same tenant ids as before the restart
            state["tenants"] = keys.rekeyed(digested(state.get("tenants") or {}))
        store.load_all(state)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        reason = error.args[0] if isinstance(error, KeyError) and error.args else error
        raise StateFileError(
            f"{path}: not a state this fake can load ({reason}); give a file that `GET "
            "/__mockserver__/state` or a clean shutdown wrote for the same specs, or remove it"
        ) from None


class StateFileError(ValueError):
    """A state file that cannot be loaded: the message names the file and what is wrong."""


def read_state_file(path: Path) -> dict | None:
    """The file's state (None when there is no file yet), checked to be a state's shape."""
    if not path.exists():
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StateFileError(f"{path}: cannot be read ({error.strerror})") from None
    if not data.strip():
        raise StateFileError(f"{path}: empty; remove it (a new one is written) or give a saved state")
    try:
        state = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise StateFileError(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg}; cut short?); "
            "remove it or give a saved state"
        ) from None
    if not isinstance(state, dict) or not isinstance(state.get("tenants", {}), dict):
        raise StateFileError(
            f'{path}: not a mockserver state (expected an object with "tenants", got '
            f"{type(state).__name__}); give a file that mockserver saved"
        )
    return state


def save_state_file(store: Store, path: Path, credential_key: bytes | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = store.dump_all()
    if credential_key is not None:
        state[KEY_FIELD] = credential_key.hex()
    data = orjson.dumps(state, option=orjson.OPT_INDENT_2)
    # mkstemp creates the file for its owner only (0600), and os.replace keeps that mode.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # atomic: a reader sees the old file or the new one
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class StateWriter:
    """Write-behind of a state file: `changed()` after every accepted write (an Event set, nothing
    more on the request's path); a thread saves the whole state, atomically, at once when idle,
    or SAVE_DELAY_SECONDS after its previous save. So an accepted change is on disk within
    SAVE_DELAY_SECONDS plus two saves (the one running when it came and its own), and a SIGKILL
    loses at most what was accepted in that window."""

    def __init__(self, save: Callable[[], None], delay: float = SAVE_DELAY_SECONDS) -> None:
        self._save, self._delay = save, delay
        self._dirty, self._stopping = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def changed(self) -> None:
        if not self._dirty.is_set():  # a plain read; set() takes the event's lock every time
            self._dirty.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="mockserver-state-file", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (the caller then saves once more, so nothing is left behind)."""
        self._stopping.set()
        self._dirty.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            self._dirty.wait()
            if self._stopping.is_set():
                return
            self._dirty.clear()
            try:
                self._save()
            except Exception:  # a full disk must not stop the writes after it
                logger.exception("mockserver: the state file could not be written")
            self._stopping.wait(self._delay)
