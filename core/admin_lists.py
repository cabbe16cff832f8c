"""Admin list columns and filters in words (issue 19): a tier as D30, a person by full name, a figure
with thousands separators and its unit (1,234 条, 12,345.60 元, 12.5%), whatever the list names.

`ReadableListAdmin` rewrites the plain field names of `list_display` and `list_filter` as it hands them
to the change list; a column an admin computes itself formats with `core.display` the same way. A filter
on a related record offers only the records the user's rows point to (`VisibleRelatedListFilter`), a filter
on a field of fixed choices only the choices the user's rows have (`VisibleChoicesListFilter`). Every
filter's "none" choice reads in words (`EMPTY_CHOICE`: 未填写 / Not set), not Django's "-"
(`WordedEmptyChoiceAdmin`, on every admin of the site)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy

from core.display import CARTONS, NUMBER, PERCENT, POINTS, YUAN, figure, natural_key, person_name, tier_text

# A figure's unit by its field's name (one name for one thing, docs/domain.md); `list_units` on an admin
# adds or overrides. Counts of retailers, weeks, days, tiers and scores are plain grouped numbers.
UNITS = {
    "cartons": CARTONS, "quota": CARTONS, "target": CARTONS, "released": CARTONS, "stock": CARTONS,
    "suggested_order": CARTONS, "weekly_sales": CARTONS, "ordered_qty": CARTONS, "quantity": CARTONS,
    "suggested": CARTONS, "retailer_ceiling": CARTONS, "vulnerable_bonus": CARTONS,
    "amount": YUAN, "value_per_carton": YUAN, "wholesale_price": YUAN, "retail_price": YUAN,
    "allocation_price": YUAN, "min_allocation_price": YUAN, "min_wholesale_price": YUAN, "gross_profit": YUAN,
    "compliance_rate": PERCENT, "fill_rate": PERCENT, "full_order_share": PERCENT, "coverage": PERCENT,
    "repeat_rate": PERCENT,
    "risk": POINTS, "visit_list_risk": POINTS,
}  # fmt: skip
NOT_FIGURES = {"pk", "id", "year", "month", "week", "order_weekday", "rating", "progress"}
# A list filter's choice for the rows with nothing in the field (a shop without a market department,
# a retailer not yet given a tier): Django words it as the list's empty cell, "-".
EMPTY_CHOICE = gettext_lazy("Not set")


def _field(model, path: str):
    try:
        return get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, admin.utils.NotRelationField):
        return None


def is_tier(field) -> bool:
    return isinstance(field, models.IntegerField) and field.name.endswith("tier") and not field.choices


def is_person(field) -> bool:
    return bool(
        field.is_relation and field.related_model and field.related_model._meta.label == settings.AUTH_USER_MODEL
    )


def is_figure(field) -> bool:
    numeric = isinstance(field, models.IntegerField | models.DecimalField | models.FloatField)
    return numeric and not field.choices and not field.primary_key and field.name not in NOT_FIGURES


def _value(obj, path: str):
    for step in path.split("__"):
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj() if callable(obj) else obj


def _column(name: str, description, show, ordering=None):
    def column(obj):
        return show(_value(obj, name))

    column.__name__ = name.replace("__", "_")
    return admin.display(description=description, ordering=ordering)(column)


class EmptyWhenPresentMixin:
    """A related-record filter's "none" choice (Django offers it for every nullable field) offered only
    when a row the user may see has none, or when it is chosen (tester 2026-11-27: a customer manager's
    shops all have a market department and a manager, yet 市场部 and 客户经理 offered "- (0)"). A filter
    left with one choice then has nothing to offer and is not shown (Django's `has_output`). An admin
    over a table of a row per retailer and product (`visible_choices_for_supervisor = False`) offers a
    supervisor Django's choice without looking."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        self._empty = None
        super().__init__(field, request, params, model, model_admin, field_path)
        if not field.null or self.lookup_val_isnull:
            return
        if getattr(request.user, "is_supervisor", False) and not getattr(
            model_admin, "visible_choices_for_supervisor", True
        ):
            return
        rows = model_admin.get_queryset(request).order_by()
        self._empty = rows.filter(**{f"{field_path}__isnull": True}).exists()

    @property
    def include_empty_choice(self):
        return super().include_empty_choice if self._empty is None else self._empty


class PersonListFilter(EmptyWhenPresentMixin, admin.RelatedOnlyFieldListFilter):
    """Staff by full name, sorted as people read numbers (经理2 before 经理10); only those in the list."""

    def field_choices(self, field, request, model_admin):
        ids = model_admin.get_queryset(request).order_by().values_list(self.field_path, flat=True).distinct()
        people = field.related_model._default_manager.filter(pk__in=[i for i in ids if i is not None])
        return sorted(((p.pk, person_name(p)) for p in people), key=lambda pair: natural_key(pair[1]))


class VisibleRelatedListFilter(EmptyWhenPresentMixin, admin.RelatedOnlyFieldListFilter):
    """A related record (county, market department, route, cycle…) offered only when a row the user
    may see points to it (issue 19): a customer manager's lists, scoped to their own retailers by the
    admin's `get_queryset`, offer those retailers' counties, not every county of the city. A
    supervisor sees every row: offered every record, without scanning a big table to find them."""

    def field_choices(self, field, request, model_admin):
        if getattr(request.user, "is_supervisor", False):
            return admin.RelatedFieldListFilter.field_choices(self, field, request, model_admin)
        return super().field_choices(field, request, model_admin)


class VisibleChoicesListFilter(admin.ChoicesFieldListFilter):
    """A field of fixed choices (market type, business format, order cycle, credit rating…) offering only
    the choices a row the user may see has (issue 19), by their labels, in the choices' order: a customer
    manager whose retailers are all urban is not offered "rural". The rows are the admin's `get_queryset`
    for the user (a supervisor's: every row). An admin over a table of a row per retailer and product
    (orders, stock counts, advice) sets `visible_choices_for_supervisor = False`: a supervisor is offered
    every choice there, without scanning the table, as `VisibleRelatedListFilter` does."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        if getattr(request.user, "is_supervisor", False) and not getattr(
            model_admin, "visible_choices_for_supervisor", True
        ):
            self.present = None  # every choice
        else:
            rows = model_admin.get_queryset(request).order_by().values_list(field_path, flat=True).distinct()
            self.present = {str(v) for v in rows if v is not None}
            if self.lookup_val:  # a choice asked for stays offered (and shown chosen)
                self.present.update(str(v) for v in self.lookup_val)

    def _offered(self, value) -> bool:
        return self.present is None or value is None or str(value) in self.present

    def has_output(self) -> bool:
        return any(value is not None and self._offered(value) for value, _label in self.field.flatchoices)

    def choices(self, changelist):
        offered = {i for i, (value, _label) in enumerate(self.field.flatchoices) if self._offered(value)}
        shown = super().choices(changelist)
        yield next(shown)  # "All"
        # the rest as Django words them (facet counts too), by their place in the choices
        named = [(i, v) for i, (v, _label) in enumerate(self.field.flatchoices) if v is not None]
        for (i, _value), choice in zip(named, shown, strict=False):
            if i in offered:
                yield choice
        yield from shown  # the blank choice, if the field has one


class TierListFilter(admin.AllValuesFieldListFilter):
    """Tiers as D1 … D30, in tier order; with counts shown, D20 (10) (tester 2026-11-27: "20 (10)")."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = list(self.lookup_choices)  # read once: the choices and their counts in one order

    def choices(self, changelist):
        shown = super().choices(changelist)
        yield next(shown)  # "All"
        tiers = [tier for tier in self.lookup_choices if tier is not None]
        for tier, choice in zip(tiers, shown, strict=False):  # Django's display: "20", or "20 (10)" with counts
            yield {**choice, "display": tier_text(tier) + str(choice["display"])[len(str(tier)) :]}
        yield from shown  # the "none" choice, if a row has no tier


class ReadableListAdmin:
    """List columns and filters in words (see the module's doc)."""

    list_units: dict = {}  # column name → unit (core.display), for fields and model properties

    def _readable(self, name, links, editable):
        if not isinstance(name, str) or name in links or name in editable or name == "__str__":
            return name
        unit = self.list_units.get(name)
        field = _field(self.model, name)
        if field is None:  # a model property (CycleKpi.fill_rate) has the unit of a field of its name
            unit = unit or UNITS.get(name)
            if unit is None or hasattr(self, name) or not hasattr(self.model, name):
                return name
            return _column(name, label_for_field(name, self.model, self), lambda v: figure(v, unit))
        description = field.verbose_name
        if is_tier(field):
            return _column(name, description, tier_text, ordering=name)
        if is_person(field):
            return _column(name, description, person_name, ordering=name)
        if unit is not None or is_figure(field):
            shown = unit or UNITS.get(field.name, NUMBER)
            return _column(name, description, lambda v: figure(v, shown), ordering=name)
        return name

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        links = self.list_display_links or ()
        editable = self.list_editable or ()
        return [self._readable(name, links, editable) for name in shown]

    def get_list_select_related(self, request):
        chosen = super().get_list_select_related(request)
        if chosen is not False:
            return chosen
        related = [
            n for n in super().get_list_display(request)
            if isinstance(n, str) and (f := _field(self.model, n)) is not None and f.is_relation and "__" not in n
        ]  # fmt: skip
        return related or False

    def get_list_filter(self, request):
        return [self._filter(spec) for spec in super().get_list_filter(request)]

    def _filter(self, spec):
        path, kind = (spec, None) if isinstance(spec, str) else (spec if isinstance(spec, tuple) else (None, None))
        if path is None or kind not in (None, admin.RelatedOnlyFieldListFilter, admin.RelatedFieldListFilter,
                                        admin.AllValuesFieldListFilter):  # fmt: skip
            return spec
        field = _field(self.model, path)
        if field is None:
            return spec
        if is_person(field):
            return (path, PersonListFilter)
        if is_tier(field):
            return (path, TierListFilter)
        if field.is_relation and field.related_model is not None:
            return (path, VisibleRelatedListFilter)
        if field.choices and kind in (None, admin.AllValuesFieldListFilter):
            return (path, VisibleChoicesListFilter)
        return spec


class WordedEmptyChoice:
    """A change list whose filters word their "none" choice (`EMPTY_CHOICE`): Django's related, all-values
    and related-only filters (and ours built on them) take the list's empty cell, "-", for it. The
    list's cells keep their own empty display."""

    def get_filters(self, request):
        specs, *rest = super().get_filters(request)
        for spec in specs:
            if hasattr(spec, "empty_value_display"):
                spec.empty_value_display = EMPTY_CHOICE
        return (specs, *rest)


@functools.cache
def _worded_changelist(changelist):
    return type(changelist.__name__, (WordedEmptyChoice, changelist), {})


class WordedEmptyChoiceAdmin:
    """An admin whose list filters word their "none" choice (`WordedEmptyChoice`); the site gives it to
    every admin it registers (`core.admin_site`)."""

    def get_changelist(self, request, **kwargs):
        return _worded_changelist(super().get_changelist(request, **kwargs))
