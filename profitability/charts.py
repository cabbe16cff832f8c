"""The charts of one retailer's profit report (`core.reports.charts`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.reports.charts import bars, shares, trend


def report_charts(report) -> dict[str, str]:
    """Trend, months against a year before, and the price-class mix of one retailer's report."""
    out = {"trend_chart": "", "month_chart": "", "mix_chart": ""}
    if report.weeks:
        out["trend_chart"] = trend(
            _("Gross profit per week"), [f.period_start.strftime("%m-%d") for f in report.weeks],
            {_("Gross profit"): [f.gross_profit for f in report.weeks], _("A year before"): [f.last_year_profit for f in report.weeks]},
        )  # fmt: skip
    if report.months:
        out["month_chart"] = bars(
            _("Gross profit per month"), [f.period_start.strftime("%Y-%m") for f in report.months],
            {
                _("This year"): [f.gross_profit for f in report.months],
                _("A year before"): [f.last_year_profit for f in report.months],
                _("Peers' average"): [report.peer_months.get(f.period_start) for f in report.months],
            },
        )  # fmt: skip
    if any(n for _label, n in report.class_mix):
        out["mix_chart"] = shares(
            _("Cartons by price class (13 weeks)"), [(_("Class %(c)s") % {"c": c}, n) for c, n in report.class_mix]
        )
    return out
