"""Reads: a retailer's open surveys, a wave's results (indices by group, the change on the previous
wave, importance–performance), and for the churn score each retailer's group satisfaction (its
manager's answers in its tier band as that manager's results page shows them, never its own answers;
docs/domain.md §9).

Who sees what. A supervisor sees every figure of every wave. A customer manager sees a wave's results
only once it has closed (no figure moves under their eyes as answers come in), only over the answers
of the retailers that were theirs when the sample was drawn, and only figures over at least
`MANAGER_MIN_ANSWERS` answers, nothing that could be worked back to fewer (`engine.index.hide_small`);
never an answer of one retailer. A retailer sees only its own invitations.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import Role
from retailers.models import CountyBranch, MarketDepartment, Retailer
from retailers.vocabulary import BusinessFormat

from .engine.index import (
    OVERALL_ITEM,
    dimension_scores,
    group_index,
    hide_small,
    importance,
    overall_item_scores,
)
from .engine.sampling import tier_bands
from .models import Dimension, Invitation, Item, Wave, WaveStatus

MANAGER_MIN_ANSWERS = 5
LEVELS = ("manager", "department", "branch", "tier_band", "format")
MANAGER_LEVELS = ("tier_band", "format")
_KEY_COLUMNS = {"manager": "manager", "department": "department", "branch": "branch", "tier_band": "tier_band",
                "format": "business_format"}  # fmt: skip
NO_KEY = -1


def level_label(level: str) -> str:
    return {
        "manager": _("customer manager"), "department": _("market department"), "branch": _("county branch"),
        "tier_band": _("tier band"), "format": _("business format"),
    }[level]  # fmt: skip


def levels_for(user) -> tuple[str, ...]:
    return LEVELS if user.is_supervisor else MANAGER_LEVELS


def can_see_results(*, user, wave: Wave) -> bool:
    """Supervisors: any wave that has opened. Managers: closed waves only."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_supervisor:
        return wave.status != WaveStatus.DRAFT
    return user.role == Role.MANAGER and wave.status == WaveStatus.CLOSED


def waves_visible_to(*, user):
    """The waves whose results the user may open (managers: the closed ones)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Wave.objects.none()
    if user.is_supervisor:
        return Wave.objects.all()
    if user.role == Role.MANAGER:
        return Wave.objects.filter(status=WaveStatus.CLOSED)
    return Wave.objects.none()


# --- the retailer's side -------------------------------------------------------------------------


def retailer_invitations(*, retailer: Retailer, today) -> list[Invitation]:
    """The retailer's invitations to waves that are open today or that it has answered, newest first."""
    found = Invitation.objects.filter(retailer=retailer).exclude(wave__status=WaveStatus.DRAFT).select_related("wave")
    return [
        i for i in found.order_by("-wave__opens_on", "-wave_id") if i.answered_at is not None or i.wave.is_open_on(today)
    ]


@dataclass
class Question:
    item: Item
    section: str


def wave_questions(wave: Wave) -> list[Question]:
    """The wave's questions in the order asked, each with the name of its section."""
    items = {i.pk: i for i in Item.objects.filter(pk__in=wave.item_ids).select_related("dimension")}
    return [
        Question(items[pk], items[pk].dimension.name if items[pk].dimension else _("Overall"))
        for pk in wave.item_ids
        if pk in items
    ]


# --- results -------------------------------------------------------------------------------------


@dataclass
class DimensionInfo:
    code: str
    name: str
    weight: float


@dataclass
class GroupRow:
    key: object
    label: str
    answers: int
    overall: float | None
    dimensions: dict[str, float | None]
    overall_before: float | None = None  # the previous wave's, same group
    before: dict[str, float | None] = field(default_factory=dict)

    @property
    def overall_change(self) -> float | None:
        return _change(self.overall, self.overall_before)

    @property
    def changes(self) -> dict[str, float | None]:
        return {c: _change(v, self.before.get(c)) for c, v in self.dimensions.items()}


@dataclass
class IpaRow:
    code: str
    name: str
    performance: float | None
    importance: float | None
    pairs: int
    quadrant: str


@dataclass
class WaveResults:
    wave: Wave
    previous: Wave | None
    dimensions: list[DimensionInfo]
    sampled: int
    answered: int
    total: GroupRow
    overall_item: float | None  # the overall question's index, 0–100
    overall_item_before: float | None
    groups: dict[str, list[GroupRow]]  # per level
    ipa: list[IpaRow]
    minimum: int | None  # figures over fewer answers are hidden (managers); None: nothing hidden

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.sampled if self.sampled else None

    @property
    def overall_item_change(self) -> float | None:
        return _change(self.overall_item, self.overall_item_before)


