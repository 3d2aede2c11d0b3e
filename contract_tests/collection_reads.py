"""The read promises of every declared collection (contract_tests/collection_promises.py lists
them): each works on whatever data the target holds and sends only GET, HEAD and OPTIONS."""

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from contract_tests.collection_http import (
    base,
    detail_path,
    first_items,
    get_json,
    get_object,
    get_page,
    key_of,
    nested_path,
    page_of,
    walk,
)
from contract_tests.context import Context
from contract_tests.objects import drf_type
from mockserver.drf.judgements import (
    link_keeps_query,
    link_on_host,
    ordering_problem,
    same_url,
    search_misses,
)
from mockserver.spec.catalogue import item_key
from mockserver.spec.collections import CollectionDeclaration

Collection = CollectionDeclaration
PAGE_KEYS = {"count", "next", "previous", "results"}
READ_WALK_PAGES = 4  # pages a read-only walk follows on a deployment's own data


def page_shape(ctx: Context, c: Collection) -> None:
    operation = f"GET {c.list_path}?page_size=3"
    page = get_json(ctx, f"{c.list_path}?page_size=3", operation)
    ctx.require(
        isinstance(page, dict) and set(page) == PAGE_KEYS,
        operation,
        "a page is {count, next, previous, results}",
        actual=page,
    )
    count = page_of(ctx, c, page, operation)["count"]
    ctx.expect_equal(len(page["results"]), min(3, count), operation, "page_size is honoured")
    ctx.expect(
        (page["next"] is not None) == (count > 3),
        operation,
        "next is given exactly when there are more pages",
        actual=page["next"],
    )
    ctx.expect(page["previous"] is None, operation, "the first page has no previous", actual=page["previous"])
    default = get_page(ctx, c, c.list_path, f"GET {c.list_path}")
    shown, more = len(default["results"]), default["next"] is not None
    ctx.expect(  # whatever the page size: the last page holds the rest, another page is full
        (shown < default["count"]) if more else (shown == default["count"]),
        f"GET {c.list_path}",
        "the default first page holds every object when it has no next, fewer when it has",
        expected=f"count {default['count']}, next {default['next']}",
        actual=shown,
    )
    ctx.judge(
        c.provenance.of("page_size"),
        len(default["results"]) == min(c.page_size, count),
        f"GET {c.list_path}",
        f"the default page holds {c.page_size} objects",
        expected=min(c.page_size, count),
        actual=len(default["results"]),
    )


def max_page_size(ctx: Context, c: Collection) -> None:
    operation = f"GET {c.list_path}?page_size={c.max_page_size + 1}"
    page = get_page(ctx, c, f"{c.list_path}?page_size={c.max_page_size + 1}", operation)
    expected = min(page["count"], c.max_page_size)
    ctx.expect_equal(len(page["results"]), expected, operation, f"page_size is capped at {c.max_page_size}")


def page_walk(ctx: Context, c: Collection) -> None:
    """next visits pages that do not repeat, with one count; previous walks back over them."""
    operation = f"GET {c.list_path}?page_size=2 (next, previous)"
    pages, seen = walk(ctx, c, f"{c.list_path}?page_size=2", operation, limit=READ_WALK_PAGES)
    check_walk(ctx, c, pages, seen, operation, {"page_size": ["2"]}, complete=not pages[-1]["next"])


