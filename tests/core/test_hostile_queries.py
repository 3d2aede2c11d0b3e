"""Unicode and other hostile values never break a query or a lookup: every declared query parameter
of every collection's list, and every path parameter of its detail and nested item paths, answers
as DRF does (Django's `int()` reading of page numbers, `_positive_int(strict=True, cutoff)` for
page sizes, OrderingFilter ignoring what is not a field, SearchFilter's terms), never 500, on the
memory store and on a real redis-server.

The collections and their parameters come from the specs; the expected answer of a hostile value is
the fake's own answer to the value DRF reads it as (`?page=٣` is `?page=3`, `?page_size=³` is no
page size, `?ordering=--name` no ordering), so each parameter's reading is checked, not its data."""

import re
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import httpx
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

warnings.filterwarnings("ignore", category=DeprecationWarning)
from starlette.testclient import TestClient  # noqa: E402

from mockserver.apis import spec_path  # noqa: E402
from mockserver.app import create_app  # noqa: E402
from mockserver.settings import Settings  # noqa: E402
from mockserver.spec.collections import CollectionDeclaration, read_collections  # noqa: E402
from mockserver.spec.loader import load_spec  # noqa: E402
from mockserver.store.documents import ordering_field  # noqa: E402
from tests.conftest import DATAWIZ_BEARER  # noqa: E402
from tests.live_server import live_server  # noqa: E402
from tests.redis_server import fresh_redis_store  # noqa: E402

# Its tests share module-scoped state: under xdist (--dist loadgroup) they run on one worker.
pytestmark = pytest.mark.xdist_group(__name__)

SPEC = load_spec(spec_path("datawiz"))
COLLECTIONS = {d.name: d for d in read_collections(SPEC)}
H = DATAWIZ_BEARER
INVALID_PAGE = {"detail": "Invalid page."}
NOT_FOUND = {"detail": "Not found."}
_PARAM = re.compile(r"{([^}]+)}")


def _query_parameters(declaration: CollectionDeclaration) -> list[str]:
    item = next(i for i in SPEC.path_items if i.path == declaration.list_path)
    operation = item.operations["GET"]
    return [p["name"] for p in operation.definition.get("parameters", []) if p.get("in") == "query"]


LIST_PARAMETERS = [(name, p) for name, d in COLLECTIONS.items() for p in _query_parameters(d)]
LOOKUP_PATHS = [
    (name, path)
    for name, d in COLLECTIONS.items()
    for path in [d.detail_path, *(n.detail_path for n in d.nested.values())]
    if path is not None
]

# Text a client may send: every kind of digit Python's str.isdigit() or int() knows, signs, white
# space of every script, controls (NUL), lone surrogates (sent as the bytes UTF-8 would give
# them, which no UTF-8 decoder accepts), and values far longer than any page number.
NOTABLE = [
    "³", "٣", "３", "١٠", "²⁰", "½", "Ⅻ", "①", "𝟗", "߂",
    "+1", "-1", "-0", "0", "00", " 1 ", "\u30002\u3000", "\t3\n", "1_0", "1e3", "0x1", "1.0", "1,2",
    "last", "LAST", "", "\x00", "1\x00", "\ud800", "\udfff1", "-", "--", ",", "?",
    "9" * 5000, "1" * 4300, "٣" * 2000, "x" * 3000,
]  # fmt: skip
# Escapes as a client may write them: invalid UTF-8 (the CESU form of surrogates, an overlong
# NUL, a lone byte), an escaped NUL, half escapes, and the separators of the query itself.
RAW_ESCAPES = [
    "%ED%A0%80",
    "%ED%BF%BF",
    "%uD800",
    "%C0%80",
    "%00",
    "%FF",
    "%",
    "%2",
    "+",
    "%2B",
    "%2C",
    "%20",
]
CHARACTERS = st.characters(categories=("Nd", "No", "Nl", "Zs", "Cc", "Cs", "Pd", "Sm", "Ll", "Lu"))


