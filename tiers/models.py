"""Classification schemes, proposals (one per re-rating run), assessments and tier history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.labels import SCHEME_NAME
from core.models import Run

from .engine.classify import DEFAULT_SHARE_BANDS, Scheme


def default_share_bands() -> list[list]:
    return [list(band) for band in DEFAULT_SHARE_BANDS]


def default_freeze_windows() -> list[dict]:
    """Recurring windows as MM-DD; the Spring Festival moves, so it is dated per year."""
    return [
        {"name": "春节", "start": "2026-02-03", "end": "2026-03-03"},
        {"name": "春节", "start": "2027-01-23", "end": "2027-02-20"},
        {"name": "劳动节", "start": "04-25", "end": "05-05"},
        {"name": "国庆节", "start": "09-24", "end": "10-07"},
    ]


class ClassificationScope(models.TextChoices):
    COMPANY = "company", _("Whole company")
    MARKET_TYPE = "market_type", _("Separately per market type")
    BRANCH = "branch", _("Separately per county branch")


class ScoringForm(models.TextChoices):
    RANK = "rank", _("Rank: (2 − rank/N) × weight")
    MINMAX = "minmax", _("Scaled: (x − min)/(max − min) × weight")


class AssignmentMode(models.TextChoices):
    SHARE_BANDS = "share_bands", _("Share bands")
    THRESHOLDS = "thresholds", _("Score thresholds")
    VOLUME_VALUE = "volume_value", _("Volume bands × value-per-carton bands")


class NewRetailerRule(models.TextChoices):
    SIMILAR_MEDIAN = "similar_median", _("Median tier of similar retailers (branch, market type, format)")
    FIXED = "fixed", _("A fixed tier")


class ClassificationScheme(models.Model):
    """One company's tier rules (docs/domain.md §3). Exactly one scheme is active."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=False)
    window_weeks = models.PositiveSmallIntegerField(_("reference window (weeks)"), default=13)
    scope = models.CharField(
        _("scope"), max_length=16, choices=ClassificationScope.choices, default=ClassificationScope.COMPANY
    )
    scoring = models.CharField(_("scoring"), max_length=8, choices=ScoringForm.choices, default=ScoringForm.RANK)
    assignment = models.CharField(
        _("assignment"), max_length=16, choices=AssignmentMode.choices, default=AssignmentMode.SHARE_BANDS
    )
    weight_amount = models.FloatField(_("weight: purchase amount"), default=40)
    weight_quantity = models.FloatField(_("weight: purchase quantity"), default=30)
    weight_value_per_carton = models.FloatField(_("weight: value per carton"), default=30)
    weight_credit = models.FloatField(_("weight: credit rating"), default=0)
    weight_compliance = models.FloatField(_("weight: price-tag compliance"), default=0)
    share_bands = models.JSONField(_("share bands [lowest tier, highest tier, share]"), default=default_share_bands)
    thresholds = models.JSONField(_("score thresholds (29, ascending)"), default=list, blank=True)
    move_limit = models.PositiveSmallIntegerField(_("most tiers moved per re-rating"), null=True, blank=True, default=3)
    upgrades_cover_downgrades = models.BooleanField(_("upgrades at least downgrades"), default=False)
    freeze_windows = models.JSONField(_("freeze windows"), default=default_freeze_windows, blank=True)
    new_retailer_rule = models.CharField(
        _("initial tier of new retailers"),
        max_length=16,
        choices=NewRetailerRule.choices,
        default=NewRetailerRule.SIMILAR_MEDIAN,
    )
    new_retailer_tier = models.PositiveSmallIntegerField(_("fixed initial tier"), default=5)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("classification scheme")
        verbose_name_plural = _("classification schemes")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_scheme")
        ]

    worded_fields = {"name": SCHEME_NAME}  # "default" (the system's) in words: 默认方案

    def __str__(self) -> str:
        return SCHEME_NAME.shown(self.name)

    def to_engine(self) -> Scheme:
        return Scheme(
            weights={
                "amount": self.weight_amount,
                "quantity": self.weight_quantity,
                "value_per_carton": self.weight_value_per_carton,
                "credit": self.weight_credit,
                "compliance": self.weight_compliance,
            },
            scoring=self.scoring,
            assignment=self.assignment,
            share_bands=tuple((int(lo), int(hi), float(share)) for lo, hi, share in self.share_bands),
            thresholds=tuple(float(t) for t in self.thresholds),
            move_limit=self.move_limit,
            upgrades_cover_downgrades=self.upgrades_cover_downgrades,
        )


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class TierProposal(models.Model):
    """The result of one re-rating run, waiting for a supervisor to publish it."""

    run = models.OneToOneField(Run, models.PROTECT, related_name="tier_proposal", verbose_name=_("job run"))
    scheme = models.ForeignKey(ClassificationScheme, models.PROTECT, related_name="proposals", verbose_name=_("scheme"))
    scheme_snapshot = models.JSONField(_("scheme as used"))
    as_of = models.DateField(_("as of"))
    window_start = models.DateField(_("window starts"))
    window_end = models.DateField(_("window ends"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    summary = models.JSONField(_("per-tier summary"), default=list)
    retailers = models.PositiveIntegerField(_("retailers"), default=0)
    ups = models.PositiveIntegerField(_("upgrades"), default=0)
    downs = models.PositiveIntegerField(_("downgrades"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("approver")
    )

    class Meta:
        verbose_name = _("tier proposal")
        verbose_name_plural = _("tier proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk} {self.get_status_display()}"


class TierAssessment(models.Model):
    """One retailer in one proposal: its purchases, score parts and proposed tier."""

    # Written in bulk (one row per retailer per run) from the retailer table itself: per-row
    # foreign-key checks cost ~1M trigger calls for a 500,000-retailer run, so the database
    # holds no constraint here; Django still cascades deletes.
    proposal = models.ForeignKey(
        TierProposal, models.CASCADE, related_name="assessments", verbose_name=_("tier proposal"), db_constraint=False
    )
    retailer = models.ForeignKey(
        "retailers.Retailer", models.CASCADE, related_name="tier_assessments", verbose_name=_("retailer"),
        db_index=False, db_constraint=False,
    )  # fmt: skip
    scope_key = models.CharField(_("scope"), max_length=64, blank=True)
    amount = models.DecimalField(_("purchase amount"), max_digits=14, decimal_places=2)  # of the cartons kept
    quantity = models.PositiveIntegerField(_("purchase cartons"))  # kept: ordered − returned
    returned_quantity = models.PositiveIntegerField(_("returned cartons"), default=0, db_default=0)
    value_per_carton = models.DecimalField(_("value per carton"), max_digits=10, decimal_places=2)
    score_amount = models.FloatField(_("score: amount"))
    score_quantity = models.FloatField(_("score: quantity"))
    score_value_per_carton = models.FloatField(_("score: value per carton"))
    score_credit = models.FloatField(_("score: credit"))
    score_compliance = models.FloatField(_("score: compliance"))
    score = models.FloatField(_("score"))
    old_tier = models.PositiveSmallIntegerField(_("tier before"), null=True, blank=True)
    raw_tier = models.PositiveSmallIntegerField(_("tier by score"))
    tier = models.PositiveSmallIntegerField(_("proposed tier"))
    national_type = models.CharField(_("national type"), max_length=4, blank=True)
    is_new = models.BooleanField(_("new retailer"), default=False)

    class Meta:
        verbose_name = _("tier assessment")
        verbose_name_plural = _("tier assessments")
        constraints = [models.UniqueConstraint(fields=["retailer", "proposal"], name="uniq_assessment")]

    def __str__(self) -> str:
        return f"{self.retailer_id}: {self.old_tier} → {self.tier}"


class TierChangeKind(models.TextChoices):
    RERATING = "rerating", _("Re-rating")
    OVERRIDE = "override", _("Supervisor override")


class TierChange(models.Model):
    """Every change of a retailer's tier: old, new, score and parts, why, who approved."""

    # inserted in bulk by INSERT ... SELECT joining the retailer table: no per-row FK check (see TierAssessment)
    retailer = models.ForeignKey(
        "retailers.Retailer",
        models.CASCADE,
        related_name="tier_changes",
        verbose_name=_("retailer"),
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TierChangeKind.choices)
    old_tier = models.PositiveSmallIntegerField(_("tier before"), null=True, blank=True)
    new_tier = models.PositiveSmallIntegerField(_("new tier"))
    score = models.FloatField(_("score"), null=True, blank=True)
    # pointers into the run's own records, written by INSERT ... SELECT from them: no per-row
    # foreign-key check (it doubled the commit time of publishing 45,000 changes)
    assessment = models.ForeignKey(
        TierAssessment,
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment"),
        db_constraint=False,
    )
    proposal = models.ForeignKey(
        TierProposal,
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("tier proposal"),
        db_constraint=False,
    )
    reason = models.TextField(_("reason"), blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("approver"),
        db_constraint=False,
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.retailer_id}: {self.old_tier} → {self.new_tier}"
