import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from unfold.admin import ModelAdmin

from core.admin_mixins import ReadOnlyAdmin, ReadOnlyHistoryAdmin, SupervisorEditsAdmin, record_number
from core.admin_start import StartNowListAdmin
from core.display import person_name
from core.exceptions import DomainError
from retailers.admin import RETAILER_LINKS, RetailerAdmin, RetailerLink
from retailers.models import CountyBranch, Retailer
from retailers.selectors import scope_to_visible_retailers
from retailers.vocabulary import MarketType

from .admin_start import classification_progress_view, classification_start_view
from .engine.classify import EmptyTier
from .forms import TierOverrideForm
from .models import ClassificationScheme, ProposalStatus, TierAssessment, TierChange, TierProposal
from .national import national_type_label
from .publish_preview import proposal_publish_preview, proposal_published_moves
from .selectors import tier_explanation
from .services import proposal_publish, tier_override


def _scope_labels(proposal) -> list[tuple[str, str]]:
    """The proposal's scopes in its table's order: (key, column heading)."""
    summary = proposal.summary or []
    keys = sorted((summary[0].get("cuts") or {"": None}).keys()) if summary else [""]
    if keys == [""]:
        return [("", _("Cut score"))]
    markets = dict(MarketType.choices)
    branches = dict(CountyBranch.objects.filter(pk__in=[k for k in keys if k.isdigit()]).values_list("pk", "name"))
    return [
        (
            key,
            _("Cut score: %(scope)s")
            % {"scope": markets.get(key) or branches.get(int(key) if key.isdigit() else -1) or key or "—"},
        )
        for key in keys
    ]


def _shown_figures(explanation) -> dict:
    """Money and cartons as a person reads them: thousands separated, money to the fen."""
    if explanation is None:
        return {}

    def money(value) -> str:
        return "—" if value is None else f"{value:,.2f}"

    def cartons(value) -> str:
        return "—" if value is None else f"{value:,}"

    return {
        "amount": money(explanation.amount), "quantity": cartons(explanation.quantity),
        "value_per_carton": money(explanation.value_per_carton),
        "next_tier_amount": money(explanation.next_tier_amount), "next_tier_quantity": cartons(explanation.next_tier_quantity),
    }  # fmt: skip


def _why_empty(row: dict, *, by_volume_value: bool = False) -> str:
    """Why a tier holds nobody, in words (docs/domain.md §3)."""
    reason = row.get("empty") or ""
    if reason == EmptyTier.HELD:
        return _("Empty: the retailers whose scores place them here stay in their old tiers (limit on tiers moved).")
    if reason == EmptyTier.THRESHOLDS:
        return _("Empty: no score falls between this tier's thresholds.")
    if reason == EmptyTier.FEW:
        return _("Empty: fewer than 30 retailers (%(ranked)s) to rank.") % {"ranked": row.get("ranked", 0)}
    figures = {"ranked": f"{row.get('ranked', 0):,}", "distinct": f"{row.get('distinct', 0):,}"}
    if reason == EmptyTier.TIES and by_volume_value:
        return (
            _(
                "Empty: retailers with equal cartons and value per carton share a tier, and the %(ranked)s retailers "
                "have only %(distinct)s different pairs of them."
            )
            % figures
        )
    if reason == EmptyTier.TIES:
        return (
            _("Empty: equal scores share a tier, and the %(ranked)s retailers have only %(distinct)s different scores.")
            % figures
        )
    return ""


@admin.register(ClassificationScheme)
class ClassificationSchemeAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    list_display = ("name", "is_active", "assignment", "scoring", "scope", "window_weeks", "move_limit")
    list_filter = ("is_active", "assignment", "scope")
    search_fields = ("name",)
    json_help = {
        "freeze_windows": gettext_lazy(
            "One window per line: its name, first day and last day separated by spaces, MM-DD for every year or "
            "YYYY-MM-DD for one year, e.g. “国庆节 09-24 10-07”."
        )
    }


