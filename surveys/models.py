"""Satisfaction surveys (docs/domain.md §9): questionnaires, waves, the sampled retailers and their answers."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retailers.models import CountyBranch, MarketDepartment, Retailer

from .engine.index import FIVE, TEN
from .engine.index import Scale as ScaleRange


class Scale(models.TextChoices):
    FIVE = "1-5", _("1 to 5 (very dissatisfied … very satisfied)")
    TEN = "0-10", _("0 to 10")


SCALE_RANGES = {Scale.FIVE: FIVE, Scale.TEN: TEN}


class Questionnaire(models.Model):
    """Dimensions and their items, on one scale. Frozen once a wave using it has opened (copy it to change)."""

    name = models.CharField(_("name"), max_length=200)
    scale = models.CharField(_("scale"), max_length=4, choices=Scale.choices, default=Scale.FIVE)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown to retailers above the questions."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def scale_range(self) -> ScaleRange:
        return SCALE_RANGES[Scale(self.scale)]

    @property
    def in_use(self) -> bool:
        """A wave using it has opened: its questions are what retailers answered."""
        return self.waves.exclude(status=WaveStatus.DRAFT).exists()


class Dimension(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, models.CASCADE, related_name="dimensions", verbose_name=_("questionnaire")
    )
    code = models.SlugField(
        _("code"), max_length=32,
        help_text=_("A short key that stays the same across questionnaires: a wave is compared with the previous one dimension by dimension through it."),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0.01)],
        help_text=_("Its weight in the overall index (the weighted mean of the dimension indices)."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["questionnaire", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="uniq_dimension_code")]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One question. Without a dimension it is the overall-satisfaction question: shown on its own and
    what each dimension's importance is measured against."""

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="items", verbose_name=_("questionnaire"))
    dimension = models.ForeignKey(
        Dimension, models.CASCADE, null=True, blank=True, related_name="items", verbose_name=_("dimension"),
        help_text=_("Leave empty for the overall-satisfaction question."),
    )  # fmt: skip
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    allow_not_applicable = models.BooleanField(
        _("“don't know” allowed"), default=False,
        help_text=_("The retailer may answer “don't know” (e.g. it never made a complaint); such an answer is left out of the figures."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "dimension__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("survey wave", "Open")  # "Open" alone is an open (明查) inspection
    CLOSED = "closed", _("Closed")


class SampleMode(models.TextChoices):
    ALL = "all", _("Every active retailer")
    SHARE = "share", _("A random share of each manager's retailers")


def new_seed() -> int:
    return secrets.randbelow(1_000_000) + 1


class Wave(models.Model):
    """One survey round: a questionnaire, the days it is open, who is asked (drawn when it opens)."""

    name = models.CharField(_("name"), max_length=200)
    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="waves", verbose_name=_("questionnaire"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day retailers can answer."))
    sample_mode = models.CharField(_("who is asked"), max_length=8, choices=SampleMode.choices, default=SampleMode.SHARE)
    sample_percent = models.PositiveSmallIntegerField(
        _("share of each manager's retailers (%)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    sample_minimum = models.PositiveSmallIntegerField(
        _("at least, per manager"), default=10,
        help_text=_("Retailers drawn per customer manager at the least (all of them if the manager has fewer)."),
    )  # fmt: skip
    tier_bands = models.CharField(
        _("tier bands start at"), max_length=60, default="11,21",
        help_text=_("Tiers where a new band starts, separated by commas: “11,21” gives D1–D10, D11–D20, D21–D30. The sample is spread over tier bands × market type in proportion, and results are shown by band."),
    )  # fmt: skip
    seed = models.PositiveIntegerField(_("random seed"), default=new_seed, help_text=_("The same seed draws the same sample."))
    status = models.CharField(_("status"), max_length=8, choices=WaveStatus.choices, default=WaveStatus.DRAFT)
    item_ids = models.JSONField(_("questions as asked"), default=list, blank=True, editable=False)
    sampled_at = models.DateTimeField(_("sample drawn at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by"),
        editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="wave_closes_after_opening"),
            models.CheckConstraint(condition=models.Q(sample_percent__gte=1, sample_percent__lte=100), name="wave_percent_range"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day) -> bool:
        return self.status == WaveStatus.OPEN and self.opens_on <= day <= self.closes_on

    @property
    def tier_band_cuts(self) -> list[int]:
        return [int(p) for p in self.tier_bands.replace("，", ",").split(",") if p.strip()]


class Invitation(models.Model):
    """A retailer drawn for a wave, with where it stood when drawn (its manager, area, tier band,
    market type, format: the groups of the results) and, once it has answered, its scores.

    The scores are a list in the order of the wave's `item_ids`, null for "don't know". They are read
    by supervisors and by the results (aggregates) only, never shown to the retailer's manager."""

    wave = models.ForeignKey(Wave, models.CASCADE, related_name="invitations", verbose_name=_("survey wave"))
    retailer = models.ForeignKey(Retailer, models.PROTECT, related_name="+", verbose_name=_("retailer"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer manager")
    )
    branch = models.ForeignKey(CountyBranch, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("county branch"))
    department = models.ForeignKey(
        MarketDepartment, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("market department")
    )
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    tier_band = models.CharField(_("tier band"), max_length=16, blank=True)
    market_type = models.CharField(_("market type"), max_length=8, blank=True)
    business_format = models.CharField(_("business format"), max_length=1, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    scores = models.JSONField(_("scores"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled retailer")
        verbose_name_plural = _("sampled retailers")
        ordering = ["wave", "retailer"]
        constraints = [models.UniqueConstraint(fields=["wave", "retailer"], name="uniq_invitation_per_wave")]
        indexes = [models.Index(fields=["retailer"], name="invitation_retailer")]

    def __str__(self) -> str:
        return f"{self.wave} · {self.retailer}"
