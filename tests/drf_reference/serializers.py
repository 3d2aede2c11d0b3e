"""ModelSerializers built from the spec's resources: the spec's fields in its order, required and
blank as the spec says, hyperlinks reversed as DRF's hyperlinked fields do (with the request's
format suffix), nested lists as nested serializers, and the resource's rule hook."""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers
from rest_framework.reverse import reverse

from tests.drf_reference.models import REGISTRY
from tests.drf_reference.resources import FieldSpec, ResourceSpec

KEY_SEPARATOR = "_"  # Datawiz joins composite keys with "_" in URLs


class KeyHyperlinkField(serializers.Field):
    """The detail URL of another collection for key values held by this object (null when a value
    is null), reversed as HyperlinkedRelatedField.get_url does: request host and format."""

    def __init__(self, view_name: str, lookup_kwarg: str, sources: tuple[str, ...], **kwargs: Any) -> None:
        self.view_name, self.lookup_kwarg, self.sources = view_name, lookup_kwarg, sources
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, instance: models.Model) -> str | None:
        values = [getattr(instance, name) for name in self.sources]
        if any(value is None for value in values):
            return None
        key = url_key(values)
        return reverse(
            self.view_name,
            kwargs={self.lookup_kwarg: key},
            request=self.context.get("request"),
            format=self.context.get("format"),
        )


class DerivedField(serializers.Field):
    """A read-only value the service computes (x-drf-derived): the number of another
    collection's objects naming this one, those objects (each as that collection shows it, in
    its default order, cut to the item form), or a date's week day (Monday 0)."""

    def __init__(self, spec: FieldSpec, **kwargs: Any) -> None:
        self.spec = spec
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, instance: models.Model) -> Any:
        rule = self.spec.derived
        assert rule is not None
        if rule.form == "weekday":
            value = getattr(instance, rule.source)
            return None if value is None else value.weekday()
        mine = {theirs: getattr(instance, own) for theirs, own in rule.where}
        if any(value is None for value in mine.values()):  # a null matches nothing, as in SQL
            return 0 if rule.form == "count" else []
        other = REGISTRY.resources[rule.collection]
        found = REGISTRY.models[rule.collection].objects.filter(**mine)
        if rule.form == "count":
            return found.count()
        shown = serializer_for(other)(
            found.order_by(*other.default_ordering), many=True, context=self.context
        )
        names = [child.name for child in self.spec.children]
        return [{name: item.get(name) for name in names} for item in shown.data]


def url_key(values: list[Any]) -> str:
    """Key values as they appear in a URL: as the API shows them, joined by `_`."""
    return KEY_SEPARATOR.join(v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values)


def exists_in(collection: str, field: str) -> Callable[[Any], None]:
    """The reference must name an existing object. The service's OPTIONS show these fields as
    strings (a CharField), with SlugRelatedField's text for a missing object."""

    def check(value: Any) -> None:
        key = REGISTRY.resources[collection].key
        if len(key) > 1:  # a composite key is named whole, its parts joined with "_"
            parts = str(value).split(KEY_SEPARATOR, len(key) - 1)
            lookup = dict(zip(key, parts, strict=True)) if len(parts) == len(key) else None
        else:
            lookup = {field: value}
        try:
            found = lookup is not None and REGISTRY.models[collection].objects.filter(**lookup).exists()
        except (ValueError, DjangoValidationError):  # a part of the wrong type names nothing
            found = False
        if not found:
            raise serializers.ValidationError(f"Object with {field}={value} does not exist.")

    return check


def line_price(attrs: dict[str, Any]) -> dict[str, Any]:
    """The seed document's rule, typed here independently of the fake as the oracle's copy:
    when price * qty != price_total, a line's price is price_total / qty (four places, half up);
    a zero qty keeps the given price."""
    for line in attrs.get("products", []):
        qty, price, total = line["qty"], line.get("price"), line["price_total"]
        if qty != 0 and (price is None or price * qty != total):
            line["price"] = (total / qty).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return attrs


HOOKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"line_price": line_price}


def lookup_kwarg(resource: ResourceSpec) -> str:
    return resource.key[0] if len(resource.key) == 1 else "key"


