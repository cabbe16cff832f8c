"""Charts as inline SVG (pygal), rendered on the server: no script, light on a phone.

`trend`, `bars` and `shares` draw at the width of the box they are put in (`width="100%"`, the
height following the drawing's proportions), so a chart fills the content area on a desktop and a
phone alike; `size="phone"` draws a narrower picture with bigger letters, so its labels stay
readable (≥ 11 px) when a 360 px screen shrinks it to ~300 px. Amounts compared side by side start
at zero, the value axis runs to a round number at or above the largest value (`value_axis`), the unit goes in the axis title, values carry thousands separators, and a series without
a single value gets no legend entry. `ChartData` keeps a chart's figures apart from its drawing, so
a PDF can draw the same chart (`core.reports.pdf_charts`).

The admin's report pages are read on a desk and on a phone: `any_screen` draws a chart at both
sizes, one after the other, each marked `data-screen`, and the admin's stylesheet shows the wide
one from 768 px and the phone one below (core/static/core/admin_pages.css); a 960-wide drawing
shrunk into a 328 px box was 116 px high with 4 px letters. On a phone, bars lie on their side
(category names down the left, read across) and the plot grows with their number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pygal
from django.utils.formats import number_format
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
# Letters in drawing units; the picture is scaled to its box: 960 wide in a ~1,100 px admin content
# area is ×1.15 (13 px → 15 px), 360 wide in a ~300 px phone card is ×0.83 (14 px → 11.7 px).
WIDE_STYLE = Style(
    background="transparent", plot_background="transparent", font_family="sans-serif", colors=STYLE.colors,
    label_font_size=13, major_label_font_size=13, legend_font_size=14, value_font_size=12, title_font_size=16,
    value_label_font_size=12,
    tooltip_font_size=13,
)  # fmt: skip
PHONE_STYLE = Style(
    background="transparent", plot_background="transparent", font_family="sans-serif", colors=STYLE.colors,
    label_font_size=14, major_label_font_size=14, legend_font_size=14, value_font_size=14, title_font_size=15,
    value_label_font_size=14,
    tooltip_font_size=14,
)  # fmt: skip
SIZES = {
    "wide": {"width": 960, "height": 340, "style": WIDE_STYLE},
    "phone": {"width": 360, "height": 300, "style": PHONE_STYLE},
}
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
X_LABELS = {"wide": 8, "phone": 4}  # at most this many period labels under a time axis


@dataclass(frozen=True)
class ChartData:
    """One chart's figures: `kind` is "line", "bars" or "shares" (`parts` only for shares)."""

    kind: str
    title: str
    labels: list[str] = field(default_factory=list)
    series: dict[str, list] = field(default_factory=dict)
    unit: str = ""
    parts: list[tuple[str, float]] = field(default_factory=list)

    def svg(self, *, size: str = "wide") -> str:
        if self.kind == "shares":
            return shares(self.title, self.parts, size=size)
        draw = trend if self.kind == "line" else bars
        return draw(self.title, self.labels, self.series, unit=self.unit, size=size)

    def any_screen(self) -> str:
        """The chart drawn wide and for a phone (`any_screen`)."""
        return any_screen(self.svg)


def grouped(value: float) -> str:
    """A value with thousands separators in the active language (1,234,567 in Chinese and English),
    without decimals from 100 up."""
    places = 0 if abs(value) >= 100 or float(value).is_integer() else 1
    return number_format(round(value, places), places, force_grouping=True)


def with_data(series: dict[str, Sequence[float | None]]) -> dict[str, list[float | None]]:
    """The series that have at least one value, as floats (None stays a gap)."""
    out = {}
    for name, values in series.items():
        points = [None if v is None else float(v) for v in values]
        if any(v is not None for v in points):
            out[name] = points
    return out


def _options(size: str) -> dict:
    return {
        **COMMON, **SIZES[size], "value_formatter": grouped, "legend_at_bottom": True, "truncate_legend": -1, "truncate_label": -1,
        "max_scale": 8 if size == "wide" else 5,  # value axis labels: a few round numbers, not every 100
    }  # fmt: skip


def _render(chart) -> str:
    svg = chart.render(is_unicode=True).replace("<svg ", '<svg width="100%" ', 1)
    return SCRIPT.sub("", svg)  # pygal's config script for its tooltips, which we do not load (CSP: no inline script)


def any_screen(draw: Callable[..., str], /, *args, **kwargs) -> str:
    """`draw(*args, **kwargs)` at both sizes, wide first, each `<svg>` marked `data-screen="wide"` or
    `"phone"` for the stylesheet to show one by the screen's width. Nothing for a chart not drawn."""
    out = []
    for size in SIZES:
        svg = draw(*args, size=size, **kwargs)
        if not svg:
            return ""
        out.append(svg.replace("<svg ", f'<svg data-screen="{size}" ', 1))
    return "".join(out)


