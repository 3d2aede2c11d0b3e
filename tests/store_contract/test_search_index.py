"""?search= through the n-gram index gives exactly what the scan it replaced gave.

The oracle below is the scan the memory store ran before the index (DRF's SearchFilter as the
fake implements it): the same terms, the same casefolded texts, containment, every term. Random
histories of upserts (inserts, whole replacements), deletes and queries (terms drawn from the
stored texts and around them, unicode whose casefold changes length, commas, white space, nulls,
several terms, empty ones) are run on both stores and every query is compared with the oracle.
The index's block and result sizes are made tiny here so small histories reach every path."""

import os
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mockserver.store import CollectionSpec, MemoryStore
from mockserver.store import search_index as index_module
from mockserver.store.redis_store import RedisStore
from mockserver.store.redis_store import mirror as redis_mirror

DOCS = CollectionSpec(
    name="docs",
    key_field="id",
    ordering_fields={"id": "text", "total": "number", "who": "text"},
    search_fields=("id", "who", "note"),
    default_ordering=("id",),
)
UNSEARCHED = CollectionSpec(name="plain", key_field="id", ordering_fields={"id": "text"})
ORDERINGS = ([], ["total"], ["-who"], ["who", "-total"], ["-id"], ["nonsense"])
# Letters whose casefold differs from lower() or changes the length (ß -> ss, ﬁ -> fi, İ -> i̇,
# ς -> σ, ſ -> s), Cyrillic, digits, and the separators of terms.
ALPHABET = "aAbBsSßẞﬁFIİiıΣσςſКкЇї01 2-.,\t\u00a0"
EXAMPLES = int(os.environ.get("MOCKSERVER_SEARCH_EXAMPLES", "60"))


def scan(ordered: list[dict[str, Any]], fields: tuple[str, ...], search: str | None) -> list[str]:
    """The keys the scan found, in the given order: the memory store's code before the index."""
    terms = [term.casefold() for term in (search or "").replace("\x00", "").replace(",", " ").split()]
    texts = (
        {doc["id"]: "\x00".join(str(doc.get(name) or "") for name in fields).casefold() for doc in ordered}
        if fields
        else {}
    )
    keys = [doc["id"] for doc in ordered]
    for term in terms:
        keys = [key for key in keys if term in texts.get(key, "")]
    return keys


@pytest.fixture(autouse=True)
def tiny_index_sizes(monkeypatch):
    monkeypatch.setattr(index_module, "BLOCK", 3)
    monkeypatch.setattr(index_module, "SMALL_RESULT", 2)
    # On Redis a process's ranking follows writes one by one up to this many, then is read whole.
    monkeypatch.setattr(redis_mirror, "_MOVES_AT_MOST", 3)


@pytest.fixture(params=["memory", "redis", "redis, two processes"])
def make_stores(request):
    """Stores of one fake: on Redis with two processes, each keeps its own search index and
    must see the other's writes."""
    made = []

    def build() -> list:
        if request.param == "memory":
            stores = [MemoryStore()]
        else:
            import redis

            url = request.getfixturevalue("redis_url")
            redis.Redis.from_url(url).flushdb()
            stores = [RedisStore(url) for _ in range(1 if request.param == "redis" else 2)]
            made.extend(stores)
        for store in stores:
            store.define_collection(DOCS)
            store.define_collection(UNSEARCHED)
        return stores

    yield build
    for store in made:
        store.close()


@pytest.fixture
def make_store(make_stores):
    return lambda: make_stores()[0]


