"""The per-retailer report as titled tables: one source for the page, the XLSX and the PDF, so
the three always show the same figures."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from core.display import words
from core.reports.tables import CHANGE, DATE, INT, MONEY, MONTH, PCT, TEXT, Table, display
from pricing.models import price_band_words

from .engine.alerts import AlertKind
from .engine.figures import CASE_CARTONS, Period
from .models import ALERT_LABELS, PERIOD_LABELS, ProfitAlert
from .selectors import Report, ReportSummary


def report_tables(report: Report) -> list[Table]:
    tables = [_summary(report), _months(report), _weeks(report), _mix(report)]
    if report.missing or report.upgrades:
        tables.append(_opportunities(report))
    if report.alerts:
        tables.append(
            Table(
                "alerts",
                _("Alerts"),
                [_("Alert"), _("Seen"), _("Compared with")],
                [TEXT, TEXT, TEXT],
                [[str(ALERT_LABELS[a.kind]), *alert_cells(a)] for a in report.alerts],
            )  # fmt: skip
        )
    return tables


def glance(summary: ReportSummary) -> list[tuple[str, str, str]]:
    """The summary's figures as (key, label, value) in words and units, for the page's cards and
    the PDF/XLSX's first table alike."""
    week = summary.week
    if week is None:
        profit = (_("Gross profit this week"), _("no figures yet"))
    else:
        profit = (_("Gross profit, week of %(day)s") % {"day": week.period_start.strftime("%m-%d")},
                  _yuan(week.gross_profit))  # fmt: skip
    change = display(summary.change, CHANGE) if summary.change is not None else _("no previous week to compare")
    if summary.rank_among == "manager":
        rank_label = _("Rank among the customer manager's shops")
    else:
        rank_label = _("Rank among the market department's shops")
    rank = _("%(rank)s of %(count)s") % {"rank": summary.rank, "count": summary.rank_of} if summary.rank else "—"
    quota = quota_text(summary)
    return [
        ("profit", *profit),
        ("change", _("Change on the previous week"), change),
        ("rank", rank_label, rank),
        ("alerts", _("Alerts"), words(summary.alerts) if summary.alerts else _("none")),
        ("quota", _("Quota left to order"), quota),
    ]


QUOTA_NOTE_TEXT = {
    "off_week": _lazy(
        "this shop does not order in this cycle (it orders every other week); its next cycle is not published yet"
    ),
    "not_served": _lazy("this shop is not served: it has no quota"),
    "closed": _lazy("ordering in this cycle has closed; the next cycle is not published yet"),
}


def quota_text(summary: ReportSummary) -> str:
    """The quota the shop can still order, in words: cartons left of the quota in the cycle it orders
    next, or why there is none (its off week, ordering closed, nothing published)."""
    if summary.quota_left is not None:
        left = number_format(summary.quota_left, 0, force_grouping=True)
        return _("%(left)s of %(quota)s, cycle %(cycle)s") % {
            "left": left, "quota": _cartons(summary.quota), "cycle": summary.quota_cycle}  # fmt: skip
    if summary.quota_cycle:
        return _("no quota in cycle %(cycle)s") % {"cycle": summary.quota_cycle}
    if summary.quota_note in QUOTA_NOTE_TEXT:
        return str(QUOTA_NOTE_TEXT[summary.quota_note])
    return _("no quota published for this cycle")


def opportunity_text(opportunity: dict) -> str:
    product = opportunity["product"]
    name = f"{product.code} {product.name}"
    if opportunity["kind"] == "upgrade":
        return _(
            "%(product)s: %(room)s of quota left at %(gain)s more per carton than the shop's average "
            "(%(value)s this cycle)"
        ) % {
            "product": name, "room": _cartons(opportunity["room"]), "gain": _yuan(opportunity["per_carton"]),
            "value": _yuan(opportunity["value"]),
        }  # fmt: skip
    return _("%(product)s: shops like this one earn %(value)s a week on it; this one does not stock it") % {
        "product": name, "value": _yuan(opportunity["value"]),
    }  # fmt: skip


def summary_table(summary: ReportSummary) -> Table:
    rows = [[label, value] for _key, label, value in glance(summary)]
    rows += [
        [_("Opportunity %(n)s") % {"n": n}, opportunity_text(o)] for n, o in enumerate(summary.opportunities, start=1)
    ]
    return Table("glance", _("At a glance"), [_("Figure"), _("Value")], [TEXT, TEXT], rows)


