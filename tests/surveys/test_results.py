"""Survey results through the selectors, figures worked out by hand (docs/domain.md §9). The answers
are those of `answered_waves` (conftest): rescaled 1–5 → 0, 25, 50, 75, 100."""

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from surveys.selectors import (
    MANAGER_MIN_ANSWERS,
    NO_KEY,
    DimensionInfo,
    _Loaded,
    _shown_to_managers,
    _table,
    group_satisfaction,
    wave_results,
)
from surveys.services import wave_close, wave_open
from tests.factories import RetailerFactory
from tests.surveys.conftest import answer, make_wave

# Current wave, per respondent (A = mean of A1, A2; B = B1; O = the overall question):
#   a1 A 100 B 100 O 100 · a2 75 75 75 · a3 50 50 50 · a4 (25 + 75) / 2 = 50, 50, 75 · a5 0 0 0
#   b1 (100 + 50) / 2 = 75, B –, 75 · b2 25 25 25
# Previous wave: a1–a5 50 50 · a6 100 100 · b1 0 0


def test_supervisor_sees_every_figure(answered_waves, supervisor):
    previous, current = answered_waves
    r = wave_results(wave=current, user=supervisor, levels=["manager", "tier_band", "format"])
    assert (r.sampled, r.answered) == (9, 7)
    assert r.previous == previous
    # A = (100 + 75 + 50 + 50 + 0 + 75 + 25) / 7 = 375 / 7 = 53.5714; B = (100 + 75 + 50 + 50 + 0 + 25) / 6 = 50
    assert r.total.dimensions["a"] == pytest.approx(375 / 7)
    assert r.total.dimensions["b"] == pytest.approx(50)
    # overall = (53.5714 + 50) / 2 = 51.7857
    assert r.total.overall == pytest.approx((375 / 7 + 50) / 2)
    # the overall question: (100 + 75 + 50 + 75 + 0 + 75 + 25) / 7 = 400 / 7 = 57.1429
    assert r.overall_item == pytest.approx(400 / 7)
    # previous: A = (5 × 50 + 100 + 0) / 7 = 50, B = 50, overall 50 → changes +3.5714, 0, +1.7857
    assert r.total.before == {"a": pytest.approx(50), "b": pytest.approx(50)}
    assert r.total.changes["a"] == pytest.approx(375 / 7 - 50)
    assert r.total.changes["b"] == pytest.approx(0)
    assert r.total.overall_change == pytest.approx((375 / 7 + 50) / 2 - 50)
    # previous overall question: (5 × 50 + 100 + 0) / 7 = 50
    assert r.overall_item_change == pytest.approx(400 / 7 - 50)


def test_supervisor_by_manager_tier_band_and_format(answered_waves, supervisor, manager_a, manager_b):
    _previous, current = answered_waves
    r = wave_results(wave=current, user=supervisor, levels=["manager", "tier_band", "format"])
    rows = {g.key: g for g in r.groups["manager"]}
    # manager_a: a1–a5: A = (100 + 75 + 50 + 50 + 0) / 5 = 55, B = 55, overall 55; before: (5 × 50 + 100) / 6 = 58.33
    a = rows[manager_a.pk]
    assert (a.answers, a.overall, a.dimensions) == (5, pytest.approx(55), {"a": pytest.approx(55), "b": pytest.approx(55)})
    assert a.overall_change == pytest.approx(55 - 350 / 6)
    # manager_b: b1, b2: A = (75 + 25) / 2 = 50, B = 25 (b2 only), overall (50 + 25) / 2 = 37.5; before: b1's 0
    b = rows[manager_b.pk]
    assert (b.answers, b.overall, b.dimensions["a"], b.dimensions["b"]) == (2, 37.5, 50, 25)
    assert b.overall_change == pytest.approx(37.5)
    assert [g.key for g in r.groups["manager"]] == [manager_a.pk, manager_b.pk]  # highest overall first
    bands = [(g.label, g.answers) for g in r.groups["tier_band"]]
    assert bands == [("D21–D30", 2), ("D11–D20", 2), ("D1–D10", 3)]  # from the highest tiers down
    # D21–D30: a4, a5: A = (50 + 0) / 2 = 25, B = (50 + 0) / 2 = 25
    band = next(g for g in r.groups["tier_band"] if g.label == "D21–D30")
    assert band.overall == pytest.approx(25)
    assert {g.label: g.answers for g in r.groups["format"]} == {"便利店": 7}