@dataclass
class _Loaded:
    keys: pd.DataFrame
    dims: pd.DataFrame
    overall_item: pd.Series | None
    weights: pd.Series
    dimensions: list[DimensionInfo]


def _dimensions(wave: Wave) -> list[DimensionInfo]:
    return [
        DimensionInfo(d.code, d.name, float(d.weight))
        for d in Dimension.objects.filter(questionnaire_id=wave.questionnaire_id).order_by("position", "pk")
    ]


def _score_matrix(texts, width: int) -> np.ndarray:
    """The stored score lists (JSON text, "[5, 4, null, 3]") as one float matrix, NaN for null,
    parsed by pandas' CSV reader in one pass (json.loads per row was most of a 20,000-answer read)."""
    if len(texts) == 0:
        return np.zeros((0, width))
    joined = "\n".join(str(t).strip()[1:-1] for t in texts)
    if joined.count(",") != len(texts) * (width - 1):
        raise ValueError(f"stored answers do not have {width} scores each")
    frame = pd.read_csv(io.StringIO(joined), header=None, names=range(width), na_values=["null"],
                        skipinitialspace=True, dtype=float)  # fmt: skip
    return frame.to_numpy(dtype=float)


def _load(wave: Wave, manager_id: int | None) -> _Loaded:
    """The wave's answers (of one manager's retailers, if given) as dimension scores per respondent."""
    dimensions = _dimensions(wave)
    codes = dict(Item.objects.filter(pk__in=wave.item_ids).values_list("pk", "dimension__code"))
    item_dimensions = [codes.get(pk) or OVERALL_ITEM for pk in wave.item_ids]
    table = connection.ops.quote_name(Invitation._meta.db_table)
    sql = (
        f"SELECT manager_id, department_id, branch_id, tier_band, business_format, CAST(scores AS TEXT) FROM {table} "  # noqa: S608 - our table's name
        "WHERE wave_id = %s AND answered_at IS NOT NULL"
    )
    params: list = [wave.pk]
    if manager_id is not None:
        sql += " AND manager_id = %s"
        params.append(manager_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=["manager", "department", "branch", "tier_band", "business_format", "scores"])
    keys = frame[["manager", "department", "branch", "tier_band", "business_format"]].copy()
    for column in ("manager", "department", "branch"):
        keys[column] = keys[column].fillna(NO_KEY).astype(np.int64)
    for column in ("tier_band", "business_format"):
        keys[column] = keys[column].fillna("").astype(str)
    scores = _score_matrix(frame["scores"].tolist(), len(item_dimensions))
    scale = wave.questionnaire.scale_range
    code_list = [d.code for d in dimensions]
    return _Loaded(
        keys=keys,
        dims=dimension_scores(scores, item_dimensions, code_list, scale),
        overall_item=overall_item_scores(scores, item_dimensions, scale),
        weights=pd.Series({d.code: d.weight for d in dimensions}, dtype=float),
        dimensions=dimensions,
    )


