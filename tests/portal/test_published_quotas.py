"""A published quota is a promise: what the run stored, never recomputed from today's registry.

After publishing, a change to the retailer's tier, credit, status, cell attributes, vulnerability
or manager, and a new classification, change neither its quotas nor their reasons on the phone
page, the retailer's API or the staff API; a supervisor's audited exception does."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from allocation.explanations import retailer_quota_explanations
from allocation.models import AllocationRun, RetailerQuotas
from allocation.selectors import quotas_frame
from allocation.services import quota_exception_set
from core.models import AuditEntry
from portal.selectors import current_cycle
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def readings(client, staff_client, shop, cycle) -> dict:
    """What each reader shows for this shop, read with an empty cache (no cached copy can hide a change)."""
    cache.clear()
    client.force_login(shop.user)
    phone = client.get(reverse("portal:home")).content.decode()
    mine = client.get(reverse("api-me-quotas"), {"cycle": cycle.label}).json()
    explained = {
        e["product_code"]: (e["quota"], tuple(e["reasons"]))
        for e in retailer_quota_explanations(retailer=Retailer.objects.get(pk=shop.pk), cycle=cycle)
    }
    staff = {}
    for code in explained:
        rows = staff_client.get(
            reverse("api-quotas"), {"cycle": cycle.label, "product": code, "page_size": 1000}
        ).json()["results"]
        staff[code] = next((r["quota"], r["tier"], r["reasons"]) for r in rows if r["retailer"] == shop.pk)
    return {
        "api": sorted((q["product_code"], q["quota"], tuple(q["reasons"])) for q in mine["quotas"]),
        "explained": explained,
        "staff": staff,
        "phone_reasons": sorted(r for _, reasons in explained.values() for r in reasons if r in phone),
    }


def test_registry_changes_after_publishing_change_no_published_quota(client, shop, manager2, city):
    from django.test import Client

    cycle = current_cycle(city)
    boss = get_user_model().objects.get(username="supervisor")
    staff_client = Client()
    staff_client.force_login(boss)
    before = readings(client, staff_client, shop, cycle)
    assert before["api"], "the demo plan gave this shop nothing"
    assert before["phone_reasons"]  # the reasons are on the phone page
    stored_tier = RetailerQuotas.objects.filter(retailer=shop).values_list("tier", flat=True).first()
    assert any(f"D{stored_tier}" in r for _, reasons in before["explained"].values() for r in reasons)

    # Everything a quota could be computed from changes...
    Retailer.objects.filter(pk=shop.pk).update(
        tier=1 if shop.tier > 1 else 30, credit_rating="D", market_type="rural" if shop.market_type == "urban" else "urban",
        is_vulnerable=not shop.is_vulnerable, manager=manager2, status="suspended",
    )  # fmt: skip
    call_command("classify_retailers", stdout=None)
    Retailer.objects.filter(pk=shop.pk).update(status="active", manager=shop.manager)  # the shop may still log in
    after = readings(client, staff_client, shop, cycle)
    # ...and nothing the retailer or the staff read moves.
    assert after == before

    # Only an audited exception does.
    code, (quota, _) = next(iter(before["explained"].items()))
    line = next(q for q in client.get(reverse("api-me-quotas")).json()["quotas"] if q["product_code"] == code)
    from pricing.models import Product

    cycle.supply_plan.filter(product__code=code).update(allow_over=True)  # 2 more, whatever its target has left
    quota_exception_set(
        cycle=cycle, product=Product.objects.get(code=code), retailer=shop, quota=quota + 2, reason="开业支持",
        approver=boss,
    )  # fmt: skip
    assert line["quota"] == quota
    changed = readings(client, staff_client, shop, cycle)
    assert {c: q for c, q, _ in changed["api"]}[code] == quota + 2
    assert changed["staff"][code][0] == quota + 2
    assert any("开业支持" in r for r in changed["explained"][code][1])
    assert AuditEntry.objects.filter(action="allocation.exception", object_id=str(shop.pk)).exists()


def test_the_run_stores_every_retailer_with_the_facts_it_used(city):
    run = AllocationRun.objects.get(cycle=current_cycle(city), is_published=True)
    frame = quotas_frame(run)
    stored = dict(RetailerQuotas.objects.filter(allocation=run).values_list("retailer", "tier"))
    assert set(frame["retailer"]) <= set(stored)
    # The tier each quota was computed with is the one stored with it, whatever the registry says now.
    Retailer.objects.update(tier=1)
    again = quotas_frame(run)
    assert (again["tier"].to_numpy() == frame["tier"].to_numpy()).all()
    assert (again["quota"].to_numpy() == frame["quota"].to_numpy()).all()
    assert (frame["tier"] == frame["retailer"].map(stored)).all()
