"""The write promises of every declared collection (contract_tests/collection_promises.py lists
them): each writes its own tagged objects, generated from the input schema, and reads them back
through other endpoints: what one endpoint says must agree with what another says afterwards."""

import datetime
from typing import Any
from urllib.parse import urlencode

from contract_tests.collection_http import detail_path, get_page, key_of, object_of, walk
from contract_tests.collection_reads import check_walk, expect_sorted
from contract_tests.context import CannotRun, Context
from contract_tests.objects import CannotWrite, ObjectMaker, differences, free_text, writable
from mockserver.spec.collections import CollectionDeclaration as Collection


def _tag(ctx: Context, mark: str) -> str:
    """A tag no other promise of the run uses (its objects are found by it, and only they)."""
    ctx.shared["tags"] = number = ctx.shared.get("tags", 0) + 1
    return f"{ctx.options.prefix}{mark}{number}-"


def _make(ctx: Context, c: Collection, tag: str, count: int) -> list[dict[str, Any]]:
    try:
        return [ObjectMaker(ctx).make(c, tag, index) for index in range(count)]
    except CannotWrite as error:
        raise CannotRun(f"no {c.name} object can be written: {error}") from None


def upload(ctx: Context, c: Collection, body: Any, operation: str) -> dict[str, Any]:
    answer = ctx.target.api_call("POST", c.list_path, json=body)
    ctx.require(
        answer.status_code == 201,
        operation,
        "the upload was not accepted",
        expected=201,
        actual=f"{answer.status_code} {answer.text[:300]}",
        response=answer,
    )
    counts = upload_counts(ctx, c, ctx.json_of(answer, operation), operation, answer)
    # The object's url is the Location: a collection with no detail has none to give. Only the
    # relocate seed shows it; elsewhere it is decided (datawiz-resources#C11): a note.
    ctx.judge(
        c.provenance.of("location"),
        bool(answer.headers.get("location")) == (c.detail_path is not None),
        operation,
        "a 201 carries a Location header" if c.detail_path else "a 201 with no detail URL has no Location",
        expected="a Location" if c.detail_path else "no Location",
        actual=answer.headers.get("location"),
        response=answer,
    )
    return counts


SEED_ANSWER = {"updated", "inserted"}  # the seed document's upload answer
PAGES_ANSWER = {"updated", "created"}  # the client pages' answer, under "results"


def upload_counts(ctx: Context, c: Collection, body: Any, operation: str, answer: Any) -> dict[str, Any]:
    """The counts of an upload answer, `{"updated", "inserted"}` as the seed shows it. The client
    pages show `{"results": {"updated", "created"}}`: the sources disagree, so both are accepted
    and the one seen, when it is not the fake's, is said once per collection (a note)."""
    if isinstance(body, dict) and set(body) == SEED_ANSWER:
        return body
    inner = body.get("results") if isinstance(body, dict) and set(body) == {"results"} else None
    if isinstance(inner, dict) and set(inner) == PAGES_ANSWER:
        seen = ctx.shared.setdefault("pages_upload_answer", set())
        if c.name not in seen:
            seen.add(c.name)
            ctx.judge(
                c.provenance.of("upload_answer"),
                False,
                operation,
                'the upload answer is the client pages\' {"results": {"updated", "created"}}',
                expected='{"updated": n, "inserted": n}',
                actual=body,
                response=answer,
            )
        return {"updated": inner["updated"], "inserted": inner["created"]}
    ctx.require(
        False,
        operation,
        'the answer must be {"updated", "inserted"} (the seed) or {"results": {"updated", "created"}} (the pages)',
        actual=body,
        response=answer,
    )
    raise AssertionError("unreachable")


