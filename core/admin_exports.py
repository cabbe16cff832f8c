"""Admin exports (CSV/XLSX) as a person reads them, not as the database stores them: each column headed
by its field's verbose name, a choice by its label (城网, not urban), a related row by its name, yes/no
in words, a tier as D30; the XLSX sheet named after the list (never "Tablib Dataset"), and the export
page's field chooser in the same words."""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from import_export import resources
from unfold.contrib.import_export.forms import SelectableFieldsExportForm

from core.exceptions import Reason
from core.labels import worded_field

PATH = re.compile(r"^[a-z][a-z0-9_]*$")
NAME_STEPS = {"name", "username", "short_name"}


def _model_field(model, path: str):
    """The model field a column's attribute path ends at (`branch__name` → Retailer.branch when the
    last step is the related row's name), or None."""
    field = None
    for step in path.split("__"):
        if model is None:
            return None
        if step in NAME_STEPS and field is not None and field.is_relation:
            return field  # the related row's name (branch__name): headed by the relation (区县局)
        try:
            field = model._meta.get_field(step)
        except FieldDoesNotExist:
            if step.endswith("_id"):
                try:
                    field = model._meta.get_field(step[:-3])
                except FieldDoesNotExist:
                    return None
            else:
                return None
        model = field.related_model if field.is_relation else None
    return field


def is_tier(field) -> bool:
    return isinstance(field, models.IntegerField) and field.name.endswith("tier")


class LabelledModelResource(resources.ModelResource):
    """A model resource whose export reads as words (see the module's doc)."""

    def column_header(self, field) -> str:
        name = str(field.column_name)
        if not PATH.match(name):  # a header written for people already
            return name
        model_field = _model_field(self._meta.model, name)
        return capfirst(str(model_field.verbose_name)) if model_field is not None else name.replace("_", " ")

    def get_export_headers(self, selected_fields=None):
        return [self.column_header(field) for field in self.get_export_fields(selected_fields) if field]

    def export_field(self, field, instance, **kwargs):
        name = self.get_field_name(field)
        dehydrate = field.get_dehydrate_method(name)
        if callable(dehydrate) or hasattr(self, dehydrate) or not field.attribute:
            return super().export_field(field, instance, **kwargs)
        path = field.attribute[:-3] if field.attribute.endswith("_id") else field.attribute
        model_field = _model_field(self._meta.model, path)
        if model_field is None:
            return super().export_field(field, instance, **kwargs)
        value = instance
        for step in path.split("__"):
            if step == "username" and hasattr(value, "get_full_name"):  # a person by name, not login
                return value.get_full_name() or value.username
            value = getattr(value, step, None)
            if value is None:
                return ""
        if model_field.choices and not isinstance(value, models.Model):
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, models.Model):
            return (value.get_full_name() or str(value)) if hasattr(value, "get_full_name") else str(value)
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if is_tier(model_field) and isinstance(value, int):
            return f"D{value}"
        if isinstance(value, str):  # a code the system wrote ("default") or a reason it kept: in words
            worded = worded_field(model_field.model, model_field.name)
            shown = worded.shown(value) if worded is not None else Reason.shown(value)
            if shown != value:
                return shown
        return super().export_field(field, instance, **kwargs)


class LabelledExportForm(SelectableFieldsExportForm):
    """The export page's field chooser names each column as its header will."""

    def _get_field_label(self, resource, field_name: str) -> str:
        instance = resource()
        field = instance.fields.get(field_name)
        if field is not None and isinstance(instance, LabelledModelResource):
            return instance.column_header(field)
        return str(field.column_name) if field is not None else field_name


def sheet_title(model) -> str:
    """An XLSX sheet's name: the list's name, without the characters Excel refuses, at most 31 long."""
    return re.sub(r"[\[\]:*?/\\]", " ", capfirst(str(model._meta.verbose_name_plural)))[:31]


def labelled_resource(model) -> type[LabelledModelResource]:
    return resources.modelresource_factory(model, resource_class=LabelledModelResource)
