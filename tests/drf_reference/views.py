"""One DRF viewset per resource: list (PageNumberPagination, SearchFilter, OrderingFilter),
retrieve, and a bulk upsert (one object or a list, all or nothing) answering the seed
document's `{"updated", "inserted"}` with `Location`."""

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import Http404
from rest_framework import mixins, pagination, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from tests.drf_reference.models import REGISTRY
from tests.drf_reference.resources import NestedSpec, ResourceSpec
from tests.drf_reference.serializers import KEY_SEPARATOR, lookup_kwarg, serializer_for


def upsert(resource: ResourceSpec, items: list[dict[str, Any]]) -> tuple[int, int, list[models.Model]]:
    """Store validated items in order, replacing an object with the same key whole."""
    model = REGISTRY.models[resource.name]
    lists = [spec.name for spec in resource.fields if spec.kind == "list"]
    columns = [spec.name for spec in resource.fields if spec.kind not in ("list", "hyperlink", "derived")]
    updated = inserted = 0
    saved = []
    with transaction.atomic():
        for item in items:
            values = dict(item)
            nested = {name: values.pop(name, []) for name in lists}
            found = model.objects.filter(**{name: values[name] for name in resource.key}).first()
            if found is None:
                found = model.objects.create(**values)
                inserted += 1
            else:  # whole: a field the upload leaves out is null again, not kept
                for name in columns:
                    setattr(found, name, values.get(name))
                found.save()
                updated += 1
            for name, lines in nested.items():
                item_model = REGISTRY.item_models[(resource.name, name)]
                item_model.objects.filter(parent=found).delete()
                item_model.objects.bulk_create(
                    item_model(parent=found, position=position, **line) for position, line in enumerate(lines)
                )
            saved.append(found)
    return updated, inserted, saved


class UpsertMixin:
    resource: ResourceSpec

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        many = isinstance(request.data, list)
        serializer = self.get_serializer(data=request.data, many=many)
        serializer.is_valid(raise_exception=True)
        items = serializer.validated_data if many else [serializer.validated_data]
        updated, inserted, saved = upsert(self.resource, items)
        headers = {}
        if saved:  # CreateModelMixin.get_success_headers: the object's `url` as the serializer shows it
            shown = self.get_serializer(saved[0]).data
            if "url" in shown:
                headers["Location"] = str(shown["url"])
        if self.resource.drf_defaults:  # the client pages' answer
            answer: dict[str, Any] = {"results": {"updated": updated, "created": inserted}}
        else:  # the seed document's
            answer = {"updated": updated, "inserted": inserted}
        return Response(answer, status.HTTP_201_CREATED, headers=headers)


class CompositeKeyMixin:
    """A detail URL carrying several key fields joined by `_` (as Datawiz does); GenericAPIView's
    get_object, with the key split into its fields."""

    resource: ResourceSpec

    def get_object(self) -> models.Model:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        key = self.resource.key
        values = self.kwargs[lookup_kwarg(self.resource)].split(KEY_SEPARATOR, len(key) - 1)  # type: ignore[attr-defined]
        if len(values) != len(key):
            raise Http404
        # DRF's get_object_or_404: a value of the wrong type (a date that is not one) is a 404 too
        found = get_object_or_404(queryset, **dict(zip(key, values, strict=True)))
        self.check_object_permissions(self.request, found)  # type: ignore[attr-defined]
        return found


def _nested_item_view(resource: ResourceSpec, field: str, nested: NestedSpec) -> Any:
    """`<detail>/<field>/<item key>/`: one item of a nested list, by its own key fields."""
    item_model = REGISTRY.item_models[(resource.name, field)]

    def item(self: Any, request: Request, item_key: str, *args: Any, **kwargs: Any) -> Response:
        parent = self.get_object()
        if nested.numbered:  # the item's place in the list, from 1
            if not item_key.isascii() or not item_key.isdigit() or int(item_key) < 1:
                raise Http404
            found = get_object_or_404(item_model.objects.filter(parent=parent), position=int(item_key) - 1)
            shown = self.get_serializer_class()(context=self.get_serializer_context()).fields[field].child
            return Response(shown.to_representation(found))
        values = item_key.split(KEY_SEPARATOR, len(nested.lookup) - 1)
        if len(values) != len(nested.lookup):
            raise Http404
        found = get_object_or_404(
            item_model.objects.filter(parent=parent), **dict(zip(nested.lookup, values, strict=True))
        )
        shown = self.get_serializer_class()(context=self.get_serializer_context()).fields[field].child
        return Response(shown.to_representation(found))

    item.__name__ = f"{field}_item"
    return action(
        detail=True,
        methods=["get"],
        url_path=rf"{field}/(?P<item_key>{nested.lookup_regex})",
        name=nested.view_name,
    )(item)


def viewset_for(resource: ResourceSpec) -> type[viewsets.GenericViewSet]:
    model = REGISTRY.models[resource.name]
    lists = [spec.name for spec in resource.fields if spec.kind == "list"]
    paging = type(
        model.__name__ + "Pagination",
        (pagination.PageNumberPagination,),
        {
            "page_size": resource.page_size,
            "page_size_query_param": "page_size",
            "max_page_size": getattr(settings, "REFERENCE_MAX_PAGE_SIZE", None) or resource.max_page_size,
        },
    )
    bases: tuple[type, ...] = (UpsertMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin)
    attrs: dict[str, Any] = {
        "__doc__": resource.view_description,  # DRF's view description
        "resource": resource,
        "queryset": model.objects.prefetch_related(*lists),
        "serializer_class": serializer_for(resource),
        "pagination_class": paging,
        "search_fields": list(resource.search),
        "ordering_fields": list(resource.ordering),
        "ordering": list(resource.default_ordering),
        "lookup_field": resource.key[0],
        "lookup_url_kwarg": lookup_kwarg(resource),
        "lookup_value_regex": resource.lookup_regex,
    }
    for field, nested in resource.nested.items():
        attrs[f"{field}_item"] = _nested_item_view(resource, field, nested)
    if resource.drf_defaults:  # a ModelViewSet: instances also take PUT, PATCH and DELETE
        bases = (*bases, mixins.UpdateModelMixin, mixins.DestroyModelMixin)
    if len(resource.key) > 1:
        bases = (CompositeKeyMixin, *bases)
    # DRF names a viewset's views from the class name: "Relocate Document" + " List"/" Instance".
    class_name = resource.view_name.removesuffix(" List").replace(" ", "") + "ViewSet"
    return type(class_name, (*bases, viewsets.GenericViewSet), attrs)
