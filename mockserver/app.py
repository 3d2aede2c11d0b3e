"""create_app(settings): build the Starlette app from the specs and bind handlers by operationId."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from mockserver.apis import ApiModule, TenantState, load_api_module, load_catalogue
from mockserver.auth import Authenticator
from mockserver.auth.authenticator import challenged
from mockserver.control import CONTROL_PREFIX, control_scope
from mockserver.control.handlers import CONTROL_HANDLERS
from mockserver.drf.errors import (
    APIError,
    AuthenticationFailed,
    InjectedFault,
    MethodNotAllowed,
    NotAuthenticated,
    RequestTimedOut,
    RequestTooLarge,
    ResponseDoesNotMatchSpec,
    ServiceUnavailable,
)
from mockserver.drf.fast_path import compile_fast_body
from mockserver.drf.generic import CollectionViews, ViewCaches, collection_views, options, seed_documents
from mockserver.drf.instance_writes import instance_operations
from mockserver.drf.negotiation import JSON_RENDERER, Renderer, select_renderer
from mockserver.drf.parsing import NO_BODY, PARSED_MEDIA_TYPES, parse_body, read_body
from mockserver.drf.presented import plain
from mockserver.drf.related import RelatedObjects
from mockserver.drf.rendering import render
from mockserver.drf.serializer import BodyValidator, compile_body, list_errors_as_dict, null_form_booleans
from mockserver.http import ApiRequest, ApiResponse, AppContext, Handler, Identity, RawBody
from mockserver.incoming import ClientDisconnected, IncomingRequest
from mockserver.profile import INSTANCE_ALLOW, Profile
from mockserver.reply import Reply
from mockserver.resources import fixtures_dir
from mockserver.settings import Settings
from mockserver.setup_task.views import SetupTaskViews
from mockserver.spec.catalogue import Catalogue
from mockserver.spec.errors import StartupError
from mockserver.spec.loader import ApiSpec, Operation
from mockserver.spec.response_check import ResponseChecker
from mockserver.spec.routing import RouteMatch, Router
from mockserver.spec.security import declared_schemes
from mockserver.state_file import StateWriter, load_state_file, save_state_file
from mockserver.store.base import Store, StoreUnavailable
from mockserver.store.factory import store_for
from mockserver.store.journal import JournalRecord, cut, has_secrets, sent_body
from mockserver.store.memory import MemoryStore

logger = logging.getLogger("mockserver")

DJANGO_NOT_FOUND = (
    b'<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n'
    b"  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"
)
INTERNAL_ERROR = b'{"detail":"mockserver: internal error; see the server log."}'


@dataclass
class Binding:
    operation: Operation
    handler: Handler


def bind_operations(specs: Iterable[ApiSpec], handlers: dict[str, Handler]) -> dict[str, Binding]:
    """Every operation gets exactly one handler, and every handler an operation."""
    operations = {op.operation_id: op for spec in specs for op in spec.operations}
    unserved = sorted(set(operations) - set(handlers))
    unused = sorted(set(handlers) - set(operations))
    problems = []
    if unserved:
        problems.append("operations without a handler: " + ", ".join(unserved))
    if unused:
        problems.append("handlers without an operation: " + ", ".join(unused))
    if problems:
        raise StartupError("; ".join(problems))
    return {op_id: Binding(op, handlers[op_id]) for op_id, op in operations.items()}


def api_handlers(
    module: ApiModule, spec: ApiSpec, views: list[CollectionViews], tasks: list[SetupTaskViews]
) -> dict[str, Handler]:
    """An API's handlers: the generic views of its declared collections and setup tasks, the
    module's own handlers over them, then DRF's defaults for what is left: OPTIONS answers the
    view's metadata and HEAD is the GET without its body."""
    handlers: dict[str, Handler] = {}
    for view in views:
        handlers.update(view.handlers(spec))
    for task in tasks:
        handlers.update(task.handlers())
    handlers.update(module.handlers)
    for item in spec.path_items:
        if not item.is_drf:
            continue
        operations = item.operations
        if "OPTIONS" in operations:
            handlers.setdefault(operations["OPTIONS"].operation_id, options)
        if "HEAD" in operations and "GET" in operations and operations["GET"].operation_id in handlers:
            handlers.setdefault(operations["HEAD"].operation_id, handlers[operations["GET"].operation_id])
    return handlers


