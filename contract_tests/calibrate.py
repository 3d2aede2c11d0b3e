"""`mockserver calibrate`: a few safe probes decide, for every knob a profile names
(mockserver/profile.py), which variant a deployment shows, with the evidence; then the same probes
go to the fake in-process, without and with the profile, so the profile's worth is a figure (the
fidelity table: per operation, the probes the fake answers identically before and after).

Read-only: a list without ?page_size= (the default page), an unknown object's detail (the 404
text), a held object's detail (its Allow: instance_allow), OPTIONS of a list (decimal details); with --allow-writes also `[{}]` posted where the spec
requires fields (the list errors' shape: refused, it stores nothing) and one object of the run
(`ct-<run>-`, as the contract suite writes them: the upload answer's shape). `verify --profile` runs the same probes and judges
the deployment against the profile it was calibrated to (profile_failures)."""

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from contract_tests.collection_http import detail_path
from contract_tests.findings import Failure
from contract_tests.target import Credentials, Target, in_process_target
from mockserver.drf.serializer import drf_type, is_nullable
from mockserver.profile import (
    AUTH_CHALLENGES,
    FORMAT,
    INSTANCE_ALLOW,
    NOT_FOUND_MODEL,
    NOT_FOUND_SHORT,
    check_document,
    profile_from,
    upload_answer_shape,
)
from mockserver.spec.collections import CollectionDeclaration

_MODEL_TEXT = re.compile(r"^No (\w+) matches the given query\.$")
FAKE_TOKEN = "calibrate-token"
# Appended to the last part of a known key: an absent object whose key is still well formed (a
# composite key keeps its parts and each part its type), so the deployment looks it up and
# answers its 404 for a missing object rather than for a malformed key.
ABSENT = "9999"


@dataclass
class Probe:
    """One request and what of its answer is judged (`excerpt`: the same for the deployment and
    the fake when they behave alike, whatever data each holds)."""

    operation: str  # METHOD and path template: the fidelity table's row
    method: str
    url: str
    excerpt: Callable[[httpx.Response], Any]
    body: Any = None  # a JSON body (the write probes), or a form's fields (`form`)
    answer: httpx.Response | None = field(default=None, repr=False)
    form: bool = False  # the body sent form-encoded, as an HTML form posts it
    anonymous: bool = False  # sent without credentials

    def request_line(self) -> str:
        if self.body is None:
            return f"{self.method} {self.url}"
        sent = urlencode(self.body) if self.form else json.dumps(self.body)
        return f"{self.method} {self.url} {sent}"

    def sent(self) -> dict[str, Any]:
        """The keyword arguments of the body, for Target.api_call."""
        if self.body is None:
            return {}
        return {"data": self.body} if self.form else {"json": self.body}

    def evidence(self, excerpt: Any = None) -> dict[str, Any]:
        assert self.answer is not None
        shown = self.excerpt(self.answer) if excerpt is None else excerpt
        return {"request": self.request_line(), "status": self.answer.status_code, "excerpt": shown}


def _json(answer: httpx.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None


def _page_excerpt(answer: httpx.Response) -> Any:
    """The default page's size, once a full page shows it (a next page exists); else None."""
    body = _json(answer)
    if answer.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("results"), list):
        return {"status": answer.status_code}
    return {"page_size": len(body["results"]) if body.get("next") else None}


def _full_excerpt(answer: httpx.Response) -> Any:
    return {"status": answer.status_code, "body": _json(answer)}


