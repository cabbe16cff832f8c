"""Writes: questionnaires (the standard one, copies), opening a wave (drawing its sample), closing
waves, and a retailer's answers (docs/domain.md §9). Each state change is audited; an answer's audit
row names the wave, never the scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.db import bulk_write
from core.exceptions import DomainError, Reason
from core.keys import is_key
from core.models import AuditEntry
from retailers.models import Retailer
from retailers.vocabulary import RetailerStatus

from .engine.sampling import draw_sample, tier_bands
from .models import Dimension, Invitation, Item, Questionnaire, SampleMode, Wave, WaveStatus
from .standard import OVERALL_QUESTION, STANDARD_DIMENSIONS, STANDARD_INTRO, STANDARD_NAME

_MISSING = object()


class SurveyError(DomainError):
    """A survey rule refused the operation; the message is for the user."""


class WaveStateError(SurveyError):
    """The wave is not in the state the step needs (opened twice, closed before opening, …)."""


class NotSampled(SurveyError):
    """The retailer was not drawn for the wave."""


class WaveNotOpen(SurveyError):
    """The wave takes no answers today."""


class AlreadyAnswered(SurveyError):
    """The retailer has answered this wave."""


class InvalidAnswers(SurveyError):
    """Some questions were not answered or had a score off the scale; nothing was written."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__(_("Some questions need an answer: see the marks beside them."))


def _audit(actor, action: str, wave: Wave, **after) -> None:
    AuditEntry.objects.create(
        actor=actor, action=action, object_type="survey_wave", object_id=str(wave.pk), after=after or None
    )


@transaction.atomic
def questionnaire_standard_create(*, actor) -> Questionnaire:
    """A new questionnaire from the standard one: 7 dimensions, 32 questions and the overall question, 1–5."""
    questionnaire = Questionnaire.objects.create(name=STANDARD_NAME, intro=STANDARD_INTRO)
    for d, (code, name, items) in enumerate(STANDARD_DIMENSIONS, start=1):
        dimension = Dimension.objects.create(questionnaire=questionnaire, code=code, name=name, position=d)
        Item.objects.bulk_create(
            Item(questionnaire=questionnaire, dimension=dimension, text=text, position=i, allow_not_applicable=na)
            for i, (text, na) in enumerate(items, start=1)
        )
    Item.objects.create(questionnaire=questionnaire, dimension=None, text=OVERALL_QUESTION, position=1)
    AuditEntry.objects.create(
        actor=actor, action="survey_questionnaire_created", object_type="survey_questionnaire",
        object_id=str(questionnaire.pk), after={"standard": True},
    )  # fmt: skip
    return questionnaire


