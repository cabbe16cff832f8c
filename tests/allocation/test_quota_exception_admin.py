"""A quota exception is chosen by search: retailer, product and cycle by autocomplete, scoped to what the
user may see, open cycles with the current one first; its success message reads as words."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from allocation.models import QuotaException, SupplyPlanLine
from cycles.models import CycleStatus, OrderCycle
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def _pick(client, field: str, term: str = "") -> list[dict]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "allocation", "model_name": "quotaexception", "field_name": field, "term": term},
    )
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)["results"]


@pytest.fixture
def shops(planned, manager_a, manager_b):
    ours, theirs = Retailer.objects.filter(status="active").order_by("pk")[:2]
    Retailer.objects.filter(pk=ours.pk).update(manager=manager_a)
    Retailer.objects.filter(pk=theirs.pk).update(manager=manager_b)
    return Retailer.objects.get(pk=ours.pk), Retailer.objects.get(pk=theirs.pk)


def test_the_form_searches_instead_of_asking_for_ids(client, supervisor, shops):
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_quotaexception_add")).content.decode()
    for field in ("retailer", "product", "cycle"):
        assert f'data-field-name="{field}"' in body  # an autocomplete select
    assert "vForeignKeyRawIdAdminField" not in body


def test_a_manager_finds_only_their_own_retailers(client, supervisor, manager_a, shops):
    ours, theirs = shops
    client.force_login(manager_a)
    assert [r["id"] for r in _pick(client, "retailer", ours.customer_code)] == [str(ours.pk)]
    assert _pick(client, "retailer", theirs.customer_code) == []
    assert {r["id"] for r in _pick(client, "retailer")} == {str(ours.pk)}
    client.force_login(supervisor)
    assert [r["id"] for r in _pick(client, "retailer", theirs.customer_code)] == [str(theirs.pk)]


def test_products_by_code_or_name(client, supervisor, shops):
    line = SupplyPlanLine.objects.select_related("product").first()
    client.force_login(supervisor)
    assert str(line.product.pk) in {r["id"] for r in _pick(client, "product", line.product.code)}
    assert str(line.product.pk) in {r["id"] for r in _pick(client, "product", line.product.name)}


def test_cycles_open_only_those_still_ordered_first_and_found_by_label(client, supervisor):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())

    def cycle(weeks: int, seq: int, status=CycleStatus.DRAFT) -> OrderCycle:
        start = monday + dt.timedelta(weeks=weeks)
        return OrderCycle.objects.create(
            year=2090, month=1 + (weeks + 10) // 4, week_seq=seq, starts_on=start, ends_on=start + dt.timedelta(days=6),
            order_opens_on=start - dt.timedelta(days=2), order_closes_on=start + dt.timedelta(days=6), status=status,
        )  # fmt: skip

    closed = cycle(-2, 1, CycleStatus.CLOSED)
    earlier = cycle(-1, 2, CycleStatus.PUBLISHED)
    current = cycle(0, 3, CycleStatus.PUBLISHED)
    later = cycle(1, 4)
    client.force_login(supervisor)
    ids = [int(r["id"]) for r in _pick(client, "cycle")]
    assert ids == [later.pk, current.pk, earlier.pk]  # the next order cycle, today's, then the past; no closed one
    assert closed.pk not in ids
    found = _pick(client, "cycle", later.label)
    assert [int(r["id"]) for r in found] == [later.pk]
    assert found[0]["text"].startswith(f"{later.label} · ")
    assert "草稿 · 下一订货周期" in found[0]["text"]
    texts = [r["text"] for r in _pick(client, "cycle")]
    assert texts[1].startswith(f"{current.label} · {current.starts_on.month}月{current.starts_on.day}日 至 ")
    assert " · 已发布 · 今天所在周期 · " in texts[1]  # today's cycle, said so, with its week and status
    assert not any("本周期" in text for text in texts)


def test_the_success_message_names_retailer_product_and_cycle(client, supervisor, shops):
    ours, _theirs = shops
    line = SupplyPlanLine.objects.select_related("product", "cycle").first()
    client.force_login(supervisor)
    data = {
        "cycle": line.cycle_id,
        "product": line.product_id,
        "retailer": ours.pk,
        "quota": 1200,
        "reason": "开业支持",
    }
    response = client.post(reverse("admin:allocation_quotaexception_add"), data, follow=True)
    assert QuotaException.objects.count() == 1
    message = next(str(m) for m in response.context["messages"])
    assert f"{ours.name} · {line.product.name} · 周期 {line.cycle.label}：1,200 条" in message
    assert f"{line.product_id} {ours.pk}" not in message


def test_retailer_results_tell_similar_shops_apart_and_stay_in_the_users_scope(
    client, supervisor, manager_a, manager_b, shops
):
    """Issue 19: two shops of one name are told apart by licence, tier, area and manager; a manager's
    picker still lists only their own retailers, a supervisor's every one."""
    ours, theirs = shops
    manager_a.first_name = "张伟"
    manager_a.save()
    Retailer.objects.filter(pk__in=[ours.pk, theirs.pk]).update(name="城关便利店", tier=15)
    ours.refresh_from_db()
    area = " ".join(str(p) for p in (ours.branch, ours.department) if p)
    client.force_login(manager_a)
    found = _pick(client, "retailer", "城关便利店")
    text = f"城关便利店 · 许可证 {ours.license_no} · D15 · {area} · 客户经理 张伟"
    assert found == [{"id": str(ours.pk), "text": text}]
    client.force_login(supervisor)
    texts = {r["id"]: r["text"] for r in _pick(client, "retailer", "城关便利店")}
    assert set(texts) == {str(ours.pk), str(theirs.pk)}
    assert texts[str(theirs.pk)].endswith(f" · 客户经理 {manager_b.username}")  # no name recorded: the login
    assert theirs.license_no in texts[str(theirs.pk)]
    assert texts[str(ours.pk)] != texts[str(theirs.pk)]
    # the chosen retailer reads the same when the form comes back with an error
    line = SupplyPlanLine.objects.first()
    data = {"cycle": line.cycle_id, "product": line.product_id, "retailer": ours.pk, "quota": 1, "reason": " "}
    page = client.post(reverse("admin:allocation_quotaexception_add"), data)
    assert f"城关便利店 · 许可证 {ours.license_no}" in page.content.decode()


def test_product_results_read_name_brand_code_and_price(client, supervisor, manager_a, shops):
    line = SupplyPlanLine.objects.select_related("product").first()
    product = line.product
    for user in (supervisor, manager_a):
        client.force_login(user)
        found = {r["id"]: r["text"] for r in _pick(client, "product", product.code)}
        text = found[str(product.pk)]
        assert text.startswith(f"{product.name} · ")
        assert f"编码 {product.code}" in text
        assert f"批发价 {product.wholesale_price:,.2f} 元/条" in text
        if product.brand:
            assert f" · {product.brand} · " in text
