"""Requests generated from the spec by schemathesis (hypothesis): for every operation of the
declared collections, valid and invalid path values, queries and JSON bodies. Derandomized, so
every run sends the same requests (form and multipart bodies are hand-picked in cases.py:
schemathesis' form bodies for list schemas are not forms a client sends)."""

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from mockserver.apis import spec_path
from mockserver.spec.collections import read_collections
from mockserver.spec.loader import load_spec
from tests.drf_reference.compare import Exchange
from tests.drf_reference.resources import API

EXAMPLES_PER_MODE = 12
SKIPPED_OPERATIONS = {"obtainToken"}  # random logins against a password grant compare nothing
KEPT_HEADERS = {"accept", "content-type"}
PLACEHOLDER = "http://generated"


def _exchange(name: str, case: Any) -> Exchange | None:
    if case.media_type and case.media_type.split(";")[0] != "application/json":
        return None
    kwargs = case.as_transport_kwargs(base_url=PLACEHOLDER)
    url = httpx.URL(kwargs["url"], params=kwargs.get("params") or None)
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() in KEPT_HEADERS}
    target = url.raw_path.decode("ascii")
    return Exchange(name, kwargs["method"], target, headers=headers, json=kwargs.get("json"))


def _collector(label: str, exchanges: list[Exchange]) -> Any:
    def collect(case: Any) -> None:
        exchange = _exchange(f"{label} #{len(exchanges)}", case)
        if exchange is not None:
            exchanges.append(exchange)

    return collect


def _paths_of(collections: tuple[str, ...]) -> set[str]:
    """The list, detail and nested item paths of the named collections."""
    paths: set[str] = set()
    for declaration in read_collections(load_spec(spec_path(API))):
        if declaration.name in collections:
            paths |= {declaration.list_path, declaration.detail_path or ""}
            paths |= {nested.detail_path for nested in declaration.nested.values()}
    return paths


def generated_exchanges(collections: tuple[str, ...], examples: int = EXAMPLES_PER_MODE) -> list[Exchange]:
    schema = schemathesis.openapi.from_path(spec_path(API))
    paths = _paths_of(collections)
    exchanges: list[Exchange] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path not in paths or operation.definition.raw.get("operationId") in SKIPPED_OPERATIONS:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            collect = _collector(f"{operation.label} ({mode.value})", exchanges)

            test = settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )(given(operation.as_strategy(generation_mode=mode))(collect))
            try:
                test()
            except Unsatisfiable:
                continue
    return exchanges
