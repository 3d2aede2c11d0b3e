"""DRF's generic views for a declared collection (rest_framework/generics.py, as a router serves
a viewset): list with PageNumberPagination, SearchFilter and OrderingFilter; retrieve; the bulk
upsert the Datawiz documents describe; a nested list item's detail; OPTIONS and HEAD. Everything
comes from the collection's declaration; a module may add a rule hook on what is stored."""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from mockserver.drf.derived import DerivedFields
from mockserver.drf.errors import NotFound, ValidationFailed
from mockserver.drf.lookup import item_number, lookup_check
from mockserver.drf.metadata import options_metadata
from mockserver.drf.pagination import (
    PagePolicy,
    first_guess,
    page_links,
    page_request,
    resolve_page_number,
)
from mockserver.drf.presented import AnswerCache, PresentedDocuments, Presenter
from mockserver.drf.representation import (
    ItemPresenter,
    compile_item_presenter,
    compile_presenter,
    compile_stored_form,
    detail_prefix,
    object_url,
)
from mockserver.drf.search_terms import phrase_terms
from mockserver.drf.serializer import compile_body
from mockserver.http import ApiRequest, ApiResponse, Handler
from mockserver.profile import Profile
from mockserver.spec.collections import CollectionDeclaration, store_name
from mockserver.spec.errors import declaration_error
from mockserver.spec.loader import ApiSpec
from mockserver.store.documents import CollectionSpec, item_key

# A rule of a resource on what is stored (the stored form in, the stored form out).
Hook = Callable[[dict[str, Any]], dict[str, Any]]


class FixtureError(ValueError):
    """A fixture file the collection's own serializer refuses."""


def ordering_terms(raw: str | None) -> list[str]:
    """DRF's OrderingFilter reads `a, -b` as ["a", "-b"]; the store drops unknown fields."""
    return [term.strip() for term in (raw or "").split(",") if term.strip()]


def link_end(request: ApiRequest) -> str:
    """How detail URLs end in this answer: DRF reverses hyperlinks with the request's format
    suffix (`/shops/1.json`), else with the router's trailing slash, keeping a `?format=` the
    request had (rest_framework.reverse.preserve_builtin_query_params), empty or not."""
    if request.format_suffix:
        return f".{request.format_suffix}"
    if "format" in request.request.query_string:
        value = request.query.get("format")
        if value is not None:
            return "/?" + urlencode({"format": value})
    return "/"


def options(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, options_metadata(request.path_item))


def options_with_decimal_details(request: ApiRequest) -> ApiResponse:
    """OPTIONS as DRF 3.15+ gives it: decimal fields list max_digits and decimal_places."""
    return ApiResponse(200, options_metadata(request.path_item, decimal_details=True))


def model_name(path_item_name: str | None, collection: str) -> str:
    """The model a DRF view of this collection is most likely over: its view's name without
    " List" (`Relocate Document List` -> RelocateDocument), as DRF names views after viewsets."""
    name = (path_item_name or "").removesuffix(" List").replace(" ", "")
    return name or "".join(part.capitalize() for part in collection.replace("-", "_").split("_"))


