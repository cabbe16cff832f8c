"""The admin's search pickers (autocomplete) in words a person tells apart (issue 19).

Django's `AutocompleteJsonView` labels each result with the model's `__str__` (a retailer as its code
and name: two shops called 便利店 look alike). `ReadableAutocompleteJsonView` asks the admin of the
model searched for an `autocomplete_text(obj)` first (a retailer: name, licence, tier, area, manager).
The results stay what that admin's `get_queryset` and `get_search_results` give the user: a customer
manager finds only their own retailers. `distribution/urls.py` serves it at the admin's own
autocomplete address, so every autocomplete field uses it.

The form's own admin may narrow the choices of one of its fields (`autocomplete_choices`).

`AutocompleteTextAdmin` labels the chosen value the same way when a form shows it again.

`CheckedKeysAdmin` (every admin and inline: `core.admin_site` registers each with it): a value no record
could have as its key (`?retailer=abc`, a number past the column) redraws a picker as nothing chosen, and
a record's page (`<id>/change/`) or a list filtered by it is a missing record, never a server error."""

from __future__ import annotations

import datetime as dt
import functools

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, ManyToManyRawIdWidget
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from unfold.widgets import INPUT_CLASSES, UnfoldForeignKeyRawIdWidget

from core.admin_site import mixed_in
from core.keys import in_range as _in_range
from core.keys import is_key, key_field


class ReadableAutocompleteJsonView(AutocompleteJsonView):
    def get_queryset(self):
        """What the searched model's admin gives, narrowed by the form's own admin where it says so
        (`autocomplete_choices(request, field_name, queryset)`, e.g. no withdrawn product for a new
        quota exception)."""
        queryset = super().get_queryset()
        source = self.admin_site._registry.get(self.source_field.model)
        narrow = getattr(source, "autocomplete_choices", None)
        return narrow(self.request, self.source_field.name, queryset) if narrow is not None else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        text = getattr(self.model_admin, "autocomplete_text", None)
        if text is not None:
            result["text"] = text(obj)
        return result


class AutocompleteTextAdmin:
    """A form's autocomplete fields show their chosen value by the target admin's `autocomplete_text`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in self.get_autocomplete_fields(request):
            target = self.admin_site._registry.get(db_field.remote_field.model)
            text = getattr(target, "autocomplete_text", None)
            if text is not None:
                field.label_from_instance = text
        return field


class _CheckedChoices:
    """A search picker redraws a value that is the key of no row as nothing chosen (the form says
    "Select a valid choice"), instead of looking it up."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.get_related_field()
        return super().optgroups(name, [v for v in value if is_key(target, v)], attr)


class CheckedAutocompleteSelect(_CheckedChoices, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_CheckedChoices, AutocompleteSelectMultiple):
    pass


class CheckedForeignKeyRawIdWidget(UnfoldForeignKeyRawIdWidget):
    """An id box names no record for a value that is the key of none."""

    def label_and_url_for_value(self, value):
        if not is_key(self.rel.get_related_field(), value):
            return "", ""
        return super().label_and_url_for_value(value)