def _isolates(ctx: Context, c: Collection, tag: str, written: list[dict[str, Any]]) -> bool:
    """Whether `?search=<tag>` shows exactly the objects a promise wrote, as it does where the
    service searches the fields the tag is in. Where it does not and every such field is one the
    project decided to search (no source names it), the list half of a promise cannot run: said
    once per collection (a note), and the promise checks what it can without it."""
    known = ctx.shared.setdefault("isolates", {})
    if c.name in known:
        return known[c.name]
    url = _own(ctx, c, tag, f"&page_size={len(written) + 1}")
    page = get_page(ctx, c, url, f"GET {c.list_path}?search=")
    wanted = {key_of(c, item) for item in written}
    shown = {key_of(c, item) for item in page["results"]}
    # a term nothing holds finds nothing (a search that filters nothing would show what it has)
    none = get_page(ctx, c, _own(ctx, c, f"{tag}zq-none"), f"GET {c.list_path}?search=")
    if shown == wanted and page["count"] == len(wanted) and none["count"] == 0:
        known[c.name] = True
        return True
    fields = sorted(free_text(c) & set(c.search))
    decided = [c.provenance.of("search", name) for name in fields]
    if not decided or not all(p.decided for p in decided):
        known[c.name] = True  # a documented search field holds the tag: the promise judges it
        return True
    known[c.name] = False
    ctx.decided(
        decided[0],
        f"GET {c.list_path}?search=",
        f"search by a term in {', '.join(fields)} does not find only the objects written, so the "
        f"list reads of the write promises are not checked",
        expected=sorted(wanted),
        actual=f"count {page.get('count')}: {sorted(shown)[:5]}",
    )
    return False


def isolates_by_search(ctx: Context, c: Collection) -> bool:
    """`_isolates` for a check of its own (a state machine): probed with one object written for
    it unless a promise has already found out."""
    known = ctx.shared.get("isolates", {})
    if c.name in known:
        return known[c.name]
    tag = _tag(ctx, "i")
    (probe,) = _make(ctx, c, tag, 1)
    upload(ctx, c, probe, f"POST {c.list_path}")
    return _isolates(ctx, c, tag, [probe])


def _own(ctx: Context, c: Collection, tag: str, extra: str = "") -> str:
    """The list URL showing only what a promise wrote (every written text value holds its tag)."""
    return f"{c.list_path}?{urlencode({'search': tag})}{extra}"


def can_isolate(c: Collection) -> bool:
    """Whether the suite can write objects of its own and `?search=<tag>` shows exactly them."""
    return c.takes_uploads and bool(free_text(c) & set(c.search))


def upsert_counts(ctx: Context, c: Collection) -> None:
    """Counts say what was new and what replaced; the list shows as many as the counts said."""
    tag = _tag(ctx, "u")
    a, b = _make(ctx, c, tag, 2)
    counts = upload(ctx, c, [a, b], f"POST {c.list_path} (2 new)")
    ctx.expect_equal(
        counts, {"updated": 0, "inserted": 2}, f"POST {c.list_path}", "counts must say what was new"
    )
    again = upload(ctx, c, [a], f"POST {c.list_path} (1 again)")
    ctx.expect_equal(
        again, {"updated": 1, "inserted": 0}, f"POST {c.list_path}", "counts must say what was replaced"
    )
    if can_isolate(c) and _isolates(ctx, c, tag, [a, b]):
        listed = get_page(ctx, c, _own(ctx, c, tag), f"GET {c.list_path}?search=")
        ctx.expect_equal(
            listed["count"],
            2,
            f"GET {c.list_path}?search=",
            "the list counts what the uploads said they inserted",
        )


def read_back(ctx: Context, c: Collection) -> None:
    """What was posted reads back from the detail, and the list shows the same representation."""
    tag = _tag(ctx, "r")
    (sent,) = _make(ctx, c, tag, 1)
    upload(ctx, c, sent, f"POST {c.list_path}")
    detail = _expect_stored_as(ctx, c, sent, sent, "the detail reads back what was posted")
    if can_isolate(c) and _isolates(ctx, c, tag, [sent]):
        _, listed = walk(ctx, c, _own(ctx, c, tag), f"GET {c.list_path}?search=")
        ctx.expect_equal(
            listed, [detail], f"GET {c.list_path}?search=", "the list shows what the detail shows"
        )


