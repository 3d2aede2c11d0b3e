"""Check an answer against the operation's responses in the spec (status, media type, body)."""

from typing import Any

import jsonschema_rs

from mockserver.spec.loader import Operation


class ResponseChecker:
    """Validators compiled once per (operation, status, media type), on first use."""

    def __init__(self) -> None:
        self._validators: dict[tuple[str, str, str], Any] = {}

    def problems(
        self, operation: Operation, status: int, media_type: str | None, data: Any, has_body: bool
    ) -> list[str]:
        spec = operation.response_spec(status)
        if spec is None:
            return [f"{_where(operation, status)}: status {status} is not documented"]
        if operation.method == "HEAD":
            return []  # the body is dropped on the way out
        if not spec.content:
            return [f"{_where(operation, status)}: the spec documents no body"] if has_body else []
        if media_type == "text/html" and operation.is_drf:
            return []  # the browsable `api` rendering of the same data, which every DRF view offers
        if media_type not in spec.content:
            return [
                f"{_where(operation, status)}: media type {media_type!r} is not one of {sorted(spec.content)}"
            ]
        schema = spec.content[media_type]
        if not schema or media_type != "application/json":
            return []
        key = (operation.operation_id, spec.status, media_type)
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = jsonschema_rs.validator_for(schema)
        if validator.is_valid(data):
            return []  # the usual case, without building an error iterator
        return [
            f"{_where(operation, status)}: {error.message} at {list(error.instance_path)}"
            for error in validator.iter_errors(data)
        ]


def _where(operation: Operation, status: int) -> str:
    return f"{operation.method} {operation.path} ({operation.operation_id}) -> {status}"
