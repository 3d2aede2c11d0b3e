"""The Redis store's journal: one capped list of formatted entries, shared by every process."""

from typing import Any

import orjson

from mockserver.store.journal import JournalRecord, entry
from mockserver.store.redis_store.core import RedisCore


class RedisJournal(RedisCore):
    _journal_size: int

    def record(self, record: JournalRecord) -> None:
        # Formatted now: another process reads it, and the record's references stay here.
        formatted = entry(0, record)
        del formatted["id"]
        self._scripts["RECORD"](
            keys=[self._key("journal"), self._key("journal-sequence")],
            args=[orjson.dumps(formatted), self._journal_size],
        )

    def journal(self, tenant: str | None = None) -> list[dict[str, Any]]:
        entries = []
        for item in self._redis.lrange(self._key("journal"), 0, -1):
            sequence, _, text = item.partition(b"|")
            found = orjson.loads(text)
            if tenant is None or found["tenant"] == tenant:
                entries.append({"id": int(sequence), **found})
        return entries

    def clear_journal(self, tenant: str | None = None) -> int:
        if tenant is None:
            pipe = self._redis.pipeline(transaction=True)
            pipe.llen(self._key("journal"))
            pipe.delete(self._key("journal"))
            return int(pipe.execute()[0])
        return int(self._scripts["CLEAR_JOURNAL"](keys=[self._key("journal")], args=[tenant]))