class CollectionViews:
    """The views of one declared collection, bound to its operations by path and method."""

    def __init__(
        self,
        declaration: CollectionDeclaration,
        prefixes: dict[str, str],
        hook: Hook | None = None,
        caches: "ViewCaches | None" = None,
        profile: Profile | None = None,
        view_name: str | None = None,
    ) -> None:
        self.declaration = declaration
        caches = caches or ViewCaches()
        self._presented, self._answers = caches.presented, caches.answers
        self.collection = declaration.store_name
        page_size = (profile.page_sizes.get(declaration.name) if profile else None) or declaration.page_size
        max_size = (
            profile.max_page_sizes.get(declaration.name) if profile else None
        ) or declaration.max_page_size
        self.policy = PagePolicy(page_size, max_size)
        # The profile's knobs, read once here: no profile costs nothing per request.
        model = model_name(view_name, declaration.name)
        self._not_found = (profile.not_found_detail(declaration.name, model) if profile else None) or None
        self._item_not_found = {
            field: profile.not_found_detail(f"{declaration.name}.{field}", model + field.capitalize())
            if profile
            else None
            for field in declaration.nested
        }
        # A key DRF cannot look up at all (a part not of its field's type) is a bare "Not found."
        # even where a missing object's 404 names the model: checked only then.
        self._can_look_up = (
            lookup_check(declaration.key, declaration.stored_schema) if self._not_found is not None else None
        )
        self.options = (
            options_with_decimal_details if profile and profile.options_decimal_details else options
        )
        # The declared ordering fields the deployment ignores (None: none, nothing to filter).
        honoured = profile.ordering_fields.get(declaration.name) if profile else None
        ignored = set(declaration.ordering) - set(honoured) if honoured is not None else set()
        self._ordering_ignored = frozenset(ignored) or None
        # How ?search= is split (search_terms): DRF 3.15+'s phrases, or 3.14's words (the store's).
        self._phrases = profile is not None and profile.search_terms == "phrases"
        # Where the deployment's database puts NULLs (null_ordering): the store orders so.
        self._nulls_first = profile is not None and profile.null_ordering == "first"
        # The upload answer's shape (upload_answer): the bound POST handler is chosen here.
        self._pages_answer = profile is not None and profile.upload_answer == "pages"
        self._prefixes = prefixes
        self._stored_form = compile_stored_form(declaration.stored_schema)
        self._hook = hook
        self._prefix = prefixes.get(declaration.name)
        self._numbered = [(f, n) for f, n in declaration.nested.items() if n.numbered]
        self.derived = DerivedFields(declaration)

    def store_spec(self) -> CollectionSpec:
        """The store's collection, ordered as the deployment's database orders NULLs."""
        spec = self.declaration.store_spec()
        return dataclasses.replace(spec, nulls_first=True) if self._nulls_first else spec

    # The presenters are compiled when the collection is first read, not at start-up: a fake
    # serving thirty collections starts without compiling thirty presenters it may never use.
    @cached_property
    def present(self) -> Presenter:
        """The API form of a stored document, with the fields derived from it alone (a week day);
        those read from other collections are added per answer (presenter())."""
        present, own = compile_presenter(self.declaration, self._prefixes), self.derived.own()
        if own is None:
            return present
        return lambda stored, base, end: present(own(stored), base, end)

    def presenter(self, request: ApiRequest, versions: tuple[int, ...]) -> tuple[str, Presenter]:
        """The presented documents' cache scope and the presenter of one answer. With fields read
        from other collections both depend on the tenant and those collections' versions, so a
        write to another collection is never answered from a stale presentation."""
        if not versions:
            return self.collection, self.present
        present = self.present
        related = self.derived.related(request.store, request.require_tenant(), versions)
        scope = f"{self.collection}\x00{request.require_tenant()}\x00{versions}"
        return scope, lambda stored, base, end: present(related(stored), base, end)

    @cached_property
    def _items(self) -> dict[str, ItemPresenter]:
        return {
            field: compile_item_presenter(self.declaration, self._prefixes, field)
            for field in self.declaration.nested
        }

    def stored(self, cleaned: dict[str, Any], kept: dict[str, Any] | None = None) -> dict[str, Any]:
        """The stored form of a cleaned upload; `kept`: a stored object a PUT or PATCH changes
        (what the body leaves out keeps its value, as DRF's ModelSerializer.update sets only
        the validated fields)."""
        document = self._stored_form(cleaned)
        if kept is not None:
            document = {**kept, **{name: value for name, value in document.items() if name in cleaned}}
        for field, nested in self._numbered:
            # the service's own numbers for items no upload identifies: their places, from 1
            for number, item in enumerate(document.get(field) or [], start=1):
                if isinstance(item, dict):
                    item[nested.lookup[0]] = number
        return self._hook(document) if self._hook is not None else document

    def handlers(self, spec: ApiSpec) -> dict[str, Handler]:
        """operationId -> view for the list, detail and nested path items' operations; a method
        no generic view serves is left unbound, and start-up names it."""
        declaration = self.declaration
        by_path: dict[str | None, dict[str, Handler]] = {
            declaration.list_path: {
                "GET": self.list,
                "HEAD": self.list,
                "POST": self.upsert_as_pages if self._pages_answer else self.upsert,
                "OPTIONS": self.options,
            },
            declaration.detail_path: {
                "GET": self.retrieve,
                "HEAD": self.retrieve,
                "OPTIONS": self.options,
                # served only where a profile's instance_allow made the operations (instance_writes.py)
                "PUT": self.update,
                "PATCH": self.update,
                "DELETE": self.destroy,
            },
        }
        for nested in declaration.nested.values():
            view = self._nested_view(nested.field)
            by_path[nested.detail_path] = {"GET": view, "HEAD": view, "OPTIONS": self.options}
        bound: dict[str, Handler] = {}
        operations = declaration.operations(spec).values()
        if any(op.method == "PUT" and op.path == declaration.detail_path for op in operations):
            by_path[declaration.detail_path]["OPTIONS"] = self._instance_options
        for operation in operations:
            view = by_path.get(operation.path, {}).get(operation.method)
            if view is not None:
                bound[operation.operation_id] = view
        return bound

    # list --------------------------------------------------------------------------------
    def list(self, request: ApiRequest) -> ApiResponse:
        store, tenant, collection = request.store, request.require_tenant(), self.collection
        # A page is a function of the collection's contents and the URL: while the collection does
        # not change, the same URL gets the answer encoded the first time.
        answers = self._answers
        # Derived fields read other collections: their versions are part of what a page is of.
        versions = self.derived.versions(store, tenant)
        key = (tenant, collection, store.collection_version(tenant, collection), versions, request.full_url)
        cached = answers.get(key)
        if cached is not None:
            return ApiResponse(200, cached)
        query = request.query
        wanted = page_request(query, self.policy)
        ordering = ordering_terms(query.get("ordering"))
        if self._ordering_ignored is not None:
            ordering = [term for term in ordering if term.lstrip("-") not in self._ordering_ignored]
        search: str | tuple[str, ...] | None = query.get("search")
        if self._phrases and search is not None:
            if "\x00" in search:  # DRF 3.15+ reads the value through a CharField (spec: NullInSearch)
                raise ValidationFailed(["Null characters are not allowed."])
            search = phrase_terms(search)  # DRF 3.15+: a quoted phrase is one term

        def fetch(number: int) -> Any:
            return store.query_documents(
                tenant,
                collection,
                ordering=ordering,
                search=search,
                offset=max(0, (number - 1) * wanted.size),
                limit=wanted.size,
                encoded=True,
            )

        guess = first_guess(wanted)
        result = fetch(guess)
        number = resolve_page_number(wanted, result.count)
        if number != guess:
            result = fetch(number)
        following, preceding = page_links(request.full_url, number, result.count, wanted.size)
        scope, present = self.presenter(request, versions)
        results = self._presented.many(scope, result.documents, present, request.base_url, link_end(request))
        page = {"count": result.count, "next": following, "previous": preceding, "results": results}
        return ApiResponse(200, answers.put(key, orjson.dumps(page)))

    # retrieve ----------------------------------------------------------------------------
    def _stored_document(self, request: ApiRequest, key: str, encoded: bool) -> Any:
        stored = request.store.get_document(request.require_tenant(), self.collection, key, encoded=encoded)
        if stored is None:
            looked_up = self._can_look_up is None or self._can_look_up(key)
            raise NotFound(self._not_found if looked_up else None)
        return stored

    def retrieve(self, request: ApiRequest) -> ApiResponse:
        return self._present_one(request, next(reversed(request.path_params.values())))

    # update, partial update, destroy (a profile's instance_allow) ------------------------------
    def update(self, request: ApiRequest) -> ApiResponse:
        """PUT and PATCH of one object, as DRF's UpdateModelMixin: the body was validated as the
        upload's serializer validates one object (PATCH: nothing required); the object answers
        as its detail shows it. A body naming another key moves the object there, as saving a
        model whose key fields changed does, unless another object holds that key."""
        store, tenant = request.store, request.require_tenant()
        key = next(reversed(request.path_params.values()))
        kept = self._stored_document(request, key, encoded=False)
        document = self.stored(request.body, kept)
        moved_to = self.declaration.key_of(document)
        if moved_to != key and store.existing_keys(tenant, self.collection, [moved_to]):
            fields = ", ".join(self.declaration.key)
            raise ValidationFailed({"non_field_errors": [f"The fields {fields} must make a unique set."]})
        store.upsert_documents(tenant, self.collection, [document])
        if moved_to != key:
            store.delete_documents(tenant, self.collection, [key])
        return self._present_one(request, moved_to)

    def destroy(self, request: ApiRequest) -> ApiResponse:
        """DELETE of one object, as DRF's DestroyModelMixin: 204, and the object is gone."""
        key = next(reversed(request.path_params.values()))
        self._stored_document(request, key, encoded=False)
        request.store.delete_documents(request.require_tenant(), self.collection, [key])
        return ApiResponse(204)

    def _instance_options(self, request: ApiRequest) -> ApiResponse:
        """OPTIONS of an instance that takes PUT: DRF's SimpleMetadata lists the PUT action only
        for an object it finds (get_object() raising Http404 leaves the action out)."""
        answer = self.options(request)
        key = next(reversed(request.path_params.values()))
        if request.store.get_document(request.require_tenant(), self.collection, key) is None:
            answer.data.pop("actions", None)
        return answer

    def _present_one(self, request: ApiRequest, key: str) -> ApiResponse:
        versions = self.derived.versions(request.store, request.require_tenant())
        stored = self._stored_document(request, key, encoded=True)
        scope, present = self.presenter(request, versions)
        return ApiResponse(
            200, self._presented.one(scope, stored, present, request.base_url, link_end(request))
        )

    def _nested_view(self, field: str) -> Handler:
        nested = self.declaration.nested[field]
        lookup = nested.lookup
        # as the parent's key: a bare "Not found." for an item key that cannot be looked up
        can_look_up = item_number if nested.numbered else lookup_check(lookup, {})

        def retrieve_item(request: ApiRequest) -> ApiResponse:
            present = self._items[field]
            parent_key, wanted = list(request.path_params.values())[-2:]
            document = self._stored_document(request, parent_key, encoded=False)
            for item in document.get(field) or []:
                if item_key(item, lookup) == wanted:
                    return ApiResponse(200, present(item, request.base_url, link_end(request), parent_key))
            named = self._item_not_found[field]
            raise NotFound(named if named is None or can_look_up(wanted) else None)

        return retrieve_item

    # bulk upsert -------------------------------------------------------------------------
    def upsert(self, request: ApiRequest) -> ApiResponse:
        """The body was validated whole before this runs (related objects included), so a
        request is stored all or nothing. An existing key is replaced whole."""
        items = request.body if isinstance(request.body, list) else [request.body]
        documents = [self.stored(item) for item in items]
        counts = request.store.upsert_documents(request.require_tenant(), self.collection, documents)
        headers = {}
        if documents and self._prefix is not None:
            first = self.declaration.key_of(documents[0])
            # The object's own url, as DRF's serializer gives it (suffix and ?format= kept).
            headers["Location"] = object_url(request.base_url, self._prefix, first, link_end(request))
        return ApiResponse(201, {"updated": counts.updated, "inserted": counts.inserted}, headers)

    def upsert_as_pages(self, request: ApiRequest) -> ApiResponse:
        """An upload answered as every client page shows it, {"results": {"updated", "created"}}
        (a profile's upload_answer "pages"; the seed's form is the default, datawiz#25)."""
        answer = self.upsert(request)
        counts = answer.data
        results = {"updated": counts["updated"], "created": counts["inserted"]}
        return ApiResponse(answer.status, {"results": results}, answer.headers)


