"""Customer value (docs/domain.md §9): the value policy, each night's segments and churn risk."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.labels import (
    DEFAULT_POLICY_NAME,  # noqa: F401 - read here by the services and selectors
    POLICY_NAME,
    policy_name_words,
)
from retailers.models import Retailer

from .engine.segments import PeerBasis, Segment, State

SEGMENT_LABELS = {
    Segment.KEEP: _("keep"),
    Segment.DEVELOP: _("develop"),
    Segment.GROW: _("grow"),
    Segment.WATCH: _("watch"),
}
SEGMENT_HELP = {
    Segment.KEEP: _("high value, little room left against its peers"),
    Segment.DEVELOP: _("high value and room to grow"),
    Segment.GROW: _("low value, well below its peers or rising"),
    Segment.WATCH: _("low value and little potential, or bought nothing"),
}
STATE_LABELS = {State.REGULAR: _("regular"), State.NEW: _("new or back"), State.IDLE: _("bought nothing")}
PEER_LABELS = {
    PeerBasis.NONE: _("no peers"),
    PeerBasis.TIER_FORMAT: _("same tier and format"),
    PeerBasis.TIER: _("same tier"),
}
SHARE = {
    "max_digits": 3,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
}


def _weeks(label, default: int, help_text=""):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(52)], help_text=help_text
    )


def _weight(label, default: int):
    return models.PositiveSmallIntegerField(label, default=default, validators=[MaxValueValidator(100)])


class ValuePolicy(models.Model):
    """How segments are drawn, how often each is visited and how churn risk is weighed
    (docs/domain.md §9 "As built"). One active policy; every change kept."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    window_weeks = _weeks(
        _("value window (weeks)"), 13, _("Current value is the gross profit of this many complete weeks.")
    )
    value_cut = models.DecimalField(
        _("high value: share of retailers earning less"), default=Decimal("0.50"), **SHARE,
        help_text=_("A retailer is of high value when at least this share of the active retailers earn less than it."),
    )  # fmt: skip
    gap_cut = models.DecimalField(
        _("high potential: gap to peers"), default=Decimal("0.25"), **SHARE,
        help_text=_("High potential when it earns at least this share less than the median of its tier and format."),
    )  # fmt: skip
    trend_cut = models.DecimalField(
        _("high potential: growth"), default=Decimal("0.10"), **SHARE,
        help_text=_("… or when its gross profit grew at least this much on the weeks before."),
    )  # fmt: skip
    min_peers = models.PositiveSmallIntegerField(
        _("smallest peer group"), default=5, validators=[MinValueValidator(1)],
        help_text=_("A tier-and-format group smaller than this is widened to the whole tier."),
    )  # fmt: skip
    visit_weeks_keep = _weeks(_("visit every … weeks: keep"), 2)
    visit_weeks_develop = _weeks(_("visit every … weeks: develop"), 1)
    visit_weeks_grow = _weeks(_("visit every … weeks: grow"), 2)
    visit_weeks_watch = _weeks(_("visit every … weeks: watch"), 4)
    recent_weeks = _weeks(_("falling orders: recent weeks"), 4)
    base_weeks = _weeks(_("falling orders: weeks before"), 12)
    weight_orders = _weight(_("risk weight: falling orders"), 30)
    weight_alerts = _weight(_("risk weight: alerts"), 20)
    weight_unanswered = _weight(_("risk weight: requests not answered in time"), 15)
    weight_repeated = _weight(_("risk weight: repeated requests"), 10)
    weight_satisfaction = _weight(_("risk weight: low satisfaction (survey)"), 15)
    weight_rating = _weight(_("risk weight: low rating of answers"), 10)
    visit_list_risk = models.PositiveSmallIntegerField(
        _("risk that puts a shop on the visit list"), default=40, validators=[MaxValueValidator(100)],
        help_text=_("A shop with at least this churn risk is on its manager's visit list even without an alert."),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("value policy")
        verbose_name_plural = _("value policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_value_policy"
            )
        ]

    worded_fields = {"name": POLICY_NAME}  # "default" (the system's) in words: 默认方案

    def __str__(self) -> str:
        return policy_name_words(self.name)

    def clean(self) -> None:
        weights = [getattr(self, f.name) for f in self._meta.fields if f.name.startswith("weight_")]
        if all(w is not None for w in weights) and sum(weights) <= 0:
            raise ValidationError(_("At least one risk weight must be above 0."))
        if self.is_active and ValuePolicy.objects.filter(is_active=True).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"is_active": _("Another value policy is active: make it inactive first (one policy applies).")}
            )

    def visit_weeks(self) -> dict[int, int]:
        return {
            Segment.KEEP: self.visit_weeks_keep, Segment.DEVELOP: self.visit_weeks_develop,
            Segment.GROW: self.visit_weeks_grow, Segment.WATCH: self.visit_weeks_watch,
        }  # fmt: skip


