"""Django models built from the spec's resources: one model per collection, one per nested list
(its items, kept in order), field types, lengths, decimals and nullability from the spec."""

from django.db import models

from tests.drf_reference.database import use_postgresql_semantics
from tests.drf_reference.resources import FieldSpec, ResourceSpec, load_resources

APP_LABEL = "drf_reference"


def _model_field(spec: FieldSpec) -> models.Field:
    # An optional field the client leaves out is kept as NULL (the serializer still refuses an
    # explicit null unless the spec allows one).
    options = {
        "verbose_name": spec.label,
        "null": spec.nullable or not spec.required,
        "blank": spec.allow_blank,
    }
    if spec.kind == "decimal":
        # a decimal the spec gives no digits: the column is wide, the serializer unbounded (below)
        return models.DecimalField(
            max_digits=spec.max_digits or 30, decimal_places=spec.decimal_places or 0, **options
        )
    if spec.kind == "datetime":
        return models.DateTimeField(**options)
    if spec.kind == "date":
        return models.DateField(**options)
    if spec.kind == "integer":
        return models.IntegerField(**options)
    if spec.kind == "float":
        return models.FloatField(**options)
    if spec.kind == "boolean":
        return models.BooleanField(**options)
    if spec.kind == "values":  # a list of plain values, kept whole (PostgreSQL's ArrayField or JSON)
        return models.JSONField(**options)
    if spec.max_length is not None:
        return models.CharField(max_length=spec.max_length, **options)
    return models.TextField(**options)


def _class_name(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("-", "_").split("_"))


def _build(name: str, fields: tuple[FieldSpec, ...], extra: dict, meta: dict) -> type[models.Model]:
    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"app_label": APP_LABEL, **meta}), **extra}
    for spec in fields:
        if spec.kind not in ("hyperlink", "list", "derived"):
            attrs[spec.name] = _model_field(spec)
    return type(name, (models.Model,), attrs)


class Registry:
    """resource name -> its model, and (resource, list field) -> the model of the list's items."""

    def __init__(self, resources: list[ResourceSpec]) -> None:
        self.resources = {resource.name: resource for resource in resources}
        self.models: dict[str, type[models.Model]] = {}
        self.item_models: dict[tuple[str, str], type[models.Model]] = {}
        for resource in resources:
            base = resource.view_name.removesuffix(" List").replace(" ", "")  # RelocateDocument
            model = _build(base, resource.fields, {}, {"unique_together": [resource.key]})
            self.models[resource.name] = model
            for spec in resource.fields:
                if spec.kind == "list":
                    parent = models.ForeignKey(model, on_delete=models.CASCADE, related_name=spec.name)
                    extra = {"parent": parent, "position": models.PositiveIntegerField()}
                    self.item_models[(resource.name, spec.name)] = _build(
                        base + _class_name(spec.name), spec.children, extra, {"ordering": ["position"]}
                    )


class SetupTask(models.Model):
    """A declared setup task of the Akinon reference (akinon.py): the target catalogue's code
    paths, and the current task (started when, what it copies, whether it has copied)."""

    name = models.CharField(max_length=100, unique=True)
    target_paths = models.JSONField(default=list)
    started_at = models.FloatField(null=True)
    to_copy = models.JSONField(default=list)
    settled = models.BooleanField(default=False)

    class Meta:
        app_label = APP_LABEL


use_postgresql_semantics()
REGISTRY = Registry(load_resources())
