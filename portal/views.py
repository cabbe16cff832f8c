"""The retailer's phone pages. Each view reads only the logged-in retailer's own data."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse, reverse_lazy
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.cache import read_ahead, session_user_id
from allocation.quota_sheets import quota_sheet
from compliance.tags import tag_sheet_response
from core import params
from cycles.models import VISIBLE_STATUSES, OrderCycle
from inventory.selectors import advice_cycle, retailer_advice, retailer_structure
from profitability.charts import report_chart_data
from profitability.selectors import retailer_report
from stock.forms import StockCountsForm
from stock.models import StockSource
from stock.selectors import has_counts
from stock.services import stock_count_record, stock_counts_record
from tiers.move_up import tier_move_up
from tiers.selectors import tier_explanation

from . import selectors
from .forms import LicenseLoginForm, StockReportForm


def retailer_page(view):
    """Logged in as a retailer; managers and supervisors go to the admin, anyone else gets 403.

    The session's user, the shop and the view's cached `sheets` are read in one cache round trip."""
    kinds = getattr(view, "sheets", ())

    @login_required
    def checked(request, today, found, *args, **kwargs):
        request.visit = selectors.portal_visit(request.user, today, kinds=kinds, prefetched=found)
        retailer = request.visit.retailer
        if retailer is None:
            if request.user.is_staff:
                return redirect("admin:index")
            raise PermissionDenied
        return view(request, retailer, *args, **kwargs)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        today = timezone.localdate()
        user_id = session_user_id(request)
        keys = selectors.visit_keys(user_id, today, kinds) if user_id is not None else []
        with read_ahead(request, keys) as found:
            return checked(request, today, found, *args, **kwargs)

    return wrapper


STAFF_PAGES = {"inspections", "admin"}  # URL namespaces only customer managers and supervisors open


class LoginView(auth_views.LoginView):
    """One login for everyone: a retailer with its license number, staff with their username. Sent here
    from a staff page (e.g. /m/inspections/), it speaks to staff; after it, staff without a page to go
    back to land on the admin, retailers on their quotas."""

    template_name = "portal/login.html"
    authentication_form = LicenseLoginForm
    redirect_authenticated_user = True

    def for_staff(self) -> bool:
        try:
            match = resolve(urlsplit(self.get_redirect_url()).path or "/")
        except Resolver404:
            return False
        return match.namespace in STAFF_PAGES

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_staff": self.for_staff()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "for_staff": self.for_staff()}

    def get_default_redirect_url(self):
        if self.request.user.is_authenticated and self.request.user.is_staff:
            return reverse("admin:index")
        return super().get_default_redirect_url()


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change.html"
    success_url = reverse_lazy("portal:password_changed")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "retailer": selectors.retailer_of(self.request.user),
            "nav": "password",
        }


def entry(request):
    """The site's front door: retailers to their quotas, staff to the admin."""
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:home")


def _home(request, retailer):
    """The cycle the retailer orders next (else today's), its ordering window and its quotas."""
    visit = request.visit
    cycle, allocation_id, next_pending = selectors.home_cycle(
        visit=visit, retailer=retailer, today=timezone.localdate()
    )
    context = {"retailer": retailer, "cycle": cycle, "nav": "home"}
    if cycle is not None:
        html = selectors.cached_sheet(
            "page", visit=visit, cycle=cycle, allocation_id=allocation_id,
            build=lambda sheet: str(render_to_string("portal/_sheet.html", {"sheet": sheet})),
        )  # fmt: skip
        context["sheet_html"] = mark_safe(html)  # noqa: S308 - our own template's output, escaped when rendered
        context["window"] = selectors.order_window(retailer=retailer, cycle=cycle, next_pending=next_pending)
    return render(request, "portal/home.html", context)


_home.sheets = ("page",)  # read with the visit, in the same cache round trip
home = retailer_page(_home)


@retailer_page
def cycles(request, retailer):
    """Published cycles ahead and past ones, each with the retailer's own ordering window."""
    rows = [(cycle, selectors.order_window(retailer=retailer, cycle=cycle)) for cycle in selectors.visible_cycles()]
    return render(request, "portal/cycles.html", {"retailer": retailer, "rows": rows, "nav": "cycles"})


