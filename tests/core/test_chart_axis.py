"""The value axis of a chart holds its data: the top gridline is at or above the largest value."""

import re

import pytest

from core.reports import charts


def y_axis_labels(svg: str) -> list[float]:
    """The numbers written along a pygal chart's value axis (thousands separators dropped)."""
    axis = svg[svg.index('class="axis y') :]
    axis = axis[: axis.index('class="axis x')] if 'class="axis x' in axis else axis
    return [float(t.replace(",", "")) for t in re.findall(r"<text[^>]*>([-\d.,]+)</text>", axis)]


@pytest.mark.parametrize(
    ("values", "zero", "expected"),
    [
        # 85 and 103 from zero: (103 − 0) / 5 = 20.6 → step 25; 0, 25, …, 125 (the first ≥ 103)
        ([85.0, 103.0], True, [0, 25, 50, 75, 100, 125]),
        # 85 and 100 from zero: 100 / 5 = 20 → step 20; 0 … 100 (100 is itself on the grid)
        ([85.0, 100.0], True, [0, 20, 40, 60, 80, 100]),
        # an index 99.2 … 103.1 not from zero: 3.9 / 5 = 0.78 → step 1; 99 … 104
        ([99.2, 103.1], False, [99, 100, 101, 102, 103, 104]),
        # amounts 324,000 … 512,345 from zero: 102,469 → step 200,000; 0 … 600,000
        ([324_000.0, 512_345.0], True, [0, 200_000, 400_000, 600_000]),
    ],
)
def test_value_axis_is_round_and_holds_the_data(values, zero, expected):
    assert charts.value_axis(values, zero=zero) == pytest.approx(expected)


def test_the_drawn_axis_tops_the_data_with_a_zero_baseline():
    # the compliance walker's case: a rate about 85 and an index about 100–103 on a zero baseline;
    # pygal's own labels stopped at 80 or 100, below the lines
    svg = charts.trend("t", ["1", "2", "3"], {"a": [85.2, 86.0, 84.1], "b": [100.4, 103.0, None]})
    labels = y_axis_labels(svg)
    assert labels[0] == 0
    assert max(labels) >= 103.0
    bars = charts.bars("t", ["a", "b"], {"x": [1_234.0, 5_678.0]})
    assert max(y_axis_labels(bars)) >= 5_678.0
    assert min(y_axis_labels(bars)) == 0


def test_an_index_axis_need_not_start_at_zero():
    labels = y_axis_labels(charts.trend("t", ["1", "2"], {"i": [99.2, 103.1]}, zero=False))
    assert min(labels) <= 99.2
    assert max(labels) >= 103.1
    assert min(labels) > 0


def test_index_axis_labels_differ_golden():
    # tester: an index of 99.7, 99.8, 99.75 had its axis written 99.8, 99.8, 99.8, 99.7, 99.7 (one
    # decimal for steps of 0.02); by hand: (99.8 − 99.7) / 5 = 0.02 → step 0.02, two decimals
    ticks = charts.value_axis([99.7, 99.8, 99.75], zero=False)
    assert charts.tick_labels(ticks) == ["99.70", "99.72", "99.74", "99.76", "99.78", "99.80"]
    # steps of 0.5 around 100 were all written "100"
    assert charts.tick_labels([99.0, 99.5, 100.0, 100.5]) == ["99.0", "99.5", "100.0", "100.5"]
    assert charts.tick_labels([0, 200_000, 400_000]) == ["0", "200,000", "400,000"]


@pytest.mark.parametrize("size", ["wide", "phone"])
def test_price_index_chart_holds_100_plus_minus_2_and_marks_100_golden(size):
    # an index around 100 on a fixed range of at least 100 ± 2 (a 0.1 wobble looks small, not a deep V),
    # by hand: (102 − 98) / 5 (wide) or / 4 (phone) → step 1; the guide price line drawn at 100
    svg = charts.trend(
        "价格指数", ["11-06", "11-13", "11-20"], {"价格指数": [99.7, 99.8, 99.75]},
        zero=False, around=("指导价 = 100", 100.0), size=size,
    )  # fmt: skip
    axis = svg[svg.index('class="axis y') : svg.index('class="axis x')]
    assert re.findall(r"<text[^>]*>([-\d.,]+)</text>", axis) == ["98", "99", "100", "101", "102"]
    assert "指导价 = 100" in svg  # the line's name in the legend
    assert re.search(r"\.serie-1\{stroke-width:1\.5;stroke-dasharray:6,4\}", svg)  # the second series, dashed
    # a wider index keeps its own range
    wide = y_axis_labels(charts.trend("t", ["1", "2"], {"i": [95.2, 103.1]}, zero=False, around=("100", 100.0)))
    assert min(wide) <= 95.2
    assert max(wide) >= 103.1