def check_walk(
    ctx: Context,
    c: Collection,
    pages: list[dict],
    seen: list[dict],
    operation: str,
    kept: dict[str, list[str]],
    complete: bool,
) -> None:
    counts = [p["count"] for p in pages]
    ctx.expect(len(set(counts)) == 1, operation, "count is the same on every page", actual=counts)
    keys = [key_of(c, item) for item in seen]
    ctx.expect(len(keys) == len(set(keys)), operation, "pages do not repeat objects", actual=keys)
    size = int(kept["page_size"][0])
    ctx.expect(
        all(len(p["results"]) == size for p in pages[:-1]),
        operation,
        "every page but the last is full",
        expected=size,
        actual=[len(p["results"]) for p in pages],
    )
    if complete:
        ctx.expect_equal(len(seen), counts[0], operation, "walking next visits count objects")
    for number, page in enumerate(pages, start=1):
        for link in (page["next"], page["previous"]):
            if link:
                ctx.expect(
                    link_keeps_query(link, {k: v[-1] for k, v in kept.items()}, ignored=()),
                    operation,
                    "next/previous keep the other query parameters",
                    expected=kept,
                    actual=link,
                )
                ctx.expect(
                    link_on_host(link, [base(ctx)]),
                    operation,
                    "links are absolute on the host asked",
                    expected=base(ctx),
                    actual=link,
                )
        if number > 1:
            ctx.expect(
                bool(page["previous"]),
                operation,
                f"page {number} links to the previous page",
                actual=page["previous"],
            )
    if len(pages) > 1 and pages[1]["previous"]:
        ctx.expect(
            "page=" not in urlsplit(pages[1]["previous"]).query,
            operation,
            "page 2's previous is page 1 (without page=)",
            actual=pages[1]["previous"],
        )
    back, url = [], pages[-1]["previous"]
    while url and len(back) < len(pages) - 1:
        page = get_page(ctx, c, url, operation)
        back.append([key_of(c, item) for item in page["results"]])
        url = page["previous"]
    ctx.expect(
        back == [[key_of(c, i) for i in p["results"]] for p in reversed(pages[:-1])],
        operation,
        "previous walks back over the same pages",
        actual=back,
    )


def page_past_end(ctx: Context, c: Collection) -> None:
    answer = ctx.target.api_call("GET", f"{c.list_path}?page=999999999")
    operation = f"GET {c.list_path}?page=999999999"
    ctx.require_status(answer, 404, operation, "a page past the end answers 404")
    ctx.expect(
        ctx.json_of(answer, operation) == {"detail": "Invalid page."},
        operation,
        'the 404 says {"detail": "Invalid page."}',
        actual=answer.text[:200],
        response=answer,
    )


def expect_sorted(
    ctx: Context, c: Collection, field: str, items: list[dict], descending: bool, operation: str
) -> None:
    sort_type = c.ordering[field]
    problem = ordering_problem(items, [f"{'-' if descending else ''}{field}"], c.ordering)
    # DRF's OrderingFilter answers its default order for a field it was not given: a field no
    # source names is the fake's choice (a note), a documented one a failure.
    ctx.judge(
        c.provenance.of("ordering", field),
        problem is None,
        operation,
        f"ordering={'-' if descending else ''}{field} sorts by {sort_type}, {'descending' if descending else 'ascending'}",
        actual=problem,
    )


def ordering(ctx: Context, c: Collection, field: str) -> None:
    for term in (field, f"-{field}"):
        operation = f"GET {c.list_path}?ordering={term}"
        page = get_page(ctx, c, f"{c.list_path}?ordering={term}&page_size=50", operation)
        expect_sorted(ctx, c, field, page["results"], term.startswith("-"), operation)


def first_word(value: Any) -> str | None:
    """A search term DRF's SearchFilter reads as one term (it splits on spaces and commas)."""
    words = [w for w in re.split(r"[\s,\x00]+", str(value)) if w] if value not in (None, "") else []
    return words[0] if words else None


def search(ctx: Context, c: Collection, field: str) -> None:
    item = next((i for i in first_items(ctx, c, 5) if first_word(i.get(field))), None)
    if item is None:
        return  # nothing to search for in this target's data
    term = first_word(item[field]) or ""
    operation = f"GET {c.list_path}?search= ({field})"
    pages, found = walk(
        ctx, c, f"{c.list_path}?{urlencode({'search': term, 'page_size': 50})}", operation, limit=2
    )
    # SearchFilter looks only in its search_fields: a field no source names is the fake's choice.
    ctx.judge(
        c.provenance.of("search", field),
        any(key_of(c, i) == key_of(c, item) for i in found) or pages[0]["count"] > 100,
        operation,
        f"search finds an object by its {field}",
        expected=key_of(c, item),
        actual=[key_of(c, i) for i in found][:10],
    )
    missing = [key_of(c, i) for i in search_misses(found, term, c.search)]
    ctx.judge(
        c.provenance.of_all("search"),
        not missing,
        operation,
        f"every result holds {term!r} in a declared search field",
        actual=missing[:5],
    )


