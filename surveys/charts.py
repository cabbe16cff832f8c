"""The survey results' charts (server-rendered SVG, as `core.reports.charts` draws them)."""

from __future__ import annotations

import math

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from core.reports.charts import COMMON, STYLE, bars

# the project's chart style, with a colour for each of up to 10 dimensions and the lines, and every
# point's name printed in dark grey beside it (no legend: the points carry their names)
IPA_STYLE = Style(
    background=STYLE.background, plot_background=STYLE.plot_background, font_family=STYLE.font_family,
    colors=(*STYLE.colors, "#7a4fa0", "#2f8f8f", "#a0522d", "#666666", "#c0c0c0", "#999999", "#999999"),
    value_colors=("#222222",) * 12, label_font_size=11, major_label_font_size=11, value_label_font_size=12,
    title_font_size=14,
)  # fmt: skip


def ipa_chart(rows, *, title: str) -> str:
    """Importance–performance: each dimension a point at (its index, its importance), with the two
    mean lines that split the chart into quadrants. Rows without both figures are left out."""
    known = [r for r in rows if r.performance is not None and r.importance is not None]
    if not known:
        return ""
    x_line = sum(r.performance for r in known) / len(known)
    y_line = sum(r.importance for r in known) / len(known)
    # the index axis from the tens below the lowest point (room to read the points apart) to 100
    x_low = max(0.0, math.floor(min(r.performance for r in known) / 10) * 10 - 10)
    y_low = max(-1.0, math.floor(min(r.importance for r in known) * 10) / 10 - 0.1)
    y_high = min(1.0, math.ceil(max(r.importance for r in known) * 10) / 10 + 0.1)
    chart = pygal.XY(
        title=title, stroke=False, dots_size=6, show_x_guides=True, print_labels=True,
        x_title=_("Index (0–100)"), y_title=_("Importance (correlation with overall satisfaction)"),
        range=(y_low, y_high), xrange=(x_low, 100.0), show_legend=False,
        **{**COMMON, "style": IPA_STYLE, "height": 400},
    )  # fmt: skip
    for r in known:
        chart.add(r.name, [{"value": (round(r.performance, 1), round(r.importance, 3)), "label": r.name}])
    chart.add(_("Mean index"), [(x_line, y_low), (x_line, y_high)], stroke=True, show_dots=False, print_labels=False)
    chart.add(_("Mean importance"), [(x_low, y_line), (100.0, y_line)], stroke=True, show_dots=False, print_labels=False)
    return chart.render(is_unicode=True)


def dimension_chart(results) -> str:
    """Each dimension's index, this wave and the previous one."""
    shown = [d for d in results.dimensions if results.total.dimensions.get(d.code) is not None]
    if not shown:
        return ""
    series = {_("This wave"): [results.total.dimensions[d.code] for d in shown]}
    if results.previous is not None:
        series[_("Previous wave")] = [results.total.before.get(d.code) for d in shown]
    return bars(_("Index by dimension (0–100)"), [d.name for d in shown], series)
