"""A DRF view reads forms and multipart bodies with the serializer it reads JSON with (DRF's default
parser classes): the specs declare `application/json` only and the engine adds the form media types,
so outside tools never get a form schema that says less than DRF accepts (an empty value of a
nullable field is null in a form, refused in JSON)."""

import pytest
import yaml

from mockserver.apis import spec_path
from mockserver.spec.loader import FORM_MEDIA_TYPES, load_spec
from tests.conftest import DATAWIZ_BEARER

APIS = ("datawiz", "akinon")


@pytest.mark.parametrize("api", APIS)
def test_every_drf_view_with_a_json_body_reads_forms_too(api):
    spec = load_spec(spec_path(api))
    bodies = [op for item in spec.path_items if item.is_drf for op in item.operations.values()]
    with_json = [op for op in bodies if "application/json" in op.request_schemas_full]
    assert with_json
    for operation in with_json:
        schemas = operation.request_schemas_full
        assert all(schemas[media_type] is schemas["application/json"] for media_type in FORM_MEDIA_TYPES)


@pytest.mark.parametrize("api", APIS)
def test_the_specs_type_a_drf_body_once(api):
    document = yaml.safe_load(spec_path(api).read_text())
    for path, item in document["paths"].items():
        if "x-drf-view" not in item:
            continue
        for method, operation in item.items():
            content = (
                (operation.get("requestBody") or {}).get("content", {}) if isinstance(operation, dict) else {}
            )
            if "application/json" in content:
                assert not set(FORM_MEDIA_TYPES) & set(content), f"{path} {method}: the engine adds forms"


def test_an_empty_form_value_of_a_nullable_field_is_null(client):
    categories = "/api/v1/categories/"
    sent = {"category_id": "json", "name": "Форма", "parent_id": ""}
    refused = client.post(categories, json=sent, headers=DATAWIZ_BEARER)
    assert (refused.status_code, refused.json()) == (400, {"parent_id": ["This field may not be blank."]})
    for key, body in (
        ("form", {"data": {**sent, "category_id": "form"}}),
        ("multipart", {"files": {k: (None, v) for k, v in {**sent, "category_id": "multipart"}.items()}}),
    ):
        answer = client.post(categories, headers=DATAWIZ_BEARER, **body)
        assert answer.status_code == 201, answer.text
        assert client.get(f"{categories}{key}/", headers=DATAWIZ_BEARER).json()["parent_id"] is None


def test_the_akinon_login_reads_a_form(client):
    answer = client.post("/api/v1/auth/login/", data={"username": "alice", "password": "secret"})
    assert (answer.status_code, set(answer.json())) == (200, {"key"}), answer.text