def _decimal_infos(value: Any) -> list[dict[str, Any]]:
    """Every OPTIONS field info typed decimal, however deep."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if value.get("type") == "decimal":
            found.append(value)
        for inner in value.values():
            found += _decimal_infos(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _decimal_infos(inner)
    return found


@dataclass
class Calibration:
    """The probes of one API and what they decided."""

    api: str
    probes: list[Probe] = field(default_factory=list)
    knobs: dict[str, Any] = field(default_factory=dict)
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)
    not_deployed: list[str] = field(default_factory=list)  # lists answering 404 without a DRF body

    def document(self, deployment: str) -> dict[str, Any]:
        return {
            "mockserver_profile": FORMAT,
            "api": self.api,
            "deployment": deployment,
            "calibrated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "knobs": self.knobs,
            "collections": self.collections,
            "not_deployed": self.not_deployed,
        }


def _absent_key(collection: CollectionDeclaration, item: Any) -> str | None:
    if not isinstance(item, dict) or any(item.get(name) is None for name in collection.key):
        return None
    return collection.key_of(item) + ABSENT


def probes_of(collection: CollectionDeclaration, first: Any) -> list[Probe]:
    """The read-only probes of one collection; `first`: an object it holds, whose key made
    absent is the unknown object asked for (no such probe without one)."""
    asked = collection.max_page_size + 1
    beyond = f"{collection.list_path}?page_size={asked}"
    probes = [
        Probe(f"GET {collection.list_path}", "GET", collection.list_path, _page_excerpt),
        Probe(f"OPTIONS {collection.list_path}", "OPTIONS", collection.list_path, _full_excerpt),
        Probe(f"GET {collection.list_path}", "GET", beyond, _cap_excerpt(asked)),
    ]
    key = _absent_key(collection, first) if collection.detail_path is not None else None
    if key is not None:
        url = detail_path(collection, key)
        probes.append(Probe(f"GET {collection.detail_path}", "GET", url, _full_excerpt))
        # The same view's Allow, read from a GET of the object held (instance_allow).
        held = detail_path(collection, collection.key_of(first))
        probes.append(Probe(f"GET {collection.detail_path}", "GET", held, _allow_excerpt))
    return probes


def _cap_excerpt(asked: int) -> Callable[[httpx.Response], Any]:
    """The page a size beyond the declared cap got: its size when that is a cap (fewer objects
    than both the size asked and the count), else None."""

    def capped(answer: httpx.Response) -> Any:
        body = _json(answer)
        if (
            answer.status_code != 200
            or not isinstance(body, dict)
            or not isinstance(body.get("results"), list)
        ):
            return {"status": answer.status_code}
        shown, count = len(body["results"]), body.get("count")
        return {"capped at": shown if isinstance(count, int) and shown < min(asked, count) else None}

    return capped


def _max_page_size(probe: Probe, collection: CollectionDeclaration) -> dict[str, Any]:
    """The largest page a ?page_size= gets, when a page asked beyond the declared cap shows it."""
    assert probe.answer is not None
    excerpt = probe.excerpt(probe.answer)
    if "capped at" not in excerpt:
        return {"undecided": f"{probe.request_line()} answered {probe.answer.status_code}, not a page"}
    if excerpt["capped at"] is not None:
        body = _json(probe.answer)
        return {
            "value": excerpt["capped at"],
            "evidence": probe.evidence({**excerpt, "count": body.get("count")}),
        }
    body = _json(probe.answer)
    shown, count = len(body["results"]), body.get("count")
    if shown > collection.max_page_size:
        return {
            "undecided": f"a page of {shown} came back: no cap up to {shown} (the fake keeps its declared {collection.max_page_size})"
        }
    return {
        "undecided": f"the collection holds {count} objects, no more than the page asked "
        f"(the fake keeps its declared {collection.max_page_size})"
    }


def _allow_excerpt(answer: httpx.Response) -> Any:
    allow = answer.headers.get("allow")
    return {
        "allow": None if allow is None else sorted(m.strip().upper() for m in allow.split(",") if m.strip())
    }


def _instance_allow(probe: Probe) -> dict[str, Any]:
    """The variant whose methods the held object's Allow lists (any order), or why none."""
    assert probe.answer is not None
    methods = probe.excerpt(probe.answer)["allow"]
    if probe.answer.status_code != 200 or methods is None:
        return {
            "undecided": f"{probe.request_line()} answered {probe.answer.status_code} without Allow"
            if methods is None
            else f"{probe.request_line()} answered {probe.answer.status_code}"
        }
    for variant, header in INSTANCE_ALLOW.items():
        if sorted(m.strip() for m in header.split(",")) == methods:
            return {"value": variant, "evidence": probe.evidence()}
    return {"undecided": f"Allow: {', '.join(methods)} is none of the variants ({', '.join(INSTANCE_ALLOW)})"}


WHOLE_PAGE = 1000  # ?page_size= of an ordering probe: the whole collection in one page, if it fits


def _field_values(name: str) -> Callable[[httpx.Response], Any]:
    def excerpt(answer: httpx.Response) -> Any:
        body = _json(answer)
        results = body.get("results") if answer.status_code == 200 and isinstance(body, dict) else None
        if not isinstance(results, list):
            return {"status": answer.status_code}
        return {"values": [item.get(name) if isinstance(item, dict) else None for item in results]}

    return excerpt


def ordering_probes(collection: CollectionDeclaration) -> dict[str, tuple[Probe, Probe]]:
    """For each ordering field the project decided (no source names it): the whole list by it,
    ascending and descending."""
    probes = {}
    for name in collection.ordering:
        if collection.provenance.of("ordering", name).decided:
            probes[name] = tuple(
                Probe(
                    f"GET {collection.list_path}",
                    "GET",
                    f"{collection.list_path}?ordering={sign}{name}&page_size={WHOLE_PAGE}",
                    _field_values(name),
                )
                for sign in ("", "-")
            )
    return probes  # type: ignore[return-value]


def _orders_by(pair: tuple[Probe, Probe]) -> bool | str:
    """True: the answers are the collection by the field both ways; False: the field is ignored
    (the same order both ways though its values differ); else why it cannot be told."""
    ascending, descending = (probe.excerpt(probe.answer) for probe in pair if probe.answer is not None)
    up, down = ascending.get("values"), descending.get("values")
    body = _json(pair[0].answer) if pair[0].answer is not None else None
    if up is None or down is None:
        return "the list did not answer a page"
    if isinstance(body, dict) and body.get("next"):
        return f"more objects than one page of {len(up)}: the order of the whole cannot be seen"
    if len({json.dumps(value) for value in up}) < 2:
        return "fewer than two distinct values: any order is that order"
    if up == list(reversed(down)):
        return True
    keys = [[json.dumps(item, sort_keys=True) for item in _json(p.answer)["results"]] for p in pair]  # type: ignore[index]
    return False if keys[0] == keys[1] else "neither the field's order nor the same order both ways"


_WORDS = re.compile(r"[\s,\"]+")  # how SearchFilter splits terms (3.14 and 3.15+ alike for one word)


def _texts(item: dict[str, Any], skip: str | None = None) -> list[str]:
    """An object's other fields as text, its hyperlinks left out (a link repeats the key, and
    DRF's SearchFilter searches model fields, never the url the serializer reverses)."""
    return [
        json.dumps(value, ensure_ascii=False).lower()
        for name, value in item.items()
        if name != skip and not (isinstance(value, str) and value.startswith(("http://", "https://")))
    ]