@transaction.atomic
def questionnaire_copy(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    """An editable copy (a questionnaire a wave has used is frozen)."""
    copy = Questionnaire.objects.create(
        name=_("%(name)s (copy)") % {"name": questionnaire.name}, scale=questionnaire.scale, intro=questionnaire.intro
    )
    dimensions = {}
    for dimension in questionnaire.dimensions.all():
        dimensions[dimension.pk] = Dimension.objects.create(
            questionnaire=copy, code=dimension.code, name=dimension.name, position=dimension.position,
            weight=dimension.weight,
        )  # fmt: skip
    Item.objects.bulk_create(
        Item(
            questionnaire=copy, dimension=dimensions.get(item.dimension_id), text=item.text, position=item.position,
            allow_not_applicable=item.allow_not_applicable,
        )  # fmt: skip
        for item in questionnaire.items.all()
    )
    AuditEntry.objects.create(
        actor=actor, action="survey_questionnaire_copied", object_type="survey_questionnaire",
        object_id=str(copy.pk), after={"from": questionnaire.pk},
    )  # fmt: skip
    return copy


def wave_items(questionnaire: Questionnaire) -> list[Item]:
    """The questions in the order they are asked: dimension by dimension, then the overall question."""
    items = list(questionnaire.items.select_related("dimension"))
    return sorted(
        items,
        key=lambda i: (i.dimension is None, i.dimension.position if i.dimension else 0, i.dimension_id or 0, i.position, i.pk),
    )


def sample_frame(wave: Wave) -> pd.DataFrame:
    """The active retailers with what the sample is spread over and the results are grouped by."""
    rows = Retailer.objects.filter(status=RetailerStatus.ACTIVE).values_list(
        "pk", "manager_id", "branch_id", "department_id", "tier", "market_type", "business_format"
    )
    frame = pd.DataFrame(
        list(rows), columns=["retailer", "manager", "branch", "department", "tier", "market_type", "business_format"]
    )
    frame["tier_band"] = tier_bands(frame["tier"], wave.tier_band_cuts)
    frame["stratum"] = frame["tier_band"] + "|" + frame["market_type"].astype(str)
    return frame


@transaction.atomic
def wave_open(*, wave: Wave, actor, today: dt.date | None = None) -> int:
    """Draw the wave's sample and open it (answers are taken from its opening day to its closing day);
    returns the number of retailers drawn. The questionnaire is frozen from here on."""
    today = today or timezone.localdate()
    wave = Wave.objects.select_for_update().select_related("questionnaire").get(pk=wave.pk)
    if wave.status != WaveStatus.DRAFT:
        raise WaveStateError(_("This wave has already been opened."))
    if wave.closes_on < today:
        raise WaveStateError(_("The wave's closing day has passed: set a later one."))
    if wave.closes_on < wave.opens_on:
        raise WaveStateError(_("The wave closes before it opens."))
    items = wave_items(wave.questionnaire)
    if not any(i.dimension_id for i in items):
        raise WaveStateError(_("The questionnaire has no questions in a dimension."))
    try:
        cuts = wave.tier_band_cuts
    except ValueError as exc:
        raise WaveStateError(_("Tier bands: write the tiers where a band starts as numbers, e.g. 11,21.")) from exc
    frame = sample_frame(wave)
    percent = None if wave.sample_mode == SampleMode.ALL else wave.sample_percent
    chosen = draw_sample(frame, percent=percent, minimum=wave.sample_minimum, seed=wave.seed)
    drawn = frame.set_index("retailer").loc[chosen].reset_index()
    columns = ["wave", "retailer", "manager", "branch", "department", "tier", "tier_band", "market_type", "business_format"]

    def value(v):
        return None if pd.isna(v) else int(v)

    written = bulk_write(
        Invitation, columns,
        (
            (wave.pk, int(r.retailer), value(r.manager), value(r.branch), value(r.department), value(r.tier),
             r.tier_band, r.market_type or "", r.business_format or "")
            for r in drawn.itertuples(index=False)
        ),
    )  # fmt: skip
    wave.status = WaveStatus.OPEN
    wave.item_ids = [i.pk for i in items]
    wave.sampled_at = timezone.now()
    wave.save(update_fields=["status", "item_ids", "sampled_at"])
    _audit(actor, "survey_wave_opened", wave, sampled=written, mode=wave.sample_mode, percent=percent,
           minimum=wave.sample_minimum, seed=wave.seed, tier_bands=cuts)  # fmt: skip
    return written


@transaction.atomic
def wave_close(*, wave: Wave, actor, reason: str | Reason = "") -> None:
    """Close an open wave: no more answers; its results become final and managers can read them.
    `reason`: a person's words, or a Reason (the system's, kept to be read in the reader's language)."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status != WaveStatus.OPEN:
        raise WaveStateError(Reason(gettext_noop("Only an open wave can be closed.")))  # the nightly job's too
    wave.status = WaveStatus.CLOSED
    wave.closed_at = timezone.now()
    wave.save(update_fields=["status", "closed_at"])
    answered = wave.invitations.filter(answered_at__isnull=False).count()
    AuditEntry.objects.create(
        actor=actor, action="survey_wave_closed", object_type="survey_wave", object_id=str(wave.pk),
        reason=reason.text() if isinstance(reason, Reason) else reason, after={"answered": answered},
    )  # fmt: skip


def surveys_close_due(today: dt.date | None = None) -> dict:
    """Nightly: close the open waves whose last day has passed."""
    today = today or timezone.localdate()
    closed = 0
    for wave in Wave.objects.filter(status=WaveStatus.OPEN, closes_on__lt=today):
        wave_close(wave=wave, actor=None, reason=Reason(gettext_noop("closing day passed")))
        closed += 1
    return {"waves_closed": closed}


def open_invitation(*, wave_id: int, retailer: Retailer) -> Invitation | None:
    """The retailer's invitation to the wave; None for a wave id no wave could have (the address's
    `99999999999999999999`, past the column: a missing survey, not a database error)."""
    if not is_key(Invitation._meta.get_field("wave"), wave_id):
        return None
    return Invitation.objects.select_related("wave__questionnaire").filter(wave_id=wave_id, retailer=retailer).first()


@transaction.atomic
def invitation_answer(
    *, wave_id: int, retailer: Retailer, answers: Mapping[int, int | None], actor, now: dt.datetime | None = None
) -> Invitation:
    """Record a sampled retailer's answers to an open wave, once. `answers`: question id → score on
    the questionnaire's scale, or None for "don't know" where the question allows it. Every question
    of the wave must be there; anything else is refused and nothing is written."""
    now = now or timezone.now()
    if not is_key(Invitation._meta.get_field("wave"), wave_id):
        raise NotSampled(_("You are not asked to answer this survey."))
    invitation = (
        Invitation.objects.select_for_update().select_related("wave__questionnaire")
        .filter(wave_id=wave_id, retailer=retailer).first()
    )  # fmt: skip
    if invitation is None:
        raise NotSampled(_("You are not asked to answer this survey."))
    wave = invitation.wave
    if not wave.is_open_on(timezone.localdate(now)):
        raise WaveNotOpen(_("This survey is not open for answers."))
    if invitation.answered_at is not None:
        raise AlreadyAnswered(_("You have already answered this survey. Thank you."))
    scale = wave.questionnaire.scale_range
    items = {i.pk: i for i in Item.objects.filter(pk__in=wave.item_ids)}
    errors: dict[int, str] = {}
    scores: list[int | None] = []
    for item_id in wave.item_ids:
        item = items.get(item_id)
        value = answers.get(item_id, _MISSING)
        if value is _MISSING:
            errors[item_id] = _("Choose a score.")
        elif value is None:
            if item is None or not item.allow_not_applicable:
                errors[item_id] = _("Choose a score.")
        elif isinstance(value, bool) or not isinstance(value, int) or not scale.low <= value <= scale.high:
            errors[item_id] = _("Choose a score from %(low)s to %(high)s.") % {"low": scale.low, "high": scale.high}
        scores.append(value if isinstance(value, int) and not isinstance(value, bool) else None)
    unknown = set(answers) - set(wave.item_ids)
    if unknown:
        errors[min(unknown)] = _("This question is not in the survey.")
    if errors:
        raise InvalidAnswers(errors)
    invitation.scores = scores
    invitation.answered_at = now
    invitation.save(update_fields=["scores", "answered_at"])
    _audit(actor, "survey_answered", wave)
    return invitation