def _figure(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _table(loaded: _Loaded, level: str | None, minimum: int | None) -> pd.DataFrame:
    """Index per group (rows; NaN = none or hidden) with `answers`; `level` None: all answers as one group."""
    groups = None if level is None else loaded.keys[_KEY_COLUMNS[level]]
    index, counts = group_index(loaded.dims, groups, loaded.weights)
    if minimum is not None:
        index, _mask = hide_small(index, counts, minimum)
    return index.assign(answers=counts["answers"])


def _overall_item(loaded: _Loaded, minimum: int | None) -> float | None:
    if loaded.overall_item is None:
        return None
    answered = int(loaded.overall_item.notna().sum())
    if answered == 0 or (minimum is not None and answered < minimum):
        return None
    return float(loaded.overall_item.mean())


def _labels(level: str, keys) -> dict:
    keys = [k for k in keys if k != NO_KEY]
    if level == "manager":
        users = get_user_model().objects.filter(pk__in=keys)
        found = {u.pk: (u.get_full_name() or u.username) for u in users}
        return {**found, NO_KEY: _("No customer manager")}
    if level == "department":
        return {**dict(MarketDepartment.objects.filter(pk__in=keys).values_list("pk", "name")), NO_KEY: _("No market department")}
    if level == "branch":
        found = {b.pk: str(b) for b in CountyBranch.objects.filter(pk__in=keys)}
        return {**found, NO_KEY: _("No county branch")}
    if level == "tier_band":
        return {"": _("No tier")}
    return {**{c.value: str(c.label) for c in BusinessFormat}, "": _("Not given")}


def _row(key, label: str, values: pd.Series, codes: list[str], previous: pd.Series | None) -> GroupRow:
    row = GroupRow(
        key=key, label=label, answers=int(values["answers"]), overall=_figure(values["overall"]),
        dimensions={c: _figure(values.get(c)) for c in codes},
    )  # fmt: skip
    if previous is not None:
        row.overall_before = _figure(previous.get("overall"))
        row.before = {c: _figure(previous.get(c)) for c in codes}
    return row


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _band_start(label) -> int:
    """D21–D30 → 21; no tier → 0."""
    digits = str(label)[1:].split("–")[0]
    return int(digits) if digits.isdigit() else 0


def previous_wave(wave: Wave) -> Wave | None:
    """The closed wave that opened last before this one (compared dimension by dimension by code)."""
    return (
        Wave.objects.filter(status=WaveStatus.CLOSED, opens_on__lt=wave.opens_on)
        .exclude(pk=wave.pk).order_by("-opens_on", "-pk").first()
    )  # fmt: skip


def wave_results(*, wave: Wave, user, levels: Sequence[str]) -> WaveResults:
    """The results the user may see (`can_see_results` must be checked first): the index overall and
    per dimension over all answers in scope and by each of `levels`, the change on the previous
    wave, and each dimension's importance against its performance. The answers are read once."""
    offered = levels_for(user)
    if any(level not in offered for level in levels):
        raise ValueError(f"levels {list(levels)!r}: only {list(offered)!r} are offered to this user")
    manager_id = None if user.is_supervisor else user.pk
    minimum = None if user.is_supervisor else MANAGER_MIN_ANSWERS
    loaded = _load(wave, manager_id)
    codes = [d.code for d in loaded.dimensions]
    previous = previous_wave(wave)
    before = _load(previous, manager_id) if previous is not None else None

    total_now = _table(loaded, None, minimum)
    total_before = _table(before, None, minimum) if before is not None else None
    total_values = total_now.iloc[0] if len(total_now) else pd.Series({"answers": 0, "overall": np.nan})
    total = _row("all", _("All answers"), total_values, codes,
                 total_before.iloc[0] if total_before is not None and len(total_before) else None)  # fmt: skip

    groups: dict[str, list[GroupRow]] = {}
    for level in levels:
        by_level = _table(loaded, level, minimum)
        by_level_before = _table(before, level, minimum) if before is not None else None
        labels = _labels(level, list(by_level.index))
        rows = [
            _row(key, str(labels.get(key, key)), values, codes,
                 by_level_before.loc[key] if by_level_before is not None and key in by_level_before.index else None)
            for key, values in by_level.iterrows()
        ]  # fmt: skip
        if level == "tier_band":  # the bands from the highest tier down, no tier last
            rows.sort(key=lambda g: -_band_start(g.key))
        else:  # the best first, groups with no figure last
            rows.sort(key=lambda g: (g.overall is None, -(g.overall or 0), g.label))
        groups[level] = rows

    ipa_rows: list[IpaRow] = []
    if len(loaded.dims) and (minimum is None or len(loaded.dims) >= minimum):
        table = importance(loaded.dims, loaded.overall_item, loaded.weights)
        names = {d.code: d.name for d in loaded.dimensions}
        for code, values in table.iterrows():
            shown = total.dimensions.get(code) is not None
            ipa_rows.append(
                IpaRow(
                    code=str(code), name=names[code], performance=_figure(values["performance"]) if shown else None,
                    importance=_figure(values["importance"]) if shown else None, pairs=int(values["pairs"]),
                    quadrant=str(values["quadrant"]) if shown else "",
                )  # fmt: skip
            )
    overall_item = _overall_item(loaded, minimum)
    before_item = _overall_item(before, minimum) if before is not None else None
    sampled = wave.invitations.all() if manager_id is None else wave.invitations.filter(manager_id=manager_id)
    return WaveResults(
        wave=wave, previous=previous, dimensions=loaded.dimensions, sampled=sampled.count(),
        answered=len(loaded.dims), total=total, overall_item=overall_item,
        overall_item_before=before_item,
        groups=groups, ipa=ipa_rows, minimum=minimum,
    )  # fmt: skip


# --- for the churn score (customer_value) ---------------------------------------------------------


def group_satisfaction(*, retailer_ids: list[int] | None) -> pd.DataFrame:
    """Per retailer, for the churn score: `index` (0–100), the overall index of its **group** in the
    latest closed wave that gives the group one, NaN if none; `wave_id` (nullable Int64); `answers`,
    the answers behind it (0 if none). Every retailer when `retailer_ids` is None.

    Never a retailer's own answers: a manager would work them back from its churn score. The group is
    its customer manager's answers in its tier band (today's manager and tier, the wave's bands), else,
    where that figure is hidden, all of its manager's answers; each figure only where that manager's
    own results page shows it (`wave_results` with `MANAGER_MIN_ANSWERS`: over at least 5 answers,
    nothing that gives a smaller group away). So the score tells a manager nothing the results page
    does not, and a shop gets its group's figure whether or not it was drawn or answered. A retailer
    without a manager gets none."""
    shops = Retailer.objects.order_by("pk")
    if retailer_ids is not None:
        shops = shops.filter(pk__in=sorted({int(r) for r in retailer_ids}))
    registry = pd.DataFrame(
        list(shops.values_list("pk", "manager_id", "tier")), columns=["retailer", "manager", "tier"]
    )
    ids = registry["retailer"].to_numpy(np.int64)
    index = np.full(len(ids), np.nan)
    answers = np.zeros(len(ids), dtype=np.int64)
    wave_ids = np.zeros(len(ids), dtype=np.int64)  # 0: none
    managers = registry["manager"].fillna(NO_KEY).astype(np.int64).to_numpy()
    closed = Wave.objects.filter(status=WaveStatus.CLOSED).select_related("questionnaire")
    for wave in closed.order_by("-opens_on", "-pk"):
        todo = np.isnan(index) & (managers != NO_KEY)
        if not todo.any():
            break
        by_band, by_manager = _shown_to_managers(_load(wave, None))
        if not by_band and not by_manager:
            continue
        bands = tier_bands(registry["tier"], wave.tier_band_cuts)
        for i in np.flatnonzero(todo):
            figure = by_band.get((int(managers[i]), bands[i])) or by_manager.get(int(managers[i]))
            if figure is not None:
                index[i], answers[i], wave_ids[i] = figure[0], figure[1], wave.pk
    waves = pd.array(np.where(wave_ids > 0, wave_ids, 0), dtype="Int64")
    waves[wave_ids == 0] = pd.NA
    return pd.DataFrame({"index": index, "wave_id": waves, "answers": answers}, index=pd.Index(ids, name="retailer"))


Figure = tuple[float, int]  # an overall index and the answers behind it


def _shown_to_managers(loaded: _Loaded) -> tuple[dict[tuple[int, str], Figure], dict[int, Figure]]:
    """Each manager's figures as their results page shows them (`wave_results` with MANAGER_MIN_ANSWERS):
    (manager, tier band) → (overall index, answers), hidden as `hide_small` hides that manager's tier band
    breakdown, and manager → (overall index, answers) of all their answers; hidden figures left out.
    Grouped once over every answer (150 managers' 20,000 answers: one pass, not one per manager)."""
    managers = loaded.keys["manager"].to_numpy(np.int64)
    mine = managers != NO_KEY
    if not mine.any():
        return {}, {}
    dims = loaded.dims[mine]
    pairs = pd.MultiIndex.from_arrays([managers[mine], loaded.keys["tier_band"].to_numpy()[mine]])
    codes, uniques = pairs.factorize()
    index, counts = group_index(dims, codes, loaded.weights)
    groups = pd.DataFrame({"manager": uniques.get_level_values(0)[index.index], "band": uniques.get_level_values(1)[index.index]},
                          index=index.index)  # fmt: skip
    by_band: dict[tuple[int, str], Figure] = {}
    for manager, rows in groups.groupby("manager").groups.items():
        bands = pd.Index(groups.loc[rows, "band"].to_numpy())  # by label, as the page's breakdown (ties in hide_small)
        mine_index = index.loc[rows].set_axis(bands).sort_index()
        mine_counts = counts.loc[rows].set_axis(bands).sort_index()
        shown, _mask = hide_small(mine_index, mine_counts, MANAGER_MIN_ANSWERS)
        for band, overall in shown["overall"].items():
            if _figure(overall) is not None:
                by_band[(int(manager), str(band))] = (float(overall), int(mine_counts.at[band, "answers"]))
    # all of a manager's answers: one group, so hidden where 1–4 answers, or 1–4 scored a dimension (hide_small)
    totals, total_counts = group_index(dims, managers[mine], loaded.weights)
    hidden = ((total_counts > 0) & (total_counts < MANAGER_MIN_ANSWERS)).any(axis=1)
    by_manager = {
        int(m): (float(totals.at[m, "overall"]), int(total_counts.at[m, "answers"]))
        for m in totals.index
        if not hidden[m] and _figure(totals.at[m, "overall"]) is not None
    }
    return by_band, by_manager
