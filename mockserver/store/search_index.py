"""An n-gram index for DRF's SearchFilter, so ?search= over a large collection is not a scan.

The semantics stay those of the scan it replaces (tests/store_contract/test_search_index.py holds
the scan as the oracle): a document's search text is its search fields, each `str(value or "")`,
joined by a null and casefolded; the search is split into terms on white space and commas,
each casefolded, and a document matches when every term is a substring of its text. No term
holds a null, so a term matches inside one field's text (a "part"), never across two.

How: every document gets a small integer id, and every distinct substring of 1, 2 and 3
characters of its parts (its grams) a posting set of ids, kept as a Roaring bitmap (pyroaring:
compressed integer sets whose intersections and counts run in C). A term of up to 3 characters
is one posting set, exactly.

A longer term is looked for in the DISTINCT parts, not in the documents: many documents share a
part (a responsible person, a shop, a status), so each distinct part gets an id, the documents
holding it (one id, or a bitmap when several share it), and trigram postings over part ids. The
term's trigrams intersect to candidate parts, each is checked once (in C, over a bytes of flags)
and the holders of the parts that hold the term are united. The work is linear in the distinct
parts that have every trigram of the term, not in the documents: "Відповідальний N" in 100,000
documents is 37 parts. (Texts unique to each document, such as keys, still count one part each.)

Pages come from a `Ranking` of the collection in one ordering: its ids cut into blocks with a
bitmap each, so a page at any offset counts the matches block by block and sorts only the few
it returns, never the whole result.
"""

from array import array
from collections import deque
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import contains

from pyroaring import BitMap

GRAM = 3  # the longest gram indexed: shorter terms are looked up, longer ones intersected
BLOCK = 1024  # positions per block of a ranking
SMALL_RESULT = 2048  # a result this small is sorted whole to page it
_MEMO_SIZE = 64  # term results kept until the next change
_NOBODY = 0xFFFFFFFF  # in a part's single holder slot: no document holds it (yet)
_SHARED = 0xFFFFFFFE  # in a part's single holder slot: several documents hold it (see _shared)
_discard = deque(maxlen=0).extend  # runs an iterator of calls for their effect, in C


def search_terms(search: str | tuple[str, ...] | None) -> list[str]:
    """DRF's SearchFilter: terms split on white space and commas (nulls dropped), casefolded; or
    the terms a caller split itself (DRF 3.15+'s quoted phrases, drf/search_terms.py)."""
    if isinstance(search, tuple):
        return [term.casefold() for term in search if term]
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


def _trigrams(text: str) -> set[str]:
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


def _parts_of(text: str) -> tuple[str, ...]:
    """A text's distinct non-empty field texts, in order."""
    return tuple(dict.fromkeys(filter(None, text.split("\x00"))))