def search_word(objects: list[dict[str, Any]], field_name: str) -> tuple[dict[str, Any], str] | None:
    """An object and a word of its `field_name` that no other field of any object holds: found
    by ?search= only if the deployment searches that field."""
    for item in objects:
        value = item.get(field_name)
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        for word in sorted(_WORDS.split(str(value)), key=len, reverse=True):
            if len(word) < 2 or "\x00" in word:
                continue
            needle = json.dumps(word, ensure_ascii=False).lower()[1:-1]
            if not any(needle in text for other in objects for text in _texts(other, field_name)):
                return item, word
    return None


def search_probes(collection: CollectionDeclaration, objects: list[dict[str, Any]]) -> dict[str, Any]:
    """For each search field the project decided: a probe for a word only it holds, with the
    object that holds it; or why there is none."""
    probes: dict[str, Any] = {}
    for name in collection.search:
        if not collection.provenance.of("search", name).decided:
            continue
        found = search_word(objects, name)
        if found is None:
            probes[name] = f"no object holds a word in {name} that no other field holds"
            continue
        item, word = found
        url = f"{collection.list_path}?search={quote(word)}&page_size={WHOLE_PAGE}"
        probes[name] = (Probe(f"GET {collection.list_path}", "GET", url, _found_keys(collection)), item)
    return probes


def _found_keys(collection: CollectionDeclaration) -> Callable[[httpx.Response], Any]:
    def excerpt(answer: httpx.Response) -> Any:
        body = _json(answer)
        results = body.get("results") if answer.status_code == 200 and isinstance(body, dict) else None
        if not isinstance(results, list):
            return {"status": answer.status_code}
        return {
            "found": sorted(
                collection.key_of(r) for r in results if isinstance(r, dict) and _has_key(collection, r)
            )
        }

    return excerpt


def _has_key(collection: CollectionDeclaration, item: dict[str, Any]) -> bool:
    return all(item.get(name) is not None for name in collection.key)


def _search_fields(collection: CollectionDeclaration, probes: dict[str, Any]) -> dict[str, Any]:
    """The declared search fields the deployment searches: the decided ones as probed, the
    documented ones as documented; undecided when a decided one cannot be told."""
    searched = [name for name in collection.search if name not in probes]
    verdicts = {}
    first: Probe | None = None
    for name, probe_or_reason in probes.items():
        if isinstance(probe_or_reason, str):
            return {"undecided": probe_or_reason}
        probe, item = probe_or_reason
        found = probe.excerpt(probe.answer).get("found") if probe.answer is not None else None
        if found is None:
            return {
                "undecided": f"{probe.request_line()} answered {probe.answer.status_code if probe.answer else '-'}"
            }
        verdicts[name] = collection.key_of(item) in found
        if verdicts[name]:
            searched.append(name)
        first = first or probe
    assert first is not None and first.answer is not None
    return {
        "value": [name for name in collection.search if name in searched],
        "evidence": {
            "request": first.request_line(),
            "status": first.answer.status_code,
            "excerpt": verdicts,
        },
    }


def send(target: Target, probes: list[Probe]) -> None:
    for probe in probes:
        probe.answer = answer_of(target, probe)


def answer_of(target: Target, probe: Probe) -> httpx.Response:
    if probe.anonymous:
        return target.request(probe.method, probe.url, **probe.sent())
    return target.api_call(probe.method, probe.url, **probe.sent())


_PHRASE = re.compile(r"[^\s,'\"]+ [^\s,'\"]+")  # two words, one space: no quote, no comma


def phrase_in(collection: CollectionDeclaration, answer: httpx.Response | None) -> str | None:
    """Two words, as one search field of an object of a page shows them: a quoted phrase found
    only where DRF reads quoted phrases (3.15+); 3.14 looks for `"word` and `word"`."""
    body = _json(answer) if answer is not None and answer.status_code == 200 else None
    for item in body.get("results") or [] if isinstance(body, dict) else []:
        for name in collection.search:
            value = item.get(name) if isinstance(item, dict) else None
            found = _PHRASE.search(value) if isinstance(value, str) else None
            if found is not None:
                return found[0]
    return None


def _found_any(answer: httpx.Response) -> Any:
    body = _json(answer)
    count = body.get("count") if answer.status_code == 200 and isinstance(body, dict) else None
    return {"status": answer.status_code, "found": None if count is None else count > 0}


def _search_terms(probe: Probe) -> dict[str, Any]:
    """How SearchFilter reads ?search=, from two words of an object's search field searched as a
    quoted phrase: found (DRF 3.15+: "phrases") or not (3.14: the quotes are part of the words)."""
    assert probe.answer is not None
    found = probe.excerpt(probe.answer)["found"]
    if found is None:
        return {"undecided": f"{probe.request_line()} answered {probe.answer.status_code}, not a page"}
    return {"value": "phrases" if found else "words", "evidence": probe.evidence()}


def _challenge_excerpt(answer: httpx.Response) -> Any:
    return {"status": answer.status_code, "WWW-Authenticate": answer.headers.get("www-authenticate")}


