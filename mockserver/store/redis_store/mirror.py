"""Search on the Redis store: each process keeps the search index of the collections it searched
(store/search_index.py, the memory store's own), brought up to date from Redis before each search.

Redis keeps, per collection, a sorted set of the keys written or deleted, scored by the version
stamp of that write. A process that has a collection's index at version V asks, in one script,
for the keys changed after V with their search texts (or "deleted"): a search after a few writes
moves a few texts, not the collection. When the index then holds another number of documents than
Redis (a reset or a load replaced the collection), it is rebuilt from every text.

The order of a page comes from Redis's own sorted set of the ordering (a "ranking", as the
memory store keeps), read whole the first time; after writes, only the ranks of the keys changed
since are read (one script) and moved in the process's copy, unless there are many. The page's
documents are read last, and the whole search is asked again if a write came in between (so a
page never mixes versions).
"""

import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import filterfalse
from typing import Any

from pyroaring import BitMap

from mockserver.store.search_index import Ranking, SearchIndex

_RANKINGS_KEPT = 4  # orderings kept per collection (each costs about 10 bytes a document here)
_MOVES_AT_MOST = 2000  # changes since a ranking moved one by one; past that, the set is read whole


@dataclass
class _Mirror:
    version: int = -1
    index: SearchIndex = field(default_factory=SearchIndex)
    rankings: dict[tuple[str, bytes], tuple[int, Ranking]] = field(default_factory=dict)


class SearchMirrors:
    """The search indexes of one process, per (tenant, collection) it searched."""

    def __init__(
        self,
        sync: Callable[..., Any],
        read_range: Callable[..., list[bytes] | None],
        ranks_since: Callable[..., Any],
    ) -> None:
        self._sync = sync  # the SYNC script
        self._read_range = read_range  # a whole sorted set in order, if still at a version
        self._ranks_since = ranks_since  # the RANKS_SINCE script
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
                mirror.rankings.clear()  # their ids were the old index's
                _, _, present, _ = self._sync(keys=keys, args=[-1])
                index.update(
                    (present[i].decode(), present[i + 1].decode()) for i in range(0, len(present), 2)
                )
            mirror.version = version
        return version, mirror

    def ranking(
        self, mirror: _Mirror, version: int, keys: list[str], place: int, separator: bytes
    ) -> Ranking | None:
        """The collection's ids in the order of its sorted set keys[place + 5] (place: where that
        set is in a document's member list), brought up to `version` (None when the collection
        moved past it meanwhile). keys: the collection's keys (RedisDocuments.collection_keys, store/redis_store/documents.py)."""
        sorted_set = keys[place + 5]
        kept = mirror.rankings.get((sorted_set, separator))
        if kept is not None and kept[0] == version:
            return kept[1]
        order = None
        if kept is not None:
            ranks = self._ranks_since(
                keys=[keys[3], keys[-1], keys[1], sorted_set],
                args=[version, kept[0], place, _MOVES_AT_MOST],
            )
            if ranks is None:
                return None
            order = _moved(kept[1].order, ranks, mirror.index)
        if order is None:
            members = self._read_range(version, keys[3], sorted_set)
            if members is None:
                return None
            order = mirror.index.ids_of([member.rpartition(separator)[2].decode() for member in members])
        ranking = Ranking(order)
        mirror.rankings.pop((sorted_set, separator), None)
        if len(mirror.rankings) >= _RANKINGS_KEPT:
            del mirror.rankings[next(iter(mirror.rankings))]
        mirror.rankings[(sorted_set, separator)] = (version, ranking)
        return ranking


def _moved(order: array, ranks: list[Any], index: SearchIndex) -> array | None:
    """The order after the changes RANKS_SINCE listed (key, rank now; -1 deleted), or None when
    the copy cannot be brought up to date that way (too many changes, or it does not add up).

    The ids of changed keys leave (with those no longer live: a deleted key's id may be free, or
    taken by a new key, which is then changed too); the present ones come back at their ranks,
    placed in increasing rank, so each lands after every kept id that precedes it."""
    if ranks == [-1]:
        return None
    placed, stale = [], BitMap()
    for i in range(0, len(ranks), 2):
        rank = int(ranks[i + 1])
        if rank == -2:
            return None
        key = ranks[i].decode()
        if rank >= 0:
            document_id = index.id_of(key)
            stale.add(document_id)
            placed.append((rank, document_id))
    stale |= BitMap(order) - index.live
    kept = array("I", filterfalse(stale.__contains__, order)) if stale else array("I", order)
    if len(kept) + len(placed) != len(index):
        return None
    placed.sort()
    moved, start = array("I"), 0
    for rank, document_id in placed:
        take = rank - len(moved)
        if take < 0 or start + take > len(kept):
            return None
        moved.extend(kept[start : start + take])
        start += take
        moved.append(document_id)
    moved.extend(kept[start:])
    return moved
