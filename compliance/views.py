"""A customer manager's phone pages for price-tag inspections of their own retailers."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import InvalidInput
from cycles.calendar import cycle_monday
from retailers.selectors import retailers_visible_to

from .engine.checks import figures
from .inspections import PRICE_FIELDS, inspection_record
from .models import ComplianceStanding, InspectionKind, InspectionLine
from .planning import inspection_list, visit_products
from .selectors import inspection_checks
from .tags import tag_sheet_response


def manager_page(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_supervisor or request.user.role == "manager"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@manager_page
def retailers(request):
    query = request.GET.get("q", "").strip()[:50]
    shops = retailers_visible_to(user=request.user).filter(status="active")
    if query:
        shops = shops.filter(name__icontains=query) | shops.filter(customer_code__icontains=query)
    planned = [] if request.user.is_supervisor else inspection_list(manager=request.user, on=timezone.localdate())
    context = {
        "shops": shops.order_by("customer_code")[:50],
        "q": query,
        "planned": planned,
        "planned_done": sum(v.done for v in planned),
    }
    return render(request, "compliance/inspect_list.html", context)


@manager_page
def inspect(request, retailer_pk: int):
    """Record a visit: for each sampled product, the tag and the price actually charged."""
    retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=retailer_pk)
    today = timezone.localdate()
    products = visit_products(retailer, cycle_monday(today))
    errors: list = []
    if request.method == "POST":
        lines = [
            {
                "product": p.code,
                "tag_present": request.POST.get(f"tag_present_{p.pk}") == "on",
                **{f: request.POST.get(f"{f}_{p.pk}", "").strip() for f in PRICE_FIELDS},
                "stock": request.POST.get(f"stock_{p.pk}", "").strip(),
                "photo": request.FILES.get(f"photo_{p.pk}"),
            }
            for p in products
        ]
        try:
            inspection_record(
                inspector=request.user, retailer=retailer, visited_on=today,
                kind=request.POST.get("kind", InspectionKind.OPEN), lines=lines, notes=request.POST.get("notes", "")[:2000],
            )  # fmt: skip
        except InvalidInput as exc:
            errors = exc.errors
        else:
            return redirect("inspections:compliance", retailer_pk=retailer.pk)
    context = {
        "retailer_obj": retailer,
        "products": products,
        "errors": errors,
        "kinds": InspectionKind.choices,
        "post": request.POST,
    }
    return render(request, "compliance/inspect.html", context)


@manager_page
def compliance(request, retailer_pk: int):
    """The retailer's compliance over its inspections: tag rate, price on target, below / above guide."""
    retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=retailer_pk)
    checks = inspection_checks(InspectionLine.objects.filter(inspection__retailer=retailer))
    summary = None
    if not checks.empty:
        out = figures(checks, ["retailer"])
        counts = [
            "on_display", "correct_tags", "observed", "below_guide", "above_guide", "above_ceiling",
            "charged_as_tagged", "violations",
        ]  # fmt: skip
        summary = {c: int(out[c].iloc[0]) if c in counts else float(out[c].iloc[0]) for c in out.columns}
    return render(
        request, "compliance/compliance.html",
        {"retailer_obj": retailer, "summary": summary, "standing": ComplianceStanding.objects.filter(retailer=retailer).first(), "inspections": retailer.inspections.order_by("-visited_on")[:10],
         "title": _("Price-tag compliance")},
    )  # fmt: skip


@manager_page
def tag_sheet(request, retailer_pk: int):
    """The shop's price tags to print and bring on a visit."""
    retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=retailer_pk)
    return tag_sheet_response(
        request, retailer, on=timezone.localdate(), back_url=reverse("inspections:compliance", args=[retailer.pk])
    )
