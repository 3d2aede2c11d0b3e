"""The /__mockserver__/ control API (specs/control.yaml): reset, state, fixtures, journal, clock, faults."""

from mockserver.auth import Authenticator
from mockserver.auth.tokens import AUTH_TENANT
from mockserver.drf.errors import PermissionDenied
from mockserver.incoming import IncomingRequest
from mockserver.settings import Settings
from mockserver.spec.loader import Operation

CONTROL_API = "control"
CONTROL_PREFIX = "/__mockserver__"
ADMIN_TOKEN_HEADER = "x-mockserver-admin-token"
# Names a tenant by its id, as the tenant, state and journal answers show it (the console's way).
TENANT_HEADER = "x-mockserver-tenant"


def control_tenant(
    request: IncomingRequest, operation: Operation | None, authenticator: Authenticator, settings: Settings
) -> str | None:
    """The tenant a control call acts on (None: all of them), after the optional admin check.

    Operations marked `x-mockserver-public` in the spec (the console's files, the spec documents)
    hold no data: a browser loads them by navigation, which cannot send the admin token."""
    if operation is not None and operation.definition.get("x-mockserver-public"):
        return None
    if settings.admin_token is not None and request.headers.get(ADMIN_TOKEN_HEADER) != settings.admin_token:
        raise PermissionDenied("mockserver: this control call needs the X-Mockserver-Admin-Token header.")
    # A tenant named by its id reaches any tenant without its credential: it stays behind the
    # admin check above (tests/console/test_console_routes.py holds this).
    named = request.headers.get(TENANT_HEADER)
    if named:
        if named == AUTH_TENANT:
            raise PermissionDenied("mockserver: the credentials the fake issued are not a tenant.")
        return named
    return authenticator.identify(request)


def control_module(api_names: tuple[str, ...]):
    from mockserver.control.handlers import make_control_module

    return make_control_module(api_names)
