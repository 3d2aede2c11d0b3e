"""The app is built from the specs: every operation is routed to exactly one handler."""

import re

import pytest
import yaml
from openapi_spec_validator import validate

from mockserver.apis import spec_path
from mockserver.app import bind_operations, create_app
from mockserver.resources import specs_dir
from mockserver.settings import KNOWN_APIS, Settings
from mockserver.spec.errors import StartupError
from mockserver.spec.loader import load_spec

SPEC_FILES = sorted(p.name for p in specs_dir().glob("*.yaml"))


@pytest.mark.parametrize("name", SPEC_FILES)
def test_every_spec_is_valid_openapi(name):
    validate(yaml.safe_load((specs_dir() / name).read_text(encoding="utf-8")))


def test_an_operation_without_a_handler_stops_start_up():
    spec = load_spec(spec_path("control"))
    handlers = {op.operation_id: (lambda request: None) for op in spec.operations}
    bind_operations([spec], handlers)
    missing = dict(handlers)
    missing.pop("getHealth")
    with pytest.raises(StartupError, match="operations without a handler: getHealth"):
        bind_operations([spec], missing)
    with pytest.raises(StartupError, match="handlers without an operation: bogus"):
        bind_operations([spec], {**handlers, "bogus": lambda request: None})


@pytest.mark.parametrize("apis", [KNOWN_APIS, ("akinon",), ("datawiz",)])
def test_the_app_starts_for_each_api_selection(apis):
    app = create_app(Settings(apis=apis))
    served = set(app.state.dispatcher.bindings)
    specs = [load_spec(spec_path(api)) for api in apis]
    assert {op.operation_id for spec in specs for op in spec.operations} <= served
    assert app.catalogue.names == apis


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "11112", path)


def test_every_operation_is_routed_to_its_handler(make_client):
    client = make_client()
    dispatcher = client.app.state.dispatcher
    for spec in dispatcher.catalogue.specs:
        for op in spec.operations:
            match = dispatcher.router.match(_concrete(op.path))
            assert match is not None, op.path
            assert match.path_item.operations[op.method] is op
            response = client.request(
                op.method, _concrete(op.path), headers={"Authorization": "Token routing-check"}
            )
            assert response.status_code < 500, (op.operation_id, response.status_code, response.text)
