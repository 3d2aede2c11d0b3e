"""A profile: the DRF behaviours one deployment shows, as named knobs the fake can vary
(`mockserver calibrate` writes one, `serve --profile` answers with it, `verify --profile` judges
against it). A JSON document validated by the schema shipped beside this module; each knob is
either decided, with the evidence that decided it, or undecided with the reason, and an
undecided knob leaves the fake at its default (docs/fidelity.md, "Profiles")."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_FILE = Path(__file__).with_name("profile.schema.json")
FORMAT = 1

# The knobs' variants, as the profile spells them.
NOT_FOUND_SHORT = "Not found."  # DRF 3.14 and before; the fake's default (the documents show it)
NOT_FOUND_MODEL = "No <Model> matches the given query."  # DRF 3.15+: Django's Http404 text
# The Allow header of an instance, per variant (DRF lists a view's methods in this order); the
# fake serves the write methods it lists (drf/instance_writes.py).
INSTANCE_ALLOW = {
    "read-only": "GET, HEAD, OPTIONS",  # the fake's default (datawiz#10): a read-only instance view
    "seed": "GET, HEAD, OPTIONS, PATCH",  # as the relocate seed's 404 example shows it
    "ModelViewSet": "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",  # a stock DRF ModelViewSet
}

INSTANCE_WRITES = ("PUT", "PATCH", "DELETE")
# The challenge of a 401 per DRF's first authentication class (APIView.get_authenticate_header);
# a first class without one (SessionAuthentication) makes DRF answer 403 instead.
AUTH_CHALLENGES: dict[str, str | None] = {
    "OAuth2Authentication": 'Bearer realm="api"',  # django-oauth-toolkit
    "TokenAuthentication": "Token",
    "BasicAuthentication": 'Basic realm="api"',
    "SessionAuthentication": None,
}


def allowed_methods(allow: str) -> frozenset[str]:
    """The methods an Allow header lists, in any order."""
    return frozenset(method.strip().upper() for method in allow.split(",") if method.strip())


def upload_answer_shape(body: Any) -> str | None:
    """Which upload_answer variant an upload's answer shows ("seed", "pages"), or None (neither):
    the counts differ with what a service already held, the shape does not."""
    if isinstance(body, dict) and set(body) == {"updated", "inserted"}:
        return "seed"
    inner = body.get("results") if isinstance(body, dict) and set(body) == {"results"} else None
    if isinstance(inner, dict) and set(inner) == {"updated", "created"}:
        return "pages"
    return None


# Every knob: where it lives ("knobs" for the API, "collections" per collection) and what it is.
KNOBS = {
    "not_found_text": ("knobs", f"a 404's detail: {NOT_FOUND_SHORT!r} (3.14) | {NOT_FOUND_MODEL!r} (3.15+)"),
    "options_decimal_details": ("knobs", "OPTIONS lists max_digits/decimal_places (3.15+) or not (3.14)"),
    "list_errors_as_dict": (
        "knobs",
        "a list upload's errors by index (3.18's default) or aligned (before 3.18)",
    ),
    "page_size": ("collections", "the page a list answers without ?page_size="),
    "max_page_size": (
        "collections",
        "the largest page a ?page_size= gets (PageNumberPagination.max_page_size)",
    ),
    "model": ("collections", "the model the 3.15+ 404 text names"),
    "ordering_fields": ("collections", "the declared ordering fields the deployment orders by"),
    "search_fields": ("collections", "the declared search fields the deployment searches"),
    "upload_answer": (
        "knobs",
        "an upload's answer: seed {updated, inserted} | pages {results: {updated, created}}",
    ),
    "ready_after_outcome": (
        "knobs",
        "a setup task's status after its end: READY (true) or the outcome (false)",
    ),
    "null_ordering": (
        "knobs",
        "where NULLs sort ascending: last (PostgreSQL) | first (SQLite, MySQL); descending reversed",
    ),
    "form_nullable_boolean": (
        "knobs",
        "a nullable boolean an HTML form leaves out: false (DRF 3.14) | null (3.15+)",
    ),
    "auth_challenge": (
        "knobs",
        "the first authentication class, whose challenge a 401 carries: " + " | ".join(AUTH_CHALLENGES),
    ),
    "search_terms": (
        "knobs",
        "how ?search= is read: words (DRF 3.14: white space and commas, nulls dropped) | phrases (3.15+)",
    ),
    "instance_allow": ("collections", "the Allow header of an instance: " + " | ".join(INSTANCE_ALLOW)),
}


class ProfileError(ValueError):
    """A profile that cannot be used: one line naming the file and the JSON pointer; `problem`
    is the line without the file (for a reader that names the file itself)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.problem = problem


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Profile:
    """The decided knobs of one API's profile (an undecided knob is simply absent: the default)."""

    api: str
    source: str = ""
    not_found_text: str | None = None
    options_decimal_details: bool | None = None
    list_errors_as_dict: bool | None = None
    upload_answer: str | None = None  # "seed" | "pages"
    ready_after_outcome: bool | None = None
    null_ordering: str | None = None  # "last" | "first": where NULLs sort ascending
    form_nullable_boolean: str | None = None  # "false" | "null": a form leaving a nullable boolean out
    auth_challenge: str | None = None  # the first authentication class, an AUTH_CHALLENGES name
    search_terms: str | None = None  # "words" (DRF 3.14) | "phrases" (3.15+): how ?search= splits
    page_sizes: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)
    max_page_sizes: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)
    models: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    ordering_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    search_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    instance_allow: Mapping[str, str] = field(
        default_factory=dict, compare=False, hash=False
    )  # variant names
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def not_found_detail(self, collection: str, default_model: str) -> str | None:
        """The 404 detail of an unknown object of `collection`, or None for the fake's default."""
        if self.not_found_text != NOT_FOUND_MODEL:
            return None
        return f"No {self.models.get(collection, default_model)} matches the given query."

    def decided(self) -> dict[str, Any]:
        """knob (`page_size@products` for a collection's) -> its decided value."""
        return decided_values(self.document)


