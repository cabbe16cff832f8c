"""What is known of a shop's stock: its latest counts, and the products it sells that no count
covers (docs/domain.md §6). A count from any source (POS data, a customer manager's visit, the
retailer's own report) is the start of the carry-forward; one older than COUNT_MAX_AGE_WEEKS is
too old to carry, and the stock is unknown again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from django.db import connection
from django.db.models import F, Sum

from cycles.calendar import cycle_monday
from orders.models import Order
from pricing.models import Lifecycle

from .models import StockCount

SALES_WEEKS = 4  # a shop's weekly sales: its orders over the last SALES_WEEKS complete cycles ÷ SALES_WEEKS
COUNT_MAX_AGE_WEEKS = 12  # an older count is not carried forward

COUNT_COLUMNS = ["retailer", "product", "counted_on", "count", "source"]


def latest_counts(*, today: dt.date, retailer_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The latest count per retailer × product within COUNT_MAX_AGE_WEEKS up to `today` (the later
    one recorded wins on the same day), whatever its source: retailer, product, counted_on, count,
    source."""
    since = today - dt.timedelta(weeks=COUNT_MAX_AGE_WEEKS)
    counts = StockCount.objects.filter(counted_on__gte=since, counted_on__lte=today)
    if retailer_ids is not None:
        counts = counts.filter(retailer_id__in=list(retailer_ids))
    fields = ("retailer_id", "product_id", "counted_on", "cartons", "source")
    if connection.vendor == "postgresql":
        rows = (
            counts.order_by("retailer_id", "product_id", "-counted_on", "-pk")
            .distinct("retailer_id", "product_id")
            .values_list(*fields)
        )
        return pd.DataFrame(list(rows), columns=COUNT_COLUMNS)
    frame = pd.DataFrame(list(counts.values_list("pk", *fields)), columns=["pk", *COUNT_COLUMNS])
    frame = frame.sort_values(["counted_on", "pk"]).drop_duplicates(["retailer", "product"], keep="last")
    return frame.drop(columns="pk").reset_index(drop=True)


def products_to_count(*, retailer_ids: Iterable[int], today: dt.date) -> dict[int, list[int]]:
    """Per retailer, the products it sold in the last SALES_WEEKS complete cycles that no count
    within COUNT_MAX_AGE_WEEKS covers: their stock is unknown, so they are counted on the next
    visit (the same products tonight's advice marks "needs a count"). A withdrawn product (退市) is
    never asked for: there is nothing more to order of it. Product ids in id order."""
    retailer_ids = list(retailer_ids)
    this_cycle = cycle_monday(today)
    sold = (
        Order.objects.filter(
            retailer_id__in=retailer_ids,
            cycle__starts_on__gte=this_cycle - dt.timedelta(weeks=SALES_WEEKS),
            cycle__starts_on__lt=this_cycle,
        )
        .exclude(product__lifecycle=Lifecycle.WITHDRAWN)
        .values("retailer_id", "product_id")
        .annotate(cartons=Sum(F("ordered_qty") - F("returned_qty")))  # kept: a return is no sale
        .filter(cartons__gt=0)
        .values_list("retailer_id", "product_id")
    )
    counted = set(
        StockCount.objects.filter(
            retailer_id__in=retailer_ids,
            counted_on__gte=today - dt.timedelta(weeks=COUNT_MAX_AGE_WEEKS),
            counted_on__lte=today,
        ).values_list("retailer_id", "product_id")
    )
    found: dict[int, list[int]] = {r: [] for r in retailer_ids}
    for retailer, product in sorted(sold):
        if (retailer, product) not in counted:
            found[retailer].append(product)
    return found


def has_counts(*, retailer_id: int) -> bool:
    """Whether any count of this shop's stock is on record (from any source, however old)."""
    return StockCount.objects.filter(retailer_id=retailer_id).exists()