def _auth_challenge(probe: Probe) -> dict[str, Any]:
    """The first authentication class, from the answer to a request without credentials: its
    challenge's scheme, or a 403 without one (SessionAuthentication)."""
    assert probe.answer is not None
    shown = _challenge_excerpt(probe.answer)
    header, status = shown["WWW-Authenticate"], shown["status"]
    scheme = (header or "").partition(" ")[0].lower()
    for first_class, challenge in AUTH_CHALLENGES.items():
        if (challenge is None and status == 403 and header is None) or (
            challenge is not None and status == 401 and scheme == challenge.partition(" ")[0].lower()
        ):
            return {"value": first_class, "evidence": probe.evidence()}
    return {
        "undecided": f"{probe.request_line()} without credentials answered {status}, WWW-Authenticate {header!r}"
    }


def refused_upload(target: Target, deployed: list[CollectionDeclaration]) -> Probe | None:
    """The list-errors probe (--allow-writes): `[{}]` posted to the first deployed collection whose
    upload requires a field, so a deployment keeping its spec refuses it and stores nothing."""
    for collection in deployed:
        if collection.stored_schema.get("required") and any(
            operation.method == "POST" and operation.path == collection.list_path
            for operation in collection.operations(target.facts.spec).values()
        ):
            return Probe(f"POST {collection.list_path}", "POST", collection.list_path, _full_excerpt, [{}])
    return None


def _names_another_object(collection: CollectionDeclaration) -> bool:
    """Whether an object of the collection names one of another (a reference or a link): the
    in-process fake, holding none of the deployment's objects, would refuse the same body."""
    if any(link.source_fields for link in collection.hyperlinks):
        return True
    return "exists_in" in json.dumps(collection.input_schema)


def object_maker(target: Target, run_id: str | None) -> tuple[Any, str]:
    """The contract suite's ObjectMaker for one run of calibrate (--allow-writes), and the run's
    prefix (`ct-<run>-`): every object calibrate writes belongs to that run."""
    from contract_tests.context import Context, RunOptions
    from contract_tests.objects import ObjectMaker
    from contract_tests.report import Report

    options = (
        RunOptions(allow_writes=True) if run_id is None else RunOptions(allow_writes=True, run_id=run_id)
    )
    ctx = Context(target, options, Report(target.api, target.base_url, "calibrate"))
    return ObjectMaker(ctx), options.prefix


def accepted_upload(maker: Any, prefix: str, deployed: list[CollectionDeclaration]) -> Probe | None:
    """The upload-answer probe (--allow-writes): one object of the run, as the contract suite
    makes it (its key and texts start with the run prefix `ct-<run>-`), posted to the first
    deployed collection taking uploads whose objects name no other object; read back, and left
    as the suite leaves what it writes."""
    from contract_tests.objects import CannotWrite

    for collection in deployed:
        if not collection.takes_uploads or _names_another_object(collection):
            continue
        try:
            made = maker.make(collection, f"{prefix}calibrate-")
        except CannotWrite:
            continue
        return Probe(f"POST {collection.list_path}", "POST", collection.list_path, _upload_shape, [made])
    return None


def _stands_alone(collection: CollectionDeclaration) -> bool:
    """Whether the collection takes uploads whose required fields name no other object: an object
    of the run made of those needs nothing else stored."""
    schema = collection.input_schema
    properties = schema.get("properties") or {}
    sources = {source for link in collection.hyperlinks for source in link.source_fields}
    return collection.takes_uploads and not any(
        name in sources or "exists_in" in json.dumps(properties.get(name))
        for name in schema.get("required") or ()
    )


def _required_only(collection: CollectionDeclaration) -> CollectionDeclaration:
    """The collection as an ObjectMaker sees it when it is to make the required fields only."""
    schema = collection.input_schema
    kept = {name: schema["properties"][name] for name in schema.get("required") or ()}
    return dataclasses.replace(collection, input_schema={**schema, "properties": kept}, hyperlinks=())


def _fewest_named_first(
    deployed: list[CollectionDeclaration], every: tuple[CollectionDeclaration, ...]
) -> list[CollectionDeclaration]:
    """The deployed collections, those whose objects the fewest other collections name first: an
    object of the run written there shows in the fewest other answers."""
    return sorted(deployed, key=lambda c: sum(c.name in other.references for other in every))


def _nullable_ordering_field(collection: CollectionDeclaration) -> str | None:
    """An ordering field an upload may leave null, in a collection whose required fields name no
    other object (an object of the run needs nothing else stored): None when there is none."""
    schema = collection.input_schema
    required = set(schema.get("required") or ())
    properties = schema.get("properties") or {}
    if not _stands_alone(collection):
        return None
    for name in collection.ordering:
        types = (properties.get(name) or {}).get("type")
        if name not in required and isinstance(types, list) and "null" in types:
            return name
    return None


def null_ordering_probes(
    maker: Any, prefix: str, deployed: list[CollectionDeclaration], every: tuple[CollectionDeclaration, ...]
) -> tuple[Probe, Probe, Probe, str] | None:
    """The null-ordering probes (--allow-writes): one object of the run with an ordering field
    null, uploaded where the fewest other collections name its objects (a run's object shows in
    the fewest other answers), then the list's first object by that field both ways."""
    from contract_tests.objects import CannotWrite

    for collection in _fewest_named_first(deployed, every):
        field_name = _nullable_ordering_field(collection)
        if field_name is None:
            continue
        try:  # the required fields only: nothing else written
            made = {**maker.make(_required_only(collection), f"{prefix}nulls-"), field_name: None}
        except CannotWrite:
            continue
        path = collection.list_path
        upload = Probe(f"POST {path}", "POST", path, _status_excerpt, [made])
        firsts = tuple(
            Probe(
                f"GET {path}",
                "GET",
                f"{path}?ordering={sign}{field_name}&page_size=1",
                _first_null(field_name),
            )
            for sign in ("", "-")
        )
        return upload, firsts[0], firsts[1], field_name
    return None


