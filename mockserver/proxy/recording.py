"""`--record FILE`: what the traffic showed, per tenant, written as a state file the fake loads
(`mockserver serve --state-file FILE`): the documents of each collection as last read or
uploaded, and each setup task's last state and is_required answer. No credential is written:
a tenant that logged in is recorded as that user's tenant (the fake gives a client logging in
as the same user the same one); a bare token's tenant is its keyed hash under a key made for the
recording and kept in the file, exactly as the fake derives tenant ids from a state file's key,
so the same token reaches the same data on the fake."""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from mockserver.apis import load_api_module
from mockserver.auth.keys import CredentialKeys
from mockserver.auth.tokens import user_tenant
from mockserver.drf.errors import APIError
from mockserver.drf.generic import CollectionViews, collection_views
from mockserver.drf.serializer import compile_body
from mockserver.proxy.exchange import NOT_JSON, Exchange
from mockserver.proxy.tenancy import TenantKeys, fake_tenant
from mockserver.resources import fixtures_dir
from mockserver.settings import Settings
from mockserver.setup_task.rules import missing_paths
from mockserver.setup_task.views import SetupTaskViews
from mockserver.spec.catalogue import Catalogue
from mockserver.spec.collections import CollectionDeclaration
from mockserver.spec.security import BEARER, TOKEN, by_keyword, declared_schemes
from mockserver.state_file import save_state_file
from mockserver.store.memory import MemoryStore

logger = logging.getLogger("mockserver.proxy")
# What a login answer calls the credential it issues, and how it is then sent: with the keyword
# of a security scheme of that kind, as the specs declare it (spec/security.py).
ISSUED_CREDENTIALS = {"key": (TOKEN, BEARER), "access_token": (BEARER,)}


@dataclass
class RecordedTenant:
    documents: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)
    task_state: dict[tuple[str, str], str] = field(default_factory=dict)
    is_required: dict[tuple[str, str], str] = field(default_factory=dict)


def _username(exchange: Exchange) -> str | None:
    sent = exchange.request_json
    if sent is NOT_JSON:
        sent = dict(parse_qsl(exchange.request_body.decode("utf-8", "replace")))
    name = sent.get("username") if isinstance(sent, dict) else None
    return str(name) if name not in (None, "") else None


def _remember(documents: dict[str, dict[str, Any]], declaration: CollectionDeclaration, items: Any) -> None:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and all(name in item for name in declaration.key):
            documents[declaration.key_of(item)] = item


def _merge(into: dict[str, Any], state: dict[str, Any], views: dict[tuple[str, str], Any]) -> None:
    """One recorded tenant's state into the fake tenant's: values side by side, a collection's
    documents united by key (the later credential's document wins for the same key)."""
    into["values"].update(state["values"])
    by_store = {view.declaration.store_name: view.declaration for view in views.values()}
    for store_name, documents in state["collections"].items():
        declaration = by_store[store_name]
        kept = {
            declaration.key_of(document): document for document in into["collections"].get(store_name, [])
        }
        kept.update((declaration.key_of(document), document) for document in documents)
        into["collections"][store_name] = list(kept.values())


