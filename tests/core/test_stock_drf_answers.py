"""Answers a stock DRF deployment gives where the fake answers otherwise (it follows DRF 3.14 and
the services' documents): the spec must document them, or the contract suite and the proxy call a
faithful DRF 3.15+ service drifted (an independent service on DRF 3.18 showed both)."""

from typing import Any

import jsonschema
import pytest

from mockserver.apis import catalogue


def _schema(path: str, method: str, status: str) -> dict[str, Any]:
    document = catalogue().api("datawiz").spec.document  # references resolved
    return document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def _valid(schema: dict[str, Any], body: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(body)


@pytest.mark.parametrize(
    "path", ["/api/v1/units/", "/api/v1/units/{unit_id}/", "/api/v1/relocate-documents/"]
)
def test_a_null_character_in_search_may_be_refused_as_drf_315_does(path):
    # DRF 3.15+ reads ?search= through a CharField; get_object filters a detail too
    schema = _schema(path, "get", "400")
    assert _valid(schema, ["Null characters are not allowed."])
    assert not _valid(schema, ["Something else."]) and not _valid(schema, {"detail": "x"})


@pytest.mark.parametrize(
    "body",
    [
        {"products": {"0": {"price": ["A valid number is required."]}}},  # one document, 3.18's default
        {"1": {"products": {"0": {"price": ["A valid number is required."]}}}},  # a list upload
        {"1": {"relocate_date": ["This field is required."]}},
        [{}, {"products": [{}, {"price": ["A valid number is required."]}]}],  # before 3.18: aligned
    ],
)
def test_list_errors_by_index_are_a_documented_refusal(body):
    assert _valid(_schema("/api/v1/relocate-documents/", "post", "400"), body)
