"""A published run's quotas per retailer in the shared cache: read through on a retailer's first
look (one indexed row of `RetailerQuotas`, so nothing is warmed at publishing), forgotten after an
exception (which also tells the readers, `quotas_changed`). The only place that writes these cache
entries."""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.core.cache import cache

from cycles.models import OrderCycle

from .models import AllocationRun
from .selectors import published_allocation_run, quotas_frame
from .signals import quotas_changed


def _quota_cache_key(allocation_run_id: int, retailer_id: int) -> str:
    return f"allocation:{allocation_run_id}:quotas:{retailer_id}"


def retailer_quota_rows(*, allocation_run: AllocationRun, retailer_id: int) -> list[dict]:
    """One retailer's quotas in a run as stored (as `quotas_frame` rows, unserved rotations included).

    A published run never changes except by exceptions, which forget the cached rows, so they are
    cached: a retailer's phone page reads them from the cache after the first time."""
    key = _quota_cache_key(allocation_run.pk, retailer_id)
    rows = cache.get(key) if allocation_run.is_published else None
    if rows is None:
        rows = _rows_by_retailer(quotas_frame(allocation_run, [retailer_id], include_unserved=True)).get(
            retailer_id, []
        )
        if allocation_run.is_published:
            cache.set(key, rows)
    return rows


def _rows_by_retailer(frame: pd.DataFrame) -> dict[int, list[dict]]:
    columns = list(frame.columns)
    out: dict[int, list[dict]] = {}
    for values in frame.sort_values(["retailer", "product"]).itertuples(index=False, name=None):
        row = {c: (v.item() if isinstance(v, np.generic) else v) for c, v in zip(columns, values, strict=True)}
        out.setdefault(row["retailer"], []).append(row)
    return out


def retailer_quotas_forget(*, cycle: OrderCycle, retailer_id: int) -> None:
    """After an exception: drop the retailer's cached quotas and tell the readers (`quotas_changed`)."""
    allocation_run = published_allocation_run(cycle)
    if allocation_run is not None:
        cache.delete(_quota_cache_key(allocation_run.pk, retailer_id))
        quotas_changed.send(sender=AllocationRun, allocation_run_id=allocation_run.pk, retailer_id=retailer_id)
