"""What the portal does when another app tells it something changed. Connected in `PortalConfig.ready()`,
so every process (web or worker) listens once the apps are loaded, whatever it has imported."""

from __future__ import annotations

from django.core.cache import cache

from . import selectors


def quota_sheets_forget(sender, *, allocation_run_id: int, retailer_id: int, **kwargs) -> None:
    """`quotas_changed` (a supervisor's exception): drop the retailer's cached sheets of that run,
    so its next look (page or API) shows the new quota."""
    keys = selectors.retailer_sheet_keys(allocation_id=allocation_run_id, retailer_id=retailer_id)
    if keys:
        cache.delete_many(keys)
