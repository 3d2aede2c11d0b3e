"""Keep a developer's data across restarts: load at start, save atomically (temp file + rename)."""

import os
import tempfile
from pathlib import Path

import orjson

from mockserver.store.base import Store


def load_state_file(store: Store, path: Path) -> None:
    if path.exists():
        store.load_all(orjson.loads(path.read_bytes()))


def save_state_file(store: Store, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = orjson.dumps(store.dump_all(), option=orjson.OPT_INDENT_2)
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