def holders(ctx: Context, item: dict[str, Any], within: str, operation: str) -> list[dict[str, Any]]:
    """The object itself, or the items of its nested list `within` (once they are objects)."""
    if not within:
        return [item]
    nested = item.get(within)
    if nested is None:
        return []
    ctx.field(item, within, list, operation)
    for line in nested:
        ctx.shaped(line, dict, operation, f"an item of {within}")
    return nested


def links(ctx: Context, c: Collection) -> None:
    """Hyperlinks are absolute on the host asked; `self` links are the object's detail URL."""
    operation = f"GET {c.list_path}"
    for item in first_items(ctx, c):
        for link in c.hyperlinks:
            for holder in holders(ctx, item, link.within, operation):
                value = holder.get(link.field)
                if value is None and link.source_fields:
                    continue
                ctx.expect(
                    isinstance(value, str) and link_on_host(value, [base(ctx)]),
                    operation,
                    f"{link.field} is absolute on the host asked",
                    expected=base(ctx) + "/...",
                    actual=value,
                )
                if not link.source_fields and c.detail_path:
                    own = _own_url(c, link.within, item, holder)
                    if own is None:
                        continue  # a nested item whose number is not shown: followed below
                    ctx.expect(
                        same_url(value, base(ctx) + own),
                        operation,
                        f"{link.field} is the object's detail URL",
                        expected=base(ctx) + own,
                        actual=value,
                    )


def _own_url(c: Collection, within: str, item: dict[str, Any], holder: dict[str, Any]) -> str | None:
    """The path an object's (or a nested item's) self link must name, when its key is shown."""
    if not within:
        return detail_path(c, key_of(c, holder))
    nested = c.nested[within]
    if not all(name in holder for name in nested.lookup):
        return None
    return nested_path(nested, key_of(c, item), holder)


def detail_agrees(ctx: Context, c: Collection) -> None:
    """The detail of an object says what its list entry says."""
    for item in first_items(ctx, c, 2):
        path = detail_path(c, key_of(c, item))
        detail = get_object(ctx, c, path, f"GET {c.detail_path}")
        ctx.expect_equal(detail, item, f"GET {c.detail_path}", "the detail agrees with the list entry")


def hyperlinks_resolve(ctx: Context, c: Collection) -> None:
    """A hyperlink to another collection is that object's detail, with the key it was built from."""
    followed = 0
    for item in first_items(ctx, c):
        for link in (h for h in c.hyperlinks if h.source_fields):
            for holder in holders(ctx, item, link.within, f"GET {c.list_path}"):
                url = holder.get(link.field)
                if not url or not isinstance(url, str) or followed >= 4:
                    continue  # a link that is not a URL is the `links` promise's failure
                followed += 1
                other = ctx.target.facts.collection(link.collection)
                operation = f"GET {other.detail_path} (from {c.name}.{link.field})"
                target = ctx.shaped(get_json(ctx, url, operation), dict, operation, "an object")
                if not all(s in holder for s in link.source_fields):
                    continue  # built from a stored field the API does not show: it resolved
                # one source field per lookup field, or one holding the whole key joined
                expected = item_key(holder, link.source_fields)
                ctx.expect(
                    item_key(target, other.key) == expected,
                    f"GET {url}",
                    f"{link.field} resolves to the {link.collection} object it names",
                    expected=expected,
                    actual=target,
                )


