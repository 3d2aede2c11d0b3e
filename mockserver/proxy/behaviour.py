"""The documented behaviours passing traffic can show, judged per tenant from what the proxy saw
of that tenant before, without sending anything: paging, ordering, search, upsert counts,
absolute links on the host asked, task-state transitions, is_required after a task, a detail
read agreeing with the last list seen, and every read agreeing with the accepted uploads seen
(read-your-writes). Where the spec's provenance says the behaviour is one the project decided
(mockserver/spec/provenance.py), a difference is a note, never a violation."""

import re
from dataclasses import dataclass, field
from typing import Any

from mockserver.drf.judgements import (
    link_keeps_query,
    link_on_host,
    ordering_problem,
    page_problem,
    search_misses,
    search_problem,
    search_terms,
    self_link_problem,
    upsert_problem,
)
from mockserver.drf.pagination import PagePolicy, page_request
from mockserver.profile import (
    AUTH_CHALLENGES,
    INSTANCE_ALLOW,
    INSTANCE_WRITES,
    NOT_FOUND_SHORT,
    Profile,
    allowed_methods,
    upload_answer_shape,
)
from mockserver.proxy.exchange import NOT_JSON, Exchange
from mockserver.proxy.exchange_checks import Finding
from mockserver.proxy.violations import note
from mockserver.proxy.writes import Expected, WrittenForms, difference
from mockserver.spec.catalogue import Catalogue
from mockserver.spec.collections import CollectionDeclaration
from mockserver.spec.provenance import Provenance
from mockserver.spec.setup_tasks import SetupTaskDeclaration
from mockserver.store.documents import KEY_SEPARATOR

_MODEL_TEXT = re.compile(r"^No (\w+) matches the given query\.$")  # DRF 3.15+'s 404 text

# Per tenant and collection: a long session against staging must not grow without bound.
DOCUMENTS_REMEMBERED = 20_000


@dataclass
class CollectionMemory:
    listed: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> last representation read
    uploaded: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> upload not read back yet
    absent: set[str] = field(default_factory=set)  # keys a detail read answered 404 for
    # key -> (the exchange of its last accepted upload, what every read must show of it)
    written: dict[str, tuple[int, Expected]] = field(default_factory=dict)

    def gone(self, key: str) -> None:
        self.listed.pop(key, None)
        self.uploaded.pop(key, None)
        self.written.pop(key, None)
        self.absent.add(key)


@dataclass
class TaskMemory:
    last: str | None = None  # the last state a status poll showed
    executed_since: bool = False  # an execute was accepted after that poll
    outcome: str | None = None  # the last outcome shown, until the next execute
    required_before: str | None = None  # is_required's answer since the last outcome shown
    required_at_start: str | None = None  # what it was when the last accepted execute came


@dataclass
class TenantMemory:
    collections: dict[str, CollectionMemory] = field(default_factory=dict)
    tasks: dict[str, TaskMemory] = field(default_factory=dict)
    is_required: dict[str, str] = field(default_factory=dict)  # task -> last is_required answer

    # get before setdefault: an exchange must not build a memory (and its dicts) it then drops
    def collection(self, name: str) -> CollectionMemory:
        return self.collections.get(name) or self.collections.setdefault(name, CollectionMemory())

    def task(self, name: str) -> TaskMemory:
        return self.tasks.get(name) or self.tasks.setdefault(name, TaskMemory())


def _items(data: Any) -> list[dict[str, Any]]:
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict)]


def _key(declaration: CollectionDeclaration, document: dict[str, Any]) -> str | None:
    try:
        return declaration.key_of(document)
    except KeyError:
        return None