class ItemNumberField(serializers.Field):
    """A numbered nested item's number: its place in the list, from 1."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, item: models.Model) -> int:
        return item.position + 1


class ItemLinkField(serializers.Field):
    """A nested item's own detail URL (`<detail>/<field>/<item key>/`), reversed as DRF does."""

    def __init__(self, own: ResourceSpec, within: str, **kwargs: Any) -> None:
        self.own, self.within = own, within
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, item: models.Model) -> str:
        nested = self.own.nested[self.within]
        parent = item.parent
        if nested.numbered:
            number: Any = item.position + 1
        else:
            number = url_key([getattr(item, name) for name in nested.lookup])
        return reverse(
            f"{self.own.name}-{self.within.replace('_', '-')}-item",
            kwargs={
                lookup_kwarg(self.own): url_key([getattr(parent, k) for k in self.own.key]),
                "item_key": number,
            },
            request=self.context.get("request"),
            format=self.context.get("format"),
        )


def _hyperlink(spec: FieldSpec, own: ResourceSpec, within: str = "") -> serializers.Field:
    if within and not spec.link_from:
        return ItemLinkField(own, within)
    target = REGISTRY.resources[spec.link_collection or own.name]
    view_name = f"{target.name}-detail"
    if not spec.link_from and len(own.key) == 1:
        return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field=own.key[0])
    return KeyHyperlinkField(view_name, lookup_kwarg(target), spec.link_from or own.key)


# The serializer field of a plain value in a list, by the spec's x-drf type.
VALUE_FIELDS: dict[str, type[serializers.Field]] = {
    "string": serializers.CharField,
    "integer": serializers.IntegerField,
    "float": serializers.FloatField,
    "boolean": serializers.BooleanField,
    "datetime": serializers.DateTimeField,
    "date": serializers.DateField,
}


def _values(spec: FieldSpec) -> serializers.ListField:
    """A list of plain values, as DRF's ListField (stored whole, as PostgreSQL's ArrayField),
    its child typed from the spec's items like any field."""
    (item,) = spec.children
    options: dict[str, Any] = {"allow_null": item.nullable}
    if item.kind == "string":
        options.update(allow_blank=item.allow_blank, max_length=item.max_length)
    return serializers.ListField(
        child=VALUE_FIELDS[item.kind](**options),
        required=spec.required,
        allow_null=spec.nullable,
        label=spec.label,
    )


def _serializer(
    name: str,
    model: type[models.Model],
    fields: tuple[FieldSpec, ...],
    own: ResourceSpec,
    hook: str | None,
    within: str = "",
) -> type[serializers.ModelSerializer]:
    declared: dict[str, Any] = {}
    extra_kwargs: dict[str, dict[str, Any]] = {}
    nested = own.nested.get(within) if within else None
    for spec in fields:
        if nested is not None and nested.numbered and spec.name in nested.lookup:
            declared[spec.name] = ItemNumberField(label=spec.label)
        elif spec.kind == "hyperlink":
            declared[spec.name] = _hyperlink(spec, own, within)
        elif spec.kind == "values":
            declared[spec.name] = _values(spec)
        elif spec.kind == "derived":
            declared[spec.name] = DerivedField(spec, label=spec.label)
        elif spec.kind == "list":
            item_model = REGISTRY.item_models[(own.name, spec.name)]
            child = _serializer(name + "Item", item_model, spec.children, own, None, spec.name)
            declared[spec.name] = child(many=True, required=spec.required)
        else:
            if spec.read_only:  # shown, never taken from an upload
                extra_kwargs[spec.name] = {"read_only": True}
                continue
            options: dict[str, Any] = {"required": spec.required, "allow_null": spec.nullable}
            if spec.write_only:
                options["write_only"] = True
            if spec.kind == "string":
                options["allow_blank"] = spec.allow_blank
            if spec.kind in ("integer", "float"):  # the spec's bounds, not the database column's
                options.update(min_value=spec.minimum, max_value=spec.maximum)
            if spec.kind == "decimal":  # the spec's digits (none: unbounded), not the column's
                options.update(max_digits=spec.max_digits, decimal_places=spec.decimal_places or 0)
            # Only the spec's checks: no unique validator on key fields, since uploads upsert.
            options["validators"] = [exists_in(*spec.exists_in)] if spec.exists_in else []
            extra_kwargs[spec.name] = options
    meta = type(
        "Meta",
        (),
        {"model": model, "fields": [s.name for s in fields], "extra_kwargs": extra_kwargs, "validators": []},
    )
    attrs: dict[str, Any] = {"Meta": meta, **declared}
    if hook:
        attrs["validate"] = lambda self, data: HOOKS[hook](data)
    return type(name, (serializers.ModelSerializer,), attrs)


def serializer_for(resource: ResourceSpec) -> type[serializers.ModelSerializer]:
    model = REGISTRY.models[resource.name]
    return _serializer(model.__name__ + "Serializer", model, resource.fields, resource, resource.hook)
