"""The memory store's credential key: this process's own."""

import threading

from mockserver.store.credentials import new_credential_key


class MemoryCredentials:
    _lock: threading.RLock
    _credential_key: bytes | None

    def credential_key(self, proposed: bytes | None = None, replace: bool = False) -> bytes:
        with self._lock:
            if replace or self._credential_key is None:
                self._credential_key = new_credential_key(proposed)
            return self._credential_key
