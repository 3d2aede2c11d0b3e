"""An n-gram index for DRF's SearchFilter, so ?search= over a large collection is not a scan.

The semantics stay those of the scan it replaces (tests/store_contract/test_search_index.py holds
the scan as the oracle): a document's search text is its search fields, each `str(value or "")`,
joined by a null and casefolded; the search is split into terms on white space and commas,
each casefolded, and a document matches when every term is a substring of its text. No term
holds a null, so a term matches inside one field's text, never across two.

How: every document gets a small integer id, and every distinct substring of 1, 2 and 3
characters of its fields' texts (its grams) a posting set of ids, kept as a Roaring bitmap
(pyroaring: compressed integer sets whose intersections and counts run in C). A term of up to
3 characters is one posting set, exactly. A longer one is the intersection of its trigrams'
sets, which can hold documents that have the trigrams apart: those candidates are checked
against their texts (in C, over a bytes of flags), and when every candidate or none matches,
which is the worst case by size, no set is built at all.

Pages come from a `Ranking` of the collection in one ordering: its ids cut into blocks with a
bitmap each, so a page at any offset counts the matches block by block and sorts only the few
it returns, never the whole result.
"""

from array import array
from collections import deque
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import contains
from typing import Any

from pyroaring import BitMap

GRAM = 3  # the longest gram indexed: shorter terms are looked up, longer ones intersected
BLOCK = 1024  # positions per block of a ranking
SMALL_RESULT = 2048  # a result this small is sorted whole to page it
_MEMO_SIZE = 64  # term results kept until the next change
_discard = deque(maxlen=0).extend  # runs an iterator of calls for their effect, in C


def search_terms(search: str | None) -> list[str]:
    """DRF's SearchFilter: terms split on white space and commas (nulls dropped), casefolded."""
    return [term.casefold() for term in (search or "").replace("\x00", "").replace(",", " ").split()]


def search_text(values: Iterable[object]) -> str:
    """A document's search text from its search fields' values (None, "" and 0 alike give "")."""
    return "\x00".join(str(value or "") for value in values).casefold()


def _part_grams(part: str) -> set[str]:
    size = len(part)
    grams = set(part)
    grams.update([part[i : i + 2] for i in range(size - 1)])
    grams.update([part[i : i + 3] for i in range(size - 2)])
    return grams


def grams_of(text: str) -> set[str]:
    """Every substring of 1 to GRAM characters inside one field's text."""
    parts = text.split("\x00")
    if len(parts) == 1:
        return _part_grams(parts[0])
    return set().union(*map(_part_grams, parts))


def _gather(parts: dict[str, Any], text: str, document_id: int) -> None:
    """Note the document under each non-empty field text: an id alone, or an array of several."""
    for part in text.split("\x00"):
        if not part:
            continue
        found = parts.get(part)
        if found is None:
            parts[part] = document_id
        elif isinstance(found, int):
            parts[part] = array("I", (found, document_id))
        else:
            found.append(document_id)


