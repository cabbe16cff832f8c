"""A published quota names the tier it was computed with (stored by the run), never today's tier as
if it were that one; when the registry's tier moved since, every reader says so plainly: the admin's
quotas page, the phone's quota sheet, the retailer's API and the staff API (tester, 2026-11-27: the
header said 档位 D12。 above lines reading D11 档限量)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from allocation.models import AllocationRun, RetailerQuotas
from allocation.selectors import quotas_frame
from portal.selectors import current_cycle
from pricing.models import Product
from retailers.models import Retailer
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(shop, city):
    """The shop's tier overridden after publishing: D(stored) in the run, another tier today."""
    cycle = current_cycle(city)
    run = AllocationRun.objects.get(cycle=cycle, is_published=True)
    stored = RetailerQuotas.objects.filter(allocation=run, retailer=shop).values_list("tier", flat=True).first()
    now = stored + 1 if stored < 30 else stored - 1
    Retailer.objects.filter(pk=shop.pk).update(tier=now)
    cache.clear()
    return cycle, stored, now


def test_the_admin_quotas_page_names_the_tier_used_and_todays(client, shop, moved):
    cycle, stored, now = moved
    client.force_login(get_user_model().objects.get(username="supervisor"))
    page = shown(client.get(reverse("admin:allocation_retailer_quotas", args=[shop.pk]), {"cycle": cycle.pk}, **ZH).content)
    assert f"按计算时档位 D{stored}（现为 D{now}）" in page
    assert f"档位 D{now}。" not in page
    assert f"D{stored} 档限量" in page  # the lines, as before


def test_the_admin_quotas_page_without_a_change_names_the_tier_once(client, shop, city):
    cycle = current_cycle(city)
    client.force_login(get_user_model().objects.get(username="supervisor"))
    page = shown(client.get(reverse("admin:allocation_retailer_quotas", args=[shop.pk]), {"cycle": cycle.pk}, **ZH).content)
    assert f"档位 D{shop.tier}。" in page
    assert "按计算时档位" not in page


def test_the_phone_sheet_says_the_tier_moved(client, shop, moved):
    _cycle, stored, now = moved
    client.force_login(shop.user)
    page = shown(client.get(reverse("portal:home"), **ZH).content)
    assert f"按计算时档位 D{stored} 计算（您现在的档位：D{now}）" in page


def test_the_phone_sheet_says_nothing_when_the_tier_stands(client, shop, city):
    client.force_login(shop.user)
    page = shown(client.get(reverse("portal:home"), **ZH).content)
    assert "按计算时档位" not in page


def test_the_retailers_api_gives_the_tier_used_today_s_and_a_note(client, shop, moved):
    cycle, stored, now = moved
    client.force_login(shop.user)
    data = client.get(reverse("api-me-quotas"), {"cycle": cycle.label}, **ZH).json()
    assert (data["tier"], data["tier_now"]) == (stored, now)
    assert f"D{stored}" in data["tier_note"]
    assert f"D{now}" in data["tier_note"]
    assert all(f"D{now} 档" not in r for q in data["quotas"] for r in q["reasons"])


def test_the_staff_api_gives_the_tier_used_and_today_s(client, shop, moved):
    cycle, stored, now = moved
    client.force_login(get_user_model().objects.get(username="supervisor"))
    run = AllocationRun.objects.get(cycle=cycle, is_published=True)
    frame = quotas_frame(run, [shop.pk])
    product = Product.objects.get(pk=int(frame["product"].iloc[0]))
    rows = client.get(reverse("api-quotas"), {"cycle": cycle.label, "product": product.code, "page_size": 1000}).json()
    mine = next(r for r in rows["results"] if r["retailer"] == shop.pk)
    assert (mine["tier"], mine["tier_now"]) == (stored, now)