texts = st.text(alphabet=ALPHABET, max_size=12)
# Texts several documents share (the index keeps each distinct field text once, with its holders:
# a text passes from one holder to several and back, and is forgotten with its last), and texts
# with nulls inside (more field texts than search fields).
SHARED_TEXTS = [
    "Відповідальний 1",
    "Відповідальний 12",
    "STRASSE 1",
    "straße",
    "abcdabcd",
    "abcd",
    "a\x00bcde\x00f\x00g",
]
values = st.one_of(
    texts,
    st.none(),
    st.sampled_from([0, 12, 1.5, False, True, "", ["a", "ß"]]),
    st.sampled_from(SHARED_TEXTS),
)
documents = st.builds(
    lambda key, total, who, note: {"id": key, "total": total, "who": who, "note": note},
    st.sampled_from([f"k{n}" for n in range(12)] + ["KSS", "kß", "K İ"]),
    st.one_of(st.none(), st.integers(-50, 50).map(str)),
    values,
    values,
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), st.lists(documents, min_size=1, max_size=8)),
        st.tuples(st.just("delete"), st.lists(st.sampled_from([f"k{n}" for n in range(12)]), max_size=3)),
        st.tuples(st.just("query"), st.none()),
        st.tuples(st.just("reset"), st.none()),
    ),
    min_size=1,
    max_size=14,
)


def search_from(data: st.DataObject, stored: list[dict[str, Any]]) -> str | None:
    """A search: free text, or pieces cut from stored texts (case changed), joined by separators."""
    pieces = []
    for _ in range(data.draw(st.integers(0, 3), label="terms")):
        doc = data.draw(st.sampled_from(stored)) if stored else {}
        source = str(doc.get(data.draw(st.sampled_from(DOCS.search_fields))) or "")
        if source and data.draw(st.booleans()):
            start = data.draw(st.integers(0, len(source) - 1))
            piece = source[start : start + data.draw(st.integers(1, 6))]
            if data.draw(st.booleans()):  # glued to a piece of another text: its grams are stored
                other = str(doc.get(data.draw(st.sampled_from(DOCS.search_fields))) or "")
                piece += other[: data.draw(st.integers(0, 5))]
            piece = data.draw(st.sampled_from([piece, piece.upper(), piece.lower(), piece.swapcase()]))
        else:
            piece = data.draw(texts)
        pieces.append(piece)
    separators = st.sampled_from([" ", ",", " , ", "\t", "\x00", "\u00a0", ""])
    joined = "".join(piece + data.draw(separators) for piece in pieces)
    return data.draw(st.sampled_from([joined, None, "", " , "])) if not pieces else joined


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=operations, data=st.data())
def test_search_through_the_index_is_the_scan(make_stores, history, data):
    stores = make_stores()
    pick = lambda: data.draw(st.sampled_from(stores), label="process")  # noqa: E731
    for verb, argument in history:
        if verb == "upsert":
            pick().upsert_documents("t", "docs", argument)
            pick().upsert_documents("t", "plain", [{"id": doc["id"]} for doc in argument])
        elif verb == "delete":
            pick().delete_documents("t", "docs", argument)
        elif verb == "reset":
            pick().reset("t")
        for _ in range(2 if verb == "query" else 1):
            check_queries(pick(), data)


def check_queries(store, data: st.DataObject) -> None:
    ordering = data.draw(st.sampled_from(ORDERINGS), label="ordering")
    everything = store.query_documents("t", "docs", ordering=ordering).documents
    # Terms every key or some keys hold, often: a search that matches pages through the ordering
    # (on Redis: a process's ranking, brought up to date after writes).
    search = (
        data.draw(st.sampled_from(["K", "k1", "1"]))
        if data.draw(st.booleans())
        else search_from(data, everything)
    )
    offset = data.draw(st.one_of(st.just(0), st.integers(0, 12)), label="offset")
    limit = data.draw(st.one_of(st.none(), st.integers(0, 6)), label="limit")
    expected = scan(everything, DOCS.search_fields, search)
    found = store.query_documents("t", "docs", ordering=ordering, search=search, offset=offset, limit=limit)
    end = None if limit is None else offset + limit
    assert (found.count, [doc["id"] for doc in found.documents]) == (len(expected), expected[offset:end]), (
        search,
        ordering,
    )
    # A collection without search fields: any term matches nothing, as the scan's empty text.
    plain = store.query_documents("t", "plain").documents
    assert store.query_documents("t", "plain", search=search).count == len(scan(plain, (), search))