def form_boolean_probes(
    maker: Any, prefix: str, deployed: list[CollectionDeclaration], every: tuple[CollectionDeclaration, ...]
) -> tuple[Probe, Probe, str] | None:
    """The form-boolean probes (--allow-writes): one object of the run, its required fields only,
    posted as an HTML form leaving out an optional nullable boolean, then read back."""
    from contract_tests.objects import CannotWrite

    for collection in _fewest_named_first(deployed, every):
        properties = collection.input_schema.get("properties") or {}
        required = set(collection.input_schema.get("required") or ())
        boolean = next(
            (
                name
                for name, prop in properties.items()
                if name not in required and drf_type(prop) == "boolean" and is_nullable(prop)
            ),
            None,
        )
        if boolean is None or collection.detail_path is None or not _stands_alone(collection):
            continue
        try:
            made = maker.make(_required_only(collection), f"{prefix}forms-")
        except CannotWrite:
            continue
        if not all(isinstance(value, str | int | float) for value in made.values()):
            continue  # a form field holds text
        form = {name: str(value) for name, value in made.items()}
        path = collection.list_path
        upload = Probe(f"POST {path}", "POST", path, _status_excerpt, form, form=True)
        url = detail_path(collection, collection.key_of(form))
        return upload, Probe(f"GET {collection.detail_path}", "GET", url, _field_excerpt(boolean)), boolean
    return None


def _field_excerpt(field_name: str) -> Callable[[httpx.Response], Any]:
    def excerpt(answer: httpx.Response) -> Any:
        body = _json(answer)
        if answer.status_code != 200 or not isinstance(body, dict) or field_name not in body:
            return {"status": answer.status_code}
        return {field_name: body[field_name]}

    return excerpt


def _form_nullable_boolean(probes: tuple[Probe, Probe, str]) -> dict[str, Any]:
    """What the object of the run's left-out boolean reads back as: false (3.14) or null (3.15+)."""
    upload, read, field_name = probes
    assert upload.answer is not None and read.answer is not None
    if upload.answer.status_code not in (200, 201):
        return {"undecided": f"{upload.request_line()} answered {upload.answer.status_code}"}
    shown = read.excerpt(read.answer)
    value = shown.get(field_name, "absent")
    variant = "false" if value is False else "null" if value is None else None
    if variant is None:
        return {"undecided": f"{read.request_line()} answered {read.answer.status_code}: {shown}"}
    return {"value": variant, "evidence": {**upload.evidence(), "excerpt": {"read back": shown}}}


def _status_excerpt(answer: httpx.Response) -> Any:
    return {"status": answer.status_code}


def _first_null(field_name: str) -> Callable[[httpx.Response], Any]:
    def excerpt(answer: httpx.Response) -> Any:
        body = _json(answer)
        results = body.get("results") if answer.status_code == 200 and isinstance(body, dict) else None
        if not isinstance(results, list) or not results or not isinstance(results[0], dict):
            return {"status": answer.status_code}
        return {"first is null": results[0].get(field_name) is None}

    return excerpt


def _null_ordering(probes: tuple[Probe, Probe, Probe, str]) -> dict[str, Any]:
    """NULLs first ascending (and last descending), or last ascending (first descending), as the
    first object of each order shows; undecided when the two do not tell one of them."""
    upload, ascending, descending, field_name = probes
    assert upload.answer is not None and ascending.answer is not None and descending.answer is not None
    if upload.answer.status_code not in (200, 201):
        return {"undecided": f"{upload.request_line()} answered {upload.answer.status_code}"}
    up, down = ascending.excerpt(ascending.answer), descending.excerpt(descending.answer)
    firsts = (up.get("first is null"), down.get("first is null"))
    excerpt = {f"ordering={field_name}": up, f"ordering=-{field_name}": down}
    variant = {(True, False): "first", (False, True): "last"}.get(firsts)  # type: ignore[arg-type]
    if variant is None:
        return {
            "undecided": f"?ordering={field_name} both ways did not put the object of the run with a null "
            f"{field_name} at one end and a dated one at the other: {excerpt}"
        }
    return {"value": variant, "evidence": {**ascending.evidence(), "excerpt": excerpt}}


def _upload_shape(answer: httpx.Response) -> Any:
    """The upload answer's shape (the counts differ with what a service already held)."""
    return {"status": answer.status_code, "shape": upload_answer_shape(_json(answer))}


def _upload_answer(target: Target, probe: Probe, collection: CollectionDeclaration) -> dict[str, Any]:
    """The upload answer's shape, once the object uploaded reads back from its detail (where the
    collection has one): an answer for an object not stored decides nothing."""
    assert probe.answer is not None
    shape = _upload_shape(probe.answer)
    if probe.answer.status_code not in (200, 201) or shape["shape"] is None:
        return {
            "undecided": f"{probe.operation} of one object of the run answered {probe.answer.status_code}, "
            "neither upload answer"
        }
    excerpt = _full_excerpt(probe.answer)
    if collection.detail_path is not None:
        url = detail_path(collection, collection.key_of(probe.body[0]))
        excerpt["read back"] = read = target.api_call("GET", url).status_code
        if read != 200:
            return {"undecided": f"the object uploaded did not read back: GET {url} answered {read}"}
    return {"value": shape["shape"], "evidence": probe.evidence(excerpt)}