def replace_whole(ctx: Context, c: Collection) -> None:
    """A second upload with the same key replaces the object whole (nested lists included)."""
    tag = _tag(ctx, "x")
    shorter, first = _make(ctx, c, tag, 2)  # the second made has more nested items
    replacement = {**shorter, **{name: first[name] for name in c.key}}
    if replacement == first:
        return
    upload(ctx, c, first, f"POST {c.list_path}")
    upload(ctx, c, replacement, f"POST {c.list_path} (replace)")
    _expect_stored_as(ctx, c, first, replacement, "a replaced object is replaced whole")


def errors_aligned(ctx: Context, c: Collection) -> None:
    """Bad uploads answer 400 with DRF's error shapes, list errors aligned; nothing is stored."""
    single = ctx.target.api_call("POST", c.list_path, json={})
    operation = f"POST {c.list_path} (empty object)"
    ctx.require_status(single, 400, operation, "an empty object is rejected")
    body = ctx.json_of(single, operation)
    required = set(c.input_schema.get("required") or ())
    ctx.expect(
        isinstance(body, dict)
        and required <= set(body)
        and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in body.values()),
        operation,
        'single-object errors are {"field": ["message", ...]} naming every required field',
        expected=sorted(required),
        actual=body,
        response=single,
    )
    (good,) = _make(ctx, c, _tag(ctx, "e"), 1)
    listed = ctx.target.api_call("POST", c.list_path, json=[{}, good])
    operation = f"POST {c.list_path} (list with one bad item)"
    ctx.require_status(listed, 400, operation, "a list with a bad item is rejected whole")
    body = ctx.json_of(listed, operation)
    ctx.expect(
        isinstance(body, list) and len(body) == 2 and body[1] == {} and bool(body[0]),
        operation,
        "list errors are aligned with the input, {} for good items",
        actual=body,
        response=listed,
    )
    _expect_absent(ctx, c, good, "all or nothing: the good item of a rejected list is not stored")


def findable(c: Collection) -> bool:
    """Whether an object written can be read back: by its detail, or (a collection the pages give
    no detail, such as the assortment matrix) found in the list by searching a key field."""
    return c.detail_path is not None or any(name in c.search for name in c.key)