class SearchIndex:
    """Posting bitmaps of grams over document ids; each id's key and the distinct field texts
    (parts) it holds; and per part its holders and, for parts longer than a gram, trigram
    postings over part ids."""

    def __init__(self, width: int = 2) -> None:
        self._postings: dict[str, BitMap] = {}
        self._ids: dict[str, int] = {}
        self._keys: list[str | None] = []  # by id; None for a free id
        # The ids of each document's parts, `width` slots per document (_NOBODY when fewer), kept
        # flat: a tuple per document would cost more than the rest of its entry. A document with
        # more parts than slots (a null inside a value) keeps them in _more_parts instead.
        self._width = max(1, width)
        self._doc_parts = array("I")
        self._more_parts: dict[int, tuple[int, ...]] = {}
        self._free: list[int] = []
        self.live = BitMap()
        self._memo: dict[tuple[str, ...], BitMap] = {}
        # parts: distinct field texts, each with an id
        self._part_ids: dict[str, int] = {}
        self._part_texts: list[str] = []  # by part id; "" for a free one
        self._single = array("I")  # by part id: its one holder, or _SHARED
        self._shared: dict[int, BitMap] = {}  # part id -> holders, for parts held by several
        self._shared_ids = BitMap()
        self._part_postings: dict[str, BitMap] = {}  # trigram -> ids of parts longer than GRAM
        self._free_parts: list[int] = []

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
        """Index (key, text) pairs: new keys are added, known ones re-indexed if their parts changed.

        Work is gathered per part first: documents sharing a part share its grams, so each
        gram's bitmap takes them in one call. A changed document leaves all its old parts and
        joins all its new ones, leaving first, so a gram both lose and gain stays."""
        leaving: dict[int, list[int]] = {}
        joining: dict[int, list[int]] = {}
        part_texts = self._part_texts
        for key, text in items:
            parts = _parts_of(text)
            document_id = self._ids.get(key)
            if document_id is None:
                document_id = self._new_id(key)
            else:
                old = self._parts_held(document_id)
                if len(old) == len(parts) and {part_texts[p] for p in old} == set(parts):
                    continue
                for part_id in old:
                    leaving.setdefault(part_id, []).append(document_id)
            new = tuple(map(self._part_id, parts))
            for part_id in new:
                joining.setdefault(part_id, []).append(document_id)
            self._hold(document_id, new)
        self._apply(leaving, joining)

    def _parts_held(self, document_id: int) -> tuple[int, ...]:
        more = self._more_parts.get(document_id)
        if more is not None:
            return more
        start = document_id * self._width
        return tuple(p for p in self._doc_parts[start : start + self._width] if p != _NOBODY)

    def _hold(self, document_id: int, parts: tuple[int, ...]) -> None:
        start, width = document_id * self._width, self._width
        if len(parts) > width:
            self._more_parts[document_id] = parts
            parts = ()
        else:
            self._more_parts.pop(document_id, None)
        self._doc_parts[start : start + width] = array("I", parts + (_NOBODY,) * (width - len(parts)))

    def remove(self, key: str) -> None:
        document_id = self._ids.pop(key, None)
        if document_id is None:
            return
        self._apply({part_id: [document_id] for part_id in self._parts_held(document_id)}, {})
        self._keys[document_id] = None
        self._hold(document_id, ())
        self._free.append(document_id)
        self.live.discard(document_id)

    def _apply(self, leaving: dict[int, list[int]], joining: dict[int, list[int]]) -> None:
        postings, part_texts = self._postings, self._part_texts
        for part_id, ids in leaving.items():
            gone = BitMap(ids)
            for gram in _part_grams(part_texts[part_id]):
                found = postings.get(gram)
                if found is not None:
                    found -= gone
                    if not found:
                        del postings[gram]
            self._leave(part_id, gone)
        single = self._single
        for part_id, ids in joining.items():
            if len(ids) == 1:  # a part of one document (a key): no bitmap of holders to build
                (document_id,) = ids
                for gram in _part_grams(part_texts[part_id]):
                    found = postings.get(gram)
                    if found is None:
                        postings[gram] = BitMap(ids)
                    else:
                        found.add(document_id)
                if single[part_id] == _NOBODY:
                    single[part_id] = document_id
                else:
                    self._join(part_id, BitMap(ids))
                continue
            come = BitMap(ids)
            for gram in _part_grams(part_texts[part_id]):
                found = postings.get(gram)
                if found is None:
                    postings[gram] = come.copy()
                else:
                    found |= come
            self._join(part_id, come)
        for part_id in leaving:
            if self._single[part_id] == _NOBODY:  # held by nobody now: forgotten
                self._free_part(part_id)
        self._memo.clear()

    def _holders(self, part_id: int) -> BitMap:
        single = self._single[part_id]
        if single == _SHARED:
            return self._shared[part_id]
        return BitMap() if single == _NOBODY else BitMap([single])

    def _set_holders(self, part_id: int, holders: BitMap) -> None:
        if len(holders) > 1:
            self._single[part_id] = _SHARED
            self._shared[part_id] = holders
            self._shared_ids.add(part_id)
            return
        self._single[part_id] = holders.min() if holders else _NOBODY
        if self._shared.pop(part_id, None) is not None:
            self._shared_ids.discard(part_id)

    def _leave(self, part_id: int, gone: BitMap) -> None:
        self._set_holders(part_id, self._holders(part_id) - gone)

    def _join(self, part_id: int, come: BitMap) -> None:
        self._set_holders(part_id, self._holders(part_id) | come)

    def _part_id(self, part: str) -> int:
        part_id = self._part_ids.get(part)
        if part_id is not None:
            return part_id
        if self._free_parts:
            part_id = self._free_parts.pop()
            self._part_texts[part_id] = part
            self._single[part_id] = _NOBODY
        else:
            part_id = len(self._part_texts)
            self._part_texts.append(part)
            self._single.append(_NOBODY)
        self._part_ids[part] = part_id
        if len(part) > GRAM:  # only a longer part can hold a longer term
            postings = self._part_postings
            for gram in _trigrams(part):
                found = postings.get(gram)
                if found is None:
                    postings[gram] = BitMap([part_id])
                else:
                    found.add(part_id)
        return part_id

    def _free_part(self, part_id: int) -> None:
        part = self._part_texts[part_id]
        del self._part_ids[part]
        if len(part) > GRAM:
            for gram in _trigrams(part):
                found = self._part_postings[gram]
                found.discard(part_id)
                if not found:
                    del self._part_postings[gram]
        self._part_texts[part_id] = ""
        self._free_parts.append(part_id)

    def _new_id(self, key: str) -> int:
        if self._free:
            document_id = self._free.pop()
            self._keys[document_id] = key
        else:
            document_id = len(self._keys)
            self._keys.append(key)
            self._doc_parts.extend(repeat(_NOBODY, self._width))
        self._ids[key] = document_id
        self.live.add(document_id)
        return document_id

    # queries -----------------------------------------------------------------------------
    def matching(self, terms: Sequence[str]) -> BitMap:
        """The ids of the documents whose text holds every term (terms casefolded, non-empty).

        The result may be an index's own set: read it, never change it."""
        # Exact look-ups first, so a longer term is intersected with less; then longest first.
        wanted = tuple(sorted(set(terms), key=lambda term: (len(term) > GRAM, -len(term))))
        memo = self._memo.get(wanted)
        if memo is not None:
            return memo
        found = self.live
        for term in wanted:
            if len(term) <= GRAM:
                found = found & self._postings.get(term, BitMap())
            else:
                holders = self._holding(term)
                found = holders if found is self.live else found & holders
            if not found:
                break
        if len(self._memo) >= _MEMO_SIZE:
            del self._memo[next(iter(self._memo))]
        self._memo[wanted] = found
        return found

    def _holding(self, term: str) -> BitMap:
        """The documents holding a term longer than a gram: the holders of the parts that hold it."""
        sets = []
        for gram in _trigrams(term):
            posting = self._part_postings.get(gram)
            if posting is None:
                return BitMap()
            sets.append(posting)
        sets.sort(key=len)
        candidates = sets[0]
        for posting in sets[1:]:
            candidates = candidates & posting
            if not candidates:
                return BitMap()
        ids = candidates.to_array()
        flags = bytes(map(contains, map(self._part_texts.__getitem__, ids), repeat(term)))
        if flags.count(1) == 0:
            return BitMap()
        parts = BitMap(array("I", compress(ids, flags)))
        shared = parts & self._shared_ids
        holders = BitMap(array("I", map(self._single.__getitem__, (parts - shared).to_array())))
        if shared:
            holders |= BitMap.union(*map(self._shared.__getitem__, shared))
        return holders


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