def test_importance_performance(answered_waves, supervisor):
    _previous, current = answered_waves
    r = wave_results(wave=current, user=supervisor, levels=["manager"])
    points = {p.code: p for p in r.ipa}
    # A against O, in units of 25: x = 4 3 2 2 0 3 1, y = 4 3 2 3 0 3 1 (n 7, Σx 15, Σy 16)
    # Sxy = 45 − 15 × 16 / 7 = 75/7; Sxx = 43 − 225/7 = 76/7; Syy = 48 − 256/7 = 80/7
    # r = 75 / √(76 × 80) = 75 / 77.974 = 0.961854
    assert points["a"].importance == pytest.approx(0.961854, abs=1e-6)
    assert points["a"].pairs == 7
    # B (b1 said "don't know"): x = 4 3 2 2 0 1, y = 4 3 2 3 0 1 (n 6, Σx 12, Σy 13)
    # Sxy = 36 − 156/6 = 10; Sxx = 34 − 24 = 10; Syy = 39 − 169/6 = 65/6; r = 10 / √(10 × 65/6) = 0.960769
    assert points["b"].importance == pytest.approx(0.960769, abs=1e-6)
    # lines: performance (53.571 + 50) / 2 = 51.786, importance (0.961854 + 0.960769) / 2 = 0.961311
    # A is above both (keep it up), B below both (improve later)
    assert (points["a"].quadrant, points["b"].quadrant) == ("keep", "secondary")
    assert points["a"].performance == pytest.approx(375 / 7)


def test_a_manager_sees_only_figures_over_five_answers_of_their_own_retailers(answered_waves, manager_a, manager_b):
    _previous, current = answered_waves
    assert MANAGER_MIN_ANSWERS == 5
    r = wave_results(wave=current, user=manager_a, levels=["tier_band", "format"])
    # manager_a's 5 answers: A 55, B 55, overall 55 (shown); the previous wave's 6: 58.33 → −3.33
    assert (r.sampled, r.answered) == (6, 5)
    assert (r.total.overall, r.total.dimensions) == (55, {"a": 55, "b": 55})
    assert r.total.overall_change == pytest.approx(55 - 350 / 6)
    # by tier band: D1–D10 a1–a3 (3 answers) and D21–D30 a4, a5 (2): each under 5 → both hidden
    assert {g.label: (g.answers, g.overall, g.dimensions["a"]) for g in r.groups["tier_band"]} == {
        "D1–D10": (3, None, None), "D21–D30": (2, None, None),
    }  # fmt: skip
    # by format: the convenience stores a1–a5 (5 answers): shown, = the total
    assert [(g.label, g.answers, g.overall) for g in r.groups["format"]] == [("便利店", 5, 55)]
    assert r.ipa
    assert {p.code for p in r.ipa} == {"a", "b"}
    # manager_b: 2 answers: nothing at all, no importance either
    rb = wave_results(wave=current, user=manager_b, levels=["tier_band"])
    assert rb.answered == 2
    assert rb.total.overall is None
    assert rb.total.dimensions == {"a": None, "b": None}
    assert rb.total.overall_change is None
    assert rb.overall_item is None
    assert all(g.overall is None for g in rb.groups["tier_band"])
    assert rb.ipa == []


def test_a_manager_is_refused_other_groupings(answered_waves, manager_a):
    with pytest.raises(ValueError, match="offered"):
        wave_results(wave=answered_waves[1], user=manager_a, levels=["manager"])


def test_group_satisfaction_is_the_managers_figure_never_the_retailers_own(answered_waves, shops, manager_a):
    _previous, current = answered_waves
    frame = group_satisfaction(retailer_ids=None)
    assert list(frame.columns) == ["index", "wave_id", "answers"]
    assert len(frame) == 9
    # manager_a in June: both tier bands under 5 answers (3 and 2) → hidden; all 5 answers: 55 (shown on their
    # page). Every one of their shops gets 55, answered or not, whatever its own answers (a1 100, a5 0; a6 none).
    for key in ("a1", "a5", "a6"):
        assert frame.loc[shops[key].pk].tolist() == [55.0, current.pk, 5]
    # manager_b: 2 answers in June, 1 in January: never 5 → nothing, though b1 and b2 answered
    for key in ("b1", "b2", "b3"):
        assert math.isnan(frame.loc[shops[key].pk, "index"])
        assert frame.loc[shops[key].pk, "answers"] == 0
    page = wave_results(wave=current, user=manager_a, levels=["tier_band"])
    assert page.total.overall == 55  # the figure manager_a reads on the results page


