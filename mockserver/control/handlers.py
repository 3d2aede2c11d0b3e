"""Handlers of the generic control operations; each API adds its own (apis/<api>/control.py)."""

from collections.abc import Callable
from typing import Any

from mockserver import __version__
from mockserver.auth.tokens import AUTH_TENANT
from mockserver.control.console import HANDLERS as CONSOLE_HANDLERS
from mockserver.drf.errors import NotFound, PermissionDenied, ValidationFailed
from mockserver.http import ApiRequest, ApiResponse, Handler
from mockserver.store import clock


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
        # Every tenant but the credentials the fake issued (kept as digests, and still not shown),
        # with the masked hint people recognise a tenant by.
        state = request.store.dump_all()
        state["tenants"] = {t: v for t, v in state["tenants"].items() if t != AUTH_TENANT}
        hints = {tenant: request.app.auth.hint(tenant) for tenant in state["tenants"]}
        state["hints"] = {tenant: hint for tenant, hint in hints.items() if hint}
        return ApiResponse(200, state)
    request.app.tenants.ensure_tenant(request.tenant)
    return ApiResponse(200, request.store.dump_tenant(request.tenant))


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed({"non_field_errors": [f"Not a state this fake can load: {message}"]})


def _check_tenant_state(state: object, collections: list[str], where: str) -> None:
    """A tenant's state is loaded only when all of it can be: checked whole before any change."""
    if not isinstance(state, dict) or set(state) - {"values", "collections"}:
        raise _refused(f'{where} must be {{"values": {{...}}, "collections": {{...}}}}.')
    if not isinstance(state.get("values", {}), dict):
        raise _refused(f"{where}.values must be an object.")
    stored = state.get("collections", {})
    if not isinstance(stored, dict):
        raise _refused(f"{where}.collections must be an object.")
    for name, documents in stored.items():
        if name not in collections:
            raise _refused(f"{where}.collections names {name!r}, not a collection this fake serves.")
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise _refused(f"{where}.collections.{name} must be a list of objects.")


def put_state(request: ApiRequest) -> ApiResponse:
    body, store, collections = request.body, request.store, request.app.catalogue.store_names
    if request.tenant is not None:
        _check_tenant_state(body, collections, "the state")
        try:
            store.load_tenant(request.tenant, body)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise _refused(str(error)) from None
        return ApiResponse(200, {"loaded": request.tenant})
    tenants = body.get("tenants", {}) if isinstance(body, dict) else None
    if not isinstance(tenants, dict):
        raise _refused('the body must be {"tenants": {...}, "clock": {...}}, as GET answers.')
    if AUTH_TENANT in tenants:
        raise _refused("the credentials the fake issued cannot be loaded through the control API.")
    for tenant, state in tenants.items():
        _check_tenant_state(state, collections, f"tenants.{tenant}")
    # A dump of an older version names tenants by their credential: loaded under the derived id.
    tenants = request.app.auth.keys.rekeyed(tenants)
    # Like a reset of everything, the credentials the fake issued stay: logged-in clients stay so.
    issued = store.dump_tenant(AUTH_TENANT) if AUTH_TENANT in store.tenants() else None
    try:
        store.load_all({"tenants": tenants, "clock": body.get("clock")})
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise _refused(str(error)) from None
    finally:
        if issued is not None:
            store.load_tenant(AUTH_TENANT, issued)
    return ApiResponse(200, {"loaded": "all"})


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
    newest_first = [_with_hint(request, entry) for entry in list(reversed(entries))[:limit]]
    return ApiResponse(200, {"count": len(entries), "entries": newest_first})


def clear_journal(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"cleared": request.store.clear_journal(request.tenant)})


def get_clock(request: ApiRequest) -> ApiResponse:
    if request.tenant is None:
        return ApiResponse(200, request.store.clock_state())
    return ApiResponse(200, clock.tenant_clock(request.store, request.tenant))


def advance_clock(request: ApiRequest) -> ApiResponse:
    seconds = float(request.body["seconds"])
    if request.tenant is None:
        return ApiResponse(200, request.store.advance_clock(seconds))
    return _change_clock(request, lambda state, now: clock.advance_tenant(state, now, seconds))


def freeze_clock(request: ApiRequest) -> ApiResponse:
    if request.tenant is None:
        return ApiResponse(200, request.store.freeze_clock())
    return _change_clock(request, clock.freeze_tenant)


def release_clock(request: ApiRequest) -> ApiResponse:
    if request.tenant is None:
        return ApiResponse(200, request.store.release_clock())
    return _change_clock(request, clock.release_tenant)


def _change_clock(request: ApiRequest, change: Callable[[Any, float], Any]) -> ApiResponse:
    """A call naming a tenant moves that tenant's own clock; one naming none (the admin scope)
    moves the fake's clock, and with it every tenant that is not frozen."""
    assert request.tenant is not None
    request.app.tenants.ensure_tenant(request.tenant)  # a new tenant starts from its fixtures
    return ApiResponse(200, clock.change_tenant_clock(request.store, request.tenant, change))


def list_faults(request: ApiRequest) -> ApiResponse:
    return ApiResponse(
        200, {"faults": [_with_hint(request, rule) for rule in request.store.faults(request.tenant)]}
    )


def _with_hint(request: ApiRequest, item: dict) -> dict:
    """An answer naming a tenant also says how people recognise it (never the credential)."""
    hint = request.app.auth.hint(item["tenant"]) if item.get("tenant") and item["tenant"] != "*" else None
    return {**item, "tenant_hint": hint} if hint else item


def set_fault(request: ApiRequest) -> ApiResponse:
    operation_id = request.path_params["operation_id"]
    known = {op.operation_id for spec in request.app.catalogue.specs for op in spec.operations}
    if operation_id not in known:
        raise NotFound(f"mockserver: no operation {operation_id!r} in the served specs.")
    rule = {k: v for k, v in request.body.items() if k != "all_tenants" and v is not None}
    if not rule.get("status") and not rule.get("latency_ms"):
        raise ValidationFailed({"non_field_errors": ["Give a status, a latency_ms, or both."]})
    every_tenant = bool(request.body.get("all_tenants")) or request.tenant is None
    if every_tenant and not request.admin:
        raise PermissionDenied(
            "mockserver: a fault for every tenant needs the X-Mockserver-Admin-Token header."
        )
    tenant = "*" if every_tenant else request.tenant
    request.store.set_fault(tenant, operation_id, rule)
    return ApiResponse(200, {"tenant": tenant, "operation_id": operation_id, **rule})


def clear_faults(request: ApiRequest) -> ApiResponse:
    operation_id = request.query.get("operation_id") or None
    return ApiResponse(200, {"cleared": request.store.clear_faults(request.tenant, operation_id)})


# The control API's own handlers by operationId; each API adds its control handlers (ApiModule).
CONTROL_HANDLERS: dict[str, Handler] = {
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
}
