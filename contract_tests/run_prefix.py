"""The run prefix in every key a generated body names: whatever value schemathesis drew in a key
place (text, a number, a boolean, an empty string, anything), what is sent there is a text that
starts with `ct-<run>-` and holds only letters, digits, `-` and `_`, so a deployment that accepts
the body stores the object inside the run, and DRF can reverse its detail URL (a router's lookup
matches `[^/.]+`: a key with a dot or a slash breaks every list that links to it)."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schemathesis.core.jsonschema import make_validator

from mockserver.spec.catalogue import ServedApi

# What a written key may hold past the prefix; anything else is spelled `_<hex>_`.
_KEPT = re.compile(r"[A-Za-z0-9-]")
SAFE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Bodies whose every value goes on the wire as text (a null as `null`).
FORM_MEDIA_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def key_text(prefix: str, value: Any, longest: int | None = None) -> str:
    """The value as a key of this run: the prefix, then the value's text with every character
    but letters, digits and `-` escaped (two texts never share a key unless `longest` cuts them; a
    number or a boolean is read as its JSON text, as DRF's CharField reads it), cut to `longest`
    unless the prefix alone is longer."""
    if isinstance(value, str) and value.startswith(prefix) and SAFE_KEY.fullmatch(value):
        text = value  # already the run's (an object a promise made, a link's value)
    else:
        raw = (
            value
            if isinstance(value, str)
            else json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)
        )
        text = prefix + "".join(c if _KEPT.fullmatch(c) else f"_{ord(c):x}_" for c in raw)
    if longest is not None and len(text) > longest:
        text = text[: max(longest, len(prefix))]
    return text


@dataclass(frozen=True)
class KeyPlaces:
    """Where an API's bodies name a key (ServedApi.key_fields: each text key field, each reference
    to one), and how long each may be (the shortest maxLength any input schema gives the name)."""

    prefix: str
    fields: frozenset[str]
    longest: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, facts: ServedApi, prefix: str) -> "KeyPlaces":
        longest: dict[str, int] = {}
        for collection in facts.collections:
            _collect_lengths(collection.input_schema, facts.key_fields, longest)
        return cls(prefix, facts.key_fields, longest)

    def rewrite(self, body: Any, *, form: bool = False) -> Any:
        """The body with every value in a key place made a key of this run, at any depth. A JSON
        null stays null (it names no object); in a form it is the text `null`, a key like any other."""
        if isinstance(body, list):
            return [self.rewrite(item, form=form) for item in body]
        if isinstance(body, dict):
            return {
                name: (
                    key_text(self.prefix, value, self.longest.get(name))
                    if name in self.fields and (value is not None or form)
                    else self.rewrite(value, form=form)
                )
                for name, value in body.items()
            }
        return body


def _collect_lengths(schema: Any, names: frozenset[str], longest: dict[str, int]) -> None:
    if not isinstance(schema, dict):
        return
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if name in names and isinstance(prop.get("maxLength"), int):
            longest[name] = min(prop["maxLength"], longest.get(name, prop["maxLength"]))
        _collect_lengths(prop, names, longest)
        _collect_lengths(prop.get("items"), names, longest)
    for variant in (*(schema.get("oneOf") or ()), *(schema.get("anyOf") or ()), schema.get("items")):
        _collect_lengths(variant, names, longest)


@dataclass(frozen=True)
class Prepared:
    """A generated case made ready to send: whether it may be sent, and whether its final body
    conforms to the operation's schema (None: no body, or none the schema can judge)."""

    send: bool
    body_conforms: bool | None


def prepare(case: Any, places: KeyPlaces, *, writes: bool) -> Prepared:
    """Put the run's prefix in every key the case names (its body; for a write, its path too: the
    object a PUT or DELETE names must be the run's). A body the rewrite turned from valid to
    invalid is not sent: a positive case must stay positive (e.g. a key whose `pattern` or
    `maxLength` leaves no room for the prefix); whether a negative one still is, the caller reads
    from `body_conforms` (an empty key becomes the valid `ct-<run>-`)."""
    if writes and case.path_parameters:
        case.path_parameters = {
            name: key_text(places.prefix, value) for name, value in case.path_parameters.items()
        }
    if not isinstance(case.body, dict | list):
        return Prepared(True, None)
    before = body_conforms(case)
    media_type = (case.media_type or "").split(";")[0].strip()
    case.body = places.rewrite(case.body, form=media_type in FORM_MEDIA_TYPES)
    after = body_conforms(case)
    return Prepared(send=not (before and after is False), body_conforms=after)


def body_conforms(case: Any) -> bool | None:
    """Whether the case's body is valid for its media type's schema, as schemathesis reads it."""
    alternative = case.operation.get_body_for_media_type(case.media_type) if case.media_type else None
    if alternative is None:
        return None
    validator_cls = case.operation.schema.adapter.jsonschema_validator_cls
    try:
        return bool(make_validator(alternative.optimized_schema, validator_cls).is_valid(case.body))
    except (ValueError, TypeError):  # a value JSON Schema cannot read (a file part)
        return None
