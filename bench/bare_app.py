"""The yardstick: a bare Starlette app with a JSON GET and a JSON POST validated by a precompiled validator."""

import os
from pathlib import Path

import jsonschema_rs
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.spec.loader import load_spec


def _upload_schema() -> dict:
    """The body schema of the upload the bench posts (python -m bench names the spec file and
    the operation, as it reads them from the API registry and the spec)."""
    spec = load_spec(Path(os.environ["BENCH_SPEC_FILE"]))
    wanted = os.environ["BENCH_POST_OPERATION"]
    operation = next(op for op in spec.operations if op.operation_id == wanted)
    return operation.request_schemas["application/json"]


VALIDATOR = jsonschema_rs.validator_for(_upload_schema())
# The same page of 20 the fake answers (python -m bench saves it): the yardstick for the page row
# is Starlette encoding that JSON on every request, as an ordinary JSON endpoint does.
PAGE = (
    orjson.loads(Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()) if "BENCH_PAGE_FILE" in os.environ else {}
)


async def bare_get(request: Request) -> Response:
    return Response(orjson.dumps({"result": "READY"}), media_type="application/json")


async def bare_page(request: Request) -> Response:
    return Response(orjson.dumps(PAGE), media_type="application/json")


async def bare_post(request: Request) -> Response:
    body = orjson.loads(await request.body())
    valid = VALIDATOR.is_valid(body)
    return Response(
        orjson.dumps({"valid": valid}), status_code=201 if valid else 400, media_type="application/json"
    )


app = Starlette(
    routes=[
        Route("/bare", bare_get),
        Route("/bare-page", bare_page),
        Route("/bare-post", bare_post, methods=["POST"]),
    ]
)