TASK_TIMEOUT = 120.0  # seconds a setup task executed by calibrate may run before it gives up
POLL_SECONDS = 1.0


def ready_after_outcome(
    target: Target, task: Any, timeout: float = TASK_TIMEOUT, pause: float = POLL_SECONDS
) -> dict[str, Any]:
    """What a setup task's status says once the task has ended (--allow-writes: the task is
    executed, as the contract suite executes it): its outcome (false) or READY (true). Decided
    only when the task was seen running first: READY straight after execute could be a task that
    never started. Not in the fidelity table: the fake's task runs on the fake's own clock."""
    import time

    from contract_tests.context import declared_operation

    execute = declared_operation(target.facts, task.operations["execute"]).path
    status = declared_operation(target.facts, task.operations["status"]).path
    started = target.api_call("POST", execute, json={})
    if started.status_code >= 300:
        return {"undecided": f"POST {execute} answered {started.status_code}: no task ran"}
    seen: list[Any] = []
    deadline = time.monotonic() + timeout
    while True:
        answer = target.api_call("GET", status)
        body = _json(answer)
        state = body.get("result") if answer.status_code == 200 and isinstance(body, dict) else None
        state = task.state_of(state) if isinstance(state, str) else state
        seen.append(state)
        if state != task.running or time.monotonic() > deadline:
            break
        time.sleep(pause)
    evidence = {"request": f"GET {status}", "status": answer.status_code, "excerpt": {"after execute": seen}}
    if state in task.outcomes:
        return {"value": False, "evidence": evidence}
    if state == task.idle and task.running in seen:
        return {"value": True, "evidence": evidence}
    if state == task.running:
        return {"undecided": f"the task still ran after {timeout:.0f} s"}
    return {"undecided": f"GET {status} said {state!r} after execute, without the task seen running"}


def _list_errors(probe: Probe) -> dict[str, Any]:
    assert probe.answer is not None
    body = _json(probe.answer)
    if probe.answer.status_code != 400 or not isinstance(body, list | dict):
        return {
            "undecided": f"{probe.request_line()} [{{}}] answered {probe.answer.status_code}, not a refusal"
        }
    if isinstance(body, list):
        return {"value": False, "evidence": probe.evidence()}
    if set(body) == {"0"}:
        return {"value": True, "evidence": probe.evidence()}
    return {"undecided": f"the refusal of [{{}}] is neither a list nor by index: {sorted(body)}"}


def _search_probes_of(target: Target, collection: CollectionDeclaration) -> dict[str, Any] | None:
    """The search probes of a collection with decided search fields (None: it has none), from
    the whole list (one page of WHOLE_PAGE), or undecided when the list is longer."""
    if not any(collection.provenance.of("search", name).decided for name in collection.search):
        return None
    answer = target.api_call("GET", f"{collection.list_path}?page_size={WHOLE_PAGE}")
    body = _json(answer)
    if answer.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("results"), list):
        return {"": f"the whole list answered {answer.status_code}"}
    if body.get("next"):
        return {
            "": f"more objects than one page of {len(body['results'])}: a word only one field holds cannot be told"
        }
    objects = [item for item in body["results"] if isinstance(item, dict)]
    return search_probes(collection, objects)


def _write_probed(
    calibration: Calibration,
    target: Target,
    knob: str,
    probes: Any,
    sent: int,
    decide: Callable[[Any], dict[str, Any]],
    undecided: str,
) -> None:
    """A knob decided from probes that write (None: none could be made): its first `sent` probes
    are sent and kept as evidence, the knob decided from them, or left undecided saying why."""
    if probes is None:
        calibration.knobs[knob] = {"undecided": undecided}
        return
    send(target, list(probes[:sent]))
    calibration.probes += list(probes[:sent])
    calibration.knobs[knob] = decide(probes)


