"""Search on the Redis store: each process keeps the search index of the collections it searched
(store/search_index.py, the memory store's own), brought up to date from Redis before each search.

Redis keeps, per collection, a sorted set of the keys written or deleted, scored by the version
stamp of that write. A process that has a collection's index at version V asks, in one script,
for the keys changed after V with their search texts (or "deleted"): a search after a few writes
moves a few texts, not the collection. When the index then holds another number of documents than
Redis (a reset or a load replaced the collection), it is rebuilt from every text.

The order of a page comes from Redis's own sorted set of the ordering, read whole once per version
and ordering (a "ranking", as the memory store keeps); the page's documents are read last, and
the whole search is asked again if a write came in between (so a page never mixes versions).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockserver.store.search_index import Ranking, SearchIndex

_RANKINGS_KEPT = 4  # orderings kept per collection (each costs about 10 bytes a document here)


@dataclass
class _Mirror:
    version: int = -1
    index: SearchIndex = field(default_factory=SearchIndex)
    rankings: dict[tuple[str, bytes], tuple[int, Ranking]] = field(default_factory=dict)


class SearchMirrors:
    """The search indexes of one process, per (tenant, collection) it searched."""

    def __init__(self, sync: Callable[..., Any], read_range: Callable[..., list[bytes] | None]) -> None:
        self._sync = sync  # the SYNC script
        self._read_range = read_range  # a whole sorted set in order, if still at a version
        self._mirrors: dict[tuple[str, str], _Mirror] = {}
        self.lock = threading.Lock()  # an index is changed by the search that syncs it

    def synced(self, tenant: str, collection: str, keys: list[str], width: int) -> tuple[int, _Mirror]:
        """The collection's version and its index brought up to it (keys: SYNC's KEYS; width:
        the collection's number of search fields)."""
        mirror = self._mirrors.get((tenant, collection))
        if mirror is None:
            mirror = self._mirrors[(tenant, collection)] = _Mirror(index=SearchIndex(width))
        version, total, present, deleted = self._sync(keys=keys, args=[mirror.version])
        version = int(version)
        if version != mirror.version:
            index = mirror.index
            index.update((present[i].decode(), present[i + 1].decode()) for i in range(0, len(present), 2))
            for key in deleted:
                index.remove(key.decode())
            if len(index) != int(total):  # replaced whole (reset, load): every text again
                mirror.index = index = SearchIndex(width)
                _, _, present, _ = self._sync(keys=keys, args=[-1])
                index.update(
                    (present[i].decode(), present[i + 1].decode()) for i in range(0, len(present), 2)
                )
            mirror.version = version
        return version, mirror

    def ranking(
        self, mirror: _Mirror, version: int, version_key: str, sorted_set: str, separator: bytes
    ) -> Ranking | None:
        """The collection's ids in the sorted set's order, read once per version (None when the
        collection moved past `version` meanwhile)."""
        kept = mirror.rankings.get((sorted_set, separator))
        if kept is not None and kept[0] == version:
            return kept[1]
        members = self._read_range(version, version_key, sorted_set)
        if members is None:
            return None
        keys = [member.partition(separator)[2].decode() for member in members]
        ranking = Ranking(mirror.index.ids_of(keys))
        if len(mirror.rankings) >= _RANKINGS_KEPT:
            del mirror.rankings[next(iter(mirror.rankings))]
        mirror.rankings[(sorted_set, separator)] = (version, ranking)
        return ranking
