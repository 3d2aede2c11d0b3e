"""`mockserver diff`: the same seeded sequence against the fake (in-process) and a deployment;
every difference in status, shape and state transition is reported."""

import random
import time
import traceback
from typing import Any, NamedTuple

import httpx

from contract_tests.akinon_checks import endpoint
from contract_tests.collection_http import detail_path
from contract_tests.context import (
    INTERRUPTED,
    NotDeclared,
    RunOptions,
    declared_collection,
    declared_operation,
    declared_task,
)
from contract_tests.findings import shape
from contract_tests.plan import Deployment, Selection, collection_subjects, task_subjects
from contract_tests.report import Failure, Note, NotRun, Report, ToolError
from contract_tests.run_prefix import key_text
from contract_tests.target import Credentials, CutOff, Target, in_process_target
from mockserver.drf.serializer import is_nullable
from mockserver.profile import Profile
from mockserver.spec.catalogue import ServedApi
from mockserver.spec.collections import CollectionDeclaration
from mockserver.spec.provenance import NONE, Provenance, Provenances

MAX_POLLS = 120

ANONYMOUS = "anonymous"  # a step sent without credentials
TRANSITIONS = "state transitions"
# The collections the transitions compared write and read (Akinon's are its setup task's).
TRANSITION_COLLECTIONS = {"datawiz": ("relocate-documents", "products")}


class Step(NamedTuple):
    method: str
    url: str
    body: Any  # None, a JSON body, or ANONYMOUS
    about: str  # the collection or setup task it belongs to (--include/--exclude, not deployed)


def read_steps(api: ServedApi) -> list[Step]:
    """The reads compared for an API: for every declared setup task and collection, what DRF
    answers to valid, unknown and unsupported requests, with and without credentials."""
    steps: list[Step] = []
    for task in api.setup_tasks:
        try:
            execute, status, required = (
                declared_operation(api, task.operations[role]).path
                for role in ("execute", "status", "is_required")
            )
        except NotDeclared:
            continue  # a spec copy without the task's views: nothing of it to compare
        steps += [
            Step(method, url, body, task.name)
            for method, url, body in [
                ("GET", required, None),
                ("GET", status, None),
                ("POST", required, None),
                ("OPTIONS", execute, None),
                ("HEAD", status, None),
                ("GET", execute, None),
                ("GET", status, ANONYMOUS),
                ("OPTIONS", required, ANONYMOUS),
            ]
        ]
    for collection in api.collections:
        listing = collection.list_path
        listed: list[tuple[str, str, Any]] = [
            ("GET", f"{listing}?page_size=2", None),
            ("GET", f"{listing}.json/?search=unknown-string", None),
            ("GET", f"{listing}?page=999999", None),
            ("GET", f"{listing}?format=xml", None),
            ("OPTIONS", listing, None),
            ("HEAD", listing, None),
            ("PATCH", listing, {}),
            ("GET", listing, ANONYMOUS),
            ("OPTIONS", listing, ANONYMOUS),
        ]
        if collection.detail_path:
            listed.append(("GET", detail_path(collection, "ct-does-not-exist"), None))
        steps += [Step(method, url, body, collection.name) for method, url, body in listed]
    return steps


def keys_only(collection: CollectionDeclaration, prefix: str) -> dict[str, str]:
    """An object naming nothing but its key, inside the run: each text field of the key holds a
    key of the run (a number or a date in a key is left out). Every other required field is
    missing, so a faithful deployment refuses it naming them; one that fills in what is missing
    (its own key included) stores it inside the run, never outside."""
    properties = collection.input_schema.get("properties") or {}
    body = {}
    for name in collection.key:
        prop = properties.get(name) or {}
        if (prop.get("x-drf") or {}).get("type", "string") == "string":
            body[name] = key_text(prefix, "empty", prop.get("maxLength"))
    return body


