"""Recording stock counts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.exceptions import DomainError, Reason

from .models import StockCount


def stock_count_record(*, retailer, product, cartons: int, source: str, actor, on: dt.date | None = None) -> StockCount:
    """A stock count from a visit or the retailer's own report; tonight's advice starts from it."""
    if cartons < 0:
        raise DomainError(Reason(gettext_noop("A stock count cannot be negative.")))
    return StockCount.objects.create(
        retailer=retailer, product=product, counted_on=on or timezone.localdate(), cartons=cartons, source=source,
        recorded_by=actor,
    )  # fmt: skip


@transaction.atomic
def stock_counts_record(*, retailer, counts: dict, source: str, actor, on: dt.date | None = None) -> list[StockCount]:
    """Several products' counts of one shop at once ({product: cartons}); all or none are written."""
    return [
        stock_count_record(retailer=retailer, product=product, cartons=cartons, source=source, actor=actor, on=on)
        for product, cartons in counts.items()
    ]