@dataclass(frozen=True)
class ViewCaches:
    """The presentation caches the views of one app share (none of them state, drf/presented.py):
    the API form of a stored document per stored bytes, and whole encoded pages."""

    presented: PresentedDocuments = dataclasses.field(default_factory=PresentedDocuments)
    answers: AnswerCache = dataclasses.field(default_factory=AnswerCache)


def collection_views(
    spec: ApiSpec,
    declarations: list[CollectionDeclaration],
    hooks: dict[str, Hook],
    caches: ViewCaches | None = None,
    profile: Profile | None = None,
) -> list[CollectionViews]:
    prefixes = {d.name: detail_prefix(d.detail_path) for d in declarations if d.detail_path}
    views = []
    for declaration in declarations:
        hook = None
        if declaration.hook is not None:
            hook = hooks.get(declaration.hook)
            if hook is None:
                raise declaration_error(
                    spec,
                    f"paths.{declaration.list_path}.x-drf-collection.hook",
                    f"no rule hook {declaration.hook!r} in mockserver/apis/{spec.name}/",
                )
        searched = profile.search_fields.get(declaration.name) if profile else None
        if searched is not None:  # the store indexes what the deployment searches, nothing else
            declaration = dataclasses.replace(declaration, search=tuple(searched))
        view_name = next(
            (item.view_name for item in spec.path_items if item.path == declaration.list_path), None
        )
        views.append(CollectionViews(declaration, prefixes, hook, caches, profile, view_name))
    return views