class SearchIndex:
    """Posting bitmaps of grams over document ids, and each id's key and indexed text."""

    def __init__(self) -> None:
        self._postings: dict[str, BitMap] = {}
        self._ids: dict[str, int] = {}
        self._keys: list[str | None] = []  # by id; None for a free id
        self._texts: list[str] = []  # by id; "" for a free id (it matches no term)
        self._free: list[int] = []
        self.live = BitMap()
        self._memo: dict[tuple[str, ...], BitMap] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def id_of(self, key: str) -> int:
        return self._ids[key]

    def key_of(self, document_id: int) -> str:
        key = self._keys[document_id]
        assert key is not None
        return key

    def ids_of(self, keys: Iterable[str]) -> array:
        return array("I", map(self._ids.__getitem__, keys))

    # changes -----------------------------------------------------------------------------
    def update(self, items: Iterable[tuple[str, str]]) -> None:
        """Index (key, text) pairs: new keys are added, known ones re-indexed if their text changed.

        Work is gathered per field text first: documents sharing a field's text (a responsible
        person, a shop) share its grams, so each gram's bitmap takes them in one call. Old grams
        are taken away before new ones are added, so a gram both lose and gain stays."""
        old_parts: dict[str, Any] = {}
        new_parts: dict[str, Any] = {}
        for key, text in items:
            document_id = self._ids.get(key)
            if document_id is None:
                document_id = self._new_id(key)
            else:
                old = self._texts[document_id]
                if old == text:
                    continue
                _gather(old_parts, old, document_id)
            self._texts[document_id] = text
            _gather(new_parts, text, document_id)
        postings = self._postings
        for part, ids in old_parts.items():
            for gram in _part_grams(part):
                found = postings.get(gram)
                if found is not None:
                    if isinstance(ids, int):
                        found.discard(ids)
                    else:
                        found -= BitMap(ids)
                    if not found:
                        del postings[gram]
        for part, ids in new_parts.items():
            for gram in _part_grams(part):
                found = postings.get(gram)
                if found is None:
                    postings[gram] = BitMap([ids] if isinstance(ids, int) else ids)
                elif isinstance(ids, int):
                    found.add(ids)
                else:
                    found |= BitMap(ids)
        self._memo.clear()

    def remove(self, key: str) -> None:
        document_id = self._ids.pop(key, None)
        if document_id is None:
            return
        for gram in grams_of(self._texts[document_id]):
            self._drop(gram, document_id)
        self._keys[document_id] = None
        self._texts[document_id] = ""
        self._free.append(document_id)
        self.live.discard(document_id)
        self._memo.clear()

    def _new_id(self, key: str) -> int:
        if self._free:
            document_id = self._free.pop()
            self._keys[document_id] = key
        else:
            document_id = len(self._keys)
            self._keys.append(key)
            self._texts.append("")
        self._ids[key] = document_id
        self.live.add(document_id)
        return document_id

    def _drop(self, gram: str, document_id: int) -> None:
        found = self._postings.get(gram)
        if found is not None:
            found.discard(document_id)
            if not found:
                del self._postings[gram]

    # queries -----------------------------------------------------------------------------
    def matching(self, terms: Sequence[str]) -> BitMap:
        """The ids of the documents whose text holds every term (terms casefolded, non-empty).

        The result may be an index's own set: read it, never change it."""
        # Exact look-ups first, so a longer term has fewer candidates to check; then longest first.
        wanted = tuple(sorted(set(terms), key=lambda term: (len(term) > GRAM, -len(term))))
        memo = self._memo.get(wanted)
        if memo is not None:
            return memo
        found = self.live
        for term in wanted:
            found = self._term(term, found)
            if not found:
                break
        if len(self._memo) >= _MEMO_SIZE:
            del self._memo[next(iter(self._memo))]
        self._memo[wanted] = found
        return found

    def _term(self, term: str, within: BitMap) -> BitMap:
        if len(term) <= GRAM:
            return within & self._postings.get(term, BitMap())
        sets = []
        for gram in {term[i : i + GRAM] for i in range(len(term) - GRAM + 1)}:
            posting = self._postings.get(gram)
            if posting is None:
                return BitMap()
            sets.append(posting)
        sets.sort(key=len)
        candidates = within & sets[0]
        for posting in sets[1:]:
            if not candidates:
                return candidates
            candidates &= posting
        return self._verified(term, candidates) if candidates else candidates

    def _verified(self, term: str, candidates: BitMap) -> BitMap:
        """The candidates whose text holds the term, checked in C: one flag byte per text."""
        texts = self._texts
        if len(candidates) * 4 >= len(texts):  # dense: every text in id order, no lookups
            flags = bytes(map(contains, texts, repeat(term)))
            hits = flags.count(1)
            if hits == 0:
                return BitMap()
            if hits == len(self.live):  # free ids never match, so every live document does
                return candidates
            return BitMap(array("I", compress(range(len(flags)), flags))) & candidates
        ids = candidates.to_array()
        flags = bytes(map(contains, map(texts.__getitem__, ids), repeat(term)))
        hits = flags.count(1)
        if hits == len(ids):
            return candidates
        if hits == 0:
            return BitMap()
        return BitMap(array("I", compress(ids, flags)))


class Ranking:
    """The collection's ids in one ordering, with each id's position and a bitmap per block of
    BLOCK positions: a page of a subset is found without sorting the subset."""

    def __init__(self, order: array) -> None:
        self.order = order
        self._position = array("I", bytes(4 * (max(order, default=0) + 1)))
        _discard(map(self._position.__setitem__, order, range(len(order))))
        self._blocks = [BitMap(order[start : start + BLOCK]) for start in range(0, len(order), BLOCK)]

    def page(self, matches: BitMap, offset: int, limit: int | None) -> list[int]:
        """The ids of `matches` (a subset of this ranking's ids) from `offset`, in this order."""
        total = len(matches)
        stop = total if limit is None else min(total, offset + limit)
        if offset >= stop:
            return []
        if total == len(self.order):  # everything matches: the ranking itself
            return list(self.order[offset:stop])
        by_position = self._position.__getitem__
        if total <= SMALL_RESULT:
            return sorted(matches, key=by_position)[offset:stop]
        skipped, gathered = 0, []
        for block in self._blocks:
            if not gathered:
                inside = matches.intersection_cardinality(block)
                if skipped + inside <= offset:
                    skipped += inside
                    continue
            gathered.extend(matches & block)
            if skipped + len(gathered) >= stop:
                break
        gathered.sort(key=by_position)
        return gathered[offset - skipped : stop - skipped]
