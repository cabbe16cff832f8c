"""Admin building blocks shared by the apps: role rules, exports, cheap counts."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from core.admin_exports import LabelledExportForm, labelled_resource, sheet_title
from core.admin_history import UnchangedSaveAdmin
from core.admin_lists import UNITS, ReadableListAdmin, is_figure, is_tier
from core.display import NUMBER, figure, tier_text
from core.json_lines import json_lines_field
from core.labels import Worded, labelled_values
from core.reports.formulas import neutralise_dataset


def _json_display(field, model, words=None):
    """The read-only display of a JSON field: labelled lines, never the JSON itself. `words(obj, value)`:
    the admin's own (`LabelledJsonAdmin.json_words`)."""

    @admin.display(description=field.verbose_name)
    def show(obj):
        value = getattr(obj, field.name)
        return words(obj, value) if words is not None else labelled_values(value, model=model)

    return show


class LabelledJsonAdmin:
    """Every JSON field shown read-only is shown as labelled values (`core.labels.labelled_values`): a
    run's counts, an audit entry's before and after, a policy as a run applied it; never as JSON. The
    field gives way on the page to its `<name>_words` display. `json_key_models` names, per field, the
    model whose fields label its keys (the field's own model by default)."""

    json_key_models: dict = {}
    json_key_labels: dict = {}  # per editable JSON field: its keys' codes → words (城网 for urban)
    json_help: dict = {}  # per editable JSON field: the help that names its lines
    json_words: dict = {}  # per JSON field: words(obj, value) showing it read-only (a run's counts, for its job)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField) and db_field.editable:
            lines = json_lines_field(
                db_field, key_labels=self.json_key_labels.get(db_field.name), help_text=self.json_help.get(db_field.name)
            )
            if lines is not None:
                return lines
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._json_fields = {f.name for f in model._meta.get_fields() if isinstance(f, models.JSONField)}
        for name in self._json_fields:
            field = model._meta.get_field(name)
            display = _json_display(field, self.json_key_models.get(name, model), self.json_words.get(name))
            setattr(self, f"{name}_words", display)

    def _json_shown(self, request, obj, names) -> set[str]:
        if not self.has_change_permission(request, obj):
            return self._json_fields
        return self._json_fields & set(names)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        shown = self._json_shown(request, obj, readonly)
        hidden = set(self.get_exclude(request, obj) or ())
        if self.fields is not None:
            hidden |= self._json_fields - set(self.fields)
        added = sorted(shown - set(readonly) - hidden)
        return [f"{n}_words" if n in shown else n for n in readonly] + [f"{n}_words" for n in added]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        shown = self._json_shown(request, obj, super().get_readonly_fields(request, obj))
        mapped = []
        for name in fields:
            name = f"{name}_words" if name in shown else name
            if name not in mapped:
                mapped.append(name)
        return mapped


class WordedCharField(forms.CharField):
    """A text field over a code the system wrote (`core.labels.Worded`): shown as its words, read back
    as the code (a policy named "default" reads 默认方案 and saves as "default")."""

    def __init__(self, *, worded: Worded, **kwargs):
        self.worded = worded
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return self.worded.shown(value) if isinstance(value, str) else value

    def to_python(self, value):
        text = super().to_python(value)
        return self.worded.stored(text) if text else text


def _worded_display(field, worded: Worded):
    @admin.display(description=field.verbose_name, ordering=field.name)
    def show(obj):
        return worded.shown(getattr(obj, field.name))

    return show