def test_a_term_every_document_holds_and_one_none_holds_at_scale():
    """Many documents (past the real block and result sizes): the answers stay the scan's."""
    index_module.BLOCK, index_module.SMALL_RESULT = 1024, 2048  # the real sizes, restored by monkeypatch
    store = MemoryStore()
    store.define_collection(DOCS)
    docs = [
        {"id": f"B{n:05d}", "total": str(n % 97), "who": f"Відповідальний {n % 37}", "note": None}
        for n in range(6000)
    ]
    store.upsert_documents("t", "docs", docs)
    store.delete_documents("t", "docs", [f"B{n:05d}" for n in range(0, 6000, 7)])
    store.upsert_documents("t", "docs", [{**docs[14], "who": "Інший"}])
    for ordering in ([], ["-total"]):
        everything = store.query_documents("t", "docs", ordering=ordering).documents
        for search in ("b0", "відповідальний", "ВІДПОВІДАЛЬНИЙ 3", "0000000", "b00, 1", "нший", "zz"):
            expected = scan(everything, DOCS.search_fields, search)
            for offset in (0, 100, 2500, len(expected) - 5):
                found = store.query_documents(
                    "t", "docs", ordering=ordering, search=search, offset=max(0, offset), limit=100
                )
                assert found.count == len(expected)
                assert [d["id"] for d in found.documents] == expected[max(0, offset) : max(0, offset) + 100]


@pytest.mark.parametrize(
    ("stored", "search", "found"),
    [
        ("abcXbcd", "abcd", False),  # every trigram of the term stored, the term not
        ("abcd", "ABCD", True),
        ("Straße", "STRASSE", True),  # ß casefolds to ss
        ("STRASSE", "straß", True),
        ("ﬁle", "FI", True),  # ﬁ casefolds to fi
        ("ὈΔΥΣΣΕΎΣ", "ὀδυσσεύς", True),  # final sigma
        ("İstanbul", "i̇st", True),  # İ casefolds to two code points
        ("ab", "abc", False),
        ("a b", "a,b", True),  # two terms
        ("ab", "a\x00b", True),  # the null is dropped: one term "ab"
    ],
)
def test_the_index_at_its_edges(make_store, stored, search, found):
    store = make_store()
    store.upsert_documents("t", "docs", [{"id": "k1", "total": "1", "who": stored, "note": "x"}])
    store.upsert_documents("t", "docs", [{"id": "k2", "total": "1", "who": "zzzzzz", "note": "y"}])
    expected = scan(store.query_documents("t", "docs").documents, DOCS.search_fields, search)
    assert expected == (["k1"] if found else [])
    assert [d["id"] for d in store.query_documents("t", "docs", search=search).documents] == expected


def test_a_redis_process_ranking_follows_writes_from_another(redis_url):
    """On Redis, a process keeps each ordering's ranking and, after writes (here by another
    process), moves only the keys written since, or reads the set whole past _MOVES_AT_MOST:
    every ordered search then pages as the memory store does, through inserts, replacements
    that move a key, deletes of keys and a reset."""

    draw = random.Random(14)
    reader, writer = RedisStore(redis_url), RedisStore(redis_url)
    memory = MemoryStore()
    try:
        for store in (reader, writer, memory):
            store.define_collection(DOCS)
        for step in range(120):
            if step == 80:
                for store in (writer, memory):
                    store.reset("t")
            batch = [
                {
                    "id": f"k{draw.randrange(40)}",
                    "total": str(draw.randrange(-9, 9)),
                    "who": draw.choice("abc"),
                }
                for _ in range(draw.choice([1, 1, 2, 5]))
            ]
            doomed = [f"k{draw.randrange(40)}" for _ in range(draw.choice([0, 0, 1, 3]))]
            for store in (writer, memory):
                store.upsert_documents("t", "docs", batch)
                store.delete_documents("t", "docs", doomed)
            for ordering in ([], ["total"], ["-who"], ["-id"]):
                search, offset = draw.choice(["k", "k1", "a"]), draw.choice([0, 0, 2, 7])
                expected = memory.query_documents(
                    "t", "docs", ordering=ordering, search=search, offset=offset, limit=4
                )
                found = reader.query_documents(
                    "t", "docs", ordering=ordering, search=search, offset=offset, limit=4
                )
                assert (found.count, found.documents) == (expected.count, expected.documents), (
                    step,
                    ordering,
                )
    finally:
        reader.close()
        writer.close()
