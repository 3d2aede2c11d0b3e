"""DRF's exceptions and the exact texts DRF answers with, turned into responses in one place."""

from typing import Any


class APIError(Exception):
    """An error the fake answers with, in Django REST Framework's shape."""

    status_code = 500
    default_detail = "A server error occurred."

    def __init__(self, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        self.detail = self.default_detail if detail is None else detail
        self.headers = headers or {}
        super().__init__(str(self.detail))

    def body(self) -> Any:
        if isinstance(self.detail, (dict, list)):
            return self.detail
        return {"detail": self.detail}


class ParseError(APIError):
    status_code = 400
    default_detail = "Malformed request."


class ValidationFailed(APIError):
    """Serializer errors: `{"field": ["message"]}`, or a list aligned with a list input."""

    status_code = 400
    default_detail = "Invalid input."


class NotAuthenticated(APIError):
    status_code = 401
    default_detail = "Authentication credentials were not provided."


class AuthenticationFailed(APIError):
    status_code = 401
    default_detail = "Incorrect authentication credentials."


class PermissionDenied(APIError):
    status_code = 403
    default_detail = "You do not have permission to perform this action."


class NotFound(APIError):
    status_code = 404
    default_detail = "Not found."


class MethodNotAllowed(APIError):
    status_code = 405

    def __init__(self, method: str, allow: str) -> None:
        super().__init__(f'Method "{method}" not allowed.', {"Allow": allow})


class NotAcceptable(APIError):
    status_code = 406
    default_detail = "Could not satisfy the request Accept header."


class ServiceUnavailable(APIError):
    """DRF's ServiceUnavailable: the shared store cannot be reached for now (nothing was written);
    the client may try again, as it would against a real deployment whose database restarts."""

    status_code = 503
    default_detail = "Service temporarily unavailable, try again later."

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Service temporarily unavailable, try again later ({reason}).", {"Retry-After": "1"}
        )


class RequestTooLarge(APIError):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body is larger than the limit of {limit} bytes.")


class RequestTimedOut(APIError):
    """A body that does not arrive in time (a proxy in front of Django answers so: nginx's
    client_body_timeout); a slow client cannot hold the fake's attention forever."""

    status_code = 408

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The request body did not arrive within {seconds:g} seconds.")


class UnsupportedMediaType(APIError):
    status_code = 415

    def __init__(self, media_type: str) -> None:
        super().__init__(f'Unsupported media type "{media_type}" in request.')


class Throttled(APIError):
    status_code = 429
    default_detail = "Request was throttled."


class InjectedFault(APIError):
    """A status forced by a fault rule of the control API."""

    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        super().__init__(f"mockserver: fault injected for this operation (status {status_code}).")


class ResponseDoesNotMatchSpec(APIError):
    """Raised when response validation is on and a handler's answer drifts from its spec."""

    status_code = 500

    def __init__(self, problems: list[str]) -> None:
        super().__init__({"detail": "mockserver: response does not match the spec", "problems": problems})