class WordedFieldsAdmin:
    """The model's `worded_fields` (codes the system wrote, `core.labels.Worded`) in words: in its form
    (`WordedCharField`), in its list and, for a reader who may not change it, on its page (`<name>_words`)."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._worded: dict[str, Worded] = dict(getattr(model, "worded_fields", None) or {})
        for name, worded in self._worded.items():
            setattr(self, f"{name}_words", _worded_display(model._meta.get_field(name), worded))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        worded = self._worded.get(db_field.name)
        if worded is not None and isinstance(db_field, models.CharField):
            kwargs.update(form_class=WordedCharField, worded=worded)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_list_display(self, request):
        return [f"{n}_words" if isinstance(n, str) and n in self._worded else n for n in super().get_list_display(request)]

    def _worded_names(self, request, obj) -> dict[str, str]:
        if not self._worded or self.has_change_permission(request, obj):
            return {}
        return {name: f"{name}_words" for name in self._worded}

    @staticmethod
    def _worded_fieldsets(fieldsets, names: dict[str, str]):
        def worded(name):
            return names.get(name, name) if isinstance(name, str) else tuple(worded(n) for n in name)

        return [(title, {**options, "fields": [worded(f) for f in options["fields"]]}) for title, options in fieldsets]

    def get_fieldsets(self, request, obj=None):
        names = self._worded_names(request, obj)
        fieldsets = super().get_fieldsets(request, obj)
        return self._worded_fieldsets(fieldsets, names) if names else fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [n for n in self._worded_names(request, obj).values() if n not in readonly]

    def render_history_view(self, request, template, context, **kwargs):
        """A version page (`ReadOnlyHistoryAdmin`: every field as text) shows these fields in words too."""
        shown = context.get("adminform")
        if shown is not None and self._worded:
            names = {name: f"{name}_words" for name in self._worded}
            context["adminform"] = helpers.AdminForm(
                shown.form, self._worded_fieldsets(shown.fieldsets, names), {}, model_admin=self
            )
        return super().render_history_view(request, template, context, **kwargs)


def _shown_display(field, show):
    @admin.display(description=field.verbose_name)
    def shown(obj):
        return show(getattr(obj, field.name))

    return shown


class ReadableFieldsAdmin:
    """A change page's read-only fields as its list shows them (`core.admin_lists`): a tier as D30, a
    figure with thousands separators and its unit (2,906 · 25,757.10 元), not the bare stored number
    ("档位 30", "零售户 2906"). Each such field gives way on the page to its `<name>_shown` display.

    The read-only fields are the admin's whole `get_readonly_fields` (a subclass may override it without
    calling this one: the retailers' page does), so it is wrapped on the instance, as is every other place
    Django and the page read them."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._shown: dict[str, str] = {}
        for field in model._meta.fields:
            if is_tier(field):
                show = tier_text
            elif is_figure(field):
                show = functools.partial(figure, unit=UNITS.get(field.name, NUMBER))
            else:
                continue
            setattr(self, f"{field.name}_shown", _shown_display(field, show))
            self._shown[field.name] = f"{field.name}_shown"
        if not self._shown:
            return
        self._readonly_of = readonly_of = self.get_readonly_fields

        def get_readonly_fields(request, obj=None):
            readonly = list(readonly_of(request, obj))
            names = self._shown_names(request, obj, readonly)
            shown = [names.get(n, n) if isinstance(n, str) else n for n in readonly]
            if not self.has_change_permission(request, obj):  # every field of the page is read-only
                shown += [n for n in self._shown.values() if n not in shown]
            return shown

        self.get_readonly_fields = get_readonly_fields

    def _shown_names(self, request, obj, names) -> dict[str, str]:
        """The fields among `names` the page shows read-only (all of them for a reader who may not
        change the record), each → its display."""
        if not self._shown:
            return {}
        if not self.has_change_permission(request, obj):
            readonly = set(names)
        else:
            readonly = set(self._readonly_of(request, obj))
        return {name: shown for name, shown in self._shown.items() if name in readonly}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        names = self._shown_names(request, obj, flatten_fieldsets(fieldsets))
        if not names:
            return fieldsets
        seen: set[str] = set()

        def first(name):  # a field and its display both listed (a read-only page lists both): once, where it first is
            name = names.get(name, name)
            if name in seen:
                return None
            seen.add(name)
            return name

        shown = []
        for title, options in fieldsets:
            fields = []
            for name in options["fields"]:
                row = first(name) if isinstance(name, str) else tuple(n for n in map(first, name) if n)
                if row:
                    fields.append(row)
            shown.append((title, {**options, "fields": fields}))
        return shown