def decided_values(document: Mapping[str, Any]) -> dict[str, Any]:
    """Every decided knob of a profile document, `knob` or `knob@collection` -> value."""
    values = {
        name: decision["value"]
        for name, decision in (document.get("knobs") or {}).items()
        if isinstance(decision, dict) and "value" in decision
    }
    for collection, knobs in (document.get("collections") or {}).items():
        for name, decision in knobs.items():
            if isinstance(decision, dict) and "value" in decision:
                values[f"{name}@{collection}"] = decision["value"]
    return values


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in path)


def check_document(document: Any, where: str) -> None:
    """Raise a ProfileError naming `where` and the JSON pointer of the first problem."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: (len(e.absolute_path), list(e.path)))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        raise ProfileError(
            where, f"is not a mockserver profile: at {_pointer(error.absolute_path)}: {error.message}"
        )


def profile_from(document: Mapping[str, Any], source: str = "") -> Profile:
    """A Profile from a document already checked (check_document)."""
    knobs = decided_values(document)
    by_collection = document.get("collections") or {}

    def per_collection(knob: str) -> dict[str, Any]:
        return {name: knobs[f"{knob}@{name}"] for name in by_collection if f"{knob}@{name}" in knobs}

    return Profile(
        api=document["api"],
        source=source,
        not_found_text=knobs.get("not_found_text"),
        options_decimal_details=knobs.get("options_decimal_details"),
        list_errors_as_dict=knobs.get("list_errors_as_dict"),
        upload_answer=knobs.get("upload_answer"),
        ready_after_outcome=knobs.get("ready_after_outcome"),
        null_ordering=knobs.get("null_ordering"),
        form_nullable_boolean=knobs.get("form_nullable_boolean"),
        auth_challenge=knobs.get("auth_challenge"),
        search_terms=knobs.get("search_terms"),
        page_sizes=per_collection("page_size"),
        max_page_sizes=per_collection("max_page_size"),
        models=per_collection("model"),
        ordering_fields={name: tuple(fields) for name, fields in per_collection("ordering_fields").items()},
        search_fields={name: tuple(fields) for name, fields in per_collection("search_fields").items()},
        instance_allow=per_collection("instance_allow"),
        document=document,
    )


def load_profile(path: Path | str) -> Profile:
    """A profile file, validated: a ProfileError (one line: the file, the pointer, the problem)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(str(path), f"cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProfileError(str(path), f"is not JSON: {error}") from None
    check_document(document, str(path))
    return profile_from(document, str(path))