class IdsRawIdWidget(ManyToManyRawIdWidget):
    """Ids of several records in one box, as Django writes and reads them (12,40; empty when none), with
    unfold's look and lookup button. unfold gives such a field a plain text box, which wrote the ids as a
    Python list ("[]" for none) that the form then refused back (tester, walk 13: a plan line's 选定零售户
    read "[]" and the line could not be saved: 输入一系列值。)."""

    template_name = "unfold/widgets/foreign_key_raw_id.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["class"] = " ".join(["vManyToManyRawIdAdminField", *INPUT_CLASSES])
        return context


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ids of several records (a plan line's selected retailers): one that is the key of no row is
    refused as not a valid value, before the look-up the database would refuse."""

    def _check_values(self, value):
        model = self.queryset.model
        field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        for pk in value if isinstance(value, list | tuple) else ():
            if not isinstance(pk, list | tuple) and not is_key(field, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def _compared(model, key: str):
    """The field a list's filter parameter compares and its lookup: `cycle` → (cycle, exact),
    `retailer__id__in` → (id, in); (None, "") when the parameter names no field."""
    opts, field = model._meta, None
    parts = key.split(LOOKUP_SEP)
    for index, part in enumerate(parts):
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return (field, LOOKUP_SEP.join(parts[index:])) if field is not None else (None, "")
        if not field.is_relation or field.related_model is None:
            return field, LOOKUP_SEP.join(parts[index + 1 :]) or "exact"
        opts = field.related_model._meta
    return field, "exact"


_NUMBER_LOOKUPS = {"exact", "in", "gt", "gte", "lt", "lte"}


def _moment_in_range(field, value: str) -> bool:
    """Whether a date or moment filter's value can be compared in the database: a moment is made aware in
    the current time zone and stored in UTC, and a day near the calendar's ends cannot be
    (`?at__gte=0001-01-01` is 0001-01-01 00:00 in Shanghai, before the first moment Python can write in
    UTC: "date value out of range"). A value Django cannot read as a date is left to Django, which
    refuses it itself."""
    try:
        moment = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return True
    if not isinstance(moment, dt.datetime):
        return True
    try:
        aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        aware.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return False
    return True


def _out_of_range(field, lookup: str, value) -> bool:
    """Whether a list filter's value is one no row's column could be compared with: a number past an
    integer column, a moment past the calendar."""
    parts = str(value).split(",") if lookup == "in" else [str(value)]
    if isinstance(field, models.DateTimeField):
        return not all(_moment_in_range(field, part.strip()) for part in parts)
    if not isinstance(field, models.IntegerField):
        return False
    for part in parts:
        try:
            number = int(part.strip())
        except ValueError:
            continue  # Django refuses it itself
        if not _in_range(field, number):
            return True
    return False


class CheckedFilterValues:
    """A list filtered by a number past its column (`?cycle=99999999999999999999999`) or by a moment past
    the calendar (`?at__gte=0001-01-01`, on any list's date filter) says its filter is wrong (Django's
    "?e=1"), as for a letter, instead of a database error."""

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        for key, values in lookup_params.items():
            field, lookup = _compared(self.model, key)
            if field is None or lookup not in _NUMBER_LOOKUPS:
                continue
            try:
                field = key_field(field)
            except (FieldError, AttributeError):  # a relation Django filters some other way: left to Django
                continue
            for value in values if isinstance(values, list) else [values]:
                if _out_of_range(field, lookup, value):
                    raise IncorrectLookupParameters(key)
        return lookup_params


@functools.cache
def _checked_changelist(changelist):
    return type(changelist.__name__, (CheckedFilterValues, changelist), {})


class CheckedKeysAdmin:
    """Every id an admin page reads, from its address or its form, that is the key of no row (a letter, a
    number past the column) is a missing record, never a server error (tester 2026-11-27):

    - a record's pages (change, history, delete) answer 404, as for an id no record has;
    - a search picker or an id box given such a value (`?retailer=abc` on an add form, a posted
      `cycle=99999999999999999999999`) shows nothing chosen, and the posted form says "Select a valid choice";
    - a list filtered by such a number says its filter is wrong."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs:
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
            elif db_field.name in self.raw_id_fields:
                kwargs["widget"] = CheckedForeignKeyRawIdWidget(
                    db_field.remote_field, self.admin_site, using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        elif "widget" not in kwargs and db_field.name in self.raw_id_fields:
            kwargs["widget"] = IdsRawIdWidget(db_field.remote_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        opts = self.model._meta
        if not is_key(opts.pk if from_field is None else opts.get_field(from_field), object_id):
            return None
        return super().get_object(request, object_id, from_field)

    def get_changelist(self, request, **kwargs):
        return _checked_changelist(super().get_changelist(request, **kwargs))

    def get_inlines(self, request, obj):
        return [checked_admin(inline) for inline in super().get_inlines(request, obj)]


@functools.cache
def checked_admin(admin_class):
    """`admin_class` (a model's admin or an inline) checking the ids it reads (`CheckedKeysAdmin`)."""
    return mixed_in(CheckedKeysAdmin, admin_class)
