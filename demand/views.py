"""The retailer's demand report page (`/m/demand/`): the cartons it wants of each product in the next
cycle open for reports, from its recent orders; changed as often as it likes until the window closes."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exceptions import DomainError
from retailers.phone import retailer_page

from .forms import DemandReportForm
from .models import DemandReport
from .selectors import DemandWindow, open_demand_cycles, retailer_demand_lines
from .services import demand_report_save


@retailer_page
def report(request, retailer):
    today = timezone.localdate()
    cycles = open_demand_cycles(today=today)
    wanted = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if c.label == wanted), cycles[0] if cycles else None)
    context = {"retailer": retailer, "nav": "demand", "cycles": cycles, "cycle": cycle}
    if cycle is None:
        last = (
            DemandReport.objects.filter(retailer=retailer)
            .order_by("-cycle__starts_on")
            .values_list("cycle_id", flat=True)
            .first()
        )
        past = list(
            DemandReport.objects.filter(retailer=retailer, cycle_id=last).select_related("cycle", "product")
            .order_by("product__code")
        ) if last else []  # fmt: skip
        context.update(past=past, past_cycle=past[0].cycle if past else None)
        return render(request, "demand/report.html", context)
    lines = retailer_demand_lines(retailer=retailer, cycle=cycle)
    form = DemandReportForm(request.POST if request.method == "POST" else None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            saved = demand_report_save(
                retailer=retailer, cycle=cycle, cartons=form.cartons(), actor=request.user, today=today
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            reported = sum(1 for v in form.cartons().values() if v is not None)
            messages.success(
                request,
                ngettext(
                    "Thank you: your demand for %(n)s product is saved. You may change it until the allocation runs.",
                    "Thank you: your demand for %(n)s products is saved. You may change it until the allocation runs.",
                    reported,
                )
                % {"n": reported}
                if reported or saved.withdrawn
                else _("Nothing reported: every box is empty."),
            )
            return redirect(f"{reverse('demand:report')}?cycle={cycle.label}")
    rows = form.rows()
    context.update(
        last_day=DemandWindow(cycle, True).last_day,
        form=form,
        usual=[row for row in rows if row[0].usual],
        others=[row for row in rows if not row[0].usual],
        reported=sum(1 for line in lines if line.reported is not None),  # stored reports, never the prefilled boxes
        prefilled=sum(1 for line in lines if line.prefilled),
    )
    return render(request, "demand/report.html", context)
