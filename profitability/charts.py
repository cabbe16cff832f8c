"""The charts of one retailer's profit report (`core.reports.charts`): the figures once
(`report_chart_data`), drawn as SVG for the pages and as reportlab drawings for the PDF."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.reports.charts import ChartData


def report_chart_data(report) -> dict[str, ChartData]:
    """Trend, months against a year before and the peers, and the price-class mix; a chart without
    figures is left out."""
    out: dict[str, ChartData] = {}
    yuan = _("yuan")
    if report.weeks:
        out["trend_chart"] = ChartData(
            "line", _("Gross profit per week"), [f.period_start.strftime("%m-%d") for f in report.weeks],
            {_("Gross profit"): [f.gross_profit for f in report.weeks],
             _("A year before"): [f.last_year_profit for f in report.weeks]},
            unit=yuan,
        )  # fmt: skip
    if report.months:
        out["month_chart"] = ChartData(
            "bars", _("Gross profit per month"), [f.period_start.strftime("%Y-%m") for f in report.months],
            {
                _("This year"): [f.gross_profit for f in report.months],
                _("A year before"): [f.last_year_profit for f in report.months],
                _("Peers' average"): [report.peer_months.get(f.period_start) for f in report.months],
            },
            unit=yuan,
        )  # fmt: skip
    if any(n for _label, n in report.class_mix):
        out["mix_chart"] = ChartData(
            "shares", _("Cartons by price class (13 weeks)"),
            parts=[(_("Class %(c)s") % {"c": c}, n) for c, n in report.class_mix],
        )  # fmt: skip
    return out

