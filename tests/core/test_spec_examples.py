"""Every example written in a spec is valid against the schema it illustrates."""

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from mockserver.resources import specs_dir
from mockserver.spec.loader import load_spec


def _examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield "example", media["example"]
    for name, example in (media.get("examples") or {}).items():
        if "value" in example:
            yield name, example["value"]


def _cases() -> Iterator[Any]:
    for path in sorted(specs_dir().glob("*.yaml")):
        spec = load_spec(path)
        for op in spec.operations:
            for status, response in (op.definition.get("responses") or {}).items():
                for media_type, media in (response.get("content") or {}).items():
                    for name, value in _examples(media):
                        where = f"{path.name}:{op.operation_id}:{status}:{media_type}:{name}"
                        yield pytest.param(media.get("schema") or {}, value, id=where)
            for media_type, media in ((op.definition.get("requestBody") or {}).get("content") or {}).items():
                for name, value in _examples(media):
                    where = f"{path.name}:{op.operation_id}:request:{media_type}:{name}"
                    yield pytest.param(media.get("schema") or {}, value, id=where)


@pytest.mark.parametrize(("schema", "example"), list(_cases()))
def test_example_matches_its_schema(schema, example):
    jsonschema.Draft202012Validator(schema).validate(example)