@retailer_page
def cycle_detail(request, retailer, starts_on):
    cycle = get_object_or_404(OrderCycle, starts_on=starts_on, status__in=VISIBLE_STATUSES)
    sheet = quota_sheet(retailer=retailer, cycle=cycle)
    window = selectors.order_window(retailer=retailer, cycle=cycle)
    context = {"retailer": retailer, "cycle": cycle, "sheet": sheet, "window": window, "nav": "cycles"}
    return render(request, "portal/cycle.html", context)


@retailer_page
def prices(request, retailer):
    query = params.text(request, "q", label=_("Search"))
    products = selectors.price_list(query=query)
    return render(
        request, "portal/prices.html", {"retailer": retailer, "products": products, "q": query, "nav": "prices"}
    )


@retailer_page
def tag_sheet(request, retailer):
    return tag_sheet_response(request, retailer, on=timezone.localdate(), back_url=reverse("portal:prices"))


@retailer_page
def notices(request, retailer):
    """New and withdrawn products, and the scarce ones of the cycle the home page shows (named)."""
    cycle, _run, _pending = selectors.home_cycle(visit=request.visit, retailer=retailer, today=timezone.localdate())
    found = selectors.notices(retailer=retailer, cycle=cycle)
    context = {"retailer": retailer, "notices": found, "cycle": cycle, "nav": "notices"}
    return render(request, "portal/notices.html", context)


@retailer_page
def tier(request, retailer):
    explanation = tier_explanation(retailer=retailer)
    context = {
        "retailer": retailer, "explanation": explanation, "nav": "tier",
        "move_up": tier_move_up(retailer=retailer, explanation=explanation),
    }  # fmt: skip
    return render(request, "portal/tier.html", context)


@retailer_page
def stock(request, retailer):
    """Inventory advice; the products whose stock is unknown, to count all at once; and the
    retailer's own stock report (one product at a time)."""
    lines = retailer_advice(retailer=retailer)
    to_count = [line for line in lines if line.needs_count]
    posted = request.POST if request.method == "POST" else None
    counts_posted = posted is not None and posted.get("form") == "counts"
    counts_form = StockCountsForm(posted if counts_posted else None, products=[line.product for line in to_count])
    form = StockReportForm(None if counts_posted else posted)
    if counts_posted and counts_form.is_valid():
        recorded = stock_counts_record(
            retailer=retailer, counts=counts_form.counts(), source=StockSource.RETAILER, actor=request.user
        )
        messages.success(
            request,
            ngettext(
                "Thank you: %(n)s count is recorded and counts in tonight's advice.",
                "Thank you: %(n)s counts are recorded and count in tonight's advice.",
                len(recorded),
            )
            % {"n": len(recorded)},
        )
        return redirect("portal:stock")
    if posted is not None and not counts_posted and form.is_valid():
        stock_count_record(
            retailer=retailer, product=form.cleaned_data["product"], cartons=form.cleaned_data["cartons"],
            source=StockSource.RETAILER, actor=request.user,
        )  # fmt: skip
        messages.success(request, _("Thank you: your stock is recorded and counts in tonight's advice."))
        return redirect("portal:stock")
    context = {
        "retailer": retailer, "lines": [line for line in lines if not line.needs_count], "counts_form": counts_form,
        "count_rows": [(line, counts_form[f"count_{line.product.pk}"]) for line in to_count], "form": form, "nav": "stock",
        "structure": retailer_structure(retailer=retailer, today=timezone.localdate()),
        "ever_counted": bool(to_count) and has_counts(retailer_id=retailer.pk),
    }  # fmt: skip
    if context["lines"]:
        context["advice_cycle"], context["advice_as_of"] = advice_cycle(retailer=retailer)
    return render(request, "portal/stock.html", context)


@retailer_page
def profit(request, retailer):
    """The retailer's own profitability: latest figures, standing among peers, trend, mix, what to try."""
    report = retailer_report(retailer=retailer, today=timezone.localdate())
    trend = report_chart_data(report).get("trend_chart")
    chart = trend.svg(size="phone") if trend else ""  # drawn for a ~300 px card: labels ≥ 11 px
    context = {"retailer": retailer, "report": report, "trend_chart": chart, "nav": "profit"}
    return render(request, "portal/profit.html", context)
