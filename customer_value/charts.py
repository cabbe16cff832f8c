"""The overview's charts (`core.reports.charts` style): segment shares and churn risk by manager."""

from __future__ import annotations

from collections.abc import Sequence

import pygal

from core.reports.charts import COMMON


def stacked_shares(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]]) -> str:
    """Shares of a whole per group, stacked to 100% (values are percentages)."""
    chart = pygal.StackedBar(
        title=title, x_label_rotation=30, range=(0, 100), value_formatter=lambda v: f"{v:.1f}%", **COMMON
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return chart.render(is_unicode=True)


def values_bar(title: str, labels: Sequence[str], values: Sequence[float | None]) -> str:
    """One bar per group, no legend (the title names the measure)."""
    chart = pygal.Bar(
        title=title, x_label_rotation=30, show_legend=False, value_formatter=lambda v: f"{v:.1f}", **COMMON
    )
    chart.x_labels = list(labels)
    chart.add(title, [None if v is None else float(v) for v in values])
    return chart.render(is_unicode=True)
