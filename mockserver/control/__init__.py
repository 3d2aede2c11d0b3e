"""The /__mockserver__/ control API (specs/control.yaml): reset, state, fixtures, journal, clock, faults."""

from mockserver.auth import Authenticator
from mockserver.drf.errors import PermissionDenied
from mockserver.incoming import IncomingRequest
from mockserver.settings import Settings

CONTROL_API = "control"
CONTROL_PREFIX = "/__mockserver__"
ADMIN_TOKEN_HEADER = "x-mockserver-admin-token"


def control_tenant(request: IncomingRequest, authenticator: Authenticator, settings: Settings) -> str | None:
    """The tenant a control call acts on (None: all of them), after the optional admin check."""
    if settings.admin_token is not None and request.headers.get(ADMIN_TOKEN_HEADER) != settings.admin_token:
        raise PermissionDenied("mockserver: this control call needs the X-Mockserver-Admin-Token header.")
    return authenticator.identify(request)


def control_module(api_names: tuple[str, ...]):
    from mockserver.control.handlers import make_control_module

    return make_control_module(api_names)
