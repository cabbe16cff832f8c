"""A customer manager's phone pages for price-tag inspections of their own retailers."""

from __future__ import annotations

from functools import wraps

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import params
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
    query = params.text(request, "q", label=_("Search"))
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


TAG_STATES = {"present": True, "absent": False}  # the tag question per product; "" = not checked
FIELDS = ("tag", *PRICE_FIELDS, "stock", "photo")


def _inspection_lines(post, files, products) -> list[dict]:
    """The form as `inspection_record` lines, one per product on the list (row n = product n)."""
    lines = []
    for p in products:
        state = post.get(f"tag_{p.pk}", "")
        lines.append(
            {
                "product": p.code,
                "checked": state in TAG_STATES,
                "tag_present": TAG_STATES.get(state, False),
                **{f: post.get(f"{f}_{p.pk}", "").strip() for f in PRICE_FIELDS},
                "stock": post.get(f"stock_{p.pk}", "").strip(),
                "photo": files.get(f"photo_{p.pk}"),
            }
        )
    return lines


def _form_rows(products, post, files, errors) -> tuple[list[dict], list[str]]:
    """Per product: what was entered (kept after an error) and the problems beside each field; and
    the problems of the whole inspection. A chosen photo cannot be put back into the page: the
    manager is asked to choose it again."""
    by_field: dict[tuple[int, str], list[str]] = {}
    general: list[str] = []
    for e in errors:
        if e.row == 0:
            general.append(e.reason)
        else:
            by_field.setdefault((e.row, e.column), []).append(e.reason)
    rows = []
    for n, p in enumerate(products, start=1):
        field_errors = {f: by_field.get((n, f), []) for f in (*FIELDS, "product")}
        if errors and files.get(f"photo_{p.pk}") is not None and not field_errors["photo"]:
            field_errors["photo"] = [_("Nothing was saved: please choose the photo again.")]
        rows.append(
            {
                "product": p,
                "tag": post.get(f"tag_{p.pk}", ""),
                "values": {f: post.get(f"{f}_{p.pk}", "") for f in (*PRICE_FIELDS, "stock")},
                "errors": field_errors,
                "invalid": any(field_errors.values()),
            }
        )
    return rows, general


@manager_page
def inspect(request, retailer_pk: int):
    """Record a visit: for each sampled product checked, the tag and the price actually charged. A
    refused form comes back as entered, each problem beside its field."""
    retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=retailer_pk)
    today = timezone.localdate()
    products = visit_products(retailer, cycle_monday(today))
    errors: list = []
    if request.method == "POST":
        try:
            inspection_record(
                inspector=request.user, retailer=retailer, visited_on=today,
                kind=request.POST.get("kind", InspectionKind.OPEN),
                lines=_inspection_lines(request.POST, request.FILES, products),
                notes=request.POST.get("notes", "")[:2000],
            )  # fmt: skip
        except InvalidInput as exc:
            errors = exc.errors
        else:
            return redirect("inspections:compliance", retailer_pk=retailer.pk)
    rows, general = _form_rows(products, request.POST, request.FILES, errors)
    context = {
        "retailer_obj": retailer,
        "rows": rows,
        "errors": errors,
        "general_errors": general,
        "kinds": InspectionKind.choices,
        "kind": request.POST.get("kind", InspectionKind.OPEN),
        "notes": request.POST.get("notes", ""),
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
        # Rates with nothing to divide (no price observed) are None, shown as "—", never "nan".
        summary = {
            c: int(out[c].iloc[0]) if c in counts else None if pd.isna(out[c].iloc[0]) else float(out[c].iloc[0])
            for c in out.columns
        }
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