def nested_items(ctx: Context, c: Collection) -> None:
    """A nested list's items are served one by one at their own detail path, as listed."""
    for field, nested in c.nested.items():
        item = next((i for i in first_items(ctx, c, 5) if i.get(field)), None)
        if item is None:
            continue
        line = holders(ctx, item, field, f"GET {c.list_path}")[0]
        if all(name in line for name in nested.lookup):
            path = nested_path(nested, key_of(c, item), line)
        else:  # numbered by the service and not shown: the item's own link names it
            own = next((h.field for h in c.hyperlinks if h.within == field and not h.source_fields), None)
            if own is None or not line.get(own) or not isinstance(line[own], str):
                continue
            path = line[own]
        got = get_json(ctx, path, f"GET {nested.detail_path}")
        ctx.expect_equal(got, line, f"GET {nested.detail_path}", "a nested item reads as it is listed")


def head(ctx: Context, c: Collection) -> None:
    paths = [c.list_path] + [detail_path(c, key_of(c, i)) for i in first_items(ctx, c, 1) if c.detail_path]
    for path in paths:
        answer = ctx.target.api_call("HEAD", path)
        ctx.expect(
            answer.status_code == 200 and answer.content == b"",
            f"HEAD {path}",
            "HEAD is GET without a body",
            expected="200, empty",
            actual=f"{answer.status_code}, {len(answer.content)} bytes",
            response=answer,
        )


def options(ctx: Context, c: Collection) -> None:
    """OPTIONS describes the view and, where POST is declared, every input field as the spec does."""
    item = next(i for i in ctx.target.facts.spec.path_items if i.path == c.list_path)
    answer = ctx.target.api_call("OPTIONS", c.list_path)
    operation = f"OPTIONS {c.list_path}"
    metadata = ctx.shaped(ctx.json_of(answer, operation), dict, operation, "the metadata", answer)
    ctx.expect_equal(metadata.get("name"), item.view_name, operation, "the view's name")
    expect_allow(ctx, c, item.allow_header, answer, operation)
    detail = next((i for i in ctx.target.facts.spec.path_items if i.path == c.detail_path), None)
    for found in first_items(ctx, c, 1) if detail is not None else []:
        path = detail_path(c, key_of(c, found))
        expect_allow(ctx, c, detail.allow_header, ctx.target.api_call("OPTIONS", path), f"OPTIONS {path}")
    if "POST" not in item.operations:
        return
    described_actions = metadata.get("actions")
    actions = described_actions.get("POST") if isinstance(described_actions, dict) else None
    ctx.require(
        isinstance(actions, dict),
        operation,
        "metadata must describe actions.POST",
        actual=metadata.get("actions"),
        response=answer,
    )
    fields = c.input_schema.get("properties") or {}
    # DRF lists every serializer field; one no upload writes (a hyperlink, a computed value) that
    # the spec does not list takes nothing from a client: only the declared ones are demanded.
    extra = sorted(n for n in set(actions) - set(fields) if not (actions.get(n) or {}).get("read_only"))
    ctx.expect(
        set(fields) <= set(actions) and not extra,
        operation,
        "actions.POST lists the serializer's fields",
        expected=sorted(fields),
        actual=sorted(actions),
    )
    required = set(c.input_schema.get("required") or ())
    for name, prop in fields.items():
        described = actions.get(name) if isinstance(actions.get(name), dict) else {}
        want = {
            "read_only": bool(prop.get("readOnly")),
            "required": name in required and not prop.get("readOnly"),
            "type": drf_type(prop),
        }
        got = {key: described.get(key) for key in want}
        if got["type"] == "field" and ((prop.get("x-drf") or {}).get("exists_in") or prop.get("readOnly")):
            # DRF's SimpleMetadata labels a related field (PrimaryKeyRelatedField) and a computed
            # one (SerializerMethodField) "field"
            got["type"] = want["type"]
        decision = c.provenance.of("required", name)
        if got != want and decision.decided and {**got, "required": want["required"]} == want:
            # the sources state whether it is required two ways (a table against an example)
            message = f"actions.POST.{name}.required as the fake chose"
            ctx.decided(decision, operation, message, expected=want["required"], actual=got["required"])
            continue
        ctx.expect(
            got == want, operation, f"actions.POST.{name} as the spec declares", expected=want, actual=got
        )


