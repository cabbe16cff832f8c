"""Saving demand reports: validated (whole cartons from 0, products on sale, the window open, the retailer's
own login), prefilled from recent orders, audited."""

import datetime as dt

import pytest

from core.exceptions import AccessDenied, DomainError
from core.models import AuditEntry, Run
from cycles.services import cycle_get_or_create
from demand.models import MAX_CARTONS, DemandReport
from demand.selectors import retailer_demand_lines, retailer_reports
from demand.services import DemandClosed, demand_report_save
from orders.models import Order

pytestmark = pytest.mark.django_db


def order(shop, product, starts_on, qty):
    cycle = cycle_get_or_create(starts_on=starts_on)
    Order.objects.create(cycle=cycle, retailer=shop, product=product, ordered_qty=qty, amount=qty * 100)


def test_the_form_starts_from_recent_orders_usual_products_first(shop, cycle, products):
    p1, p2, p3, withdrawn = products
    # The 4 cycles before 11-23: 10-26, 11-2, 11-9, 11-16. The shop ordered in 11-2, 11-9, 11-16 (3 cycles);
    # 10-19 is too old.
    order(shop, p2, dt.date(2026, 10, 19), 50)
    order(shop, p2, dt.date(2026, 11, 2), 3)
    order(shop, p2, dt.date(2026, 11, 9), 4)
    order(shop, p1, dt.date(2026, 11, 16), 2)
    # p2: (3 + 4) / 3 = 2.33 → 2; p1: 2 / 3 = 0.67 → 1; p3 not ordered → blank; withdrawn not offered
    lines = retailer_demand_lines(retailer=shop, cycle=cycle)
    assert [(line.product.code, line.suggested, line.value) for line in lines] == [
        ("90000001", 1, 1), ("90000002", 2, 2), ("90000003", None, None),
    ]  # fmt: skip
    assert [line.usual for line in lines] == [True, True, False]


def test_a_report_is_saved_changed_withdrawn_and_audited(shop, cycle, products, today):
    p1, p2, p3, _ = products
    order(shop, p1, dt.date(2026, 11, 16), 2)
    saved = demand_report_save(
        retailer=shop, cycle=cycle, cartons={p1.pk: 5, p2.pk: 0, p3.pk: None}, actor=shop.user, today=today
    )
    assert (saved.changed, saved.withdrawn, saved.unchanged) == (2, 0, 1)
    assert retailer_reports(retailer_id=shop.pk, cycle_id=cycle.pk) == {p1.pk: 5, p2.pk: 0}
    row = DemandReport.objects.get(product=p1)
    assert (row.suggested, row.entered_by) == (2, shop.user)  # 2 / 1 ordering cycle = 2
    assert DemandReport.objects.get(product=p2).suggested is None

    saved = demand_report_save(
        retailer=shop, cycle=cycle, cartons={p1.pk: 5, p2.pk: None, p3.pk: 7}, actor=shop.user, today=today
    )
    assert (saved.changed, saved.withdrawn, saved.unchanged) == (1, 1, 1)
    assert retailer_reports(retailer_id=shop.pk, cycle_id=cycle.pk) == {p1.pk: 5, p3.pk: 7}
    entries = list(AuditEntry.objects.filter(action="demand.report").order_by("pk"))
    assert len(entries) == 2
    assert entries[0].after == {"cycle": "2026-11-4", "cartons": {"90000001": 5, "90000002": 0}}
    assert entries[1].before == {"cycle": "2026-11-4", "cartons": {"90000002": 0}}
    assert entries[1].after == {"cycle": "2026-11-4", "cartons": {"90000002": None, "90000003": 7}}
    assert (entries[1].actor, entries[1].object_id) == (shop.user, str(shop.pk))

    demand_report_save(retailer=shop, cycle=cycle, cartons={p1.pk: 5}, actor=shop.user, today=today)
    assert AuditEntry.objects.filter(action="demand.report").count() == 2  # nothing changed, nothing audited


@pytest.mark.parametrize("value", [-1, MAX_CARTONS + 1, 2.5, "3", True])
def test_only_whole_cartons_from_0(shop, cycle, products, today, value):
    with pytest.raises(DomainError, match="90000001"):
        demand_report_save(retailer=shop, cycle=cycle, cartons={products[0].pk: value}, actor=shop.user, today=today)
    assert not DemandReport.objects.exists()


def test_largest_value_is_accepted(shop, cycle, products, today):
    demand_report_save(retailer=shop, cycle=cycle, cartons={products[0].pk: MAX_CARTONS}, actor=shop.user, today=today)
    assert DemandReport.objects.get().cartons == MAX_CARTONS


def test_a_withdrawn_product_cannot_be_reported_nor_an_unknown_one(shop, cycle, products, today):
    with pytest.raises(DomainError, match="90000004"):
        demand_report_save(
            retailer=shop, cycle=cycle, cartons={products[0].pk: 1, products[3].pk: 2}, actor=shop.user, today=today
        )
    with pytest.raises(DomainError):
        demand_report_save(retailer=shop, cycle=cycle, cartons={999_999: 2}, actor=shop.user, today=today)
    assert not DemandReport.objects.exists()


def test_a_closed_window_refuses_and_keeps_the_reports(shop, cycle, products, today):
    demand_report_save(retailer=shop, cycle=cycle, cartons={products[0].pk: 4}, actor=shop.user, today=today)
    Run.objects.create(job="allocation", scope=cycle.label, status="running")
    with pytest.raises(DemandClosed, match="2026-11-4"):
        demand_report_save(retailer=shop, cycle=cycle, cartons={products[0].pk: 9}, actor=shop.user, today=today)
    with pytest.raises(DemandClosed):
        demand_report_save(retailer=shop, cycle=cycle, cartons={products[0].pk: None}, actor=shop.user, today=today)
    assert retailer_reports(retailer_id=shop.pk, cycle_id=cycle.pk) == {products[0].pk: 4}


def test_ordering_opened_refuses(shop, cycle, products):
    with pytest.raises(DemandClosed):
        demand_report_save(
            retailer=shop, cycle=cycle, cartons={products[0].pk: 4}, actor=shop.user, today=dt.date(2026, 11, 21)
        )


def test_only_the_retailers_own_login_reports(shop, other_shop, manager_a, supervisor, cycle, products, today):
    for actor in (other_shop.user, manager_a, supervisor, None):
        with pytest.raises(AccessDenied):
            demand_report_save(retailer=shop, cycle=cycle, cartons={products[0].pk: 1}, actor=actor, today=today)
    assert not DemandReport.objects.exists()