def _encoded(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


PIECE = st.one_of(
    st.sampled_from(NOTABLE).map(_encoded),
    st.text(CHARACTERS, max_size=6).map(_encoded),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(RAW_ESCAPES),
)
RAW_VALUE = st.lists(PIECE, max_size=4).map("".join)


def _as_field_terms(declaration: CollectionDeclaration) -> st.SearchStrategy[str]:
    """Ordering values mixing the collection's own fields with hostile text around them."""
    fields = sorted(declaration.ordering) or ["name"]
    term = st.one_of(
        st.sampled_from(fields),
        st.sampled_from(fields).map(lambda f: f"-{f}"),
        st.sampled_from(fields).map(lambda f: f"--{f}"),
        st.sampled_from(fields).map(lambda f: f"\u3000{f} "),
        st.sampled_from(fields).map(lambda f: f"{f}\x00"),
        st.sampled_from(NOTABLE[:12]),
    )
    return st.lists(term.map(_encoded), max_size=3).map(lambda t: "%2C".join(t))


def _received(client: TestClient, path: str, raw_query: str) -> tuple[str, str]:
    """The query as the server receives it (the HTTP client's own normalisation applied) and the
    parameter's value as Django's QueryDict decodes it (UTF-8, undecodable bytes replaced)."""
    sent = httpx.URL(f"{client.base_url}{path}?{raw_query}").query.decode("ascii")
    value = dict(parse_qsl(sent, keep_blank_values=True)).get(raw_query.split("=", 1)[0], "")
    return sent, value


def drf_reading(declaration: CollectionDeclaration, parameter: str, value: str) -> dict[str, str] | None:
    """The plain query DRF reads `parameter=value` as; None when DRF answers 404 "Invalid page."."""
    if parameter == "page":
        if value in ("", "last"):  # `query_params.get("page") or 1`; the last page by name
            return {"page": value} if value else {}
        try:  # Django's Paginator.validate_number
            number = int(value)
        except ValueError:
            return None
        return {"page": str(number)} if number >= 1 else None
    if parameter == "page_size":
        try:  # DRF's _positive_int(strict=True, cutoff=max_page_size); the default otherwise
            size = int(value)
        except ValueError:
            return {}
        return {"page_size": str(min(size, declaration.max_page_size))} if size > 0 else {}
    if parameter == "ordering":
        terms = [term.strip() for term in value.split(",")]
        known = [term for term in terms if ordering_field(term) in declaration.ordering]
        return {"ordering": ",".join(known)} if known else {}
    if parameter == "search":  # DRF 3.14's SearchFilter (specs/decisions/drf-fidelity.md)
        terms = value.replace("\x00", "").replace(",", " ").split()
        return {"search": " ".join(terms)} if terms else {}
    raise AssertionError(f"no DRF reading of ?{parameter}= in this test: add one")


def _page(answer: httpx.Response) -> Any:
    body = answer.json()
    return body["count"], body["results"]


def check_query(client: TestClient, name: str, parameter: str, raw: str) -> None:
    declaration = COLLECTIONS[name]
    path = declaration.list_path
    sent, value = _received(client, path, f"{parameter}={raw}")
    answer = client.get(f"{path}?{sent}", headers=H)
    assert answer.status_code != 500, (path, sent, answer.text)
    if parameter == "format":  # DRF's URL_FORMAT_OVERRIDE: an unknown format is a 404
        if value in ("", "json"):
            assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        elif value == "api":
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        else:
            assert (answer.status_code, answer.json()) == (404, NOT_FOUND), (sent, value)
        return
    reading = drf_reading(declaration, parameter, value)
    if reading is None:
        assert (answer.status_code, answer.json()) == (404, INVALID_PAGE), (sent, value)
        return
    plain = client.get(path, params=reading, headers=H)
    assert answer.status_code == plain.status_code, (sent, value, reading, answer.text)
    if plain.status_code == 200:
        assert _page(answer) == _page(plain), (sent, value, reading)
    else:
        assert answer.json() == plain.json()


def _segments(path: str) -> re.Pattern[str]:
    """A path template as a pattern over raw (still escaped) paths, one group per parameter."""
    parts = _PARAM.split(path)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else "([^/]*)" for i, p in enumerate(parts)) + r"\Z")


def real_lookup(client: httpx.Client, name: str, path: str) -> list[str] | None:
    """The path parameters of a real object's own URL (raw, as its `url` spells them), or None
    when the collection shows no object with a `url` (its lookups are then all hostile)."""
    first = client.get(COLLECTIONS[name].list_path, params={"page_size": 1}).json()["results"]
    own = re.sub(r"^https?://[^/]+", "", first[0]["url"]) if first and "url" in first[0] else ""
    found = _segments(path).match(own) if own else None
    return list(found.groups()) if found else None


