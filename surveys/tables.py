"""The results as titled tables: the page, its XLSX (`core.reports.exports`) and the API read the same rows."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.reports.tables import INT, PCT, TEXT, Table, display

INDEX, POINTS, CORRELATION = "index", "points", "correlation"  # 84.9; +2.3; 0.62 (numbers in the XLSX)
QUADRANT_LABELS = {
    "keep": gettext_lazy("Keep it up"),
    "improve": gettext_lazy("Improve first"),
    "secondary": gettext_lazy("Improve later"),
    "maintain": gettext_lazy("Hold the level"),
}
QUADRANT_HELP = {
    "keep": gettext_lazy("weighs much on satisfaction and is done well"),
    "improve": gettext_lazy("weighs much on satisfaction and is done worse than the rest"),
    "secondary": gettext_lazy("weighs less and is done worse than the rest"),
    "maintain": gettext_lazy("weighs less and is done well"),
}


class ResultTable(Table):
    """A `Table` that also shows indices (one decimal), changes in points (signed) and correlations."""

    def formatted(self) -> list[list[str]]:
        return [[shown(v, k) for v, k in zip(row, self.kinds, strict=True)] for row in self.rows]


def shown(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if kind == INDEX:
        return number_format(round(float(value), 1), 1)
    if kind == POINTS:
        return ("+" if value > 0 else "") + number_format(round(float(value), 1), 1)
    if kind == CORRELATION:
        return number_format(round(float(value), 2), 2)
    return display(value, kind)


def _round(value, places: int = 1):
    return None if value is None else round(float(value), places)


def dimension_table(results) -> ResultTable:
    """Per dimension: its index, the previous wave's, the change, its importance and quadrant."""
    ipa = {r.code: r for r in results.ipa}
    rows = []
    for d in results.dimensions:
        point = ipa.get(d.code)
        rows.append([
            d.name, _round(results.total.dimensions.get(d.code)), _round(results.total.before.get(d.code)),
            _round(results.total.changes.get(d.code)),
            _round(point.importance, 3) if point else None,
            str(QUADRANT_LABELS[point.quadrant]) if point and point.quadrant else None,
        ])  # fmt: skip
    rows.append([
        _("Overall index"), _round(results.total.overall), _round(results.total.overall_before),
        _round(results.total.overall_change), None, None,
    ])  # fmt: skip
    if results.overall_item is not None or results.overall_item_before is not None:
        rows.append([
            _("Overall satisfaction (the overall question)"), _round(results.overall_item),
            _round(results.overall_item_before), _round(results.overall_item_change), None, None,
        ])  # fmt: skip
    return ResultTable(
        "dimensions", _("Index by dimension"),
        [_("Dimension"), _("Index"), _("Previous wave"), _("Change (points)"), _("Importance"), _("Quadrant")],
        [TEXT, INDEX, INDEX, POINTS, CORRELATION, TEXT], rows,
    )  # fmt: skip


def level_table(results, level: str, label: str) -> ResultTable:
    """Per group of `level`: answers, the overall index and its change, each dimension's index."""
    headers = [label, _("Answers"), _("Overall index"), _("Change (points)"), *(d.name for d in results.dimensions)]
    kinds = [TEXT, INT, INDEX, POINTS, *(INDEX for _d in results.dimensions)]
    rows = [
        [g.label, g.answers, _round(g.overall), _round(g.overall_change),
         *(_round(g.dimensions.get(d.code)) for d in results.dimensions)]
        for g in results.groups[level]
    ]  # fmt: skip
    return ResultTable(f"level-{level}", _("By %(level)s") % {"level": label}, headers, kinds, rows)


def summary_table(results) -> ResultTable:
    return ResultTable(
        "summary", _("Wave"),
        [_("Wave"), _("Opens on"), _("Closes on"), _("Retailers asked"), _("Answers"), _("Response rate"),
         _("Previous wave")],
        [TEXT, TEXT, TEXT, INT, INT, PCT, TEXT],
        [[results.wave.name, results.wave.opens_on.isoformat(), results.wave.closes_on.isoformat(), results.sampled,
          results.answered, results.response_rate, results.previous.name if results.previous else None]],
    )  # fmt: skip
