"""Handlers of the generic control operations; each API adds its own (apis/<api>/control.py)."""

from mockserver import __version__
from mockserver.apis import ApiModule
from mockserver.auth.tokens import AUTH_TENANT
from mockserver.control.console import HANDLERS as CONSOLE_HANDLERS
from mockserver.drf.errors import NotFound, ValidationFailed
from mockserver.http import ApiRequest, ApiResponse


def _tenant_or_400(request: ApiRequest) -> str:
    if request.tenant is None:
        raise ValidationFailed(
            {"non_field_errors": ["Name a tenant with the Authorization or X-Mockserver-Namespace header."]}
        )
    return request.tenant


def get_health(request: ApiRequest) -> ApiResponse:
    settings = request.settings
    return ApiResponse(
        200,
        {
            "status": "ok",
            "version": __version__,
            "apis": list(settings.apis),
            "auth_mode": settings.auth_mode,
        },
    )


def reset(request: ApiRequest) -> ApiResponse:
    store = request.store
    if request.tenant is None:
        # Everything but the credentials the fake issued, so logged-in clients stay logged in.
        issued = store.dump_tenant(AUTH_TENANT) if AUTH_TENANT in store.tenants() else None
        store.reset()
        if issued is not None:
            store.load_tenant(AUTH_TENANT, issued)
        return ApiResponse(200, {"reset": "all"})
    store.reset(request.tenant)
    return ApiResponse(200, {"reset": request.tenant})


def load_fixtures(request: ApiRequest) -> ApiResponse:
    tenant = _tenant_or_400(request)
    empty = bool((request.body or {}).get("empty"))
    state = {"values": {}, "collections": {}} if empty else request.app.tenants.initial_tenant_state()
    request.store.load_tenant(tenant, state)
    return ApiResponse(200, {"tenant": tenant, "loaded": "empty" if empty else "fixtures"})


def get_state(request: ApiRequest) -> ApiResponse:
    if request.tenant is None:
        return ApiResponse(200, request.store.dump_all())
    request.app.tenants.ensure_tenant(request.tenant)
    return ApiResponse(200, request.store.dump_tenant(request.tenant))


def put_state(request: ApiRequest) -> ApiResponse:
    body = request.body
    try:
        if request.tenant is None:
            request.store.load_all(body)
        else:
            request.store.load_tenant(request.tenant, body)
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationFailed({"non_field_errors": [f"Not a state this fake can load: {error}"]}) from None
    return ApiResponse(200, {"loaded": request.tenant or "all"})


def get_journal(request: ApiRequest) -> ApiResponse:
    query = request.query
    entries = request.store.journal(request.tenant)
    filters = {k: query[k] for k in ("operation_id", "method", "status") if query.get(k)}
    for key, wanted in filters.items():
        entries = [e for e in entries if str(e.get(key)).lower() == wanted.lower()]
    if query.get("path"):
        entries = [e for e in entries if query["path"] in e["path"]]
    try:
        limit = max(1, int(query.get("limit", "100")))
    except ValueError:
        limit = 100
    newest_first = list(reversed(entries))[:limit]
    return ApiResponse(200, {"count": len(entries), "entries": newest_first})


def clear_journal(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"cleared": request.store.clear_journal(request.tenant)})


def get_clock(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, request.store.clock_state())


def advance_clock(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, request.store.advance_clock(float(request.body["seconds"])))


def freeze_clock(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, request.store.freeze_clock())


def release_clock(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, request.store.release_clock())


def list_faults(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"faults": request.store.faults(request.tenant)})


def set_fault(request: ApiRequest) -> ApiResponse:
    operation_id = request.path_params["operation_id"]
    known = {op.operation_id for spec in request.app.specs for op in spec.operations}
    if operation_id not in known:
        raise NotFound(f"mockserver: no operation {operation_id!r} in the served specs.")
    rule = {k: v for k, v in request.body.items() if k != "all_tenants" and v is not None}
    if not rule.get("status") and not rule.get("latency_ms"):
        raise ValidationFailed({"non_field_errors": ["Give a status, a latency_ms, or both."]})
    tenant = "*" if request.body.get("all_tenants") or request.tenant is None else request.tenant
    request.store.set_fault(tenant, operation_id, rule)
    return ApiResponse(200, {"tenant": tenant, "operation_id": operation_id, **rule})


def clear_faults(request: ApiRequest) -> ApiResponse:
    operation_id = request.query.get("operation_id") or None
    return ApiResponse(200, {"cleared": request.store.clear_faults(request.tenant, operation_id)})


def make_control_module(api_names: tuple[str, ...]) -> ApiModule:
    return ApiModule(
        name="control",
        spec_file="control.yaml",
        handlers={
            "getHealth": get_health,
            "reset": reset,
            "loadFixtures": load_fixtures,
            "getState": get_state,
            "putState": put_state,
            "getJournal": get_journal,
            "clearJournal": clear_journal,
            "getClock": get_clock,
            "advanceClock": advance_clock,
            "freezeClock": freeze_clock,
            "releaseClock": release_clock,
            "listFaults": list_faults,
            "setFault": set_fault,
            "clearFaults": clear_faults,
            **CONSOLE_HANDLERS,
        },
    )