def check_lookup(client: httpx.Client, path: str, real: list[str] | None, position: int, raw: str) -> None:
    """A detail or nested item URL with one hostile lookup value, the others those of a real
    object: 404 with DRF's body (or the object, for a value that is its key), never 500."""
    pattern = _segments(path)
    parts = list(real) if real else ["missing"] * path.count("{")
    parts[position] = raw
    url = _PARAM.sub(lambda m, it=iter(parts): next(it), path)
    sent = httpx.URL(str(client.base_url).rstrip("/") + url).raw_path.decode("ascii")
    answer = client.get(url)
    assert answer.status_code in (200, 404), (sent, answer.status_code, answer.text)
    if answer.status_code == 404 and answer.headers.get("content-type") == "application/json":
        assert answer.json() == NOT_FOUND, (sent, answer.text)
    arrived = pattern.match(sent)
    if arrived is None:  # the client itself rewrote the path (dot segments): nothing more to say
        return
    value = unquote(arrived.group(position + 1), errors="replace")
    own = unquote(real[position]) if real else None
    if value == own or not re.fullmatch(r"[^/.]+", value):
        return
    # A value DRF's router captures as a lookup: the object with that key, else 404 "Not found."
    if answer.status_code == 200:
        shown = pattern.match(re.sub(r"^https?://[^/]+", "", answer.json().get("url") or ""))
        assert shown is None or unquote(shown.group(position + 1)) == value, (sent, answer.text)
    else:
        assert answer.json() == NOT_FOUND, (sent, value)


def hostile(examples: int) -> settings:
    """`examples` drawn values besides the fixed ones; none drawn: the fixed ones alone."""
    phases = list(Phase) if examples else [Phase.explicit]
    return settings(
        max_examples=max(examples, 1), phases=phases, deadline=None, suppress_health_check=list(HealthCheck)
    )


FIXED = [_encoded(text) for text in ("³", "٣", " ３ ", "-1", "+2", "\x00", "\ud800", "9" * 5000)]
FIXED.append("%ED%A0%80")  # a lone surrogate as a client escapes it (no UTF-8 decoder accepts it)


def every_time(**others: int) -> Any:
    """The values each parameter meets on every run, whatever hypothesis draws besides."""

    def with_examples(test: Any) -> Any:
        for raw in FIXED:
            test = example(raw=raw, **others)(test)
        return test

    return with_examples


# Values are drawn on the memory store; Redis (a round trip per request) meets the fixed ones.
STORES = {"memory": 4, "redis": 0}


@pytest.fixture(scope="module", params=sorted(STORES))
def served(request: pytest.FixtureRequest) -> Iterator[tuple[TestClient, str, int]]:
    """The fake on one store, in-process (queries) and over a socket (paths: the test client
    would decode a path twice), with how many values to draw per parameter."""
    store = fresh_redis_store() if request.param == "redis" else None
    app = create_app(Settings(validate_responses=True), store=store)
    with TestClient(app) as client, live_server(app) as base:
        yield client, base, STORES[request.param]
    if store is not None:
        store.close()


@pytest.mark.parametrize(("name", "parameter"), LIST_PARAMETERS)
def test_every_list_parameter_reads_hostile_values_as_drf(served, name, parameter):
    client, _, examples = served
    values = _as_field_terms(COLLECTIONS[name]) if parameter == "ordering" else RAW_VALUE

    @hostile(examples)
    @every_time()
    @given(raw=st.one_of(values, RAW_VALUE))
    def run(raw: str) -> None:
        check_query(client, name, parameter, raw)

    run()


@pytest.mark.parametrize(("name", "path"), LOOKUP_PATHS)
def test_every_lookup_reads_hostile_values_as_drf(served, name, path):
    _, base, examples = served
    with httpx.Client(base_url=base, headers=H) as client:
        real = real_lookup(client, name, path)

        @hostile(examples)
        @every_time(position=path.count("{") - 1)
        @given(raw=RAW_VALUE, position=st.integers(0, path.count("{") - 1))
        def run(raw: str, position: int) -> None:
            check_lookup(client, path, real, position, raw)

        run()
