"""A supervisor overrides a retailer's tier on a django-unfold form, in Chinese (issue 19): checked and
photographed at 1440 px and at 360 px (artifacts/screenshots/supervisor-override-tier*-<width>.png)."""

import pytest
from django.utils import timezone

from demo.services import demo_city_create, demo_first_rerating
from retailers.models import Retailer
from tests.browser.conftest import staff_login
from tests.browser.walk import Walker
from tiers.models import TierChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_supervisor_overrides_a_tier_on_an_unfold_form(live_server, chromium):
    today = timezone.localdate()
    demo_city_create(retailers=40, products=8, weeks=14, seed=7, today=today)
    demo_first_rerating(today=today)
    shop = Retailer.objects.filter(status="active", tier__isnull=False).order_by("pk").first()
    new_tier = shop.tier + 1 if shop.tier < 30 else shop.tier - 1
    context = chromium.new_context(locale="zh-CN")
    try:
        walk = Walker(context, live_server.url, "supervisor")
        page = walk.page
        staff_login(page, live_server.url, "supervisor")
        walk.goto(f"/admin/retailers/retailer/{shop.pk}/override-tier/")
        walk.check("override-tier", contains=(f"现在档位：D{shop.tier}。", "新档位", "原因", "取消", "查看档位依据"))
        # A reason left empty: the error beside the reason box, the chosen tier kept.
        page.select_option("#id_tier", str(new_tier))
        page.click("#tier-override-submit")
        page.wait_for_selector(".field-reason .text-red-600")
        assert "该字段是必填项。" in page.inner_text(".field-reason")
        assert page.input_value("#id_tier") == str(new_tier)
        walk.check("override-tier-error", contains=("请更正以下错误。",))
        # Cancel goes back to the retailer, nothing changed.
        page.click("#tier-override-cancel")
        page.wait_for_selector("#tier-callout")
        assert not TierChange.objects.filter(retailer=shop, kind="override").exists()
        # Done: back on the retailer's page with the new tier.
        walk.goto(f"/admin/retailers/retailer/{shop.pk}/override-tier/")
        page.select_option("#id_tier", str(new_tier))
        page.fill("#id_reason", "实地核查：新开大型商超")
        page.click("#tier-override-submit")
        page.wait_for_selector("#tier-callout")
        assert f"D{new_tier}" in page.inner_text("#tier-callout")
    finally:
        context.close()