@admin.display(description=_("No."), ordering="pk")
def record_number(obj) -> int:
    """A list's record number column, headed in words (a bare "pk" column was headed "Pk")."""
    return obj.pk


class SupervisorEditsAdmin(ReadableListAdmin, ReadableFieldsAdmin, WordedFieldsAdmin, LabelledJsonAdmin, ExportMixin):
    """Reference data: supervisors change it, customer managers read it.

    Its CSV/XLSX exports go through `neutralise_dataset`: a text cell that a spreadsheet would read
    as a formula (`=HYPERLINK(…)` as a shop name) comes out as inert text. The export page is
    django-unfold's form, and they read as words: headers, labels, sheet name (`core.admin_exports`)."""

    export_form_class = LabelledExportForm

    def get_resource_classes(self, request):
        if not self.resource_classes:  # the default resource, in words (core.admin_exports)
            return [labelled_resource(self.model)]
        return super().get_resource_classes(request)

    def get_data_for_export(self, request, queryset, **kwargs):
        data = neutralise_dataset(super().get_data_for_export(request, queryset, **kwargs))
        data.title = sheet_title(self.model)
        return data

    def get_export_filename(self, request, queryset, file_format):
        """The file named in the reader's language with the local date: 零售户-2026-11-27.xlsx (the
        library names it by the model's class and the UTC date: Retailer-2026-11-26.xlsx)."""
        name = capfirst(str(self.model._meta.verbose_name_plural))
        return f"{name}-{timezone.localdate().isoformat()}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        # a name in Chinese as browsers read it (RFC 6266 filename*), not the library's bare filename="…"
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_supervisor

    def has_change_permission(self, request, obj=None):
        return request.user.is_supervisor

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ReadOnlyAdmin(SupervisorEditsAdmin):
    """Records written by jobs and services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(UnchangedSaveAdmin, SimpleHistoryAdmin, ModelAdmin):
    """History kept, shown, never written back: every history page is read-only, for every role. A change
    form posted with nothing changed writes no history row (`core.admin_history.UnchangedSaveAdmin`).

    django-simple-history's version page is the change form bound to an old row, and its POST
    saves that row whole after checking only view permission: a customer manager could set a
    policy, and reverting a retailer put back a tier a supervisor had overridden and a login since
    linked, with no tier-change row and no audit entry. Reverting is therefore off: the page shows
    every field as text with no button, and any POST to it is refused (403). A supervisor who wants
    an old value reads it here and enters it on the change form, which goes through the same
    permissions, read-only fields and services (a tier only through the override) as any edit."""

    object_history_list_template = "admin/core/history/object_history_list.html"

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        shown = context.get("adminform")
        if shown is not None:  # a version page: every field as text, none as an input
            fieldsets = list(shown.fieldsets)
            context["adminform"] = helpers.AdminForm(
                shown.form, fieldsets, {}, readonly_fields=flatten_fieldsets(fieldsets), model_admin=self
            )
            context.update(has_change_permission=False, has_add_permission=False, has_delete_permission=False)
        return super().render_history_view(request, template, context, **kwargs)


class LabelledCodeFilter(admin.SimpleListFilter):
    """A filter over a column of codes that names each code in words (`words`: code → words)."""

    words = staticmethod(str)

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list(self.parameter_name, flat=True).distinct()
        return sorted(((code, self.words(code)) for code in codes if code not in (None, "")), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, an unfiltered count of a huge table comes from the planner's estimate."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if connection.vendor == "postgresql" and query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [query.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > 100_000:
                return int(row[0])
        return super().count
