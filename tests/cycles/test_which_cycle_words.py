""" "本周期" meant two cycles (tester 2026-11-27): the admin's dashboard and the quota-exception cycle
picker called 2026-11-4 the current cycle, listed first, while a weekly Friday shop's phone calls
2026-11-5 its cycle and says its 11-4 ordering is over. One rule: the phone shows the cycle the shop
orders next; the admin names today's cycle by its dates (今天所在周期) apart from the next order cycle
(下一订货周期), the picker lists the cycles shops can still order in first, and the confirmation of
an exception says plainly when this shop can no longer order in the cycle.

Friday 2026-11-27: 11-4 runs 11/23 – 11/29 (its ordering opened 11/21), 11-5 runs 11/30 – 12/6 (its
ordering opens Saturday 11/28), 12-1 starts 12/7; 11-3 ended 11/22."""

import datetime as dt

import pytest
from django.urls import reverse

from allocation.models import QuotaException, SupplyPlanLine
from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from tests.factories import ProductFactory, RetailerFactory
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db
MON, FRI, SUN = 1, 5, 7


@pytest.fixture
def cycles(on_friday):
    made = {
        label: cycle_get_or_create(starts_on=starts)
        for label, starts in (
            ("11-3", dt.date(2026, 11, 16)), ("11-4", dt.date(2026, 11, 23)),
            ("11-5", dt.date(2026, 11, 30)), ("12-1", dt.date(2026, 12, 7)),
        )
    }  # fmt: skip
    OrderCycle.objects.filter(pk__in=[made[k].pk for k in ("11-3", "11-4", "11-5")]).update(
        status=CycleStatus.PUBLISHED
    )
    for cycle in made.values():
        cycle.refresh_from_db()
    return made


def test_the_dashboard_names_todays_cycle_and_the_next_order_cycle(client, supervisor, cycles):
    client.force_login(supervisor)
    page = client.get(reverse("admin:index"), **ZH)
    cards = {card.title: card for card in page.context["dashboard_cards"]}
    assert cards["今天所在周期"].value == "2026-11-4"
    assert cards["下一订货周期"].value == "2026-11-5"
    assert "订货 11/28 开始" in cards["下一订货周期"].note
    assert "11/30 – 12/6" in cards["下一订货周期"].note
    assert "各零售户订货截止于其访销日前一天 24:00：部分零售户已截止" in cards["今天所在周期"].note
    assert "本周期合理定量" not in cards
    assert "本周期" not in shown(page.content)


def _pick(client) -> list[dict]:
    url = reverse("admin:autocomplete")
    params = {"app_label": "allocation", "model_name": "quotaexception", "field_name": "cycle", "term": ""}
    response = client.get(url, params, **ZH)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_exception_picker_lists_the_cycles_still_ordered_first(client, supervisor, cycles):
    client.force_login(supervisor)
    results = _pick(client)
    labels = [r["text"].split(" · ")[0] for r in results]
    assert labels == ["2026-11-5", "2026-12-1", "2026-11-4", "2026-11-3"]
    texts = {r["text"].split(" · ")[0]: r["text"] for r in results}
    assert texts["2026-11-5"].endswith("已发布 · 下一订货周期 · 订货 11/28 开始")
    assert texts["2026-12-1"].endswith("草稿 · 订货 12/5 开始")
    assert texts["2026-11-4"].endswith(
        "已发布 · 今天所在周期 · 各零售户订货截止于其访销日前一天 24:00：部分零售户已截止"
    )
    assert texts["2026-11-3"].endswith("已发布 · 订货已结束")
    assert not any("本周期" in text for text in texts.values())


def _form(cycle, product, retailer, quota=4) -> dict:
    return {"cycle": cycle.pk, "product": product.pk, "retailer": retailer.pk, "quota": quota, "reason": "开业支持"}


@pytest.fixture
def product(cycles):
    product = ProductFactory()
    for label in ("11-4", "11-5"):
        SupplyPlanLine.objects.create(cycle=cycles[label], product=product, target=100, method="A")
    return product


def _confirm_page(client, supervisor, cycle, product, retailer, quota=4) -> str:
    client.force_login(supervisor)
    response = client.post(reverse("admin:allocation_quotaexception_add"), _form(cycle, product, retailer, quota), **ZH)
    assert response.status_code == 200
    assert not QuotaException.objects.exists()
    return shown(response.content)


def test_the_confirmation_says_plainly_when_the_shops_ordering_is_over(client, supervisor, cycles, product):
    friday = RetailerFactory(name="周五店", order_cycle_kind="weekly", order_weekday=FRI)  # 11-4 closed 11/26
    page = _confirm_page(client, supervisor, cycles["11-4"], product, friday)
    assert "周五店 在周期 2026-11-4 的订货已于 11/26 结束" in page
    assert "该零售户在该周期已不能再订货" in page
    assert "会立即显示新定量" not in page


def test_the_confirmation_of_an_off_week_says_the_shop_cannot_order(client, supervisor, cycles, product):
    biweekly = RetailerFactory(name="单周店", order_cycle_kind="biweekly", order_week_parity="odd", order_weekday=MON)
    # week 48: even. Cartons to a shop that does not order in the cycle are refused (allocation.services.
    # ShopNotServed: the release does not reach it); taking its quota away is asked to confirm, saying so.
    page = _confirm_page(client, supervisor, cycles["11-4"], product, biweekly, quota=0)
    assert "单周店 不在周期 2026-11-4 订货" in page
    assert "会立即显示新定量" not in page
    assert "其本周期不订货" in _confirm_page(client, supervisor, cycles["11-4"], product, biweekly)  # 4: refused


def test_the_confirmation_promises_the_phone_while_the_shop_can_still_order(client, supervisor, cycles, product):
    sunday = RetailerFactory(name="周日店", order_cycle_kind="weekly", order_weekday=SUN)  # 11-4 until Saturday 11/28
    page = _confirm_page(client, supervisor, cycles["11-4"], product, sunday)
    assert "会立即显示新定量" in page
    assert "可订货至 11/28 当天结束" in page
    assert "已不能再订货" not in page
    friday = RetailerFactory(name="周五店", order_cycle_kind="weekly", order_weekday=FRI)
    page = _confirm_page(client, supervisor, cycles["11-5"], product, friday)
    assert "会立即显示新定量" in page
    assert "其订货时间为 11/28 – 12/3" in page