def dependency_order(declarations: list[CollectionDeclaration]) -> list[CollectionDeclaration]:
    """Collections whose objects others reference come first (products before documents)."""
    by_name = {d.name: d for d in declarations}
    ordered: list[CollectionDeclaration] = []

    def visit(declaration: CollectionDeclaration, path: tuple[str, ...]) -> None:
        if declaration in ordered or declaration.name in path:
            return
        for reference in sorted(declaration.references):
            if reference in by_name:
                visit(by_name[reference], (*path, declaration.name))
        ordered.append(declaration)

    for declaration in declarations:
        visit(declaration, ())
    return ordered


def _raw_key(declaration: CollectionDeclaration, item: dict[str, Any]) -> str:
    return item_key(item, declaration.key)


def seed_documents(views: list[CollectionViews], fixtures: Path) -> dict[str, list[dict[str, Any]]]:
    """A new tenant's documents: fixtures/<api>/<file> of each collection, in the upload form,
    cleaned by the collection's own serializer (related objects included) and stored as an
    upload would be. A fixture the serializer refuses stops start-up with its errors."""
    by_name = {v.declaration.name: v for v in views}
    seeded: dict[str, dict[str, dict[str, Any]]] = {}
    for declaration in dependency_order([v.declaration for v in views]):
        view = by_name[declaration.name]
        path = fixtures / declaration.api / declaration.fixtures
        if not path.exists():
            continue
        items = orjson.loads(path.read_bytes())
        schema = {"type": "array", "items": declaration.stored_schema}
        validate = compile_body(schema)

        # A tree (categories by parent_id) names objects of its own fixture: they resolve, as
        # Django's loaddata resolves references within one fixture whatever their order.
        own = {declaration.name: {_raw_key(declaration, item) for item in items if isinstance(item, dict)}}

        def exists(collection: str, key: str, own: dict[str, set[str]] = own) -> bool:
            return key in seeded.get(collection, {}) or key in own.get(collection, ())

        try:
            cleaned = validate(items, exists)
        except Exception as error:  # a ValidationFailed carries the serializer's errors
            detail = getattr(error, "detail", error)
            raise FixtureError(f"{path}: refused by the {declaration.name} serializer: {detail}") from None
        documents = [view.stored(item) for item in cleaned]
        seeded[declaration.name] = {declaration.key_of(d): d for d in documents}
    return {store_name(views[0].declaration.api, name): list(docs.values()) for name, docs in seeded.items()}