def calibrate(target: Target, allow_writes: bool = False, run_id: str | None = None) -> Calibration:
    """Probe the target and decide every knob (undecided, with the reason, when it cannot);
    `allow_writes`: also post an upload the spec refuses (the list errors' shape) and one object
    of the run `run_id` (the upload answer's shape; a fresh run id when None)."""
    calibration = Calibration(target.api)
    not_found: dict[str, Any] = {"undecided": "no collection holds an object to ask for a missing one beside"}
    decimals: dict[str, Any] = {"undecided": "no declared collection's OPTIONS lists a decimal field"}
    deployed: list[CollectionDeclaration] = []
    phrased: tuple[CollectionDeclaration, str] | None = None  # a search field's two words, quoted
    for collection in target.facts.collections:
        listed = target.api_call("GET", f"{collection.list_path}?page_size=1")
        body = _json(listed)
        if listed.status_code == 404 and not (isinstance(body, dict) and "detail" in body):
            calibration.not_deployed.append(collection.name)  # as verify says it: nothing to probe
            continue
        results = body.get("results") if listed.status_code == 200 and isinstance(body, dict) else None
        deployed.append(collection)
        probes = probes_of(collection, results[0] if isinstance(results, list) and results else None)
        send(target, probes)
        calibration.probes += probes
        if phrased is None and collection.search:
            phrase = phrase_in(collection, probes[0].answer)
            phrased = (collection, phrase) if phrase is not None else None
        knobs: dict[str, Any] = {}
        for probe in probes:
            answer = probe.answer
            assert answer is not None
            if probe.operation.startswith("GET") and probe.url == collection.list_path:
                knobs["page_size"] = _page_size(probe, collection)
            elif probe.url == f"{collection.list_path}?page_size={collection.max_page_size + 1}":
                knobs["max_page_size"] = _max_page_size(probe, collection)
            elif probe.excerpt is _allow_excerpt:
                knobs["instance_allow"] = _instance_allow(probe)
            elif probe.method == "OPTIONS":
                infos = _decimal_infos(_json(answer)) if answer.status_code == 200 else []
                if infos and "value" not in decimals:
                    listed = any("max_digits" in info for info in infos)
                    excerpt = {"decimal field": infos[0]}
                    decimals = {"value": listed, "evidence": probe.evidence(excerpt)}
            else:
                body = _json(answer)
                detail = body.get("detail") if isinstance(body, dict) else None
                model = (
                    _MODEL_TEXT.match(detail)
                    if isinstance(detail, str) and answer.status_code == 404
                    else None
                )
                if model is not None:
                    knobs["model"] = {"value": model.group(1), "evidence": probe.evidence()}
                if "value" not in not_found and answer.status_code == 404 and isinstance(detail, str):
                    variant = (
                        NOT_FOUND_MODEL if model else NOT_FOUND_SHORT if detail == NOT_FOUND_SHORT else None
                    )
                    if variant is not None:
                        not_found = {"value": variant, "evidence": probe.evidence()}
        searching = _search_probes_of(target, collection)
        if searching is not None:
            sent = [pair[0] for pair in searching.values() if not isinstance(pair, str)]
            send(target, sent)
            calibration.probes += sent
            knobs["search_fields"] = _search_fields(collection, searching)
        ordering = ordering_probes(collection)
        if ordering:
            send(target, [probe for pair in ordering.values() for probe in pair])
            calibration.probes += [probe for pair in ordering.values() for probe in pair]
            knobs["ordering_fields"] = _ordering_fields(collection, ordering)
        calibration.collections[collection.name] = knobs
    calibration.knobs = {"not_found_text": not_found, "options_decimal_details": decimals}
    if deployed:  # the first deployed list, asked without credentials
        anonymous = Probe(f"GET {deployed[0].list_path}", "GET", deployed[0].list_path, _challenge_excerpt)
        anonymous.anonymous = True
        send(target, [anonymous])
        calibration.probes.append(anonymous)
        calibration.knobs["auth_challenge"] = _auth_challenge(anonymous)
    if phrased is not None:  # two words of a search field, quoted: one term (3.15+) or two
        searched, phrase = phrased
        url = f"{searched.list_path}?search={quote(chr(34) + phrase + chr(34))}&page_size=1"
        quoted = Probe(f"GET {searched.list_path}", "GET", url, _found_any)
        send(target, [quoted])
        calibration.probes.append(quoted)
        calibration.knobs["search_terms"] = _search_terms(quoted)
    elif deployed:
        calibration.knobs["search_terms"] = {
            "undecided": "no object of a first page holds two words in a search field to search as a phrase"
        }
    upload = refused_upload(target, deployed) if allow_writes else None
    if upload is not None:
        send(target, [upload])
        calibration.probes.append(upload)
    calibration.knobs["list_errors_as_dict"] = (
        _list_errors(upload)
        if upload is not None
        else {
            "undecided": "needs --allow-writes (an upload the spec refuses)"
            if not allow_writes
            else "no deployed collection's upload requires a field"
        }
    )
    maker, prefix = object_maker(target, run_id) if allow_writes else (None, "")
    stored = accepted_upload(maker, prefix, deployed) if allow_writes else None
    if stored is not None:
        send(target, [stored])
        calibration.probes.append(stored)
    calibration.knobs["upload_answer"] = (
        _upload_answer(target, stored, next(c for c in deployed if c.list_path == stored.url))
        if stored is not None
        else {
            "undecided": "needs --allow-writes (one object of the run uploaded)"
            if not allow_writes
            else "no deployed collection takes an upload naming no other object"
        }
    )
    if target.facts.collections:
        written = (maker, prefix, deployed, target.facts.collections)
        _write_probed(
            calibration,
            target,
            "null_ordering",
            null_ordering_probes(*written) if allow_writes else None,
            3,
            _null_ordering,
            "needs --allow-writes (one object of the run with a null ordering field)"
            if not allow_writes
            else "no deployed collection takes an object with a null ordering field naming no other",
        )
        _write_probed(
            calibration,
            target,
            "form_nullable_boolean",
            form_boolean_probes(*written) if allow_writes else None,
            2,
            _form_nullable_boolean,
            "needs --allow-writes (one object of the run posted as a form)"
            if not allow_writes
            else "no deployed collection takes a form object with a nullable boolean naming no other",
        )
    for task in target.facts.setup_tasks:
        calibration.knobs["ready_after_outcome"] = (
            ready_after_outcome(target, task)
            if allow_writes
            else {"undecided": f"needs --allow-writes (the {task.name} task executed)"}
        )
    return calibration