def _link_fields(declaration: CollectionDeclaration, document: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for link in declaration.hyperlinks:
        holders = document.get(link.within) if link.within else [document]
        for holder in holders if isinstance(holders, list) else []:
            value = holder.get(link.field) if isinstance(holder, dict) else None
            if isinstance(value, str):
                found.append((link.field, value))
    return found


def _without_links(declaration: CollectionDeclaration, document: dict[str, Any]) -> dict[str, Any]:
    own = {link.field for link in declaration.hyperlinks if not link.within}
    nested: dict[str, set[str]] = {}
    for link in declaration.hyperlinks:
        if link.within:
            nested.setdefault(link.within, set()).add(link.field)
    plain = {name: value for name, value in document.items() if name not in own}
    for within, fields in nested.items():
        if isinstance(plain.get(within), list):
            plain[within] = [
                {k: v for k, v in item.items() if k not in fields} if isinstance(item, dict) else item
                for item in plain[within]
            ]
    return plain


def _certain_size(query: dict[str, str], policy: PagePolicy) -> bool:
    """Whether the page size is the one the client asked (documented), not the default or the
    maximum a page is cut to (both decided)."""
    asked = query.get("page_size", "")
    return asked.isascii() and asked.isdigit() and 0 < int(asked) <= policy.max_size


def _sizes(page: dict[str, Any], number: int) -> set[int]:
    """Page sizes that could have made this page: what it holds, or what the pages before held."""
    results, count = page.get("results"), page.get("count")
    sizes = {len(results)} if isinstance(results, list) and results else set()
    if number > 1 and isinstance(count, int) and isinstance(results, list):
        before, rest = divmod(count - len(results), number - 1)
        if before > 0 and not rest:
            sizes.add(before)
    return sizes


def _text_values(value: Any) -> list[str]:
    """Every text a shown object holds, nested ones included."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in _text_values(item)]
    if isinstance(value, list):
        return [text for item in value for text in _text_values(item)]
    return [] if value is None else [str(value)]


def _matches_nowhere(documents: list[dict[str, Any]], search: str) -> dict[str, Any] | None:
    """A result holding a search term in no value it shows at all."""
    # DRF 3.15+ reads a quoted phrase as one term: quotes are no text a result must hold
    terms = [term.strip('"').lower() for term in search_terms(search) if term.strip('"')]
    for document in documents:
        texts = [text.lower() for text in _text_values(document)]
        if not all(any(term in text for text in texts) for term in terms):
            return document
    return None


def _judged(behaviour: str, provenance: Provenance, kind: str, problem: str) -> Finding:
    """A violation of a documented behaviour, or a note where the project decided it."""
    return note(behaviour, provenance, problem) if provenance.decided else (kind, problem)


class BehaviourChecker:
    def __init__(self, catalogue: Catalogue, profiles: tuple[Profile, ...] = ()) -> None:
        self.catalogue = catalogue
        self.tenants: dict[str, TenantMemory] = {}
        self.forms = WrittenForms()
        self.profiles = {profile.api: profile for profile in profiles}

    def _pinned_page_size(self, declaration: CollectionDeclaration) -> int | None:
        profile = self.profiles.get(declaration.api)
        return profile.page_sizes.get(declaration.name) if profile is not None else None

    def _not_found_finding(self, exchange: Exchange, declaration: CollectionDeclaration) -> Finding | None:
        """A 404's text against the profile, where the change is certain: a model named where the
        profile says `Not found.` (DRF 3.14 never names one), or another model than the pinned one.
        A bare `Not found.` under a 3.15+ profile is not judged: DRF answers it for a key it cannot
        look up (a part of the wrong type) in every version."""
        profile = self.profiles.get(declaration.api)
        data = exchange.response_json
        detail = data.get("detail") if isinstance(data, dict) else None
        if profile is None or profile.not_found_text is None or not isinstance(detail, str):
            return None
        named = _MODEL_TEXT.match(detail)
        if named is None:
            return None
        if profile.not_found_text == NOT_FOUND_SHORT:
            knob, pinned = "not_found_text", NOT_FOUND_SHORT
        elif declaration.name in profile.models and profile.models[declaration.name] != named.group(1):
            knob, pinned = f"model@{declaration.name}", profile.models[declaration.name]
        else:
            return None
        return (
            "profile." + knob.split("@")[0],
            f"the profile no longer matches: {knob} (pinned {pinned!r}, answered {detail!r})",
        )

    def _instance_allow_finding(self, exchange: Exchange) -> Finding | None:
        """An instance's answer against the profile's instance_allow: an Allow listing other
        methods than the pinned variant's, or a write the variant does not allow answered 2xx."""
        match = exchange.match
        role = self.catalogue.collection_paths.get(match.path_item.path) if match is not None else None
        if role is None or role.is_list:
            return None
        declaration = role.declaration
        profile = self.profiles.get(declaration.api)
        variant = profile.instance_allow.get(declaration.name) if profile is not None else None
        if variant is None:
            return None
        pinned, allow = allowed_methods(INSTANCE_ALLOW[variant]), exchange.response_headers.get("allow")
        if (
            exchange.method in INSTANCE_WRITES
            and exchange.method not in pinned
            and 200 <= exchange.status < 300
        ):
            answered = f"answered {exchange.method} with {exchange.status}"
        elif allow is not None and allowed_methods(allow) != pinned:
            answered = f"answered Allow: {allow!r}"
        else:
            return None
        return (
            "profile.instance_allow",
            f"the profile no longer matches: instance_allow@{declaration.name} "
            f"(pinned {variant!r}: {INSTANCE_ALLOW[variant]}; {answered})",
        )

    def _auth_challenge_finding(self, exchange: Exchange) -> Finding | None:
        """A 401 against the profile's auth_challenge: a challenge of another scheme than the
        pinned first class's, or any 401 where that class has none (DRF answers 403 then)."""
        operation = exchange.operation
        profile = self.profiles.get(operation.api) if operation is not None else None
        pinned = profile.auth_challenge if profile is not None else None
        if pinned is None or exchange.status != 401:
            return None
        challenge, shown = AUTH_CHALLENGES[pinned], exchange.response_headers.get("www-authenticate")
        scheme = (shown or "").partition(" ")[0].lower()
        if challenge is not None and scheme == challenge.partition(" ")[0].lower():
            return None
        return (
            "profile.auth_challenge",
            f"the profile no longer matches: auth_challenge (pinned {pinned}: "
            f"{challenge or 'a 403 without a challenge'}; answered 401 with WWW-Authenticate {shown!r})",
        )

    def _upload_answer_finding(
        self, exchange: Exchange, declaration: CollectionDeclaration
    ) -> Finding | None:
        """An accepted upload answered in the other shape than the profile's upload_answer."""
        profile = self.profiles.get(declaration.api)
        pinned = profile.upload_answer if profile is not None else None
        shape = upload_answer_shape(exchange.response_json) if pinned is not None else None
        if shape is None or shape == pinned:
            return None  # neither shape: the answer's schema check reports it
        return (
            "profile.upload_answer",
            f"the profile no longer matches: upload_answer (pinned {pinned!r}, answered the {shape!r} shape)",
        )

    def memory(self, tenant: str) -> TenantMemory:
        return self.tenants.get(tenant) or self.tenants.setdefault(tenant, TenantMemory())

    def findings(self, exchange: Exchange, client_bases: list[str]) -> list[Finding]:
        operation = exchange.operation
        allow = self._instance_allow_finding(exchange) if self.profiles else None
        findings: list[Finding] = [] if allow is None else [allow]
        challenge = self._auth_challenge_finding(exchange) if self.profiles else None
        if challenge is not None:
            findings.append(challenge)
        if operation is None:
            self._undocumented_write(exchange)
            return findings
        if (
            operation.needs_credentials
            and "authorization" not in exchange.request_headers
            and exchange.status < 400
        ):
            findings.append(
                ("behaviour.auth", f"answered {exchange.status} without credentials; the spec secures it")
            )
        if exchange.tenant is None or exchange.status >= 500:
            return findings
        memory = self.memory(exchange.tenant)
        collection = self.catalogue.collection_roles.get(operation.operation_id)
        if collection is not None:
            declaration = collection.declaration
            if collection.is_list:
                findings += self._list(
                    exchange, declaration, memory.collection(declaration.name), client_bases
                )
            else:
                findings += self._detail(
                    exchange, declaration, memory.collection(declaration.name), client_bases
                )
        task = self.catalogue.task_roles.get(operation.operation_id)
        if task is not None:
            findings += self._task(exchange, task.declaration, task.role, memory)
        return findings

    # collections ------------------------------------------------------------------------
    def _list(
        self,
        exchange: Exchange,
        declaration: CollectionDeclaration,
        memory: CollectionMemory,
        bases: list[str],
    ) -> list[Finding]:
        data = exchange.response_json
        if exchange.method == "POST":
            return self._upsert(exchange, declaration, memory)
        if exchange.method != "GET" or exchange.status != 200 or not isinstance(data, dict):
            return []
        results = data.get("results")
        if not isinstance(results, list):
            return []
        findings: list[Finding] = []
        query = exchange.query
        pinned = self._pinned_page_size(declaration)
        profile = self.profiles.get(declaration.api)
        capped = profile.max_page_sizes.get(declaration.name) if profile is not None else None
        policy = PagePolicy(pinned or declaration.page_size, capped or declaration.max_page_size)
        asked = page_request(query, policy)
        count = data.get("count")
        number: int | None = None
        if asked.number == "last" and isinstance(count, int):
            number = max(1, -(-count // asked.size))
        elif asked.number.isascii() and asked.number.isdigit():  # int() refuses '³'
            number = int(asked.number)
        if number is not None:
            problem = page_problem(data, number, asked.size)
            if problem:
                findings.append(self._page_finding(declaration, data, number, query, policy, problem))
        for name in ("next", "previous"):
            link = data.get(name)
            if isinstance(link, str) and link:
                if not link_on_host(link, bases):
                    findings.append(("behaviour.absolute_urls", f"{name} {link!r} is not on the host asked"))
                elif not link_keeps_query(link, query, ignored=("page",)):
                    findings.append(
                        ("behaviour.pagination", f"{name} {link!r} drops the query of {exchange.target}")
                    )
        documents = [r for r in results if isinstance(r, dict)]
        suffix = exchange.match.format_suffix if exchange.match else None
        ordering = [t.strip() for t in query.get("ordering", "").split(",") if t.strip()]
        problem = ordering_problem(documents, ordering, declaration.ordering) if ordering else None
        if problem:
            # the first term the collection orders by is the one judged (as ordering_problem reads it)
            name = next(t.lstrip("-") for t in ordering if t.lstrip("-") in declaration.ordering)
            provenance = declaration.provenance.of("ordering", name)
            findings.append(_judged("ordering", provenance, "behaviour.ordering", problem))
        if query.get("search") and declaration.search:
            findings += self._search(data, documents, query["search"], declaration, memory)
        for document in documents:
            key = _key(declaration, document)
            if key is not None:
                findings += self._read(declaration, memory, key, document, "list page", bases, suffix)
        return findings

    def _detail(
        self,
        exchange: Exchange,
        declaration: CollectionDeclaration,
        memory: CollectionMemory,
        bases: list[str],
    ) -> list[Finding]:
        match = exchange.match
        if match is None:
            return []
        values = list(match.path_params.values())
        if not values:
            return []
        key = values[-1]  # the lookup (composite keys travel joined in one path segment)
        deleted = exchange.method == "DELETE" and exchange.status in (200, 204)
        if deleted or (exchange.method == "GET" and exchange.status == 404):
            written = memory.written.get(key) if not deleted else None
            memory.gone(key)
            if not deleted and (text := self._not_found_finding(exchange, declaration)) is not None:
                return [text]
            if written is not None:
                return [
                    (
                        "behaviour.read_your_writes",
                        f"{key} answers 404, but its upload was accepted (exchange #{written[0]}) "
                        f"and no later write or delete was seen",
                    )
                ]
            return []
        data = exchange.response_json
        if exchange.method != "GET" or exchange.status != 200 or not isinstance(data, dict):
            return []
        return self._read(declaration, memory, key, data, "detail read", bases, match.format_suffix)

    def _read(
        self,
        declaration: CollectionDeclaration,
        memory: CollectionMemory,
        key: str,
        shown: dict[str, Any],
        how: str,
        bases: list[str],
        suffix: str | None,
    ) -> list[Finding]:
        """A document shown by a list page or a detail read: judged, then remembered."""
        findings = self._links(shown, declaration, bases, suffix) + self._agrees(
            declaration, memory, key, shown, how
        )
        memory.listed.pop(key, None)  # re-inserted last: the oldest read is the first forgotten
        memory.listed[key] = shown
        if len(memory.listed) > DOCUMENTS_REMEMBERED:
            memory.listed.pop(next(iter(memory.listed)))
        memory.uploaded.pop(key, None)
        memory.absent.discard(key)
        return findings

    def _agrees(
        self,
        declaration: CollectionDeclaration,
        memory: CollectionMemory,
        key: str,
        shown: dict[str, Any],
        how: str,
    ) -> list[Finding]:
        written = memory.written.get(key)
        if written is not None:
            problem = difference(self.forms.field_types(declaration), written[1], shown)
            if problem:
                return [
                    (
                        "behaviour.read_your_writes",
                        f"{how} of {key}: {problem} (accepted in exchange #{written[0]})",
                    )
                ]
        if key in memory.uploaded:
            return []  # the list seen before is older than the upload
        seen = memory.listed.get(key)
        if seen is None or how != "detail read":
            return []
        # Links depend on how each was asked (host, format suffix): the data must agree. A field
        # derived from another collection follows its writes, which may fall between the reads.
        moving = {rule.field for rule in declaration.derived if rule.collection}
        seen, shown = (
            {k: v for k, v in _without_links(declaration, d).items() if k not in moving}
            for d in (seen, shown)
        )
        if seen != shown:
            changed = sorted(name for name in set(seen) | set(shown) if seen.get(name) != shown.get(name))
            return [
                ("behaviour.read_back", f"detail read of {key} differs from the last list seen in {changed}")
            ]
        return []

    def _search(
        self,
        page: dict[str, Any],
        documents: list[dict[str, Any]],
        search: str,
        declaration: CollectionDeclaration,
        memory: CollectionMemory,
    ) -> list[Finding]:
        """Judged as the contract suite judges search (contract_tests/collection_reads.py): a
        result holding a term in no value it shows, or in none of the declared search fields,
        parts from which fields search reads (the provenance of the whole set); a complete answer
        leaving out an object the tenant stored with a match parts from the fields it matched
        in, a violation when a source documents one of them (products: name)."""
        provenance = declaration.provenance
        nowhere = _matches_nowhere(documents, search)
        if nowhere is not None:
            key = _key(declaration, nowhere)
            problem = f"search={search!r}: result {key} holds the term in no value it shows"
            return [_judged("search", provenance.of_all("search"), "behaviour.search", problem)]
        problem = search_problem(documents, search, declaration.search)
        if problem:
            return [_judged("search", provenance.of_all("search"), "behaviour.search", problem)]
        missed = self._missed_match(page, documents, search, declaration, memory)
        if missed is None:
            return []
        problem = (
            f"search={search!r} leaves out {_key(declaration, missed)}, seen stored with a matching field"
        )
        documented = provenance.documented_fields("search", declaration.search)
        if documented and not search_misses([missed], search, documented):
            return [("behaviour.search", problem)]  # it matches in fields a source names
        return [note("search", provenance.of_all("search"), problem)]

    @staticmethod
    def _missed_match(
        page: dict[str, Any],
        documents: list[dict[str, Any]],
        search: str,
        declaration: CollectionDeclaration,
        memory: CollectionMemory,
    ) -> dict[str, Any] | None:
        """An object the tenant was seen to store that matches the search, left out of a
        complete answer (one page holds every match)."""
        if page.get("next") or page.get("previous") or page.get("count") != len(documents):
            return None
        shown = {_key(declaration, d) for d in documents}
        known = [*memory.listed.values(), *memory.uploaded.values()]
        candidates = [d for d in known if _key(declaration, d) not in shown]
        return next((d for d in candidates if not search_misses([d], search, declaration.search)), None)

    def _links(
        self,
        document: dict[str, Any],
        declaration: CollectionDeclaration,
        bases: list[str],
        suffix: str | None,
    ) -> list[Finding]:
        for name, link in _link_fields(declaration, document):
            if not link_on_host(link, bases):
                return [("behaviour.absolute_urls", f"{name} {link!r} is not on the host the client asked")]
        key = _key(declaration, document)
        own = [link.field for link in declaration.hyperlinks if not link.source_fields and not link.within]
        for name in own:
            if declaration.detail_path and key is not None and name in document:
                problem = self_link_problem(document[name], bases, declaration.detail_path, key, suffix)
                if problem:
                    return [("behaviour.absolute_urls", f"{name}: {problem}")]
        return []

    def _page_finding(
        self,
        declaration: CollectionDeclaration,
        page: dict[str, Any],
        number: int,
        query: dict[str, str],
        policy: PagePolicy,
        problem: str,
    ) -> Finding:
        """A page size the client asked is documented; the default and the maximum are decided,
        so a page another size explains differs only from the fake's choice."""
        provenance = declaration.provenance.of("page_size")
        explained = any(page_problem(page, number, size) is None for size in _sizes(page, number))
        pinned = self._pinned_page_size(declaration)
        if pinned is not None and explained and "page_size" not in query:
            return (
                "profile.page_size",
                f"the profile no longer matches: page_size@{declaration.name} (pinned {pinned}): {problem}",
            )
        if (
            provenance.decided
            and explained
            and not _certain_size(query, policy)
            and query.get("page") != "last"
        ):
            return note("page_size", provenance, problem)
        return ("behaviour.pagination", problem)

    def _remember_writes(
        self, exchange: Exchange, declaration: CollectionDeclaration, memory: CollectionMemory
    ) -> None:
        """What an accepted upload promises later reads; an upload the proxy could not read may
        have changed any object, so nothing is promised for the collection until seen again."""
        cleaned = exchange.cleaned
        if cleaned is NOT_JSON:
            memory.written.clear()
            return
        for item in _items(cleaned):
            found = self.forms.expected(declaration, item)
            if found is None:
                continue
            key, expected = found
            memory.written.pop(key, None)
            # A composite key whose leading parts hold the separator cannot be read back by its
            # detail URL (the lookup splits it elsewhere): nothing is promised of that object.
            if KEY_SEPARATOR not in "".join(str(item.get(name)) for name in declaration.key[:-1]):
                memory.written[key] = (exchange.sequence, expected)
        while len(memory.written) > DOCUMENTS_REMEMBERED:
            memory.written.pop(next(iter(memory.written)))

    def _undocumented_write(self, exchange: Exchange) -> None:
        """A write the spec does not list (a ModelViewSet's PUT, PATCH or DELETE) that the
        upstream accepted: whatever it promised of the object is void."""
        match = exchange.match
        if exchange.tenant is None or match is None or not 200 <= exchange.status < 300:
            return
        role = self.catalogue.collection_paths.get(match.path_item.path)
        if role is None or exchange.method in ("GET", "HEAD", "OPTIONS"):
            return
        memory = self.memory(exchange.tenant).collection(role.declaration.name)
        values = list(match.path_params.values())
        if role.is_list or not values:
            memory.written.clear()
        else:
            memory.gone(values[-1])
            memory.absent.discard(values[-1])

    def _upsert(
        self, exchange: Exchange, declaration: CollectionDeclaration, memory: CollectionMemory
    ) -> list[Finding]:
        if not 200 <= exchange.status < 300:
            return []
        self._remember_writes(exchange, declaration, memory)
        sent = exchange.request_json
        if exchange.status not in (200, 201) or sent is NOT_JSON:
            return []
        items = _items(sent)
        keys = [_key(declaration, item) for item in items]
        shape = self._upload_answer_finding(exchange, declaration) if self.profiles else None
        findings: list[Finding] = [] if shape is None else [shape]
        data = exchange.response_json
        if None not in keys and len(set(keys)) == len(keys) and isinstance(data, dict):
            known = sum(1 for k in keys if k in memory.listed or k in memory.uploaded)
            problem = upsert_problem(data, len(keys), known)
            if problem:
                findings.append(("behaviour.upsert_counts", problem))
        for key, item in zip(keys, items, strict=True):
            if key is not None:
                memory.uploaded.pop(key, None)
                memory.uploaded[key] = item
                memory.listed.pop(key, None)
                memory.absent.discard(key)
        while len(memory.uploaded) > DOCUMENTS_REMEMBERED:
            memory.uploaded.pop(next(iter(memory.uploaded)))
        return findings

    # setup tasks ------------------------------------------------------------------------
    def _task(
        self, exchange: Exchange, declaration: SetupTaskDeclaration, role: str, memory: TenantMemory
    ) -> list[Finding]:
        task = memory.task(declaration.name)
        if role == "execute":
            if 200 <= exchange.status < 300:
                task.executed_since = True
                task.outcome = None
                task.required_at_start = task.required_before
            return []
        data = exchange.response_json
        if exchange.status != 200 or not isinstance(data, dict) or not isinstance(data.get("result"), str):
            return []
        result = data["result"]
        if role == "status":
            findings: list[Finding] = []
            if result in declaration.spellings:  # the document's other spelling of a state
                spelling = declaration.provenance.of("state_spelling")
                problem = f"the state is spelt {result!r}, the fake answers {declaration.state_of(result)!r}"
                findings.append(_judged("state_spelling", spelling, "behaviour.task_state", problem))
                result = declaration.state_of(result)
            pinned = self._pinned_ready(declaration)
            finding = self._transition(declaration, task, result, pinned)
            if finding is None and pinned is True and result in declaration.outcomes and task.outcome is None:
                finding = (
                    "profile.ready_after_outcome",
                    f"the profile no longer matches: ready_after_outcome (pinned true: "
                    f"{declaration.idle} once a task has ended; answered {result})",
                )
            task.last, task.executed_since = result, False
            if result in declaration.outcomes:
                task.outcome = result
                task.required_before = None  # the outcome changed what is missing
            return [*findings, finding] if finding else findings
        if role == "is_required":
            memory.is_required[declaration.name] = result
            if task.outcome is None or task.executed_since:
                if task.last != declaration.running:
                    task.required_before = result
                return []
            task.required_before = result
            return self._required_after(declaration, task, result)
        return []

    @staticmethod
    def _required_after(declaration: SetupTaskDeclaration, task: TaskMemory, result: str) -> list[Finding]:
        """is_required after an outcome, as x-setup-task-states says what each outcome copies:
        after one that copies everything nothing is missing; after one that does not (a failed
        or aborted task), what was missing when it started is still missing in part."""
        assert task.outcome is not None
        copies = declaration.outcomes[task.outcome]
        if copies == "all" and result != declaration.answers[False]:
            return [
                (
                    "behaviour.is_required",
                    f"is_required is {result!r} after the last task ended {task.outcome}, "
                    f"which copies everything",
                )
            ]
        if (
            copies != "all"
            and result == declaration.answers[False]
            and task.required_at_start == declaration.answers[True]
        ):
            return [
                (
                    "behaviour.is_required",
                    f"is_required is {result!r} after the last task ended {task.outcome}, which does "
                    f"not copy everything, and it was {task.required_at_start!r} when the task started",
                )
            ]
        return []

    def _pinned_ready(self, declaration: SetupTaskDeclaration) -> bool | None:
        profile = self.profiles.get(declaration.api)
        return profile.ready_after_outcome if profile is not None else None

    @staticmethod
    def _idle_after_end(
        declaration: SetupTaskDeclaration, pinned: bool | None, problem: str
    ) -> Finding | None:
        """The idle state once a task has ended, without an execute: the document allows it ("if
        there is no active task, the result will be returned as READY"), reporting the outcome
        until the next execute is decided (a note); a profile pins one or the other."""
        if pinned is True:
            return None
        if pinned is False:
            return (
                "profile.ready_after_outcome",
                f"the profile no longer matches: ready_after_outcome (pinned false: the outcome "
                f"until the next execute; answered {problem})",
            )
        provenance = declaration.provenance.of("outcome_reported")
        return _judged("outcome_reported", provenance, "behaviour.task_state", problem)

    @classmethod
    def _transition(
        cls, declaration: SetupTaskDeclaration, task: TaskMemory, result: str, pinned: bool | None = None
    ) -> Finding | None:
        if result not in declaration.states:
            return None  # the schema check reports it
        previous = task.last
        if task.executed_since:
            if result == declaration.idle:
                return (
                    "behaviour.task_state",
                    f"{result} after an accepted execute (a task runs or has ended)",
                )
            return None
        if previous is None:
            return None
        if previous == declaration.idle and result != declaration.idle:
            return ("behaviour.task_state", f"{previous} -> {result} without an execute")
        if previous == declaration.running and result == declaration.idle:
            # a task that ended between two polls, said idle at once (ready_after_outcome)
            return cls._idle_after_end(declaration, pinned, f"{previous} -> {result}")
        if previous in declaration.outcomes and result != previous:
            problem = f"{previous} -> {result} without an execute"
            if result == declaration.idle:
                return cls._idle_after_end(declaration, pinned, problem)
            return ("behaviour.task_state", problem)
        return None
