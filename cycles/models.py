"""The order cycle: one week of ordering, named as the marketing system names it."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class WeekParity(models.TextChoices):
    ODD = "odd", _("Odd weeks")
    EVEN = "even", _("Even weeks")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPUTED = "computed", _("Computed")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


# A cycle whose quotas retailers may see: published, or over.
VISIBLE_STATUSES = (CycleStatus.PUBLISHED, CycleStatus.CLOSED)


class OrderCycle(models.Model):
    """One weekly order cycle, named as the marketing system does: year, month, week of month."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    week_seq = models.PositiveSmallIntegerField(_("week of month"))
    starts_on = models.DateField(_("starts on"), unique=True)
    ends_on = models.DateField(_("ends on"))
    order_opens_on = models.DateField(_("ordering opens on"))
    order_closes_on = models.DateField(_("ordering closes on"))
    status = models.CharField(_("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)

    class Meta:
        verbose_name = _("order cycle")
        verbose_name_plural = _("order cycles")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "week_seq"], name="uniq_cycle_name"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="cycle_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}-{self.week_seq}"

    @property
    def week_parity(self) -> str:
        """Biweekly retailers order in odd or even ISO weeks."""
        return WeekParity.ODD if self.starts_on.isocalendar().week % 2 else WeekParity.EVEN

    def day_of(self, weekday: int) -> dt.date:
        return self.starts_on + dt.timedelta(days=weekday - 1)