class Recorder:
    def __init__(self, catalogue: Catalogue, apis: tuple[str, ...], keys: TenantKeys | None = None) -> None:
        self.catalogue = catalogue
        self.apis = apis
        self.keywords = by_keyword(declared_schemes(catalogue.api_specs).values())
        self.keys = keys or TenantKeys()
        self.tenants: dict[str, RecordedTenant] = {}
        self.users: dict[str, str] = {}  # proxy tenant id -> the user it logged in as
        # The fake's tenant of each bare credential, derived with the recording's own key.
        self.credential_keys = CredentialKeys()
        self.fake_tenants: dict[str, str] = {}
        self.hints: dict[str, str] = {}

    def observe(self, exchange: Exchange) -> None:
        if not 200 <= exchange.status < 300 or exchange.tenant is None or exchange.operation is None:
            return
        data = exchange.response_json
        self._learn_login(exchange, data)
        if exchange.tenant not in self.tenants:
            authorization = exchange.request_headers.get("authorization")
            derived = fake_tenant(self.credential_keys, authorization, self.keywords)
            if derived is not None:
                self.fake_tenants[exchange.tenant] = derived
            self.hints[exchange.tenant] = exchange.tenant_hint or "no credential"
        recorded = self.tenants.setdefault(exchange.tenant, RecordedTenant())
        operation_id = exchange.operation.operation_id
        collection = self.catalogue.collection_roles.get(operation_id)
        if collection is not None:
            declaration = collection.declaration
            documents = recorded.documents.setdefault((declaration.api, declaration.name), {})
            if exchange.method == "GET" and isinstance(data, dict):
                shown = data.get("results") if collection.is_list else [data]
                _remember(documents, declaration, shown)
            elif exchange.method == "POST" and collection.is_list and exchange.request_json is not NOT_JSON:
                sent = exchange.request_json
                _remember(documents, declaration, sent if isinstance(sent, list) else [sent])
            elif exchange.method == "DELETE" and exchange.match is not None:
                values = list(exchange.match.path_params.values())
                if values:
                    documents.pop(values[-1], None)
        task = self.catalogue.task_roles.get(operation_id)
        if task is not None and isinstance(data, dict) and isinstance(data.get("result"), str):
            where = (task.declaration.api, task.declaration.name)
            if task.role == "status":
                recorded.task_state[where] = data["result"]
            elif task.role == "is_required":
                recorded.is_required[where] = data["result"]

    def _learn_login(self, exchange: Exchange, data: Any) -> None:
        if exchange.method != "POST" or not isinstance(data, dict):
            return
        username = _username(exchange)
        if username is None:
            return
        for field_name, authentications in ISSUED_CREDENTIALS.items():
            issued = data.get(field_name)
            if isinstance(issued, str) and issued:
                for scheme in self.keywords.values():
                    if scheme.authentication in authentications:
                        self.users[self.keys.tenant(f"{scheme.keyword} {issued}")] = username

    def tenant_name(self, tenant: str) -> str | None:
        user = self.users.get(tenant)
        return user_tenant(user) if user else self.fake_tenants.get(tenant)

    # writing ----------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Each tenant's recorded state, cleaned by the collections' own serializers, written as a
        state file; read from the catalogue, with no fake built."""
        settings = Settings(apis=self.apis, seed_fixtures=False)
        views: dict[tuple[str, str], CollectionViews] = {}
        tasks: dict[tuple[str, str], SetupTaskViews] = {}
        for api in self.catalogue.apis:
            hooks = load_api_module(api.name).hooks  # a rule on what is stored (the line price)
            for view in collection_views(api.spec, list(api.collections), hooks):
                views[(api.name, view.declaration.name)] = view
            for declaration in api.setup_tasks:
                tasks[(api.name, declaration.name)] = SetupTaskViews(declaration, settings)
        store = MemoryStore()
        for view in views.values():
            store.define_collection(view.declaration.store_spec())
        # One tenant of the fake may have been reached through several credentials (one key sent
        # as `Token dev` to Akinon and `Bearer dev` to Datawiz): their states are merged, never
        # one written over another.
        merged: dict[str, dict[str, Any]] = {}
        for tenant, recorded in self.tenants.items():
            state: dict[str, Any] = {"values": {}, "collections": {}}
            for where, documents in recorded.documents.items():
                view = views.get(where)
                if view is None or not documents:
                    continue
                validate = compile_body(view.declaration.stored_schema)
                stored = []
                for key, document in documents.items():
                    try:
                        stored.append(view.stored(validate(document, None)))
                    except APIError as error:
                        logger.warning("record: %s %s not kept: %s", where[1], key, error.body())
                state["collections"][view.declaration.store_name] = stored
            for where in set(recorded.task_state) | set(recorded.is_required):
                task = tasks.get(where)
                if task is not None:
                    state["values"].update(self._task_values(task, recorded, where, store.now()))
            name = self.tenant_name(tenant)
            if name is not None and (state["collections"] or state["values"]):
                _merge(merged.setdefault(name, {"values": {}, "collections": {}}), state, views)
                logger.info("record: the tenant of %s as %s", self.hints.get(tenant), name)
        for name, state in merged.items():
            store.load_tenant(name, state)
        save_state_file(store, path, self.credential_keys.key)
        logger.info("mockserver proxy: recorded %d tenant(s) into %s", len(merged), path)

    @staticmethod
    def _task_values(
        task: Any, recorded: RecordedTenant, where: tuple[str, str], now: float
    ) -> dict[str, Any]:
        """The task's state from the fixtures' catalogues, made to answer what the traffic showed."""
        declaration = task.declaration
        values = task.initial_values(fixtures_dir())
        setup = values[declaration.setup_value]
        required = recorded.is_required.get(where)
        if required == declaration.answers[False]:
            for path in missing_paths(setup[declaration.source], setup[declaration.target]):
                setup[declaration.target][path] = dict(setup[declaration.source][path])
        status = recorded.task_state.get(where)
        if status is not None and status != declaration.idle:
            ended = status in declaration.outcomes
            setup["tasks_started"] = 1
            setup["task"] = {
                "id": 1,
                "started_at": 0.0 if ended else now,
                "duration_seconds": 0.0 if ended else float(setup["settings"]["duration_seconds"]),
                "polls_needed": 0,
                "polls_seen": 0,
                "outcome": status if ended else declaration.default_outcome,
                "to_copy": [],
                "settled": ended,
                "copied": 0,
            }
        return values
