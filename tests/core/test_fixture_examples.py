"""The documents' own examples (fixtures/datawiz/examples/) are valid against the spec's schemas."""

import json

import jsonschema
import pytest

from mockserver.apis import catalogue
from mockserver.resources import fixtures_dir

SPEC = catalogue().api("datawiz").spec
SCHEMAS = SPEC.document["components"]["schemas"]
CASES = {
    "collection-empty.json": SCHEMAS["RelocateDocumentPage"],
    "collection-page-size-2.json": SCHEMAS["RelocateDocumentPage"],
    "post-relocate-document-request.json": SCHEMAS["RelocateDocumentInput"],
    "post-relocate-document-response.json": SCHEMAS["UpsertCounts"],
    "error-404.json": SCHEMAS["Error"],
    "error-400-product-id.json": SCHEMAS["FieldErrors"],
    "options-relocate-documents.json": SCHEMAS["Metadata"],
}


def test_every_example_file_is_covered():
    assert {p.name for p in (fixtures_dir() / "datawiz" / "examples").glob("*.json")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_is_valid_against_its_schema(name):
    example = json.loads((fixtures_dir() / "datawiz" / "examples" / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(CASES[name]).validate(example)
