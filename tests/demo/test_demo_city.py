import datetime as dt

import numpy as np
import pytest

from demo.city import TIER_BANDS, build_city, scarce_cap, season_factor, tiers_from_scale, weekly_orders
from demo.services import demo_city_create, demo_inspections_create, demo_logins_ensure
from orders.models import Order
from retailers.models import Retailer


def test_city_shapes_follow_the_domain():
    city = build_city(retailers=5000, products=150, seed=7)
    r = city.retailers
    assert abs((r["business_format"] == "Z").mean() - 0.85) < 0.03
    assert abs((r["market_type"] == "urban").mean() - 0.74) < 0.03
    assert (r["business_format"] == "Q").mean() < 0.05
    assert r["customer_code"].is_unique
    assert r["license_no"].is_unique
    for low, high, share in TIER_BANDS:
        got = r["tier"].between(low, high).mean()
        assert abs(got - share) < 0.01, (low, high, got)
    assert set(np.unique(r["tier"])) == set(range(1, 31))
    p = city.products
    margin = 1 - p["wholesale_price"] / p["retail_price"]
    assert margin[p["price_class"] != "V"].between(0.10, 0.17).all()
    assert margin[p["price_class"] == "V"].between(0.15, 0.25).all()
    assert set(p["price_class"]) >= {"I", "II", "III", "IV"}


def test_tiers_follow_scale():
    scale = np.arange(1000, dtype=float)
    tiers = tiers_from_scale(scale)
    assert (np.diff(tiers) >= 0).all()
    assert tiers[0] == 1
    assert tiers[-1] == 30


def test_orders_are_deterministic_peak_before_spring_festival_and_scarce_hit_quota():
    city = build_city(retailers=2000, products=80, seed=3)
    weeks = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(8)]
    first = list(weekly_orders(city, week_starts=weeks, seed=3))
    again = list(weekly_orders(build_city(retailers=2000, products=80, seed=3), week_starts=weeks, seed=3))
    for (_, a), (_, b) in zip(first, again, strict=True):
        assert a.equals(b)
    totals = {w: f["ordered_qty"].sum() for w, f in first}
    assert season_factor(dt.date(2026, 2, 2)) > 1
    assert season_factor(dt.date(2026, 2, 16)) < 1
    assert totals[dt.date(2026, 2, 2)] > 1.4 * totals[dt.date(2026, 1, 5)]
    assert totals[dt.date(2026, 2, 16)] < totals[dt.date(2026, 1, 5)]
    allf = np.concatenate([f.to_numpy() for _, f in first])
    scarce_rows = [f[f["quota"].notna()] for _, f in first]
    hits = sum(int((s["ordered_qty"] >= s["quota"]).sum()) for s in scarce_rows)
    assert hits / sum(len(s) for s in scarce_rows) > 0.5
    assert len(allf) > 0
    assert scarce_cap(np.array([1, 5, 6, 30])).tolist() == [1, 1, 2, 6]


@pytest.mark.django_db
def test_demo_city_into_database_and_logins():
    result = demo_city_create(retailers=300, products=30, weeks=3, seed=1, today=dt.date(2026, 11, 22))
    assert result["retailers"] == 300 == Retailer.objects.count()
    assert result["orders"] == Order.objects.count() > 0
    assert Retailer.objects.filter(manager__isnull=True).count() == 0
    logins = demo_logins_ensure()
    roles = [login["role"] for login in logins]
    assert roles.count("supervisor") == 1
    assert roles.count("manager") == 2
    assert roles.count("retailer") == 3
    with pytest.raises(ValueError, match="empty"):
        demo_city_create(retailers=10, products=5, weeks=1, seed=1)
    assert demo_logins_ensure() == logins  # idempotent


