"""The charts of `core.reports.charts` drawn for a PDF (reportlab graphics, vector, no extra
library): same figures, same rules (zero baseline, unit over the value axis, thousands separators,
a legend entry only for a series with data), in the CJK font."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from core.reports.charts import STYLE, ChartData, grouped, with_data
from core.reports.pdf import CJK_FONT

COLOURS = [colors.HexColor(c) for c in STYLE.colors]
TITLE_SIZE, LABEL_SIZE = 10, 7


def drawing(chart: ChartData, *, width: float, height: float) -> Drawing:
    """The chart as a reportlab Drawing (a flowable) of `width` × `height` points."""
    out = Drawing(width, height)
    out.add(String(0, height - TITLE_SIZE, chart.title, fontName=CJK_FONT, fontSize=TITLE_SIZE))
    if chart.kind == "shares":
        _shares(out, chart, width, height)
        return out
    series = with_data(chart.series)
    if not series:
        return out
    plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
    plot.x, plot.y = 48, 44
    plot.width, plot.height = width - 60, height - 44 - TITLE_SIZE - 20
    plot.data = [[None if v is None else v for v in values] for values in series.values()]
    if chart.kind == "bars":  # a missing bar is no bar
        plot.data = [[0 if v is None else v for v in values] for values in plot.data]
    lowest = min((v for values in plot.data for v in values if v is not None), default=0)
    plot.valueAxis.valueMin = min(0, lowest)
    plot.valueAxis.labelTextFormat = grouped
    plot.valueAxis.labels.fontName = plot.categoryAxis.labels.fontName = CJK_FONT
    plot.valueAxis.labels.fontSize = plot.categoryAxis.labels.fontSize = LABEL_SIZE
    labels = list(chart.labels)
    step = max(1, -(-len(labels) // 13))
    plot.categoryAxis.categoryNames = [label if i % step == 0 else "" for i, label in enumerate(labels)]
    plot.categoryAxis.labels.angle = 30
    plot.categoryAxis.labels.boxAnchor = "ne"
    for i in range(len(plot.data)):
        colour = COLOURS[i % len(COLOURS)]
        if chart.kind == "line":
            plot.lines[i].strokeColor = colour
            plot.lines[i].strokeWidth = 1.2
        else:
            plot.bars[i].fillColor = colour
            plot.bars[i].strokeColor = None
    out.add(plot)
    if chart.unit:
        out.add(String(0, plot.y + plot.height + 6, chart.unit, fontName=CJK_FONT, fontSize=LABEL_SIZE))
    _legend(out, list(series), x=plot.x, y=8)
    return out


def _legend(out: Drawing, names: list[str], *, x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = CJK_FONT, LABEL_SIZE + 1
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.colorNamePairs = [(COLOURS[i % len(COLOURS)], name) for i, name in enumerate(names)]
    out.add(legend)


def _shares(out: Drawing, chart: ChartData, width: float, height: float) -> None:
    parts = [(label, float(value)) for label, value in chart.parts if value]
    if not parts:
        return
    total = sum(v for _label, v in parts)
    pie = Pie()
    size = min(height - TITLE_SIZE - 24, width / 3)
    pie.x, pie.y, pie.width, pie.height = 20, 10, size, size
    pie.data = [v for _label, v in parts]
    pie.labels = None
    for i in range(len(parts)):
        pie.slices[i].fillColor = COLOURS[i % len(COLOURS)]
        pie.slices[i].strokeColor = colors.white
    out.add(pie)
    legend = Legend()
    legend.x, legend.y = pie.x + size + 30, pie.y + size
    legend.fontName, legend.fontSize = CJK_FONT, LABEL_SIZE + 1
    legend.alignment = "right"
    legend.colorNamePairs = [
        (COLOURS[i % len(COLOURS)], f"{label}: {grouped(value)} ({value / total:.0%})")
        for i, (label, value) in enumerate(parts)
    ]
    out.add(legend)
