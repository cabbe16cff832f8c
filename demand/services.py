"""Writing demand reports: a retailer states, changes or withdraws the cartons it wants while its cycle's
window is open (docs/domain.md §9). Every change is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import AccessDenied, DomainError
from core.models import AuditEntry
from cycles.models import OrderCycle
from pricing.models import Lifecycle, Product
from retailers.models import Retailer

from .models import MAX_CARTONS, DemandReport
from .selectors import Closed, DemandWindow, demand_window, retailer_suggestions


class DemandClosed(DomainError):
    """The cycle takes no demand reports (its window is closed)."""


def closed_message(window: DemandWindow) -> str:
    """Why a cycle takes no reports, in the reader's language."""
    texts = {
        Closed.ALLOCATION: _("Demand reports for cycle %(cycle)s are closed: its allocation has started."),
        Closed.STATUS: _("Demand reports for cycle %(cycle)s are closed: its quotas are computed or published."),
        Closed.ORDERING: _("Demand reports for cycle %(cycle)s are closed: ordering has opened."),
    }
    return texts.get(window.closed_because, texts[Closed.STATUS]) % {"cycle": window.cycle.label}


@dataclass(frozen=True)
class ReportSaved:
    """What one save changed: products reported anew or changed, reports withdrawn, left as they were."""

    changed: int
    withdrawn: int
    unchanged: int


def _valid_cartons(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_CARTONS


@transaction.atomic
def demand_report_save(
    *,
    retailer: Retailer,
    cycle: OrderCycle,
    cartons: Mapping[int, int | None],
    actor,
    today: dt.date | None = None,
) -> ReportSaved:
    """Set the retailer's reported cartons for `cycle`: product id → cartons (a whole number from 0 to
    MAX_CARTONS; 0 = wants none), or None to withdraw the report of that product. Products left out are
    not touched.

    Refused (nothing written) unless the actor is the retailer's own login, the cycle's window is open
    (`selectors.demand_window`), every value is valid and every product reported is on sale. The change
    is audited (before and after, by product code)."""
    if actor is None or retailer.user_id is None or actor.pk != retailer.user_id:
        raise AccessDenied(_("Only the retailer itself reports its demand."))
    today = today or timezone.localdate()
    cycle = OrderCycle.objects.select_for_update().get(pk=cycle.pk)
    window = demand_window(cycle=cycle, today=today)
    if not window.is_open:
        raise DemandClosed(closed_message(window))
    products = Product.objects.in_bulk(list(cartons))
    unknown = sorted(str(pk) for pk in cartons if pk not in products)
    if unknown:
        raise DomainError(_("No such product: %(ids)s.") % {"ids": ", ".join(unknown)})
    bad = sorted(products[pk].code for pk, v in cartons.items() if v is not None and not _valid_cartons(v))
    if bad:
        raise DomainError(
            _("Give whole cartons from 0 to %(most)s: %(codes)s.")
            % {"most": f"{MAX_CARTONS:,}", "codes": ", ".join(bad)}
        )
    withdrawn = sorted(
        products[pk].code
        for pk, v in cartons.items()
        if v is not None and products[pk].lifecycle == Lifecycle.WITHDRAWN
    )
    if withdrawn:
        raise DomainError(_("No longer on sale, cannot be reported: %(codes)s.") % {"codes": ", ".join(withdrawn)})

    existing = {r.product_id: r for r in DemandReport.objects.filter(retailer=retailer, cycle=cycle)}
    suggestions = retailer_suggestions(retailer_id=retailer.pk, cycle=cycle)
    before: dict[str, int] = {}
    after: dict[str, int | None] = {}
    create, update, delete = [], [], []
    now = timezone.now()
    for pk, value in cartons.items():
        current = existing.get(pk)
        old = current.cartons if current else None
        if value == old:
            continue
        code = products[pk].code
        if old is not None:
            before[code] = old
        after[code] = value
        if value is None:
            delete.append(current.pk)
        elif current is None:
            create.append(
                DemandReport(
                    cycle=cycle,
                    retailer=retailer,
                    product_id=pk,
                    cartons=value,
                    suggested=suggestions.get(pk),
                    entered_by=actor,
                )  # fmt: skip
            )
        else:
            current.cartons, current.entered_by, current.updated_at = value, actor, now
            update.append(current)
    DemandReport.objects.filter(pk__in=delete).delete()
    DemandReport.objects.bulk_create(create)
    DemandReport.objects.bulk_update(update, ["cartons", "entered_by", "updated_at"])
    if after:
        AuditEntry.objects.create(
            actor=actor, action="demand.report", object_type="retailer", object_id=str(retailer.pk),
            before={"cycle": cycle.label, "cartons": before}, after={"cycle": cycle.label, "cartons": after},
        )  # fmt: skip
    changed = len(create) + len(update)
    return ReportSaved(changed=changed, withdrawn=len(delete), unchanged=len(cartons) - changed - len(delete))
