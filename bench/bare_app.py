"""The yardstick: a bare Starlette app with a JSON GET and a JSON POST validated by a precompiled validator."""

import jsonschema_rs
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.resources import specs_dir
from mockserver.spec.loader import load_spec


def _relocate_schema() -> dict:
    spec = load_spec(specs_dir() / "datawiz.yaml")
    operation = next(op for op in spec.operations if op.operation_id == "createRelocateDocuments")
    return operation.request_schemas["application/json"]


VALIDATOR = jsonschema_rs.validator_for(_relocate_schema())


async def bare_get(request: Request) -> Response:
    return Response(orjson.dumps({"result": "READY"}), media_type="application/json")


async def bare_post(request: Request) -> Response:
    body = orjson.loads(await request.body())
    valid = VALIDATOR.is_valid(body)
    return Response(
        orjson.dumps({"valid": valid}), status_code=201 if valid else 400, media_type="application/json"
    )


app = Starlette(routes=[Route("/bare", bare_get), Route("/bare-post", bare_post, methods=["POST"])])