class ValueRun(models.Model):
    """One night's segments and churn risk for every active retailer; pages read the current one."""

    run = models.OneToOneField("core.Run", models.PROTECT, related_name="customer_value", verbose_name=_("job run"))
    as_of = models.DateField(_("as of"))
    latest_week = models.DateField(_("latest complete week"), null=True)
    policy = models.JSONField(_("policy applied"), default=dict)
    signals = models.JSONField(_("signals available"), default=dict)  # signal -> retailers it has data on
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer value run")
        verbose_name_plural = _("customer value runs")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_value_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"


class CustomerValue(models.Model):
    """One retailer's value, segment and churn risk in one night's run (bulk-written, no FK
    constraints). Money in yuan over the policy's window; risk points per signal out of 100."""

    value_run = models.ForeignKey(
        ValueRun, models.CASCADE, related_name="+", verbose_name=_("customer value run"), db_index=False,
        db_constraint=False,
    )  # fmt: skip
    retailer = models.ForeignKey(
        Retailer, models.CASCADE, related_name="+", verbose_name=_("retailer"), db_index=False, db_constraint=False
    )
    segment = models.PositiveSmallIntegerField(
        _("segment"), choices=[(int(k), label) for k, label in SEGMENT_LABELS.items()]
    )
    visit_weeks = models.PositiveSmallIntegerField(_("visit every (weeks)"))
    state = models.PositiveSmallIntegerField(_("history"), choices=[(int(k), v) for k, v in STATE_LABELS.items()])
    history_weeks = models.PositiveSmallIntegerField(_("weeks since its first purchase"))
    cartons = models.IntegerField(_("cartons"))
    gross_profit = models.DecimalField(_("gross profit"), max_digits=12, decimal_places=2)
    value = models.DecimalField(_("current value"), max_digits=12, decimal_places=2)
    value_per_carton = models.DecimalField(_("value per carton"), max_digits=10, decimal_places=2, null=True)
    value_percentile = models.FloatField(_("value percentile"))
    peer_basis = models.PositiveSmallIntegerField(_("peers"), choices=[(int(k), v) for k, v in PEER_LABELS.items()])
    peer_count = models.PositiveIntegerField(_("peer count"))
    peer_median = models.DecimalField(_("peers' median value"), max_digits=12, decimal_places=2, null=True)
    peer_gap = models.DecimalField(_("gap to peers"), max_digits=12, decimal_places=2, null=True)
    gap_share = models.FloatField(_("gap share"), null=True)
    trend = models.FloatField(_("trend"), null=True)
    risk = models.PositiveSmallIntegerField(_("churn risk"))
    points_orders = models.FloatField(_("points: falling orders"))
    points_alerts = models.FloatField(_("points: alerts"))
    points_unanswered = models.FloatField(_("points: requests not answered in time"))
    points_repeated = models.FloatField(_("points: repeated requests"))
    points_rating = models.FloatField(_("points: rating of answers"))
    orders_change = models.FloatField(_("change in weekly cartons"), null=True)
    idle_weeks = models.FloatField(_("weeks since the last order"), null=True)
    no_orders = models.BooleanField(_("no orders alert"))
    profit_fall = models.FloatField(_("fall in gross profit"), null=True)
    open_overdue = models.IntegerField(_("requests not answered in time"), null=True)
    repeated = models.IntegerField(_("repeated requests (90 days)"), null=True)
    mean_rating = models.FloatField(_("mean rating of answers"), null=True)

    class Meta:
        verbose_name = _("customer value")
        verbose_name_plural = _("customer values")
        indexes = [models.Index(fields=["value_run", "retailer"], name="value_by_retailer")]

    def __str__(self) -> str:
        return f"{self.retailer.customer_code} {self.retailer.name}"
