"""Charts as inline SVG (pygal), rendered on the server: no script, light on a phone."""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from pygal.style import Style

STYLE = Style(
    background="transparent", plot_background="transparent", font_family="sans-serif",
    colors=("#417690", "#e0a030", "#79aec8", "#ba2121", "#5b8c3a"), label_font_size=11, major_label_font_size=11,
    legend_font_size=12, value_font_size=10, title_font_size=14,
)  # fmt: skip
COMMON = {
    "style": STYLE,
    "js": [],
    "disable_xml_declaration": True,
    "explicit_size": False,
    "height": 260,
    "width": 720,
}


def _render(chart) -> str:
    return chart.render(is_unicode=True)


def trend(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]]) -> str:
    """Lines over periods (e.g. gross profit per week, and a year before)."""
    chart = pygal.Line(title=title, x_label_rotation=30, show_minor_x_labels=False, dots_size=2, **COMMON)
    chart.x_labels = list(labels)
    chart.x_labels_major = list(labels)[:: max(1, len(labels) // 8)]
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return _render(chart)


def bars(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]]) -> str:
    chart = pygal.Bar(title=title, x_label_rotation=30, **COMMON)
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return _render(chart)


def shares(title: str, parts: Sequence[tuple[str, float]]) -> str:
    """Parts of a whole (mix by price class or band) as a half pie."""
    chart = pygal.Pie(title=title, half_pie=True, inner_radius=0.45, **{**COMMON, "height": 220})
    for label, value in parts:
        if value:
            chart.add(label, float(value))
    return _render(chart)