def value_axis(
    values: Sequence[float | None],
    *,
    zero: bool = True,
    ticks: int = 5,
    around: float | None = None,
    spread: float = 2.0,
) -> list[float]:
    """Round gridline values for a value axis whose range holds every value: from zero (or a round
    number at or below the smallest value when `zero=False`) up to a round number at or above the
    largest, about `ticks` steps of 1, 2, 2.5 or 5 × 10ⁿ. Pygal's own labels stop at the last round
    number below the largest value, so a line at 103 was drawn above a top gridline of 100.
    `around` (an index around 100): the range holds at least `around` ± `spread` as well, so a
    wobble of 0.1 looks small, not a deep V across the whole picture."""
    points = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not points:
        return []
    low, high = min(points), max(points)
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if around is not None:
        low, high = min(low, around - spread), max(high, around + spread)
    if high == low:
        high, low = (high + 1, low - 1) if not zero else (high or 1.0, low)
    raw = (high - low) / max(1, ticks)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start, stop = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(k * step, 10) for k in range(start, stop + 1)]


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """The value axis's labels, with as many decimals as its steps need and no more (0, 25, 50; 99.5,
    100.0, 100.5; 99.72, 99.74), thousands separators in the active language: `grouped` wrote 99.72
    and 99.74 both as 99.7, and 99.6 … 100.4 as 100 on every gridline."""
    places = next(
        (p for p in range(5) if all(abs(round(t, p) - t) < 1e-9 for t in ticks)),
        5,
    )
    return [number_format(round(t, places), places, force_grouping=True) for t in ticks]


def _value_axis(
    chart, series: dict[str, list[float | None]], *, zero: bool, size: str, around: float | None = None
) -> None:
    """Put the value axis's gridlines on `value_axis`, so the top gridline is at or above the data,
    each labelled by `tick_labels`."""
    values = [v for values in series.values() for v in values]
    ticks = value_axis(values, zero=zero, ticks=5 if size == "wide" else 4, around=around)
    if ticks:
        chart.y_labels = [{"label": text, "value": t} for text, t in zip(tick_labels(ticks), ticks, strict=True)]
        chart.range = (ticks[0], ticks[-1])


def _time_labels(chart, labels: Sequence[str], size: str) -> None:
    chart.x_labels = list(labels)
    chart.x_labels_major = list(labels)[:: max(1, -(-len(labels) // X_LABELS[size]))]


def trend(
    title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *, unit: str = "",
    size: str = "wide", zero: bool = True, around: tuple[str, float] | None = None,
) -> str:  # fmt: skip
    """Lines over periods (e.g. gross profit per week, and a year before); the value axis starts at
    zero unless `zero=False` (an index around 100). `around` = (name, value), for an index: a dashed
    line at the value, named in the legend (指导价 = 100), and a value axis holding at least the value
    ± 2 (`value_axis`)."""
    extra = {}
    if size == "phone":  # the last period's label, level and centred under its point, stays on the picture
        extra["margin_right"] = max(20, math.ceil(0.3 * PHONE_STYLE.label_font_size * max(map(len, labels), default=0)))
    chart = pygal.Line(
        title=title, y_title=unit or None, show_minor_x_labels=False, dots_size=2, include_x_axis=zero,
        x_label_rotation=0 if size == "phone" else 30, **_options(size), **extra,
    )  # fmt: skip
    _time_labels(chart, labels, size)
    drawn = with_data(series)
    _value_axis(chart, drawn, zero=zero, size=size, around=around[1] if around and drawn else None)
    for name, values in drawn.items():
        chart.add(name, values)
    if around and drawn:
        name, value = around
        chart.add(name, [float(value)] * len(labels), show_dots=False, stroke_style={"width": 1.5, "dasharray": "6, 4"})
    return _render(chart)


def bars(
    title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *, unit: str = "",
    size: str = "wide",
) -> str:  # fmt: skip
    """Bars side by side from a zero baseline; for a phone, bars on their side, names read across,
    the first at the top."""
    drawn = with_data(series)
    if size == "phone":
        height = max(SIZES["phone"]["height"], 120 + len(labels) * (10 + 14 * max(1, len(drawn))))
        names = [_short(label) for label in reversed(labels)]  # pygal puts the first bar at the bottom
        # pygal leaves room for a name as if each character were 0.6 em wide; a Chinese one is 1 em
        room = 20 + math.ceil(0.4 * PHONE_STYLE.label_font_size * max(map(_wide_chars, names), default=0))
        chart = pygal.HorizontalBar(
            title=title, x_title=unit or None, include_x_axis=True, margin_left=room,
            **{**_options(size), "height": height},
        )  # fmt: skip
        chart.x_labels = names
        drawn = {name: values[::-1] for name, values in drawn.items()}
    else:
        chart = pygal.Bar(title=title, y_title=unit or None, include_x_axis=True, x_label_rotation=30, **_options(size))
        chart.x_labels = list(labels)
    _value_axis(chart, drawn, zero=True, size=size)
    for name, values in drawn.items():
        chart.add(name, values)
    return _render(chart)


def _wide_chars(text: str) -> int:
    return sum(ord(char) > 0x2E7F for char in text)  # CJK letters and punctuation: a full em wide


def _short(label: str, most: int = 16) -> str:
    """A name beside a phone's bar cut with an ellipsis to `most` half-width places (a Chinese
    character takes two)."""
    places = 0
    for i, char in enumerate(label):
        places += 2 if _wide_chars(char) else 1
        if places > most:
            return label[: max(1, i - 1)] + "…"
    return label


def shares(title: str, parts: Sequence[tuple[str, float]], *, size: str = "wide") -> str:
    """Parts of a whole (mix by price class or band) as a half pie; parts of nothing are left out."""
    chart = pygal.Pie(title=title, half_pie=True, inner_radius=0.45, **{**_options(size), "height": 300})
    for label, value in parts:
        if value:
            chart.add(label, float(value))
    return _render(chart)
