"""A customer manager's stock count on a visit: the shop's products whose stock is unknown (no
count within stock.selectors.COUNT_MAX_AGE_WEEKS), one box each, recorded as the manager's counts
that tonight's inventory advice carries forward (docs/domain.md §6). Kept apart from views.py's
inspection form: a count is not a price-tag check."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from retailers.selectors import retailers_visible_to
from stock.forms import StockCountsForm
from stock.models import StockSource
from stock.services import stock_counts_record

from .planning import shops_to_count
from .views import manager_page


@manager_page
def count_stock(request, retailer_pk: int):
    retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=retailer_pk)
    today = timezone.localdate()
    products = shops_to_count([retailer.pk], today)[retailer.pk]
    form = StockCountsForm(request.POST if request.method == "POST" else None, products=products)
    if request.method == "POST" and form.is_valid():
        recorded = stock_counts_record(
            retailer=retailer, counts=form.counts(), source=StockSource.MANAGER, actor=request.user, on=today
        )
        messages.success(
            request,
            ngettext(
                "%(n)s count recorded: tonight's advice starts from it.",
                "%(n)s counts recorded: tonight's advice starts from them.",
                len(recorded),
            )
            % {"n": len(recorded)},
        )
        return redirect("inspections:count", retailer_pk=retailer.pk)
    return render(request, "compliance/count.html", {"retailer_obj": retailer, "form": form})