def _summary(report: Report) -> Table:
    headers = [
        _("Period"), _("From"), _("Cartons"), _("Sales"), _("Cost"), _("Gross profit"), _("Margin"), _("Value per carton"),
        _("Value per case"), _("Change on previous"), _("Change on a year before"), _("Rank among peers"),
        _("Percentile"), _("Gap to the next tier"),
    ]  # fmt: skip
    kinds = [TEXT, DATE, INT, MONEY, MONEY, MONEY, PCT, MONEY, MONEY, CHANGE, CHANGE, TEXT, PCT, MONEY]
    rows = []
    for period in Period:
        f = report.latest.get(int(period))
        if f is None:
            continue
        rows.append([
            str(PERIOD_LABELS[period]), f.period_start, f.cartons, f.sales, f.cost, f.gross_profit, f.margin,
            f.value_per_carton, None if f.value_per_carton is None else f.value_per_carton * CASE_CARTONS,
            f.change, f.change_year, f"{f.peer_rank} / {f.peer_count}", f.percentile, f.next_tier_gap,
        ])  # fmt: skip
    return Table("summary", _("Latest figures"), headers, kinds, rows)


def _months(report: Report) -> Table:
    return Table(
        "months", _("By month"),
        [_("Month"), _("Cartons"), _("Sales"), _("Gross profit"), _("Margin"), _("A year before"), _("Peers' average")],
        [MONTH, INT, MONEY, MONEY, PCT, MONEY, MONEY],
        [[f.period_start, f.cartons, f.sales, f.gross_profit, f.margin, f.last_year_profit,
          report.peer_months.get(f.period_start)] for f in report.months],
    )  # fmt: skip


def _weeks(report: Report) -> Table:
    return Table(
        "weeks", _("By week"),
        [_("Week of"), _("Cartons"), _("Sales"), _("Gross profit"), _("Margin"), _("Rank among peers")],
        [DATE, INT, MONEY, MONEY, PCT, TEXT],
        [[f.period_start, f.cartons, f.sales, f.gross_profit, f.margin, f"{f.peer_rank} / {f.peer_count}"] for f in report.weeks],
    )  # fmt: skip


def _mix(report: Report) -> Table:
    total = sum(n for _label, n in report.class_mix) or 1
    rows = [[_("Class %(c)s") % {"c": label}, n, n / total, None, None] for label, n in report.class_mix]
    rows += [[price_band_words(band["band"]), band["cartons"], None, band["sales"], band["profit"]] for band in report.band_mix]
    return Table(
        "mix", _("Mix by price class and band (last 13 weeks)"),
        [_("Class or band"), _("Cartons"), _("Share"), _("Sales"), _("Gross profit")], [TEXT, INT, PCT, MONEY, MONEY], rows,
    )  # fmt: skip


def _opportunities(report: Report) -> Table:
    rows = [
        [_("Peers sell it, you do not"), f"{m['product'].code} {m['product'].name}",
         _("%(share)s of peers") % {"share": display(m["share"], PCT)}, m["weekly_profit"]]
        for m in report.missing
    ]  # fmt: skip
    rows += [
        [_("Quota left, pays better"), f"{u['product'].code} {u['product'].name}",
         _("%(n)s cartons left") % {"n": u["room"]}, u["gain"]]
        for u in report.upgrades
    ]  # fmt: skip
    return Table(
        "opportunities", _("Opportunities"),
        [_("Kind"), _("Product"), _("Detail"), _("Profit per week or per carton")], [TEXT, TEXT, TEXT, MONEY], rows,
    )  # fmt: skip


def _known(value) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _yuan(value: float) -> str:
    return _("%(amount)s yuan") % {"amount": display(value, MONEY)}


def _cartons(value: float, places: int = 0) -> str:
    n = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)  # 10.25 -> 10.3
    count = 1 if n == 1 else 2  # English: "1 carton", "1.5 cartons"
    return ngettext("%(n)s carton", "%(n)s cartons", count) % {"n": number_format(n, places, force_grouping=True)}


def alert_cells(alert: ProfitAlert) -> tuple[str, str]:
    """What an alert saw and what it compared it with, each in its own unit (yuan, cartons, weeks,
    shops; `engine.alerts.UNITS`), for the page, the XLSX and the PDF alike."""
    value, reference = alert.value, alert.reference
    kind = AlertKind(alert.kind)
    if kind is AlertKind.FALLING_PROFIT and _known(value) and _known(reference):
        change = f"{_yuan(value)} ({display(value / reference - 1, CHANGE)})" if reference > 0 else _yuan(value)
        return change, _yuan(reference)
    if kind is AlertKind.NO_ORDERS:
        seen = _("%(n)s weeks since the last order") % {"n": int(value)} if _known(value) else _("no order on record")
        rule = _("flagged after %(n)s weeks without an order") % {"n": int(reference)} if _known(reference) else "—"
        return seen, rule
    if kind in (AlertKind.ORDER_SPIKE, AlertKind.PEER_OUTLIER) and _known(value):
        average = _("%(amount)s on average") % {"amount": _cartons(reference, 1)} if _known(reference) else "—"
        return _cartons(value), average
    if kind is AlertKind.SHARED_IDENTITY and _known(value):
        return _("%(n)s shops") % {"n": int(value)}, "—"
    return "—", "—"
