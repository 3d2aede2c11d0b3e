"""Keep a developer's data across restarts: load at start, save atomically (temp file + rename).

The file holds the store's state and the key credentials are derived with (auth/keys.py), so that
tenant ids and issued Akinon keys stay the same after a restart; issued credentials are in it as
digests only. It is written readable by its owner alone."""

import os
import tempfile
from pathlib import Path

import orjson

from mockserver.auth.keys import CredentialKeys
from mockserver.auth.tokens import digested
from mockserver.store.base import Store

KEY_FIELD = "credential_key"


def load_state_file(store: Store, path: Path, keys: CredentialKeys | None = None) -> None:
    """Load the store's state, and the credential key the file keeps into `keys` (unless one is
    configured). Whatever an older version wrote in clear (tenant ids carrying a credential,
    issued credentials) is loaded under derived ids and digests, and so never written again."""
    if not path.exists():
        return
    state = orjson.loads(path.read_bytes())
    key = state.pop(KEY_FIELD, None)
    if keys is not None:
        if isinstance(key, str) and not keys.configured:
            keys.key = bytes.fromhex(key)  # the same tenant ids as before the restart
        state["tenants"] = keys.rekeyed(digested(state.get("tenants") or {}))
    store.load_all(state)


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