def write_steps(api: ServedApi, prefix: str) -> list[Step]:
    """Writes no faithful deployment stores: an object naming only its key and a list of one, for
    every collection; executes of every setup task; the document's upload naming a missing
    product. Every key they name carries the run's prefix, so a deployment that stores them all
    the same stores them inside the run."""
    steps: list[Step] = []
    for task in api.setup_tasks:
        try:
            execute = declared_operation(api, task.operations["execute"]).path
            status = declared_operation(api, task.operations["status"]).path
        except NotDeclared:
            continue
        steps += [Step("POST", execute, {}, task.name), Step("GET", status, None, task.name)]
    for collection in api.collections:
        if any(op.method == "POST" for op in collection.operations(api.spec).values()):
            keys = keys_only(collection, prefix)
            steps += [
                Step("POST", collection.list_path, keys, collection.name),
                Step("POST", collection.list_path, [keys], collection.name),
            ]
    if api.name == "datawiz" and any(c.name == "relocate-documents" for c in api.collections):
        steps.append(
            Step(
                "POST",
                api.collection("relocate-documents").list_path,
                {
                    "relocate_id": f"{prefix}d",
                    "price_total": "1",
                    "relocate_date": "2016-01-01T00:00:00",
                    "responsible": "",
                    "products": [
                        {"product_id": f"{prefix}missing", "qty": "1", "price": "1", "price_total": "1"}
                    ],
                },
                "relocate-documents",
            )
        )
    return steps


