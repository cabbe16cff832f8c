from django.db import models
from django.utils.translation import gettext_lazy as _

from retailers.models import Retailer

from .engine.alerts import AlertKind
from .engine.figures import Period

PERIOD_LABELS = {
    Period.WEEK: _("week"),
    Period.MONTH: _("month"),
    Period.QUARTER: _("quarter"),
    Period.YEAR: _("year"),
}
ALERT_LABELS = {
    AlertKind.FALLING_PROFIT: _("falling profit"),
    AlertKind.NO_ORDERS: _("no orders"),
    AlertKind.VULNERABLE: _("vulnerable retailer"),
    AlertKind.ORDER_SPIKE: _("order far above its own average"),
    AlertKind.PEER_OUTLIER: _("order far from its peers"),
    AlertKind.SHARED_IDENTITY: _("one owner behind several shops"),
}


class ProfitRun(models.Model):
    """One night's profitability figures and alerts for every retailer; pages read the current one."""

    run = models.OneToOneField("core.Run", models.PROTECT, related_name="profit", verbose_name=_("job run"))
    as_of = models.DateField(_("as of"))
    latest_week = models.DateField(_("latest complete week"), null=True)
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("profitability run")
        verbose_name_plural = _("profitability runs")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_profit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"


class ProfitFigure(models.Model):
    """One retailer's figures for one period (bulk-written by the nightly job, no FK constraints).

    Money is in yuan; value per carton is the purchase amount (at wholesale price) per carton kept.
    """

    profit_run = models.ForeignKey(
        ProfitRun, models.CASCADE, related_name="+", verbose_name=_("profitability run"), db_index=False,
        db_constraint=False,
    )  # fmt: skip
    retailer = models.ForeignKey(
        Retailer, models.CASCADE, related_name="+", verbose_name=_("retailer"), db_index=False, db_constraint=False
    )
    period = models.PositiveSmallIntegerField(
        _("period"), choices=[(int(p), label) for p, label in PERIOD_LABELS.items()]
    )
    period_start = models.DateField(_("period start"))
    cartons = models.IntegerField(_("cartons"))
    sales = models.DecimalField(_("sales"), max_digits=12, decimal_places=2)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2)
    gross_profit = models.DecimalField(_("gross profit"), max_digits=12, decimal_places=2)
    margin = models.FloatField(_("margin"), null=True)
    value_per_carton = models.DecimalField(_("value per carton"), max_digits=10, decimal_places=2, null=True)
    cartons_class_i = models.IntegerField(_("class I cartons"))
    cartons_class_ii = models.IntegerField(_("class II cartons"))
    cartons_class_iii = models.IntegerField(_("class III cartons"))
    cartons_class_iv = models.IntegerField(_("class IV cartons"))
    cartons_class_v = models.IntegerField(_("class V cartons"))
    previous_profit = models.DecimalField(
        _("profit of the previous period"), max_digits=12, decimal_places=2, null=True
    )
    last_year_profit = models.DecimalField(_("profit a year before"), max_digits=12, decimal_places=2, null=True)
    peer_rank = models.PositiveIntegerField(_("rank among peers"))
    peer_count = models.PositiveIntegerField(_("peers"))
    percentile = models.FloatField(_("percentile among peers"))
    next_tier_gap = models.DecimalField(_("gap to the next tier's average"), max_digits=12, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("profitability figure")
        verbose_name_plural = _("profitability figures")
        indexes = [
            models.Index(fields=["profit_run", "retailer", "period", "period_start"], name="profit_by_retailer"),
            models.Index(fields=["profit_run", "period", "period_start"], name="profit_by_period"),
        ]

    def __str__(self) -> str:
        return f"{self.retailer_id} {self.get_period_display()} {self.period_start}"

    @property
    def case_value(self):
        """Value per case (250 cartons)."""
        return None if self.value_per_carton is None else self.value_per_carton * 250

    @property
    def change(self) -> float | None:
        return _change(self.gross_profit, self.previous_profit)

    @property
    def change_year(self) -> float | None:
        return _change(self.gross_profit, self.last_year_profit)


def _change(now, before) -> float | None:
    if before is None or before <= 0:
        return None
    return float((now - before) / before)


class ProfitAlert(models.Model):
    """Something a customer manager should look at (see `engine.alerts`)."""

    profit_run = models.ForeignKey(
        ProfitRun, models.CASCADE, related_name="alerts", verbose_name=_("profitability run"), db_index=False,
        db_constraint=False,
    )  # fmt: skip
    retailer = models.ForeignKey(
        Retailer, models.CASCADE, related_name="+", verbose_name=_("retailer"), db_index=False, db_constraint=False
    )
    kind = models.PositiveSmallIntegerField(_("alert"), choices=[(int(k), label) for k, label in ALERT_LABELS.items()])
    value = models.FloatField(_("seen"), null=True)
    reference = models.FloatField(_("compared with"), null=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["profit_run", "retailer"], name="alert_run_retailer")]

    def __str__(self) -> str:
        return f"{self.retailer_id}: {self.get_kind_display()}"