def stored_object(ctx: Context, c: Collection, item: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """The object stored under an item's key, or None; and the read that answered."""
    if c.detail_path is not None:
        operation = f"GET {c.detail_path}"
        answer = ctx.target.api_call("GET", detail_path(c, key_of(c, item)))
        if answer.status_code == 404:
            return None, operation
        ctx.require_status(answer, 200, operation, "a detail answers 200 or 404")
        return object_of(ctx, c, ctx.json_of(answer, operation), operation), operation
    searched = next(name for name in c.key if name in c.search)
    operation = f"GET {c.list_path}?search={{{searched}}}"
    query = urlencode({"search": str(item[searched]), "page_size": c.max_page_size})
    _, results = walk(ctx, c, f"{c.list_path}?{query}", operation)
    wanted = key_of(c, item)
    return next((found for found in results if key_of(c, found) == wanted), None), operation


def _read_stored(ctx: Context, c: Collection, item: dict[str, Any]) -> tuple[dict[str, Any], str]:
    found, operation = stored_object(ctx, c, item)
    ctx.require(found is not None, operation, "an accepted upload reads back", expected=key_of(c, item))
    assert found is not None
    return found, operation


def _expect_stored_as(
    ctx: Context, c: Collection, key_item: dict[str, Any], sent: dict[str, Any], promise: str
) -> dict[str, Any]:
    """Read the object stored under key_item's key and expect it to hold what was sent."""
    detail, operation = _read_stored(ctx, c, key_item)
    wrong = differences(sent, detail, c.input_schema, c.provenance)
    ctx.expect(not wrong, operation, f"{promise} (differs in {wrong})", expected=sent, actual=detail)
    return detail


def _expect_absent(ctx: Context, c: Collection, item: dict[str, Any], message: str) -> None:
    found, operation = stored_object(ctx, c, item)
    ctx.expect(found is None, operation, message, expected="no such object", actual=found)


def references(c: Collection) -> list[tuple[str, str]]:
    """(list field or "", field) of every `exists_in` reference of the input form naming one object."""
    return [(related.within, related.field) for related in c.related_fields if not related.many]


def related_must_exist(ctx: Context, c: Collection) -> None:
    """An object naming a related object that does not exist is refused, naming the field. A
    reference to a collection the deployment does not serve cannot be tried (the object maker left
    it out): when no reference can, the check is not run."""
    tried, untried = 0, []
    for within, field in references(c):
        (bad,) = _make(ctx, c, _tag(ctx, "m"), 1)
        holder = bad[within][0] if within else bad
        if field not in holder:
            untried.append(field)
            continue
        tried += 1
        holder[field] = f"{ctx.options.prefix}no-such-{field}"
        answer = ctx.target.api_call("POST", c.list_path, json=bad)
        operation = f"POST {c.list_path} (unknown {within + '.' if within else ''}{field})"
        ctx.require_status(answer, 400, operation, "a missing related object must be rejected")
        body = ctx.json_of(answer, operation)
        ctx.expect(
            isinstance(body, dict) and (within or field) in body,
            operation,
            "the error names the field",
            expected=within or field,
            actual=body,
            response=answer,
        )
        _expect_absent(ctx, c, bad, "nothing of a rejected upload is stored")
    if not tried and untried:
        raise CannotRun(f"every reference ({', '.join(untried)}) names a collection that is not deployed")


def own_walk(ctx: Context, c: Collection) -> None:
    """Five uploaded objects: counted, paged by page_size, each visited once, links kept."""
    tag = _tag(ctx, "w")
    made = _make(ctx, c, tag, 5)
    upload(ctx, c, made, f"POST {c.list_path} (5 new)")
    if not _isolates(ctx, c, tag, made):
        return
    operation = f"GET {c.list_path}?search=&page_size=2"
    pages, seen = walk(ctx, c, _own(ctx, c, tag, "&page_size=2"), operation)
    ctx.expect(
        sorted(key_of(c, i) for i in seen) == sorted(key_of(c, i) for i in made),
        operation,
        "walking next visits each uploaded object once",
        expected=sorted(key_of(c, i) for i in made),
        actual=[key_of(c, i) for i in seen],
    )
    ctx.expect(
        [p["count"] for p in pages] == [5] * len(pages),
        operation,
        "count equals the number of matching objects",
        expected=5,
        actual=[p["count"] for p in pages],
    )
    ctx.expect_equal([len(p["results"]) for p in pages], [2, 2, 1], operation, "page_size is honoured")
    check_walk(ctx, c, pages, seen, operation, {"search": [tag], "page_size": ["2"]}, complete=True)


def ordering_own(ctx: Context, c: Collection, field: str) -> None:
    """Objects written in one order come back in the order of the field asked."""
    made = _make(ctx, c, tag := _tag(ctx, "o"), 3)
    reference = (writable(c.input_schema)[field].get("x-drf") or {}).get("exists_in")
    if reference and field not in c.key:
        # made objects share one related object: three of their own, or any order looks sorted
        maker = ObjectMaker(ctx)
        for index, item in enumerate(made):
            # keys past the common prefix plain letters and digits, which every collation orders
            item[field] = maker.related(reference["collection"], f"{tag}{index}")[reference["field"]]
    if field not in c.key:  # the field's order differs from the keys' and from the upload's
        values = [item[field] for item in made]
        for index, item in enumerate(made):
            item[field] = values[(index + 1) % 3]
    upload(ctx, c, [made[i] for i in (1, 2, 0)], f"POST {c.list_path}")
    if not _isolates(ctx, c, tag, made):
        return
    for term in (field, f"-{field}"):
        operation = f"GET {c.list_path}?search=&ordering={term}"
        page = get_page(ctx, c, _own(ctx, c, tag, f"&ordering={term}&page_size=3"), operation)
        ctx.expect_equal(len(page["results"]), 3, operation, "search finds the three objects written")
        expect_sorted(ctx, c, field, page["results"], term.startswith("-"), operation)


def search_own(ctx: Context, c: Collection, field: str) -> None:
    """An object whose `field` alone holds a term is found by it, and nothing else is."""
    tag = _tag(ctx, "s")
    hit, miss = _make(ctx, c, tag, 2)
    inputs = writable(c.input_schema)
    term = f"{tag}qz"
    hit[field] = (term + str(hit[field])[len(tag) :])[: inputs[field].get("maxLength") or 200]
    upload(ctx, c, [hit, miss], f"POST {c.list_path}")
    operation = f"GET {c.list_path}?search= ({field})"
    found = get_page(ctx, c, f"{c.list_path}?{urlencode({'search': term})}", operation)
    shown = [key_of(c, i) for i in found["results"]]
    ctx.judge(
        c.provenance.of("search", field),
        shown == [key_of(c, hit)],
        operation,
        f"search finds the object by its {field}, and only it",
        expected=[key_of(c, hit)],
        actual=shown[:5],
    )


def _day_of_week(value: Any) -> int | None:
    """Monday 0 of a date or datetime text (the week day the API derives)."""
    try:
        return datetime.date.fromisoformat(str(value)[:10]).weekday()
    except ValueError:
        return None


def derived_values(ctx: Context, c: Collection) -> None:
    """Derived read-only fields show what this run wrote, and only that: a week day is its
    date's; a count or a list of another collection's objects naming a fresh object is 0 (empty),
    then, after this run uploads one such object, 1 (that object). Nothing else can name an
    object this run just made, so no value of the target's own data is demanded."""
    (sent,) = _make(ctx, c, _tag(ctx, "d"), 1)
    upload(ctx, c, sent, f"POST {c.list_path}")
    shown, operation = _read_stored(ctx, c, sent)
    for rule in c.derived:
        if rule.form == "weekday":
            expected = _day_of_week(sent.get(rule.source))
            message = f"{rule.field} is the day of the week of {rule.source} (Monday 0)"
        else:
            expected = 0 if rule.form == "count" else []
            message = f"{rule.field} of an object nothing names yet"
        ctx.expect_equal(shown.get(rule.field), expected, operation, message)
    for rule in c.derived:
        other = ctx.target.facts.collection(rule.collection) if rule.collection else None
        if other is None:
            continue
        if not other.takes_uploads:
            ctx.report.skip(f"{ctx.current} ({rule.field} after a write)", f"{other.name} takes no uploads")
            continue
        (naming,) = _make(ctx, other, _tag(ctx, "d"), 1)
        naming.update({theirs: sent[mine] for theirs, mine in rule.where})
        upload(ctx, other, naming, f"POST {other.list_path}")
        after, operation = _read_stored(ctx, c, sent)
        value = after.get(rule.field)
        if rule.form == "count":
            ctx.expect_equal(value, 1, operation, f"{rule.field} counts the {other.name} object uploaded")
            continue
        listed = value if isinstance(value, list) else []
        ctx.expect(
            len(listed) == 1 and not differences(naming, listed[0], other.input_schema),
            operation,
            f"{rule.field} lists the {other.name} object uploaded, as sent",
            expected=[naming],
            actual=value,
        )