def same_shape(a: Any, b: Any) -> bool:
    """Two shapes agree where both hold a value: a null says nothing about a field's type (the
    fake's data and a deployment's differ, and DRF renders an empty nullable field as null)."""
    if "NoneType" in (a, b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return not a or not b or same_shape(a[0], b[0])
    return a == b


# SimpleMetadata lists a field's limits and help text only where the model sets them (a
# CharField's max_length); the documents state none of them, so a deployment's own are no
# difference. One the fake lists (from the spec) and the deployment lacks still is. A decimal's
# max_digits and decimal_places are not among them: DRF 3.15+ lists them for every DecimalField,
# a version difference the profile's options_decimal_details learns (diff --profile).
FIELD_DETAILS = frozenset({"max_length", "min_length", "max_value", "min_value", "help_text"})


def without_own_details(got: Any, want: Any) -> Any:
    """An OPTIONS shape without the field details of FIELD_DETAILS that `want`'s lacks."""
    if not isinstance(got, dict) or not isinstance(got.get("actions"), dict):
        return got
    wanted = want.get("actions") if isinstance(want, dict) else None
    wanted = wanted if isinstance(wanted, dict) else {}
    actions = {method: _fields(fields, wanted.get(method)) for method, fields in got["actions"].items()}
    return {**got, "actions": actions}


def _fields(got: Any, want: Any) -> Any:
    if not isinstance(got, dict):
        return got
    want = want if isinstance(want, dict) else {}
    return {name: _field_info(info, want.get(name)) for name, info in got.items()}


def _field_info(got: Any, want: Any) -> Any:
    if not isinstance(got, dict):
        return got
    want = want if isinstance(want, dict) else {}
    kept = {key: value for key, value in got.items() if key not in FIELD_DETAILS or key in want}
    if "child" in kept:
        kept["child"] = _field_info(kept["child"], want.get("child"))
    if "children" in kept:
        kept["children"] = _fields(kept["children"], want.get("children"))
    return kept


def _observe(target: Target, method: str, url: str, body: Any) -> dict[str, Any]:
    if body == ANONYMOUS:
        response = target.request(method, url)
    elif body is not None:
        response = target.api_call(method, url, json=body)
    else:
        response = target.api_call(method, url)
    content_type = response.headers.get("content-type", "").split(";")[0]
    observed: dict[str, Any] = {"status": response.status_code, "content_type": content_type or None}
    if content_type == "application/json":
        try:
            observed["shape"] = shape(response.json())
        except ValueError:
            observed["shape"] = "invalid JSON"
    if "allow" in response.headers:
        observed["allow"] = response.headers["allow"]
    return observed


def _provenances(api: ServedApi, url: str) -> Provenances:
    """The provenance of the collection a URL belongs to (the longest list path it starts with)."""
    path = url.split("?")[0]
    owners: list[CollectionDeclaration] = [
        c for c in api.collections if path.startswith(c.list_path.rstrip("/"))
    ]
    return max(owners, key=lambda c: len(c.list_path)).provenance if owners else NONE


def _methods(allow: Any) -> set[str]:
    return {m.strip() for m in str(allow or "").split(",") if m.strip()}


def _decided_difference(
    key: str, want: Any, got: Any, provenances: Provenances, url: str = ""
) -> Provenance | None:
    """The decision a difference departs from, when it is one the project decided: an `Allow`
    that lists every method the fake's does, and more (a DRF ModelViewSet instance allows PUT,
    PATCH and DELETE); the seed's `/things/.json/` form not served (stock DRF routes)."""
    decision = None
    if key == "allow" and want and got and _methods(want) < _methods(got):
        decision = provenances.of("allow")
    elif "/.json/" in url.split("?")[0]:
        decision = provenances.of("suffix_form")
    return decision if decision is not None and decision.decided else None


def _record(
    report: Report, pin: bool, decision: Provenance | None, operation: str, message: str, want: Any, got: Any
) -> None:
    """A difference: a failure, or a note when it departs from a decided behaviour (unless pinned)."""
    if decision is not None and not decision.decided:
        decision = None  # a documented behaviour that differs
    if decision is not None and not pin:
        report.notes.append(
            Note(
                check="diff",
                operation=operation,
                message=message,
                decision=decision.reference,
                reason=decision.reason,
                expected=str(want)[:400],
                actual=str(got)[:400],
            )
        )
        return
    if decision is not None:
        message = f"{message} (pinned: {decision.describe()})"
    report.failures.append(
        Failure(
            check="diff",
            operation=operation,
            message=message,
            expected=str(want)[:400],
            actual=str(got)[:400],
        )
    )


def run_diff(
    real: Target,
    *,
    seed: int = 0,
    allow_writes: bool = False,
    pin_decisions: bool = False,
    report: Report | None = None,
    selection: Selection = Selection(),
    profile: Profile | None = None,
) -> Report:
    """Every step chosen, sent to the fake and to `real`; a step a deployment does not serve (its
    collection not deployed), or the budget, time or an interrupt cut off, is reported not run.
    With a profile (calibrate's) the fake answers as the deployment it describes."""
    from mockserver.app import create_app
    from mockserver.settings import Settings

    profiles = (profile,) if profile is not None else ()
    fake = in_process_target(
        real.api,
        create_app(
            Settings(auth_mode="strict", tokens=("diff-token",), specs_dir=real.specs_dir, profiles=profiles)
        ),
        Credentials(token="diff-token"),
        specs_dir=real.specs_dir,
    )
    report = report or Report(api=real.api, target=f"{real.base_url} vs the fake", command="diff")
    api = real.facts
    collections = {c.name for c in api.collections}
    prefix = RunOptions().prefix  # one run id for every write of this diff
    steps = read_steps(api) + (write_steps(api, prefix) if allow_writes else [])
    random.Random(seed).shuffle(steps)
    deployment = Deployment()
    chosen: list[tuple[str, Step]] = []
    for index, step in enumerate(steps):
        name = f"{index:02d} {step.method} {step.url}"
        about = collection_subjects(api, step.about) if step.about in collections else task_subjects(api)
        reason = selection.reason_to_skip(about)
        if reason:
            report.skip(name, reason)
        else:
            chosen.append((name, step))
    cut: str | None = None
    for name, step in chosen:
        if cut is None:
            cut = _compare_step(report, fake, real, deployment, name, step, collections, pin_decisions)
        if cut is not None:
            report.not_run.append(NotRun(name, cut))
    if allow_writes:
        needs = TRANSITION_COLLECTIONS.get(api.name, ())
        if cut is None and not selection.reason_to_skip(frozenset(collections) | task_subjects(api)):
            try:
                missing = deployment.missing(real, needs)
            except CutOff as error:
                missing = cut = str(error)
            if missing:
                report.not_run.append(NotRun(TRANSITIONS, missing))
            else:
                cut = _guarded(
                    report,
                    TRANSITIONS,
                    lambda: _compare_transitions(report, fake, real, prefix, pin_decisions),
                )
        if cut is not None and all(entry.check != TRANSITIONS for entry in report.not_run):
            report.not_run.append(NotRun(TRANSITIONS, cut))
    report.requests_sent = real.requests_sent
    return report


def _compare_step(
    report: Report,
    fake: Target,
    real: Target,
    deployment: Deployment,
    name: str,
    step: Step,
    collections: set[str],
    pin: bool,
) -> str | None:
    """Send one step to both; the reason the run stops here, if it must (None to go on)."""
    if step.about in collections:
        try:
            missing = deployment.missing(real, (step.about,))
        except CutOff as error:
            return str(error)
        if missing:
            report.not_run.append(NotRun(name, missing))
            return None
    return _guarded(report, name, lambda: _record_step(report, fake, real, name, step, pin))


def _guarded(report: Report, name: str, compare: Any) -> str | None:
    """Run one comparison: a cut-off or an interrupt stops the run (its reason returned), a
    transport error is the deployment's, anything else the tool's own error."""
    try:
        compare()
    except CutOff as error:
        return str(error)
    except KeyboardInterrupt:
        return INTERRUPTED
    except NotDeclared as error:
        report.not_run.append(NotRun(name, str(error)))
    except httpx.HTTPError as error:
        report.failures.append(
            Failure("diff", name, "the request failed", actual=f"{type(error).__name__}: {error}")
        )
    except Exception as error:
        report.errors.append(ToolError(name, f"{type(error).__name__}: {error}", traceback.format_exc()))
    return None


def _record_step(report: Report, fake: Target, real: Target, name: str, step: Step, pin: bool) -> None:
    method, url, body = step.method, step.url, step.body
    expected, actual = _observe(fake, method, url, body), _observe(real, method, url, body)
    if method == "OPTIONS":
        actual["shape"] = without_own_details(actual.get("shape"), expected.get("shape"))
    differences = {
        key: (expected.get(key), actual.get(key))
        for key in expected.keys() | actual.keys()
        if not (
            same_shape(expected.get(key), actual.get(key))
            if key == "shape"
            else expected.get(key) == actual.get(key)
        )
    }
    decided = {
        key: _decided_difference(key, want, got, _provenances(real.facts, url), url)
        for key, (want, got) in differences.items()
    }
    for key, (want, got) in sorted(differences.items()):
        _record(report, pin, decided[key], name, f"{key} differs", want, got)
    if all(decided.values()):  # no difference, or only decided ones (noted)
        report.passed.append(name)


def akinon_transitions(target: Target, timeout: float = 60.0) -> list[Any]:
    """execute, then the distinct states polled until one is terminal (the fake's clock is advanced)."""
    task = declared_task(target.facts)
    running = (task.idle, task.running)
    seen: list[Any] = [target.api_call("POST", endpoint(target.facts, "execute"), json={}).status_code]
    deadline, pause = time.monotonic() + timeout, 0.25
    for _ in range(MAX_POLLS):
        if time.monotonic() > deadline:
            seen.append("(timeout)")
            break
        answer = target.api_call("GET", endpoint(target.facts, "status"))
        body = _json_or_text(answer)
        state = (
            body.get("result") if answer.status_code == 200 and isinstance(body, dict) else answer.status_code
        )
        state = task.state_of(state) if isinstance(state, str) else state  # verify notes a spelling
        if state != seen[-1]:
            seen.append(state)
        if state not in running:  # an outcome, or an undocumented value that cannot move on
            break
        if not target.advance_clock(1.0):
            time.sleep(pause)
            pause = min(pause * 1.5, 5.0)
    return seen


def datawiz_transitions(target: Target, prefix: str) -> list[Any]:
    """Upload a new document, upload it again, read it back: counts and the stored representation."""
    api = target.facts
    collection = declared_collection(api, "relocate-documents")
    docs, product = collection.list_path, f"{prefix}p"
    products = declared_collection(api, "products").list_path
    # A product names a category that must exist (products.rst: category_id required).
    categories = declared_collection(api, "categories")
    category = {categories.key[0]: f"{prefix}c", "name": "diff category", **roots_of(categories)}
    target.api_call("POST", categories.list_path, json=[category])
    target.api_call(
        "POST", products, json=[{"product_id": product, "name": "diff product", "category_id": f"{prefix}c"}]
    )
    document = {
        "relocate_id": f"{prefix}d",
        "price_total": "7.5",
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": "diff",
        "sender_shop_id": None,
        "receiver_shop_id": None,
        "products": [{"product_id": product, "qty": 2, "price": "4", "price_total": "7.5"}],
    }
    # Every line field the seed's tables and OPTIONS example state two ways (a line's price,
    # decided required: datawiz#4) is sent, so the replacement replaces on either decision.
    line = {"product_id": product, "qty": "3", "price": "3", "price_total": "9"}
    replacement = {**document, "products": [line]}
    second = {**document, "relocate_id": f"{prefix}e"}
    steps: list[Any] = []
    for body in (document, replacement, second):
        answer = target.api_call("POST", docs, json=body)
        steps.append((answer.status_code, seed_counts(_json_or_text(answer))))
    # the key field, the detail URL and the ordering read from the declaration
    ordering = f"-{collection.key[0]}"
    for url in (
        detail_path(collection, collection.key_of(document)),
        f"{docs}?search={prefix}&page_size=1&ordering={ordering}",
        f"{docs}?search={prefix}&page_size=1&ordering={ordering}&page=2",
    ):
        answer = target.api_call("GET", url)
        # The host in url fields is each target's own; the rest must be equal.
        steps.append((answer.status_code, _without_host(_json_or_text(answer), target.base_url.rstrip("/"))))
    return steps


def roots_of(collection: CollectionDeclaration) -> dict[str, None]:
    """A tree's reference to its own collection (a category's parent_id), sent as null: a root.
    Where the sources call it required (decided optional, datawiz-resources#2) a deployment
    that requires it still takes null; left out, it refuses the upload."""
    properties = collection.input_schema.get("properties") or {}
    return {
        name: None
        for name, prop in properties.items()
        if ((prop.get("x-drf") or {}).get("exists_in") or {}).get("collection") == collection.name
        and is_nullable(prop)
    }


PAGES_SHAPE = "pages"  # marks an upload answer seen in the client pages' shape


def seed_counts(body: Any) -> Any:
    """An upload answer in the seed's `{"updated", "inserted"}`: the client pages'
    `{"results": {"updated", "created"}}` says the same (both shapes are accepted, the sources
    disagree), and is marked so the comparison can say which it saw."""
    inner = body.get("results") if isinstance(body, dict) and set(body) == {"results"} else None
    if isinstance(inner, dict) and set(inner) == {"updated", "created"}:
        return {"updated": inner["updated"], "inserted": inner["created"], PAGES_SHAPE: True}
    return body


def _json_or_text(answer: Any) -> Any:
    try:
        return answer.json()
    except ValueError:
        return answer.text[:200]


def _without_host(value: Any, base: str) -> Any:
    if isinstance(value, dict):
        return {key: _without_host(item, base) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_host(item, base) for item in value]
    return value.removeprefix(base) if isinstance(value, str) else value


def _compare_transitions(report: Report, fake: Target, real: Target, prefix: str, pin: bool = False) -> None:
    name = TRANSITIONS
    if real.api == "akinon":
        expected, actual = akinon_transitions(fake), akinon_transitions(real)
    else:
        expected, actual = datawiz_transitions(fake, prefix), datawiz_transitions(real, prefix)
        pages = [body for _, body in actual if isinstance(body, dict) and body.pop(PAGES_SHAPE, False)]
        if pages:
            collection = real.facts.collection("relocate-documents")
            _record(
                report,
                pin,
                collection.provenance.of("upload_answer"),
                f"POST {collection.list_path}",
                'the upload answer is the client pages\' {"results": {"updated", "created"}}',
                '{"updated": n, "inserted": n}',
                pages[0],
            )
    if expected == actual:
        report.passed.append(name)
        return
    _record(report, pin, None, name, "the sequence of states differs", expected, actual)
