"""The charts of one retailer's profit report (`core.reports.charts`): the figures once
(`report_chart_data`), drawn as SVG for the pages and as reportlab drawings for the PDF."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.reports.charts import ChartData, grouped


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
            parts=mix_parts(report.class_mix),
        )  # fmt: skip
    return out


def mix_parts(class_mix) -> list[tuple[str, float]]:
    """The price-class mix's parts, each named with its cartons and its share of them all, so the
    half pie's legend (and the PDF's) reads the numbers: "一类：1,234 条（35.2%）". Shares are of the
    classes with cartons, to one decimal, half-up."""
    total = sum(n for _c, n in class_mix if n)
    parts = []
    for c, n in class_mix:
        share = (
            (Decimal(str(n)) * 100 / Decimal(str(total))).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if total
            else Decimal(0)
        )
        label = _("%(label)s: %(n)s cartons (%(share)s%%)") % {
            "label": _("Class %(c)s") % {"c": c}, "n": grouped(n), "share": share,
        }  # fmt: skip
        parts.append((label, n))
    return parts
