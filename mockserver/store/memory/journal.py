"""The memory store's journal: records kept as handed over, in a bounded deque, formatted when read."""

import threading
from collections import deque
from typing import Any

from mockserver.store.journal import JournalRecord, entry


class MemoryJournal:
    _lock: threading.RLock
    _journal: deque[tuple[int, JournalRecord]]
    _journal_sequence: int

    def record(self, record: JournalRecord) -> None:
        # Kept as handed over (the caller gives it up): formatted only when read.
        with self._lock:
            self._journal_sequence += 1
            self._journal.append((self._journal_sequence, record))

    def journal(self, tenant: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            kept = [(n, r) for n, r in self._journal if tenant is None or r.tenant == tenant]
        return [entry(sequence, record) for sequence, record in kept]

    def clear_journal(self, tenant: str | None = None) -> int:
        with self._lock:
            before = len(self._journal)
            if tenant is None:
                self._journal.clear()
            else:
                kept = [item for item in self._journal if item[1].tenant != tenant]
                self._journal.clear()
                self._journal.extend(kept)
            return before - len(self._journal)
