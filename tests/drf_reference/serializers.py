"""ModelSerializers built from the spec's resources: the spec's fields in its order, required and
blank as the spec says, hyperlinks reversed as DRF's hyperlinked fields do (with the request's
format suffix), nested lists as nested serializers, and the resource's rule hook."""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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


class ItemHyperlinkField(serializers.Field):
    """A nested item's own URL, `<detail>/<field>/<item key>/`: the route of the item's action on
    its parent's viewset (views._nested_item_view), reversed with the request's host and format."""

    def __init__(self, own: ResourceSpec, field: str, **kwargs: Any) -> None:
        self.own, self.field = own, field
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, instance: models.Model) -> str:
        parent = instance.parent  # type: ignore[attr-defined]
        lookup = self.own.nested[self.field].lookup
        return reverse(
            f"{self.own.name}-{self.field.replace('_', '-')}-item",
            kwargs={
                lookup_kwarg(self.own): url_key([getattr(parent, name) for name in self.own.key]),
                "item_key": url_key([getattr(instance, name) for name in lookup]),
            },
            request=self.context.get("request"),
            format=self.context.get("format"),
        )


def url_key(values: list[Any]) -> str:
    """Key values as they appear in a URL: as the API shows them, joined by `_`."""
    return KEY_SEPARATOR.join(v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values)


def exists_in(collection: str, field: str) -> Callable[[Any], None]:
    """The reference must name an existing object. The service's OPTIONS show these fields as
    strings (a CharField), with SlugRelatedField's text for a missing object."""

    def check(value: Any) -> None:
        if not REGISTRY.models[collection].objects.filter(**{field: value}).exists():
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


def _hyperlink(spec: FieldSpec, own: ResourceSpec, within: str | None) -> serializers.Field:
    if within is not None and not spec.link_from:  # a nested item's own URL (receipts' cart items)
        return ItemHyperlinkField(own, within)
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
    within: str | None = None,
) -> type[serializers.ModelSerializer]:
    declared: dict[str, Any] = {}
    extra_kwargs: dict[str, dict[str, Any]] = {}
    for spec in fields:
        if spec.kind == "hyperlink":
            declared[spec.name] = _hyperlink(spec, own, within)
        elif spec.kind == "values":
            declared[spec.name] = _values(spec)
        elif spec.kind == "list":
            item_model = REGISTRY.item_models[(own.name, spec.name)]
            child = _serializer(name + "Item", item_model, spec.children, own, None, within=spec.name)
            declared[spec.name] = child(many=True, required=spec.required)
        else:
            options: dict[str, Any] = {"required": spec.required, "allow_null": spec.nullable}
            if spec.kind == "string":
                options["allow_blank"] = spec.allow_blank
            if spec.kind in ("integer", "float"):  # the spec's bounds, not the database column's
                options.update(min_value=spec.minimum, max_value=spec.maximum)
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