def expect_allow(ctx: Context, c: Collection, declared: str, answer: Any, operation: str) -> None:
    """`Allow` lists every method the spec declares for the view; a method beyond them (a DRF
    ModelViewSet instance allows PUT, PATCH and DELETE) is the fake's choice, not a failure."""
    shown = [m.strip() for m in (answer.headers.get("allow") or "").split(",") if m.strip()]
    wanted = [m.strip() for m in declared.split(",")]
    ctx.expect(
        set(wanted) <= set(shown),
        operation,
        "Allow lists the view's documented methods",
        expected=declared,
        actual=answer.headers.get("allow"),
        response=answer,
    )
    extra = [m for m in shown if m not in wanted]
    ctx.judge(
        c.provenance.of("allow"),
        not extra,
        operation,
        f"Allow lists methods the spec does not serve ({', '.join(extra)})",
        expected=declared,
        actual=answer.headers.get("allow"),
        response=answer,
    )


def suffixes(ctx: Context, c: Collection) -> None:
    """`.json` serves the same objects, hyperlinks reversed with the suffix (DRF's format kwarg)."""
    item = next(i for i in ctx.target.facts.spec.path_items if i.path == c.list_path)
    if "json" in item.format_suffixes:
        plain = get_page(ctx, c, c.list_path, f"GET {c.list_path}")
        path = c.list_path.rstrip("/") + ".json"
        ctx.expect(
            get_page(ctx, c, path, f"GET {path}")["count"] == plain["count"],
            f"GET {path}",
            "the .json suffix serves the collection",
            expected=plain["count"],
        )
        # the seed document's /things/.json/ (stock DRF's suffix patterns do not serve it)
        path = c.list_path + ".json/"
        answer = ctx.target.api_call("GET", path)
        ctx.judge(
            c.provenance.of("suffix_form"),
            answer.status_code == 200,
            f"GET {path}",
            "the document's /.json/ suffix form serves the collection",
            expected=200,
            actual=answer.status_code,
            response=answer,
        )
        if answer.status_code == 200:
            ctx.expect(
                page_of(ctx, c, ctx.json_of(answer, f"GET {path}"), f"GET {path}")["count"] == plain["count"],
                f"GET {path}",
                "the .json suffix serves the collection",
                expected=plain["count"],
            )
        for found in first_items(ctx, c, 1) if c.detail_path else []:
            for link in c.hyperlinks:
                holders(ctx, found, link.within, f"GET {c.list_path}")
            path = detail_path(c, key_of(c, found)).rstrip("/") + ".json"
            expected = _suffixed(c, found)
            got = get_json(ctx, path, f"GET {c.detail_path} (.json)")
            ctx.expect_equal(
                got, expected, f"GET {path}", "the .json detail is the object, its hyperlinks ending in .json"
            )
    if "api" in item.format_suffixes:
        html = ctx.target.api_call("GET", f"{c.list_path}?format=api")
        ctx.expect(
            html.status_code == 200 and html.headers.get("content-type", "").startswith("text/html"),
            f"GET {c.list_path}?format=api",
            "format=api is an HTML page",
            actual=html.headers.get("content-type"),
            response=html,
        )


def _suffixed(c: Collection, item: dict[str, Any]) -> dict[str, Any]:
    changed = {**item}
    for link in c.hyperlinks:
        holders = [dict(h) for h in changed.get(link.within) or []] if link.within else [changed]
        for holder in holders:
            if isinstance(holder.get(link.field), str) and holder[link.field].endswith("/"):
                holder[link.field] = holder[link.field][:-1] + ".json"
        if link.within:
            changed[link.within] = holders
    return changed


def unknown_detail(ctx: Context, c: Collection) -> None:
    path = detail_path(c, f"{ctx.options.prefix}no-such-object")
    answer = ctx.target.api_call("GET", path)
    operation = f"GET {c.detail_path} (unknown)"
    ctx.require_status(answer, 404, operation, "an unknown object answers 404")
    body = ctx.json_of(answer, operation)
    ctx.expect(
        isinstance(body, dict) and set(body) == {"detail"},
        operation,
        'a 404 is {"detail": ...}',
        actual=body,
        response=answer,
    )