def test_group_satisfaction_by_tier_band_where_the_page_shows_it(answered_waves, shops, manager_a, supervisor):
    # A later wave: five new D5 shops of manager_a all 5s (100), five new D25 shops all 2s (25); a1–a6 silent.
    extra = {f"t{i}": RetailerFactory(manager=manager_a, tier=5) for i in range(5)}
    extra |= {f"u{i}": RetailerFactory(manager=manager_a, tier=25) for i in range(5)}
    extra["m"] = RetailerFactory(manager=manager_a, tier=15)  # D11–D20: no answers in its band
    extra["none"] = RetailerFactory(manager=None, tier=5)
    wave = make_wave(answered_waves[1].questionnaire, opens_on=dt.date(2026, 9, 1), closes_on=dt.date(2026, 9, 30))
    wave_open(wave=wave, actor=supervisor, today=dt.date(2026, 9, 1))
    wave.refresh_from_db()
    for key, shop in extra.items():
        if key[0] in "tu":
            answer(wave, shop, [5, 5, 5, 5] if key[0] == "t" else [2, 2, 2, 2])
    wave_close(wave=wave, actor=supervisor)
    ids = [shops["a1"].pk, shops["a4"].pk, extra["t0"].pk, extra["m"].pk, extra["none"].pk, shops["b1"].pk]
    frame = group_satisfaction(retailer_ids=ids)
    assert list(frame.index) == sorted(ids)
    # D1–D10: 5 answers of 100 → 100 (a1 answered 100 in June, t0 100 now: both the band's figure)
    assert frame.loc[shops["a1"].pk].tolist() == [100.0, wave.pk, 5]
    assert frame.loc[extra["t0"].pk].tolist() == [100.0, wave.pk, 5]
    # D21–D30: 5 answers of 25 → 25 (a4 answered 50 in June)
    assert frame.loc[shops["a4"].pk].tolist() == [25.0, wave.pk, 5]
    # D11–D20 has no answers: manager_a's 10 answers, (100 + 25) / 2 = 62.5
    assert frame.loc[extra["m"].pk].tolist() == [62.5, wave.pk, 10]
    # no manager: no figure; manager_b: none in any wave
    assert math.isnan(frame.loc[extra["none"].pk, "index"])
    assert math.isnan(frame.loc[shops["b1"].pk, "index"])
    # the same figures as manager_a's own results page
    page = wave_results(wave=wave.__class__.objects.get(pk=wave.pk), user=manager_a, levels=["tier_band"])
    assert {g.label: g.overall for g in page.groups["tier_band"]} == {"D1–D10": 100, "D21–D30": 25}
    assert page.total.overall == 62.5


def test_group_satisfaction_ignores_open_waves(questionnaire, shops, supervisor):
    wave = make_wave(questionnaire, opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 30))
    wave_open(wave=wave, actor=supervisor, today=dt.date(2026, 6, 1))
    wave.refresh_from_db()
    for key in ("a1", "a2", "a3", "a4", "a5"):
        answer(wave, shops[key], [5, 5, 5, 5])
    frame = group_satisfaction(retailer_ids=[shops["a1"].pk])
    assert math.isnan(frame.loc[shops["a1"].pk, "index"])
    assert frame["wave_id"].isna().all()


def test_group_satisfaction_hides_exactly_what_each_managers_page_hides():
    """The churn score's figures are grouped once over all answers; on random worlds they are the very
    figures each manager's results page computes over that manager's answers alone (`_table` with
    MANAGER_MIN_ANSWERS, as `wave_results` does), ties in the hiding included."""
    codes = ["a", "b", "c"]
    weights = pd.Series([1.0, 2.0, 1.0], index=codes)
    shown = 0
    for seed in range(60):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(5, 120))
        keys = pd.DataFrame({"manager": rng.integers(-1, 6, n), "tier_band": rng.choice(["D1–D10", "D11–D20", ""], n)})
        scores = rng.choice([0, 25, 50, 75, 100, np.nan], (n, 3), p=[0.2, 0.2, 0.2, 0.2, 0.1, 0.1])
        loaded = _Loaded(keys=keys, dims=pd.DataFrame(scores, columns=codes), overall_item=None, weights=weights,
                         dimensions=[DimensionInfo(c, c, 1.0) for c in codes])  # fmt: skip
        by_band, by_manager = _shown_to_managers(loaded)
        expected_band, expected_manager = {}, {}
        for manager in sorted(set(keys["manager"]) - {NO_KEY}):
            mine = (keys["manager"] == manager).to_numpy()
            page = replace(loaded, keys=keys[mine], dims=loaded.dims[mine])
            for band, row in _table(page, "tier_band", MANAGER_MIN_ANSWERS).iterrows():
                if not math.isnan(row["overall"]):
                    expected_band[(manager, band)] = (pytest.approx(row["overall"]), int(row["answers"]))
            total = _table(page, None, MANAGER_MIN_ANSWERS).iloc[0]
            if not math.isnan(total["overall"]):
                expected_manager[manager] = (pytest.approx(total["overall"]), int(total["answers"]))
        assert by_band == expected_band
        assert by_manager == expected_manager
        shown += len(by_band) + len(by_manager)
    assert shown > 100  # the worlds show figures, not only hide them