@pytest.mark.django_db
def test_demo_retailer_logins_span_the_tiers_and_both_order_rhythms(capsys):
    from django.core.management import call_command

    from demo.services import demo_login_retailers

    demo_city_create(retailers=300, products=30, weeks=3, seed=1, today=dt.date(2026, 11, 22))
    mine = Retailer.objects.filter(manager__username="manager1", status="active", tier__isnull=False)
    tiers = sorted(mine.values_list("tier", flat=True))
    shops = demo_login_retailers()
    assert len(shops) == 3
    assert max(s.tier for s in shops) == tiers[-1]  # the top tier
    assert min(s.tier for s in shops) <= 10  # a low one: "how to move up" shows
    assert len({s.tier for s in shops}) == 3  # and one in between
    assert {s.order_cycle_kind for s in shops} == {"weekly", "biweekly"}
    call_command("demo_logins")
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "/m/" in line]
    assert len(lines) == 3
    for shop, line in zip(shops, lines, strict=True):
        rhythm = "每周订货" if shop.order_cycle_kind == "weekly" else "隔周订货"
        assert line.strip().startswith("零售户")
        assert f"D{shop.tier} · {rhythm} · " in line
    assert "主管" in out
    assert "客户经理" in out


@pytest.mark.django_db
def test_demo_weekly_totals_equal_the_sql_refresh():
    from orders.models import WeeklyPurchase
    from orders.services import weekly_purchases_refresh

    demo_city_create(retailers=150, products=20, weeks=3, seed=8, today=dt.date(2026, 11, 22))
    fields = ["cycle_id", "retailer_id", "cartons", "amount", "lines", "returned", "sales", "cost",
              "cartons_class_i", "cartons_class_ii", "cartons_class_iii", "cartons_class_iv", "cartons_class_v"]  # fmt: skip
    in_memory = sorted(WeeklyPurchase.objects.values_list(*fields))
    assert in_memory
    assert sum(row[6] for row in in_memory) > sum(row[7] for row in in_memory) > 0  # sales above cost
    weekly_purchases_refresh(cycle_ids=sorted({c for c, *_ in in_memory}))
    assert sorted(WeeklyPurchase.objects.values_list(*fields)) == in_memory


@pytest.mark.django_db
def test_demo_inspections_give_figures_and_standings():
    from compliance.models import Inspection, InspectionLine
    from compliance.services import compliance_standing_refresh

    today = dt.date(2026, 11, 22)
    demo_city_create(retailers=200, products=20, weeks=3, seed=4, today=today)
    message = demo_inspections_create(today=today, weeks=4, per_week=5)
    visits = Inspection.objects.count()
    assert visits == 4 * 5 * Retailer.objects.values("manager").distinct().count()
    assert InspectionLine.objects.filter(tag_present=False).exists()
    assert str(visits) in message
    assert demo_inspections_create(today=today) == "inspections exist: none added"
    assert Inspection.objects.count() == visits
    counts = compliance_standing_refresh(today=today)
    assert 0 < counts["retailers"] <= visits


@pytest.mark.django_db
def test_demo_visits_count_stock_and_some_shops_hold_far_too_much():
    from compliance.models import InspectionLine
    from inventory.models import InventoryAdvice
    from inventory.services import inventory_advice_nightly
    from stock.models import StockCount

    today = dt.date(2026, 11, 22)
    demo_city_create(retailers=200, products=20, weeks=6, seed=4, today=today)
    message = demo_inspections_create(today=today, weeks=6, per_week=5)
    counted = StockCount.objects.filter(source="manager")
    recent = InspectionLine.objects.filter(inspection__visited_on__gte=today - dt.timedelta(weeks=4))
    assert counted.count() == recent.count() > 0
    assert f"{counted.count()} stock counts" in message
    line = recent.select_related("inspection").first()
    count = counted.get(
        retailer=line.inspection.retailer_id, product=line.product_id, counted_on=line.inspection.visited_on
    )
    assert count.recorded_by_id == line.inspection.inspector_id
    result = inventory_advice_nightly(today=today)
    assert result["diversion_alerts"] > 0
    assert InventoryAdvice.objects.filter(advice_run__is_current=True, diversion=True).exists()