def _ordering_fields(
    collection: CollectionDeclaration, probes: dict[str, tuple[Probe, Probe]]
) -> dict[str, Any]:
    """The declared ordering fields the deployment orders by: the decided ones as probed, the
    documented ones as documented; undecided when a decided one cannot be told."""
    honoured = [name for name in collection.ordering if name not in probes]
    evidence = []
    for name, pair in probes.items():
        verdict = _orders_by(pair)
        if isinstance(verdict, str):
            return {"undecided": f"?ordering={name}: {verdict}"}
        if verdict:
            honoured.append(name)
        evidence.append({"field": name, "ordered": verdict, **pair[0].evidence()})
    first = evidence[0]
    excerpt = {item["field"]: item["ordered"] for item in evidence}
    return {
        "value": [name for name in collection.ordering if name in honoured],
        "evidence": {"request": first["request"], "status": first["status"], "excerpt": excerpt},
    }


def _page_size(probe: Probe, collection: CollectionDeclaration) -> dict[str, Any]:
    assert probe.answer is not None
    body = _json(probe.answer)
    if (
        probe.answer.status_code != 200
        or not isinstance(body, dict)
        or not isinstance(body.get("results"), list)
    ):
        return {"undecided": f"the list answered {probe.answer.status_code}, not a page"}
    shown = len(body["results"])
    if not body.get("next"):
        return {
            "undecided": f"the collection holds {body.get('count')} objects, a single page "
            f"(the fake keeps its declared {collection.page_size})"
        }
    return {"value": shown, "evidence": probe.evidence({"count": body.get("count"), "results": shown})}


# -- the fidelity table -------------------------------------------------------------------------


def fake_target(api: str, specs_dir: Any, profile_document: dict[str, Any] | None) -> Target:
    from mockserver.app import create_app  # the fake is built only when a run compares with it
    from mockserver.settings import Settings

    profiles = (profile_from(profile_document, "the calibrated profile"),) if profile_document else ()
    settings = Settings(
        apis=(api,), auth_mode="strict", tokens=(FAKE_TOKEN,), specs_dir=specs_dir, profiles=profiles
    )
    return in_process_target(api, create_app(settings), Credentials(token=FAKE_TOKEN), specs_dir)


def fidelity(calibration: Calibration, document: dict[str, Any], specs_dir: Any = None) -> dict[str, Any]:
    """Per operation: the probes, and how many the fake answers identically (their excerpts) before
    and after applying the profile."""
    rows: dict[str, dict[str, int]] = {}
    for label, profile in (("before", None), ("after", document)):
        fake = fake_target(calibration.api, specs_dir, profile)
        for probe in calibration.probes:
            assert probe.answer is not None
            row = rows.setdefault(probe.operation, {"probes": 0, "before": 0, "after": 0})
            if label == "before":
                row["probes"] += 1
            answer = answer_of(fake, probe)
            row[label] += int(
                _normal(probe.excerpt(answer), fake) == _normal(probe.excerpt(probe.answer), None)
            )
    total = {key: sum(row[key] for row in rows.values()) for key in ("probes", "before", "after")}
    return {"operations": rows, **total}


def _normal(excerpt: Any, fake: Target | None) -> Any:
    """An excerpt with the answering service's own base URL out of the way."""
    text = json.dumps(excerpt, sort_keys=True)
    if fake is not None:
        text = text.replace(fake.base_url.rstrip("/"), "")
    return json.loads(re.sub(r"https?://[^/\"]+", "", text))


def fidelity_table(figures: dict[str, Any]) -> str:
    rows = figures["operations"]
    width = max([len("Operation"), *map(len, rows)])
    lines = [f"{'Operation':<{width}}  probes  identical before  after"]
    for operation, row in sorted(rows.items()):
        lines.append(f"{operation:<{width}}  {row['probes']:>6}  {row['before']:>16}  {row['after']:>5}")
    lines.append(f"{'All':<{width}}  {figures['probes']:>6}  {figures['before']:>16}  {figures['after']:>5}")
    return "\n".join(lines)


def calibrated_document(target: Target, allow_writes: bool = False) -> tuple[dict[str, Any], str]:
    """The profile document (checked against its schema, with its fidelity figures) and the table."""
    calibration = calibrate(target, allow_writes)
    document = calibration.document(target.base_url)
    check_document(document, "the calibrated profile")
    figures = fidelity(calibration, document, target.specs_dir)
    document["fidelity"] = figures
    return document, fidelity_table(figures)


# -- verify --profile -----------------------------------------------------------------------------


def profile_failures(
    target: Target, document: dict[str, Any], allow_writes: bool = False, run_id: str | None = None
) -> tuple[list[Failure], list[str]]:
    """The deployment against its profile: the same probes, every pinned knob whose variant
    changed is a failure "the profile no longer matches: <knob>"; a knob the profile leaves
    undecided, or the probes cannot decide now, is not judged. (failures, knobs that matched)"""
    from mockserver.profile import decided_values

    pinned = decided_values(document)
    now = decided_values(calibrate(target, allow_writes, run_id).document(target.base_url))
    evidence = _evidence_by_knob(document)
    failures, matched = [], []
    for knob, value in pinned.items():
        if knob not in now:
            continue
        if now[knob] == value:
            matched.append(knob)
            continue
        failures.append(
            Failure(
                "profile",
                evidence.get(knob, {}).get("request", knob),
                f"the profile no longer matches: {knob}",
                expected=json.dumps(value),
                actual=json.dumps(now[knob]),
            )
        )
    return failures, matched


def _evidence_by_knob(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {name: d.get("evidence", {}) for name, d in (document.get("knobs") or {}).items()}
    for collection, knobs in (document.get("collections") or {}).items():
        found.update({f"{name}@{collection}": d.get("evidence", {}) for name, d in knobs.items()})
    return found
