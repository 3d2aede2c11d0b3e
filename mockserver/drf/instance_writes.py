"""The instance methods a profile's `instance_allow` says a collection's detail allows beyond the
spec's read-only ones: a DRF `ModelViewSet`'s PUT, PATCH and DELETE, the seed's PATCH. The
operations are made from the collection's declaration, as a router serves a viewset's
`update`, `partial_update` and `destroy`: PUT takes one object as the upload's serializer takes
it (its required fields required), PATCH the same with none required (DRF's partial update),
DELETE no body. The views that serve them are CollectionViews.update and .destroy
(decision datawiz-resources C10)."""

from typing import Any

from mockserver.spec.collections import CollectionDeclaration
from mockserver.spec.loader import FORM_MEDIA_TYPES, Operation, PathItem

INSTANCE_WRITES = ("PUT", "PATCH", "DELETE")
# DRF's action names, for the made operations' ids (`getUnit` -> `updateUnit`).
ACTIONS = {"PUT": "update", "PATCH": "partialUpdate", "DELETE": "destroy"}


def _operation_id(get_id: str, method: str) -> str:
    action = ACTIONS[method]
    if get_id.startswith("get") and get_id[3:4].isupper():
        return action + get_id[3:]
    return f"{action}_{get_id}"


def _body(schema: dict[str, Any], method: str) -> dict[str, dict[str, Any]]:
    if method == "PATCH":  # partial: nothing required at the top (a list given is given whole)
        schema = {key: value for key, value in schema.items() if key != "required"}
    return {media_type: schema for media_type in ("application/json", *FORM_MEDIA_TYPES)}


def instance_operations(
    declaration: CollectionDeclaration, detail: PathItem, upload: Operation | None, allow: str
) -> dict[str, Operation]:
    """METHOD -> the operation made for each write method `allow` lists that the detail path item
    does not declare. `upload`: the list's POST, whose error answers a write's share."""
    get = detail.operations["GET"]
    wanted = [m.strip() for m in allow.split(",")]
    made = {}
    for method in INSTANCE_WRITES:
        if method not in wanted or method in detail.operations:
            continue
        responses = dict(get.definition.get("responses") or {})
        if method == "DELETE":
            responses.pop("200", None)
            responses["204"] = {"description": "Deleted"}
        elif upload is not None:
            shared = upload.definition.get("responses") or {}
            responses.update({status: shared[status] for status in shared if str(status)[0] == "4"})
        definition: dict[str, Any] = {
            "operationId": _operation_id(get.operation_id, method),
            "summary": f"{ACTIONS[method]} (a profile's instance_allow)",
            "parameters": get.definition.get("parameters") or [],
            "responses": responses,
        }
        schemas = {} if method == "DELETE" else _body(declaration.stored_schema, method)
        if schemas:
            definition["requestBody"] = {
                "required": True,
                "content": {mt: {"schema": schema} for mt, schema in schemas.items()},
            }
        made[method] = Operation(
            api=get.api,
            operation_id=definition["operationId"],
            method=method,
            path=detail.path,
            definition=definition,
            security=get.security,
            request_schemas_full=schemas,
            request_required=bool(schemas),
            is_drf=True,
        )
    return made