@dataclass(frozen=True, slots=True)
class Surface:
    """What the cycle does differently for the operations of one kind of API, chosen per path
    item when the dispatcher is built: an API's callers are authenticated by the operation's
    security schemes, their tenant seeded on first use and every call journaled; the control
    API's calls act on the tenant they name (control_scope) and a change is saved to the state
    file."""

    identify: Callable[["CycleState"], None]
    seeds_tenant: bool
    record: Callable[["CycleState", Reply, Any], None]


@dataclass(slots=True)
class CycleState:
    """One request on its way through the steps of the cycle, and what each step decided."""

    request: IncomingRequest
    started: float
    match: RouteMatch
    surface: Surface
    renderer: Renderer = JSON_RENDERER
    headers: dict[str, str] = field(default_factory=dict)
    operation: Operation | None = None
    identity: Identity | None = None
    tenant: str | None = None
    admin: bool = False
    body: Any = NO_BODY


class Dispatcher:
    """One ASGI endpoint for every path in the specs: DRF's request cycle, driven by the spec.

    The cycle, each step a method below: match the path, negotiate the renderer, identify the
    caller, apply an injected fault, read and validate the body, invoke the handler, render the
    answer, record it in the journal."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        catalogue: Catalogue,
        bindings: dict[str, Binding],
        modules: list[ApiModule] | None = None,
        views: list[CollectionViews] | None = None,
        setup_tasks: list[SetupTaskViews] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.catalogue = catalogue
        self.bindings = bindings
        # What seeds a new tenant: the modules' starting values, the views' fixtures, the tasks'.
        self._modules = modules or []
        self._views = views or []
        self._setup_tasks = setup_tasks or []
        self.router = Router(list(catalogue.path_items))
        api = Surface(self._identify_caller, True, self._record_call)
        control = Surface(self._identify_control_call, False, self._save_control_change)
        self._surfaces = {
            item.path: control if item.path in catalogue.control_paths else api
            for item in catalogue.path_items
        }
        self.authenticator = Authenticator(settings, store, declared_schemes(catalogue.specs))
        self.checker = ResponseChecker() if settings.validate_responses else None
        self.context = AppContext(
            catalogue=catalogue,
            tenants=self,
            auth=self.authenticator,
        )
        # API writes reach a state file behind the answers, on the memory store only: a shared
        # store keeps them itself, and every worker would write the whole of it (docs/scaling.md).
        self.state_writer = (
            StateWriter(
                lambda: save_state_file(store, settings.state_file, self.authenticator.keys.to_keep())
            )
            if settings.state_file is not None and isinstance(store, MemoryStore)
            else None
        )
        self._fixtures = settings.fixtures_dir or fixtures_dir()
        self._seed_cache: TenantState | None = None
        # API -> the first authentication class a profile names (auth_challenge), read on a 401 only.
        self._first_classes = {p.api: p.auth_challenge for p in settings.profiles if p.auth_challenge}
        # Each body schema compiled once: (operationId, media type, fast path) -> validator.
        self._validators: dict[tuple[str, str, bool], BodyValidator] = {}
        # operationId -> (the media types its body is parsed from, whether it is read unvalidated)
        self._body_reading: dict[str, tuple[tuple[str, ...], bool]] = {}

    # tenants -----------------------------------------------------------------------------
    def initial_tenant_state(self) -> TenantState:
        """A new tenant's state: each setup task's catalogues, each module's starting values and
        every collection's fixtures."""
        if self._seed_cache is None:
            state: TenantState = {"values": {}, "collections": {}}
            if self.settings.seed_fixtures:
                for task in self._setup_tasks:
                    state["values"].update(task.initial_values(self._fixtures))
                for module in self._modules:
                    if module.initial_state is not None:
                        part = module.initial_state(self._fixtures, self.settings)
                        state["values"].update(part.get("values", {}))
                        state["collections"].update(part.get("collections", {}))
                by_api: dict[str, list[CollectionViews]] = {}
                for view in self._views:
                    by_api.setdefault(view.declaration.api, []).append(view)
                for views in by_api.values():
                    state["collections"].update(seed_documents(views, self._fixtures))
            self._seed_cache = state
        return self._seed_cache

    def ensure_tenant(self, tenant: str) -> None:
        self.store.ensure_tenant(tenant, self.initial_tenant_state)

    # the request cycle -------------------------------------------------------------------
    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI endpoint for every HTTP request, whatever its path."""
        try:
            reply = await self.handle(IncomingRequest(scope, receive))
        except ClientDisconnected:
            return
        except Exception:  # a fault of the fake itself, outside any handler: still an answer
            logger.exception("mockserver: unhandled error in %s %s", scope.get("method"), scope.get("path"))
            reply = Reply(500, {}, INTERNAL_ERROR, "application/json")
        await reply.send(send)

    async def handle(self, request: IncomingRequest) -> Reply:
        started = time.perf_counter()
        match = self.router.match(request.path)
        if match is None:
            await self._read_refused_body(request)
            return self._unmatched(request, started)
        cycle = CycleState(request, started, match, self._surfaces[match.path_item.path])
        path_item = match.path_item
        try:
            self._negotiate(cycle)
            cycle.surface.identify(cycle)
            operation = cycle.operation = path_item.operations.get(request.method)
            if operation is None:
                raise MethodNotAllowed(request.method, path_item.allow_header)
            if cycle.tenant is not None and cycle.surface.seeds_tenant:
                self.ensure_tenant(cycle.tenant)
            fault = (
                None
                if operation.public
                else self.store.take_fault(cycle.tenant or "*", operation.operation_id)
            )
            if fault:
                await self._apply_fault(fault)
            cycle.body = await self._read_body(request, operation, cycle.tenant)
            status, data = await self._invoke(cycle, operation)
        except ClientDisconnected:
            raise
        except (APIError, StoreUnavailable) as raised:
            # The one place a shared store out of reach becomes an answer: 503, nothing written.
            error = (
                raised
                if isinstance(raised, APIError)
                else ServiceUnavailable("the shared store is unreachable")
            )
            status, data = error.status_code, error.body()
            cycle.headers.update(error.headers)
            if not isinstance(error, MethodNotAllowed) and path_item.is_drf:
                cycle.headers["Allow"] = path_item.allow_header
        except Exception:
            logger.exception("mockserver: unhandled error in %s %s", request.method, request.path)
            status, data = 500, {"detail": "mockserver: internal error; see the server log."}
        reply = self._render(cycle, status, data)
        if status >= 400 and not request.body_read:
            await self._read_refused_body(request)
        try:
            cycle.surface.record(cycle, reply, data)
        except StoreUnavailable:  # the journal and the state live in the store out of reach
            logger.warning(
                "mockserver: %s %s not journaled: the shared store is unreachable",
                request.method,
                request.path,
            )
        return reply

    async def _read_refused_body(self, request: IncomingRequest) -> None:
        """The body of a request refused before it was read (401, 404, 405, 406, ...), so the
        journal keeps what was sent as it keeps a 400's: read only as any body is, within the
        body limit and its timeout; one larger than the limit, or too slow, is not kept."""
        if not (request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers):
            return
        try:
            await read_body(request, self.settings.max_body_bytes, self.settings.body_timeout_seconds)
        except (RequestTooLarge, RequestTimedOut, ClientDisconnected):
            request.raw_body = b""  # nothing whole to keep; the answer stands

    def _unmatched(self, request: IncomingRequest, started: float) -> Reply:
        """Django's answers for a path no route matches: APPEND_SLASH's redirect, or its 404 page
        (JSON under the control prefix)."""
        path = request.path
        if self.router.match_with_slash(path):
            query = request.query_string
            location = path + "/" + (f"?{query}" if query else "")
            # Django's HttpResponsePermanentRedirect: an empty body, typed as HTML all the same.
            unmatched = Reply(301, {"Location": location}, b"", "text/html; charset=utf-8")
        elif path.lower().startswith(CONTROL_PREFIX):  # `/__MOCKSERVER__/...` too: a control-shaped 404
            unmatched = Reply(404, {}, b'{"detail":"Not found."}', "application/json")
        else:
            unmatched = Reply(404, {}, DJANGO_NOT_FOUND, "text/html; charset=utf-8")
        self._journal(request, started, unmatched, None, None, NO_BODY, None)
        return unmatched

    def _negotiate(self, cycle: CycleState) -> None:
        """DRF's content negotiation (Accept, the format suffix or ?format=), and the headers every
        DRF view answers with."""
        path_item = cycle.match.path_item
        if not path_item.is_drf:
            return
        request = cycle.request
        cycle.headers["Allow"] = path_item.allow_header
        cycle.headers["Vary"] = "Accept"
        # ?format= can only be there if its name (or an escape) is: no parsing otherwise.
        query_string = request.query_string
        asked = cycle.match.format_suffix or (
            request.query.get("format") if "format" in query_string or "%" in query_string else None
        )
        cycle.renderer = select_renderer(request.headers.get("accept"), asked)

    def _identify_control_call(self, cycle: CycleState) -> None:
        """Whom a control call acts on: the tenant it names, and whether it carries the admin token."""
        request = cycle.request
        operation = cycle.match.path_item.operations.get(request.method)
        cycle.tenant, cycle.admin = control_scope(request, operation, self.authenticator, self.settings)

    def _identify_caller(self, cycle: CycleState) -> None:
        """The caller's identity and tenant, by the operation's security schemes."""
        path_item, request = cycle.match.path_item, cycle.request
        operation = path_item.operations.get(request.method)
        schemes = operation.security_schemes if operation else path_item.security_schemes
        needs_credentials = operation.needs_credentials if operation else bool(schemes)
        if needs_credentials:
            try:
                cycle.identity = self.authenticator.authenticate(request, schemes)
            except (NotAuthenticated, AuthenticationFailed) as error:
                first_class = self._first_classes.get(path_item.api)
                if first_class is None:
                    raise
                raise challenged(error, first_class) from None
            cycle.tenant = cycle.identity.tenant

    async def _apply_fault(self, fault: dict[str, Any]) -> None:
        if fault.get("latency_ms"):
            await asyncio.sleep(float(fault["latency_ms"]) / 1000)
        if fault.get("status"):
            raise InjectedFault(int(fault["status"]))

    async def _invoke(self, cycle: CycleState, operation: Operation) -> tuple[int, Any]:
        match = cycle.match
        api_request = ApiRequest(
            operation=operation,
            path_item=match.path_item,
            identity=cycle.identity,
            tenant=cycle.tenant,
            path_params=match.path_params,
            query=cycle.request.query,
            body=cycle.body,
            store=self.store,
            settings=self.settings,
            request=cycle.request,
            app=self.context,
            format_suffix=match.format_suffix,
            admin=cycle.admin,
        )
        result = self.bindings[operation.operation_id].handler(api_request)
        if result.__class__ is not ApiResponse:
            result = await result  # an async handler
        if result.headers:
            cycle.headers.update(result.headers)
        return result.status, result.data

    def _save_control_change(self, cycle: CycleState, reply: Reply, data: Any) -> None:
        """A control call that changed state: saved to the state file, when there is one."""
        if cycle.request.method != "GET" and self.settings.state_file is not None and reply.status < 500:
            save_state_file(self.store, self.settings.state_file, self.authenticator.keys.to_keep())

    def _record_call(self, cycle: CycleState, reply: Reply, data: Any) -> None:
        """An API call: an accepted write wakes the state file's writer, and the call goes to the
        journal with what the client sent and what it was answered."""
        request = cycle.request
        if (
            self.state_writer is not None
            and reply.status < 400
            and (request.method not in SAFE_METHODS or _may_change_state(cycle.operation))
        ):
            self.state_writer.changed()  # on disk within a bound (state_file.StateWriter)
        answer = data if has_secrets(data) else cut(reply.body)
        self._journal(
            request,
            cycle.started,
            reply,
            cycle.tenant,
            cycle.operation,
            cycle.body,
            answer,
        )

    def _journal(
        self,
        request: IncomingRequest,
        started: float,
        reply: Reply,
        tenant: str | None,
        operation: Operation | None,
        body: Any,
        answer: Any,
    ) -> None:
        # What the client sent, unless parsing found secrets to mask in it; a refused body (a 400)
        # was read but never parsed into `body`: kept too, masked the same way.
        if body is NO_BODY:
            body = sent_body(request.raw_body) if request.raw_body else None
        elif request.raw_body and not has_secrets(body):
            body = cut(request.raw_body)  # a large upload is not pinned whole
        self.store.record(
            JournalRecord(
                self.store.now(),
                tenant,
                request.method,
                request.path,
                request.query_string,
                operation.operation_id if operation else None,
                reply.status,
                time.perf_counter() - started,
                request.headers,
                body,
                answer,
                reply.headers,
                reply.media_type,
            )
        )

    def _exists_for(self, tenant: str | None, api: str) -> RelatedObjects | None:
        return RelatedObjects(self.store, tenant, api) if tenant is not None else None

    async def _read_body(self, request: IncomingRequest, operation: Operation, tenant: str | None) -> Any:
        if not operation.request_schemas_full:
            return NO_BODY
        reading = self._body_reading.get(operation.operation_id)
        if reading is None:  # what the operation's body may be, read from the spec once
            reading = self._body_reading[operation.operation_id] = (
                tuple(mt for mt in operation.request_schemas_full if mt in PARSED_MEDIA_TYPES),
                bool(operation.definition.get("x-mockserver-raw-body")),
            )
        accepted, raw = reading
        parsed = await parse_body(
            request, accepted, self.settings.max_body_bytes, self.settings.body_timeout_seconds
        )
        if raw:
            return parsed
        if parsed is NO_BODY:
            parsed = {}
        sent_type = request.headers.get("content-type", "application/json")
        if sent_type != "application/json":
            sent_type = sent_type.split(";")[0].strip().lower()
        media_type = sent_type if sent_type in operation.request_schemas else "application/json"
        # Only a body orjson parsed (valid UTF-8, no lone surrogates) goes to jsonschema-rs.
        fast = operation.is_drf and sent_type == "application/json"
        validator = self._validators.get((operation.operation_id, media_type, fast))
        if validator is None:
            schema = operation.request_schemas.get(media_type)
            if not schema:
                return parsed
            profile = self.settings.profile_of(operation.api)
            if profile is not None and profile.form_nullable_boolean == "null" and not fast:
                schema = null_form_booleans(schema)  # read by a form only; JSON is the same either way
            validator = compile_fast_body(schema) if fast else compile_body(schema)
            if profile is not None and profile.list_errors_as_dict:
                validator = list_errors_as_dict(validator)
            self._validators[(operation.operation_id, media_type, fast)] = validator
        return validator(parsed, self._exists_for(tenant, operation.api))

    def _render(self, cycle: CycleState, status: int, data: Any) -> Reply:
        request, operation, headers = cycle.request, cycle.operation, cycle.headers
        renderer = cycle.renderer
        if data.__class__ is RawBody:
            content, media_type, data = data.body, data.media_type, None
        elif status == 204 or (data is None and status < 400):
            content, media_type = b"", None
        elif renderer is JSON_RENDERER:
            content, media_type = orjson.dumps(data), "application/json"
        else:
            request_line = request.method + " " + request.path
            if request.query_string:
                request_line += "?" + request.query_string
            view_name = cycle.match.path_item.view_name
            content, media_type = render(renderer, data, status, headers, view_name, request_line)
        if self.checker is not None and operation is not None and status != 500:
            mt = media_type.split(";")[0] if media_type else None
            problems = self.checker.problems(operation, status, mt, plain(data), bool(content))
            if problems:
                error = ResponseDoesNotMatchSpec(problems)
                logger.error("mockserver: %s", problems)
                return Reply(500, {}, orjson.dumps(error.body()), "application/json")
        return Reply(status, headers, content, media_type, head=request.method == "HEAD")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _may_change_state(operation: Operation | None) -> bool:
    """A read that changes state all the same: a setup task's status or check settles the task
    (its polls are counted, an ended task copies its catalogue)."""
    return operation is not None and "x-setup-task" in operation.definition


def _check_task_overrides(settings: Settings, declared: list[str]) -> None:
    """A timing override must name a declared setup task (a misspelt name would do nothing)."""
    for flag, entries in (("--task-seconds", settings.task_seconds), ("--task-polls", settings.task_polls)):
        for name, value in entries:
            if name and name not in declared:
                raise ValueError(
                    f"{flag} {name}={value}: no setup task is named {name!r} in the specs served "
                    f"(declared: {', '.join(declared) or 'none'})"
                )


def check_profile(profile: Profile, collections: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
    """A profile names collections of the API served, and of each only declared ordering and
    search fields (a misspelt one would do nothing). `collections`: name -> (its declared
    ordering fields, its declared search fields)."""
    document = profile.document.get("collections") or {}
    for name in document:
        if name not in collections:
            raise ValueError(
                f"the profile {profile.source} names a collection {name!r} that {profile.api} does not "
                f"declare (declared: {', '.join(collections)})"
            )
        for knob, declared in zip(("ordering_fields", "search_fields"), collections[name], strict=True):
            unknown = [f for f in getattr(profile, knob).get(name, ()) if f not in declared]
            if unknown:
                raise ValueError(
                    f"the profile {profile.source}: {knob} of {name} names {', '.join(unknown)}, "
                    f"not declared {knob.split('_')[0]} fields (declared: {', '.join(declared) or 'none'})"
                )


def _profile_allow(profile: Profile, catalogue: Catalogue, collections: Iterable[Any]) -> None:
    """The Allow header of each instance the profile's instance_allow names, set once on its path
    item, and the write operations that Allow lists made there (PUT, PATCH, DELETE: served by the
    collection's views): the request path reads path_item.allow_header and routes by the path
    item's operations as before, with or without a profile."""
    items = {item.path: item for item in catalogue.path_items}
    for collection in collections:
        variant = profile.instance_allow.get(collection.name)
        if variant is not None and collection.detail_path in items:
            detail = items[collection.detail_path]
            detail.allow = INSTANCE_ALLOW[variant]
            upload = items[collection.list_path].operations.get("POST")
            detail.operations.update(instance_operations(collection, detail, upload, detail.allow))


def build_dispatcher(settings: Settings, store: Store | None = None) -> Dispatcher:
    """The dispatcher of the APIs the settings name: the catalogue read from the specs, each
    operation bound to its handler (the generic views of the declared collections and setup
    tasks, the API modules' own, the control API's), the store's collections defined and the
    fixtures cleaned. Anything it cannot serve raises a StartupError."""
    catalogue = load_catalogue(settings.apis, settings.specs_dir)
    modules = [load_api_module(api.name) for api in catalogue.apis]
    handlers: dict[str, Handler] = {}
    views: list[CollectionViews] = []
    setup_tasks: list[SetupTaskViews] = []
    caches = ViewCaches()  # one per app, shared by every collection's views
    try:
        for module, api in zip(modules, catalogue.apis, strict=True):
            profile = settings.profile_of(api.name)
            if profile is not None:
                check_profile(profile, {c.name: (tuple(c.ordering), c.search) for c in api.collections})
                _profile_allow(profile, catalogue, api.collections)
            api_views = collection_views(api.spec, list(api.collections), module.hooks, caches, profile)
            api_tasks = [SetupTaskViews(task, settings) for task in api.setup_tasks]
            views.extend(api_views)
            setup_tasks.extend(api_tasks)
            handlers.update(api_handlers(module, api.spec, api_views, api_tasks))
            handlers.update(module.control_handlers)
        _check_task_overrides(settings, [task.declaration.name for task in setup_tasks])
        served = [api.name for api in catalogue.apis]
        for profile in settings.profiles:
            if profile.api not in served:
                raise ValueError(
                    f"the profile {profile.source} describes {profile.api}, which is not served "
                    f"(serving {', '.join(served)})"
                )
    except StartupError:
        raise
    except ValueError as error:  # a declaration the engine cannot serve
        raise StartupError(str(error)) from None
    handlers.update(CONTROL_HANDLERS)
    bindings = bind_operations(catalogue.specs, handlers)
    store = store or store_for(settings)
    for view in views:
        store.define_collection(view.store_spec())
    dispatcher = Dispatcher(settings, store, catalogue, bindings, modules, views, setup_tasks)
    if settings.tenant_secret is None:  # one key per fake: every process sharing the store uses it
        keys = dispatcher.authenticator.keys
        keys.key = store.credential_key(keys.key)
    try:
        dispatcher.initial_tenant_state()  # a fixture its serializer refuses stops start-up here
    except StartupError:
        raise
    except ValueError as error:
        raise StartupError(str(error)) from None
    return dispatcher


class MockserverApp(Starlette):
    """The Starlette application of the fake: lifespan, state and test clients as usual; every
    HTTP request, whatever its path, goes to the spec-bound dispatcher.

    The dispatcher routes by the spec and turns every failure into a DRF-shaped answer itself,
    so Starlette's router and error middleware would only add their cost (about a quarter of a
    bare endpoint's time per request, measured); they still serve the lifespan, and HTTP too as
    soon as middleware is added.
    """

    def __init__(self, dispatcher: Dispatcher, **options: Any) -> None:
        super().__init__(**options)
        self.catalogue = dispatcher.catalogue  # what is served (the banner reads it)
        self._dispatch = dispatcher.asgi
        # A route pattern would miss paths with a newline in them and answer with Starlette's
        # plain-text 404: whatever reaches the router goes to the dispatcher too.
        self.router.default = dispatcher.asgi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.user_middleware:
            scope["app"] = self
            await self._dispatch(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, store: Store | None = None) -> MockserverApp:
    settings = settings or Settings()
    dispatcher = build_dispatcher(settings, store)

    # Loaded here, not in the lifespan, so a file that cannot load stops start-up before the
    # banner. A shared store that already holds tenants was loaded by another process of this fake.
    if settings.state_file is not None and not dispatcher.store.tenants():
        keys = dispatcher.authenticator.keys
        load_state_file(dispatcher.store, settings.state_file, keys)
        if not keys.configured:  # the file's key, the same tenant ids in every process
            keys.key = dispatcher.store.credential_key(keys.key, replace=True)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        writer = dispatcher.state_writer
        if writer is not None:
            writer.start()
        yield
        if writer is not None:
            writer.stop()
        if settings.state_file is not None:
            save_state_file(dispatcher.store, settings.state_file, dispatcher.authenticator.keys.to_keep())

    app = MockserverApp(dispatcher, lifespan=lifespan)
    app.state.dispatcher = dispatcher
    app.state.catalogue = dispatcher.catalogue
    app.state.store = dispatcher.store
    app.state.settings = settings
    return app
