"""Every admin list can be narrowed: filters or search on every list people work through (issue 19).
The exceptions are named: one-row policies and the scheduler's own small tables."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from allocation.models import QuotaException
from cycles.models import OrderCycle
from tests.factories import BranchFactory, DepartmentFactory, ProductFactory, RetailerFactory

ONE_ROW_OR_LIBRARY = {
    "allocation.AllocationPolicy", "compliance.CompliancePolicy", "service_requests.RequestPolicy",
    "django_celery_beat.ClockedSchedule", "django_celery_beat.CrontabSchedule",
    "django_celery_beat.IntervalSchedule", "django_celery_beat.SolarSchedule", "auth.Group",
    "retailers.CountyBranch",
}  # fmt: skip


def _has_filters(model_admin) -> bool:
    overridden = type(model_admin).get_list_filter is not admin.ModelAdmin.get_list_filter
    return bool(model_admin.list_filter) or overridden or bool(model_admin.date_hierarchy)


def test_every_list_has_filters_or_search():
    missing = [
        f"{model._meta.label}: {'no filters' if not _has_filters(model_admin) else 'no search'}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.label not in ONE_ROW_OR_LIBRARY
        and not (_has_filters(model_admin) and (model_admin.search_fields or model_admin.date_hierarchy))
    ]
    assert missing == []


def _choices(client, url: str, path: str) -> set[str]:
    """The choices a list's filter on `path` offers, by their words."""
    response = client.get(url)
    assert response.status_code == 200
    spec = next(s for s in response.context["cl"].filter_specs if getattr(s, "field_path", None) == path)
    return {str(label) for _pk, label in spec.lookup_choices}


@pytest.mark.django_db
def test_a_managers_filters_offer_only_what_their_own_rows_point_to(client, supervisor, manager_a, manager_b):
    """Issue 19: a customer manager's retailer list offers their own retailers' counties and market
    departments, not every county of the city; their quota exceptions the cycles they have exceptions in.
    A supervisor's offer every county."""
    ours, also_ours, theirs, empty = (BranchFactory() for _ in range(4))
    mine = RetailerFactory(manager=manager_a, branch=ours, department=DepartmentFactory(branch=ours))
    RetailerFactory(manager=manager_a, branch=also_ours)
    other = RetailerFactory(manager=manager_b, branch=theirs, department=DepartmentFactory(branch=theirs))
    retailers = reverse("admin:retailers_retailer_changelist")
    client.force_login(manager_a)
    assert _choices(client, retailers, "branch") == {str(ours), str(also_ours)}
    assert _choices(client, retailers, "department") == {str(mine.department)}
    assert str(theirs) not in client.get(retailers).content.decode()
    client.force_login(supervisor)
    assert _choices(client, retailers, "branch") >= {str(ours), str(also_ours), str(theirs), str(empty)}
    assert _choices(client, retailers, "department") >= {str(mine.department), str(other.department)}

    product = ProductFactory()
    cycles = []
    for week, shop in ((1, mine), (2, mine), (3, other)):
        start = dt.date(2090, 1, 1) + dt.timedelta(weeks=week)
        cycle = OrderCycle.objects.create(
            year=2090, month=1, week_seq=week, starts_on=start, ends_on=start + dt.timedelta(days=6),
            order_opens_on=start, order_closes_on=start + dt.timedelta(days=2),
        )  # fmt: skip
        QuotaException.objects.create(
            cycle=cycle, product=product, retailer=shop, quota=2, reason="开业支持", approved_by=supervisor
        )
        cycles.append(cycle)
    exceptions = reverse("admin:allocation_quotaexception_changelist")
    client.force_login(manager_a)
    assert _choices(client, exceptions, "cycle") == {cycles[0].label, cycles[1].label}
    client.force_login(supervisor)
    assert _choices(client, exceptions, "cycle") >= {c.label for c in cycles}
