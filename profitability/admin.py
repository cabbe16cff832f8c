from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from unfold.admin import ModelAdmin

from core import params
from core.admin_mixins import ReadOnlyAdmin
from core.display import words
from core.reports import charts, pdf_charts
from core.reports.exports import XLSX, download, report_pdf, report_xlsx
from core.reports.tables import CHANGE, INT, MONEY, PCT, TEXT, Table
from inventory.selectors import retailer_structure
from pricing.models import price_band_words

from .charts import report_chart_data
from .engine.figures import Period
from .models import ALERT_LABELS, PERIOD_LABELS, ProfitRun
from .selectors import (
    LEVELS,
    budget_plan,
    overview,
    report_summary,
    retailer_for_report,
    retailer_report,
    workspace,
)  # fmt: skip
from .tables import glance, opportunity_text, report_tables, summary_table

PERIODS = {p.name.lower(): p for p in Period}
BUDGET_MIN, BUDGET_MAX = Decimal("0.01"), Decimal("10000000")  # yuan
PDF_CHART_WIDTH, PDF_CHART_HEIGHT = 760, 210  # points: the width of a landscape A4 page inside its margins


def _period(request) -> Period:
    return PERIODS[params.choice(request, "period", PERIODS, label=_("Period"), default="week")]


def _download_as(request, formats: list[str]) -> str:
    return params.choice(request, "format", formats, label=_("Download format"), default="")


@admin.register(ProfitRun)
class ProfitRunAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = ("as_of", "latest_week", "is_current", "run", "created_at")
    list_filter = ("is_current",)
    date_hierarchy = "as_of"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("workspace/", view(self.workspace_view), name="profitability_workspace"),
            path("retailer/<int:pk>/", view(self.report_view), name="profitability_report"),
            path("overview/", view(self.overview_view), name="profitability_overview"),
            *super().get_urls(),
        ]

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "title": title, "periods": PERIOD_LABELS.items(), **extra}

    def workspace_view(self, request):
        """A customer manager's retailers: ranked by profit or change, alerts, a visit list, a trend."""
        period = _period(request)
        query = params.text(request, "q", label=_("Search"), max_length=100)
        alert_kind = params.choice(request, "alert", [str(int(k)) for k in ALERT_LABELS], label=_("Alert"), default="")
        alert = int(alert_kind) if alert_kind else None
        order = params.choice(request, "order", ["change"], label=_("Order by"), default="")
        download_as = _download_as(request, ["xlsx"])
        space = workspace(user=request.user, period=period, query=query, alert=alert)
        rows = space.rows
        if order == "change":
            rows = sorted(rows, key=lambda r: (r.figure.change is None, r.figure.change or 0))
        table = _workspace_table(rows)
        if download_as == "xlsx":
            return download(report_xlsx(_("My retailers"), [table]), XLSX, f"workspace-{space.period_start}.xlsx")
        trend = charts.any_screen(
            charts.trend, _("Gross profit of my retailers per week"),
            [d.strftime("%m-%d") for d, _p in space.trend], {_("Gross profit"): [p for _d, p in space.trend]},
            unit=_("yuan"),
        ) if space.trend else ""  # fmt: skip
        context = self._context(
            request, _("My retailers' profitability"), space=space, rows=rows, table=table, trend=trend,
            table_rows=list(zip([r.retailer.pk for r in rows], table.formatted(), strict=True)),
            period=period, query=query, alert=alert, alert_kinds=ALERT_LABELS.items(),
            visit_list=space.visit_list[:20], alert_labels=ALERT_LABELS, order=order,
        )  # fmt: skip
        return render(request, "admin/profitability/workspace.html", context)

    def report_view(self, request, pk):
        retailer = retailer_for_report(user=request.user, pk=pk)
        if retailer is None:
            raise Http404
        today = timezone.localdate()
        report = retailer_report(retailer=retailer, today=today)
        summary = report_summary(report=report)
        tables = report_tables(report)
        chart_data = report_chart_data(report)
        title = _("Profitability of %(shop)s") % {"shop": f"{retailer.customer_code} {retailer.name}"}
        subtitle = _("Tier D%(tier)s · figures as of %(day)s") % {
            "tier": retailer.tier or "—", "day": report.run.as_of if report.run else "—",
        }  # fmt: skip
        fmt = _download_as(request, ["xlsx", "pdf"])
        if fmt == "xlsx":
            return download(report_xlsx(title, [summary_table(summary), *tables]), XLSX, f"{_file_name(retailer)}.xlsx")
        if fmt == "pdf":
            drawings = [
                pdf_charts.drawing(c, width=PDF_CHART_WIDTH, height=PDF_CHART_HEIGHT) for c in chart_data.values()
            ]
            pdf = report_pdf(title, subtitle, [summary_table(summary), *drawings, *tables])
            return download(pdf, "application/pdf", f"{_file_name(retailer)}.pdf")
        planner = _planner(request, report, today)
        context = self._context(
            request, title, retailer=retailer, report=report, subtitle=subtitle, summary=summary, glance=glance(summary),
            opportunities=[opportunity_text(o) for o in summary.opportunities],
            tables=[(t, t.formatted()) for t in tables], **{name: c.any_screen() for name, c in chart_data.items()},
            structure=retailer_structure(retailer=retailer, today=today),
            **planner,
        )  # fmt: skip
        return render(
            request, "admin/profitability/report.html", context, status=400 if "budget_error" in planner else 200
        )

    def overview_view(self, request):
        """The figures by manager, market department or branch, with the managers' KPIs."""
        if not request.user.is_supervisor:
            raise PermissionDenied
        level = params.choice(request, "level", LEVELS, label=_("Grouping"), default="manager")
        period = _period(request)
        download_as = _download_as(request, ["xlsx"])
        run, start, groups = overview(user=request.user, level=level, period=period, today=timezone.localdate())
        table = Table(
            "overview", _("Figures by %(level)s") % {"level": _level_label(level)},
            [_("Group"), _("Retailers"), _("Sales"), _("Gross profit"), _("Margin"), _("Change on previous"),
             _("Change on a year before"), _("Tag rate (13 weeks)")],
            [TEXT, INT, MONEY, MONEY, PCT, CHANGE, CHANGE, PCT],
            [[g.label, g.retailers, g.sales, g.gross_profit, g.margin, g.change, g.change_year, g.tag_rate] for g in groups],
        )  # fmt: skip
        if download_as == "xlsx":
            return download(report_xlsx(table.title, [table]), XLSX, f"overview-{level}-{start}.xlsx")
        chart = charts.any_screen(
            charts.bars, _("Gross profit"), [g.label for g in groups[:30]],
            {_("This period"): [g.gross_profit for g in groups[:30]], _("A year before"): [g.last_year_profit or None for g in groups[:30]]},
            unit=_("yuan"),
        ) if groups else ""  # fmt: skip
        context = self._context(
            request, _("Profitability overview"), run=run, start=start, table=table, rows=table.formatted(),
            chart=chart, level=level, levels=[(k, _level_label(k)) for k in LEVELS], period=period,
        )  # fmt: skip
        return render(request, "admin/profitability/overview.html", context)


