"""The /__mockserver__/ control API (specs/control.yaml): reset, state, fixtures, journal, clock, faults."""

import hmac
from typing import NamedTuple

from mockserver.auth import Authenticator
from mockserver.auth.tokens import AUTH_TENANT
from mockserver.drf.errors import PermissionDenied
from mockserver.incoming import IncomingRequest
from mockserver.settings import Settings
from mockserver.spec.catalogue import CONTROL_API as CONTROL_API
from mockserver.spec.loader import Operation

CONTROL_PREFIX = "/__mockserver__"
ADMIN_TOKEN_HEADER = "x-mockserver-admin-token"
# Names a tenant by its id, as the tenant, state and journal answers show it (the console's way).
TENANT_HEADER = "x-mockserver-tenant"


class ControlScope(NamedTuple):
    tenant: str | None  # None: the call reaches every tenant
    admin: bool  # made with the admin token, or with none configured


def is_admin(request: IncomingRequest, settings: Settings) -> bool:
    expected = settings.admin_token
    if expected is None:
        return True
    given = request.headers.get(ADMIN_TOKEN_HEADER) or ""
    return hmac.compare_digest(given.encode(), expected.encode())  # no timing hint about the token


def control_scope(
    request: IncomingRequest, operation: Operation | None, authenticator: Authenticator, settings: Settings
) -> ControlScope:
    """Whom a control call acts on, and whether it may.

    Two scopes. A call that names a tenant (its API credential, checked as the API would in strict
    mode, or X-Mockserver-Namespace) acts on that tenant only and needs no admin token. A call
    that names none reaches every tenant (a global dump or load, the global journal, reset of
    everything, faults for every tenant, the tenant list): it needs the admin token whenever one
    is set, and so does naming a tenant by its id (X-Mockserver-Tenant, the console's way).
    Operations marked `x-mockserver-public` (the console's files, the spec documents) hold no
    data: a browser loads them by navigation, which cannot send the admin token."""
    admin = is_admin(request, settings)
    if operation is not None and operation.public:
        return ControlScope(None, admin)
    named = request.headers.get(TENANT_HEADER)
    if named:
        if not admin:
            raise PermissionDenied(
                "mockserver: naming a tenant by its id needs the X-Mockserver-Admin-Token header."
            )
        if named == AUTH_TENANT:
            raise PermissionDenied("mockserver: the credentials the fake issued are not a tenant.")
        return ControlScope(named, admin)
    tenant = authenticator.identify(request)
    if tenant is None and not admin:
        raise PermissionDenied(
            "mockserver: a control call that reaches every tenant needs the X-Mockserver-Admin-Token "
            "header; name your own tenant with your API credential or X-Mockserver-Namespace."
        )
    return ControlScope(tenant, admin)
