"""The spec is the only source of an auth keyword: the fake accepts and challenges with what a
security scheme declares (`x-drf-auth-keyword`, OAuth2's Bearer, an `http` scheme's name), and a
scheme it could not check stops start-up (mockserver/spec/security.py)."""

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockserver.apis import catalogue
from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.spec.errors import StartupError
from mockserver.spec.security import SIGNATURE, TOKEN, auth_schemes
from tests.spec_copies import spec_copy


def _schemes(document):
    return document["components"]["securitySchemes"]


def _token_scheme(document) -> str:
    return next(name for name, s in _schemes(document).items() if s.get("x-drf-auth-keyword"))


def _keyword(value: str):
    def change(document):
        _schemes(document)[_token_scheme(document)]["x-drf-auth-keyword"] = value

    return change


def test_the_packaged_schemes_are_read_from_the_specs():
    akinon = auth_schemes(catalogue().api("akinon").spec.security_schemes)
    datawiz = auth_schemes(catalogue().api("datawiz").spec.security_schemes)
    assert {s.authentication for s in akinon.values()} == {TOKEN}
    assert SIGNATURE in {s.authentication for s in datawiz.values()}


def test_a_keyword_changed_in_a_spec_copy_is_what_the_fake_accepts_and_challenges_with(tmp_path: Path):
    specs, fixtures = spec_copy(tmp_path, _keyword("Key"), "akinon")
    status = catalogue(specs).api("akinon")
    path = status.operation(status.task.operations["status"]).path
    app = create_app(Settings(apis=("akinon",), specs_dir=specs, fixtures_dir=fixtures))
    with TestClient(app) as client:
        assert client.get(path, headers={"Authorization": "Key abc"}).status_code == 200
        assert client.get(path, headers={"Authorization": "key abc"}).status_code == 200  # as DRF: any case
        refused = client.get(path, headers={"Authorization": "Token abc"})
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Key"
        missing = client.get(path)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Key"


def _in_query(document):
    scheme = _schemes(document)[_token_scheme(document)]
    scheme.update({"in": "query", "name": "key"})


def _apikey_without_keyword(document):
    del _schemes(document)[_token_scheme(document)]["x-drf-auth-keyword"]


@pytest.mark.parametrize("change", [_in_query, _apikey_without_keyword])
def test_a_scheme_the_fake_cannot_check_stops_start_up(tmp_path: Path, change):
    specs, fixtures = spec_copy(tmp_path, change, "akinon")
    with pytest.raises(StartupError, match=r"components\.securitySchemes\.\w+"):
        create_app(Settings(apis=("akinon",), specs_dir=specs, fixtures_dir=fixtures))
