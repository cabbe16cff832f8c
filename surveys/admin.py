"""Supervisors define questionnaires and waves, open and close waves, read every result; customer
managers read the results of closed waves over their own retailers (figures over at least 5 answers:
`selectors`). The sampled retailers and their answers are the supervisors' alone."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from unfold.admin import ModelAdmin, TabularInline

from core import params
from core.admin_lists import ReadableListAdmin
from core.admin_mixins import LabelledCodeFilter, SupervisorEditsAdmin
from core.exceptions import DomainError, Reason
from core.reports.exports import XLSX, download, report_xlsx
from core.reports.tables import PCT
from retailers.models import Retailer
from retailers.selectors import scope_to_visible_retailers

from .charts import dimension_chart, ipa_chart
from .models import Dimension, Invitation, Item, Questionnaire, Wave, WaveStatus
from .selectors import can_see_results, level_label, levels_for, wave_questions, wave_results, waves_visible_to
from .services import questionnaire_copy, questionnaire_standard_create, wave_close, wave_open
from .tables import INDEX, POINTS, QUADRANT_HELP, QUADRANT_LABELS, dimension_table, level_table, shown, summary_table


class DimensionInline(TabularInline):
    model = Dimension
    extra = 0
    fields = ("position", "code", "name", "weight")


class ItemInline(TabularInline):
    model = Item
    extra = 0
    fields = ("dimension", "position", "text", "allow_not_applicable")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dimension":
            match = request.resolver_match
            questionnaire_id = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = Dimension.objects.filter(questionnaire_id=questionnaire_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Questionnaire)
class QuestionnaireAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("name", "scale", "dimension_count", "question_count", "created_at")
    list_filter = ("scale", "created_at")
    search_fields = ("name", "dimensions__name", "items__text")
    inlines = [DimensionInline, ItemInline]
    actions = ["copy_questionnaires"]
    change_list_template = "admin/surveys/questionnaire/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_dimensions=Count("dimensions", distinct=True), n_items=Count("items", distinct=True)
        )

    @admin.display(description=gettext_lazy("dimensions"), ordering="n_dimensions")
    def dimension_count(self, questionnaire):
        return questionnaire.n_dimensions

    @admin.display(description=gettext_lazy("questions"), ordering="n_items")
    def question_count(self, questionnaire):
        return questionnaire.n_items

    def has_change_permission(self, request, obj=None):
        # a questionnaire a wave has asked is what retailers answered: copy it to change it
        return super().has_change_permission(request, obj) and not (obj is not None and obj.in_use)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_supervisor and not (obj is not None and obj.waves.exists())

    @admin.action(description=gettext_lazy("Copy the selected questionnaires (to change them)"))
    def copy_questionnaires(self, request, queryset):
        if not request.user.is_supervisor:
            raise PermissionDenied
        for questionnaire in queryset:
            questionnaire_copy(questionnaire=questionnaire, actor=request.user)
        messages.success(request, _("%(n)s copies made.") % {"n": queryset.count()})

    def get_actions(self, request):
        return super().get_actions(request) if request.user.is_supervisor else {}

    def get_urls(self):
        view = self.admin_site.admin_view(self.standard_view)
        return [path("standard/", view, name="surveys_questionnaire_standard"), *super().get_urls()]

    def standard_view(self, request):
        """POST: a new questionnaire from the standard one (7 dimensions, 32 questions), then its page."""
        if request.method != "POST" or not request.user.is_supervisor:
            raise PermissionDenied
        questionnaire = questionnaire_standard_create(actor=request.user)
        messages.success(request, _("The standard questionnaire was created: change it here or start a wave with it."))
        return redirect(reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk]))


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = ("name", "questionnaire", "opens_on", "closes_on", "sample_mode", "sample_percent", "sample_minimum",
                  "tier_bands", "seed")  # fmt: skip

    def clean_tier_bands(self):
        value = self.cleaned_data["tier_bands"]
        try:
            cuts = [int(p) for p in value.replace("，", ",").split(",") if p.strip()]
        except ValueError:
            raise forms.ValidationError(_("Write the tiers where a band starts as numbers, e.g. 11,21.")) from None
        if any(not 2 <= c <= 30 for c in cuts):
            raise forms.ValidationError(_("A band starts at a tier from 2 to 30."))
        return ",".join(str(c) for c in sorted(set(cuts)))

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The wave closes before it opens."))
        return cleaned


@admin.register(Wave)
class WaveAdmin(SupervisorEditsAdmin, ModelAdmin):
    form = WaveForm
    list_display = ("name", "questionnaire", "opens_on", "closes_on", "status", "sample", "sampled", "answered",
                    "results_link")  # fmt: skip
    list_filter = ("status", "sample_mode", "opens_on")
    search_fields = ("name", "questionnaire__name")
    list_select_related = ("questionnaire",)
    change_form_template = "admin/surveys/wave/change_form.html"

    def get_queryset(self, request):
        return waves_visible_to(user=request.user).select_related("questionnaire").annotate(
            n_sampled=Count("invitations"), n_answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False))
        )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != WaveStatus.DRAFT:
            return [*WaveForm.Meta.fields, "status", "sampled_at", "closed_at"]
        return ["status"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("who is asked"))
    def sample(self, wave):
        if wave.sample_mode == "all":
            return wave.get_sample_mode_display()
        return _("%(percent)s%% of each manager's retailers, at least %(minimum)s") % {
            "percent": wave.sample_percent, "minimum": wave.sample_minimum,
        }  # fmt: skip

    @admin.display(description=gettext_lazy("retailers asked"), ordering="n_sampled")
    def sampled(self, wave):
        return f"{wave.n_sampled:,}"

    @admin.display(description=gettext_lazy("answers"), ordering="n_answered")
    def answered(self, wave):
        return f"{wave.n_answered:,}"

    @admin.display(description=gettext_lazy("results"))
    def results_link(self, wave):
        if wave.status == WaveStatus.DRAFT:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:surveys_wave_results", args=[wave.pk]), _("Results"))

    def render_change_form(self, request, context, *args, **kwargs):
        obj = kwargs.get("obj")
        supervisor = request.user.is_supervisor
        context["can_open"] = bool(obj and supervisor and obj.status == WaveStatus.DRAFT)
        context["can_close"] = bool(obj and supervisor and obj.status == WaveStatus.OPEN)
        context["can_see_results"] = bool(obj and can_see_results(user=request.user, wave=obj))
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/open/", view(self.open_view), name="surveys_wave_open"),
            path("<int:pk>/close/", view(self.close_view), name="surveys_wave_close"),
            path("<int:pk>/results/", view(self.results_view), name="surveys_wave_results"),
            *super().get_urls(),
        ]

    def open_view(self, request, pk):
        if request.method != "POST" or not request.user.is_supervisor:
            raise PermissionDenied
        wave = get_object_or_404(Wave, pk=pk)
        try:
            drawn = wave_open(wave=wave, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The wave is open: %(n)s retailers are asked.") % {"n": f"{drawn:,}"})
        return redirect(reverse("admin:surveys_wave_change", args=[pk]))

    def close_view(self, request, pk):
        if request.method != "POST" or not request.user.is_supervisor:
            raise PermissionDenied
        wave = get_object_or_404(Wave, pk=pk)
        try:
            wave_close(wave=wave, actor=request.user, reason=Reason(gettext_noop("closed by a supervisor")))
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The wave is closed; its results are final."))
        return redirect(reverse("admin:surveys_wave_change", args=[pk]))

    def results_view(self, request, pk):
        """The index overall, by dimension and by group, the change on the previous wave, the
        importance–performance chart; XLSX. Managers: closed waves, their own retailers, ≥ 5 answers."""
        wave = Wave.objects.filter(pk=pk).select_related("questionnaire").first()
        if wave is None or not can_see_results(user=request.user, wave=wave):
            raise Http404
        offered = levels_for(request.user)
        level = params.choice(request, "level", offered, label=_("Grouping"), default=offered[0])
        download_as = params.choice(request, "format", ["xlsx"], label=_("Download format"), default="")
        results = wave_results(wave=wave, user=request.user, levels=offered if download_as else [level])
        tables = [summary_table(results), dimension_table(results)]
        if download_as == "xlsx":
            tables += [level_table(results, lv, level_label(lv)) for lv in offered]
            return download(report_xlsx(wave.name, tables), XLSX, f"survey-{wave.pk}.xlsx")
        by_level = level_table(results, level, level_label(level))
        ipa = ipa_chart(results.ipa, title=_("Importance and performance by dimension"))
        context = {
            **self.admin_site.each_context(request), "title": _("Survey results: %(wave)s") % {"wave": wave.name},
            "wave": wave, "results": results, "dimension_table": tables[1], "dimension_rows": tables[1].formatted(),
            "table": by_level, "rows": by_level.formatted(), "level": level,
            "levels": [(lv, level_label(lv)) for lv in offered], "ipa_chart": ipa, "bars_chart": dimension_chart(results),
            "quadrants": [(QUADRANT_LABELS[k], QUADRANT_HELP[k]) for k in QUADRANT_LABELS],
            "headline": {
                "overall": shown(results.total.overall, INDEX), "change": shown(results.total.overall_change, POINTS),
                "item": shown(results.overall_item, INDEX) if results.overall_item is not None else "",
                "sampled": f"{results.sampled:,}", "answered": f"{results.answered:,}",
                "rate": shown(results.response_rate, PCT),
            },
        }  # fmt: skip
        return render(request, "admin/surveys/results.html", context)


class AnsweredFilter(admin.SimpleListFilter):
    title = gettext_lazy("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(answered_at__isnull=self.value() == "no")
        return queryset


def market_type_label(code: str) -> str:
    """The stratum's market type as the retailer's own field names it (城网, not urban)."""
    return str(dict(Retailer._meta.get_field("market_type").flatchoices).get(code, code or "—"))


def business_format_label(code: str) -> str:
    return str(dict(Retailer._meta.get_field("business_format").flatchoices).get(code, code or "—"))


class MarketTypeFilter(LabelledCodeFilter):
    title = gettext_lazy("market type")
    parameter_name = "market_type"
    words = staticmethod(market_type_label)


class BusinessFormatFilter(LabelledCodeFilter):
    title = gettext_lazy("business format")
    parameter_name = "business_format"
    words = staticmethod(business_format_label)


@admin.register(Invitation)
class InvitationAdmin(ReadableListAdmin, ModelAdmin):
    """The sampled retailers and their answers: supervisors only (a manager never sees one answer)."""

    list_display = ("wave", "retailer", "manager", "tier_band", "market_type_words", "business_format_words", "answered_at")
    list_filter = ("wave", AnsweredFilter, "tier_band", MarketTypeFilter, BusinessFormatFilter)
    search_fields = ("retailer__customer_code", "retailer__license_no", "retailer__name")
    list_select_related = ("wave", "retailer", "manager")
    fields = ("wave", "retailer", "manager", "branch", "department", "tier", "tier_band", "market_type_words",
              "business_format_words", "answered_at", "answers")  # fmt: skip
    readonly_fields = fields

    @admin.display(description=gettext_lazy("market type"), ordering="market_type")
    def market_type_words(self, invitation):
        return market_type_label(invitation.market_type)

    @admin.display(description=gettext_lazy("business format"), ordering="business_format")
    def business_format_words(self, invitation):
        return business_format_label(invitation.business_format)
    show_full_result_count = False

    def get_queryset(self, request):
        if not request.user.is_supervisor:
            return super().get_queryset(request).none()
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_supervisor

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_supervisor

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("answers"))
    def answers(self, invitation):
        if invitation.scores is None:
            return "—"
        scores = dict(zip(invitation.wave.item_ids, invitation.scores, strict=False))
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((q.section, q.item.text, "—" if scores.get(q.item.pk) is None else scores[q.item.pk])
                 for q in wave_questions(invitation.wave)),
            ),
        )  # fmt: skip