@admin.register(TierProposal)
class TierProposalAdmin(StartNowListAdmin, ReadOnlyAdmin, ModelAdmin):
    list_display = (
        record_number,
        "as_of",
        "status",
        "retailers",
        "ups",
        "downs",
        "created_at",
        "published_at",
        "published_by",
    )
    list_filter = ("status", "as_of")
    search_fields = ("pk", "as_of")
    readonly_fields = (
        "as_of",
        "reference_period",
        "status",
        "retailers",
        "ups",
        "downs",
        "published_at",
        "published_by",
        "summary_table",
    )
    exclude = ("summary", "scheme_snapshot", "run", "window_start", "window_end")  # the window: reference_period
    change_form_template = "admin/tiers/tierproposal/change_form.html"
    # the list's button (core.admin_start.StartNowListAdmin)
    start_now = ("admin:tiers_tierproposal_start", gettext_lazy("Start a re-rating now"), "swap_vert")

    @admin.display(description=gettext_lazy("Reference period (purchases scored)"))
    def reference_period(self, proposal):
        """First and last day, and the weeks, as the start page named them (`reference_period`): the stored
        window does not hold its end day (`window_of`), so the last day is the one before it."""
        weeks = (proposal.window_end - proposal.window_start).days // 7
        words = {
            "first": date_format(proposal.window_start),
            "last": date_format(proposal.window_end - dt.timedelta(days=1)),
            "weeks": weeks,
        }
        return (
            ngettext("%(first)s to %(last)s (%(weeks)s week)", "%(first)s to %(last)s (%(weeks)s weeks)", weeks) % words
        )

    @admin.display(description=gettext_lazy("per-tier summary"))
    def summary_table(self, proposal):
        summary = proposal.summary or []
        widest = max([max(r["before"], r["after"]) for r in summary] or [1]) or 1
        scopes = _scope_labels(proposal)
        by_volume_value = (proposal.scheme_snapshot or {}).get("assignment") == "volume_value"
        rows = [
            {
                **r,
                "before_pct": 100 * r["before"] // widest,
                "after_pct": 100 * r["after"] // widest,
                "cut_list": [(r.get("cuts") or {"": r.get("cut_score")}).get(key) for key, _label in scopes],
                "why_empty": _why_empty(r, by_volume_value=by_volume_value),
                "shown": {k: f"{r.get(k, 0):,}" for k in ("before", "after", "ups", "downs", "held")},
            }
            for r in summary
        ]
        context = {"rows": rows, "scopes": [label for _key, label in scopes]}
        return mark_safe(render_to_string("admin/tiers/tierproposal/summary.html", context))  # noqa: S308 - our template, escaped

    def get_urls(self):
        publish = self.admin_site.admin_view(self.publish_view)
        # "Start a re-rating now" (the list's button): confirm, then follow the run to its proposal
        site, opts = self.admin_site, self.model._meta
        start = site.admin_view(lambda r: classification_start_view(r, site, opts))
        progress = site.admin_view(lambda r, pk: classification_progress_view(r, site, opts, pk))
        return [
            path("<int:pk>/publish/", publish, name="tiers_tierproposal_publish"),
            path("start/", start, name="tiers_tierproposal_start"),
            path("run/<int:pk>/", progress, name="tiers_tierproposal_progress"),
            *super().get_urls(),
        ]

    def publish_view(self, request, pk):
        """GET: what publishing will change (up / down / stay, by how many tiers, the biggest moves,
        how many the move limit holds), to confirm; POST: publish (audited by the service)."""
        if not request.user.is_supervisor:
            raise PermissionDenied
        proposal = get_object_or_404(TierProposal, pk=pk)
        if request.method != "POST":
            # a published proposal: when, by whom and the moves it made, never a comparison with the tiers
            # now (its own: 升档 0, 降档 0) nor an offer to publish again
            published = proposal.status == ProposalStatus.PUBLISHED
            moves = proposal_published_moves if published else proposal_publish_preview
            context = {
                **self.admin_site.each_context(request),
                "title": _("Tiers published") if published else _("Publish these tiers?"),
                "proposal": proposal,
                "preview": moves(proposal=proposal),
                "published": published,
                "published_by": person_name(proposal.published_by) if published else "",
                "publishable": proposal.status == ProposalStatus.PROPOSED,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/tiers/tierproposal/publish_confirm.html", context)
        try:
            changed = proposal_publish(proposal=proposal, approver=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Published: %(changed)s tiers changed.") % {"changed": f"{changed:,}"})
        return redirect(reverse("admin:tiers_tierproposal_change", args=[pk]))

    def render_change_form(self, request, context, *args, **kwargs):
        obj = kwargs.get("obj")
        context["can_publish"] = bool(obj and obj.status == ProposalStatus.PROPOSED and request.user.is_supervisor)
        context["was_published"] = bool(obj and obj.status == ProposalStatus.PUBLISHED and request.user.is_supervisor)
        return super().render_change_form(request, context, *args, **kwargs)


class NationalTypeFilter(admin.SimpleListFilter):
    """The national types the assessments have, in words (城网 · 便利店 · 大型), in code order."""

    title = gettext_lazy("national type")
    parameter_name = "national_type"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by("national_type").values_list("national_type", flat=True)
        return [(code, national_type_label(code)) for code in codes.distinct() if code]

    def queryset(self, request, queryset):
        return queryset.filter(national_type=self.value()) if self.value() else queryset


@admin.register(TierAssessment)
class TierAssessmentAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = (
        "retailer",
        "proposal",
        "old_tier",
        "tier",
        "raw_tier",
        "score",
        "amount",
        "quantity",
        "value_per_carton",
        "national_type_words",
        "is_new",
    )
    list_filter = ("proposal", "tier", "old_tier", "is_new", NationalTypeFilter)
    search_fields = ("retailer__customer_code", "retailer__license_no", "retailer__name")
    list_select_related = ("retailer", "proposal")
    show_full_result_count = False

    @admin.display(description=gettext_lazy("national type"), ordering="national_type")
    def national_type_words(self, assessment):
        return national_type_label(assessment.national_type)

    def get_fields(self, request, obj=None):
        return [("national_type_words" if f == "national_type" else f) for f in super().get_fields(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "national_type_words"]

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = ("at", "retailer", "kind", "old_tier", "new_tier", "score", "approver", "reason")
    list_filter = ("kind", "new_tier", "proposal")
    search_fields = ("retailer__customer_code", "retailer__license_no", "reason")
    list_select_related = ("retailer", "approver")
    date_hierarchy = "at"

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)


class RetailerTierAdmin(RetailerAdmin):
    """The registry's retailer page with its tier: why it has it, its last changes and the
    supervisor's override (with a reason, written as a tier change). The tier field is read-only for
    every role (`retailers.admin.SERVICE_FIELDS`); the page opens with the tier and, for a supervisor,
    the way to change it: the override."""

    change_form_template = "admin/tiers/retailer_change_form.html"

    fieldsets = (
        *RetailerAdmin.fieldsets[:3],
        (gettext_lazy("Tier explanation"), {"fields": ("tier_explanation",)}),
        *RetailerAdmin.fieldsets[3:],
    )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "tier_explanation")

    @admin.display(description=gettext_lazy("why this tier"))
    def tier_explanation(self, retailer):
        if retailer.pk is None:
            return "—"
        explanation = tier_explanation(retailer=retailer)
        context = {
            "explanation": explanation,
            "shown": _shown_figures(explanation),
            "history": list(
                retailer.tier_changes.order_by("-at")[:10].values("at", "old_tier", "new_tier", "reason", "kind")
            ),
        }
        return mark_safe(render_to_string("admin/tiers/tier_explanation.html", context))  # noqa: S308

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["current_tier"] = obj.tier if obj is not None else None
        context["tier_override_url"] = (
            reverse("admin:retailers_retailer_override_tier", args=[obj.pk])
            if obj is not None and request.user.is_supervisor else None
        )  # fmt: skip
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view(self.override_tier_view)
        return [path("<int:pk>/override-tier/", view, name="retailers_retailer_override_tier"), *super().get_urls()]

    def override_tier_view(self, request, pk):
        if not request.user.is_supervisor:
            raise PermissionDenied
        retailer = get_object_or_404(Retailer, pk=pk)
        form = TierOverrideForm(request.POST or None, initial={"tier": retailer.tier})
        if request.method == "POST" and form.is_valid():
            old = retailer.tier
            try:
                tier_override(
                    retailer=retailer,
                    tier=form.cleaned_data["tier"],
                    reason=form.cleaned_data["reason"],
                    approver=request.user,
                )
            except DomainError as refused:  # the tier it has already: no change
                form.add_error("tier", str(refused))
            else:
                messages.success(request, _("Tier changed from %(old)s to %(new)s; the reason is kept in the tier history.") % {
                    "old": f"D{old}" if old else "—", "new": f"D{form.cleaned_data['tier']}",
                })  # fmt: skip
                return redirect(reverse("admin:retailers_retailer_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "retailer": retailer,
            "original": retailer,  # django-unfold's header: 零售户 › the retailer
            "explanation": tier_explanation(retailer=retailer),  # what set the tier it has now
            "title": _("Override tier"),
            "opts": Retailer._meta,
        }
        return TemplateResponse(request, "admin/tiers/override_tier.html", context)


admin.site.unregister(Retailer)
admin.site.register(Retailer, RetailerTierAdmin)
RETAILER_LINKS.append(
    RetailerLink("admin:retailers_retailer_override_tier", gettext_lazy("Override tier"), supervisor_only=True)
)