def _level_label(level: str) -> str:
    return {"manager": _("customer manager"), "department": _("market department"), "branch": _("county branch")}[level]


def _workspace_table(rows) -> Table:
    return Table(
        "workspace", _("My retailers"),
        [_("Customer code"), _("Shop"), _("Tier"), _("Cartons"), _("Sales"), _("Gross profit"), _("Margin"),
         _("Change on previous"), _("Rank among peers"), _("Alerts")],
        [TEXT, TEXT, TEXT, INT, MONEY, MONEY, PCT, CHANGE, TEXT, TEXT],
        [[r.retailer.customer_code, r.retailer.name, f"D{r.retailer.tier}" if r.retailer.tier else "—", r.figure.cartons,
          r.figure.sales, r.figure.gross_profit, r.figure.margin, r.figure.change,
          f"{r.figure.peer_rank} / {r.figure.peer_count}", words(str(ALERT_LABELS[a.kind]) for a in r.alerts)]
         for r in rows],
    )  # fmt: skip


def _planner(request, report, today) -> dict:
    """The budget planner's answer to `?budget=` (yuan); a budget that cannot be used is named beside
    the box (and the page is a 400)."""
    raw = params.text(request, "budget", label=_("Budget"), max_length=40)
    try:
        budget = params.decimal(request, "budget", label=_("Budget"), minimum=BUDGET_MIN, maximum=BUDGET_MAX, places=2)
    except params.BadParameter as exc:
        return {"budget": raw, "budget_error": exc.message}
    if budget is None:
        return {"budget": ""}
    result, items, products = budget_plan(retailer=report.retailer, today=today, budget=budget, lines=report.plan_lines)
    lines = [
        {"product": products[p], "cartons": q, "cost": Decimal(q * products[p].wholesale_price),
         "profit": q * products[p].margin_per_carton}
        for p, q in result.quantities.items()
    ]  # fmt: skip
    return {"budget": raw, "plan": result, "plan_lines": lines, "plan_bands": {
        price_band_words(band): {"cartons": v["cartons"], "cost": Decimal(v["cost"]) / 100, "profit": Decimal(v["profit"]) / 100}
        for band, v in result.band_totals(items).items()},
            "plan_cost": Decimal(result.cost) / 100, "plan_profit": Decimal(result.profit) / 100, "plan_items": len(items)}  # fmt: skip


def _file_name(retailer) -> str:
    """A downloaded report's name in the reader's language: 经营分析-420100000001-陈记百货."""
    return f"{_('Profitability')}-{retailer.customer_code}-{retailer.name}".replace("/", "-")
