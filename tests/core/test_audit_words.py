"""The audit log in words (tester 2026-11-27): "零售户 1447" named no shop, "操作人 —" stood on requests a
retailer filed, a kept value read "Cycle", "Changed" and "发布时间 2026-11-26T22:50:49.218265+00:00" on a
Chinese page, and the page's title was in UTC ("2026-11-26 22:50") beside a 时间 in local time. Now the
object reads by its name (a retailer's name and licence, a product's name, a run's job and number), who
acted by name (a retailer's login by its shop, "the retailer" when the entry names no one), and every time
on the page in local time (Asia/Shanghai)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.models import AuditEntry, Run
from service_requests.models import ServiceRequest
from tests.factories import ProductFactory, RetailerFactory, UserFactory
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]
AT = dt.datetime(2026, 11, 26, 22, 50, 49, 218265, tzinfo=dt.UTC)  # 2026-11-27 06:50 in Asia/Shanghai


@pytest.fixture
def entries(supervisor):
    supervisor.first_name = "李明"
    supervisor.save()
    shop = RetailerFactory(name="城关便利店", license_no="420302100001")
    login = UserFactory(username="420302100002", role=Role.RETAILER, is_staff=False)
    own = RetailerFactory(name="江北烟酒店", license_no="420302100002", user=login)
    product = ProductFactory(code="91000001", name="黄鹤楼(硬)")
    now = timezone.now()
    filed = ServiceRequest.objects.create(
        retailer=shop, category="price", text="价格", filed_at=now, due_at=now
    )  # fmt: skip
    asked = ServiceRequest.objects.create(retailer=own, category="price", text="价格", filed_at=now, due_at=now)
    run = Run.objects.create(job="allocation", scope="2026-11-4")
    made = {
        "exception": AuditEntry.objects.create(
            actor=supervisor, action="allocation.exception", object_type="retailer", object_id=str(shop.pk),
            reason="新店开业补货", after={"cycle": "2026-11-4", "product": product.code, "quota": 5},
        ),
        "tiers": AuditEntry.objects.create(
            actor=supervisor, action="tiers.publish", object_type="tier_proposal", object_id="77",
            after={"changed": 2318, "retailers": 2906, "overrides_undone": [], "overrides_kept": []},
        ),
        "published": AuditEntry.objects.create(
            actor=supervisor, action="allocation.publish", object_type="run", object_id=str(run.pk),
            after={"cycle": "2026-11-4", "published_at": AT.isoformat()},
        ),
        "filed": AuditEntry.objects.create(
            actor=None, action="request.file", object_type="service_request", object_id=str(filed.pk),
            after={"status": "open", "escalated": False, "rating": None},
        ),
        "asked": AuditEntry.objects.create(
            actor=login, action="request.file", object_type="service_request", object_id=str(asked.pk)
        ),
    }  # fmt: skip
    AuditEntry.objects.filter(pk=made["published"].pk).update(at=AT)
    return made


def _page(client, entry, headers) -> str:
    return shown(client.get(reverse("admin:core_auditentry_change", args=[entry.pk]), **headers).content)


def test_the_list_names_each_object_and_who_acted(client, supervisor, entries):
    client.force_login(supervisor)
    zh = shown(client.get(reverse("admin:core_auditentry_changelist"), **ZH).content)
    assert "城关便利店 · 许可证 420302100001" in zh  # not "零售户 1447"
    assert "李明" in zh  # the supervisor by name
    assert "零售户本人" in zh  # a request filed with no one named
    assert "江北烟酒店（零售户本人）" in zh  # a retailer's login by its shop
    request, run = entries["filed"].object_id, entries["published"].object_id  # ids differ on PostgreSQL
    assert f"#{request} 价格 · 城关便利店" in zh  # a request by its number, kind and shop
    assert f"货源投放 #{run}" in zh  # a run by its job and number
    en = shown(client.get(reverse("admin:core_auditentry_changelist"), **EN).content)
    assert "城关便利店 · licence 420302100001" in en
    assert "the retailer" in en
    assert "江北烟酒店 (the retailer)" in en


def test_an_entry_reads_in_words_and_local_time(client, supervisor, entries):
    client.force_login(supervisor)
    exception = _page(client, entries["exception"], ZH)
    assert "订货周期 2026-11-4" in exception
    assert "Cycle" not in exception
    assert "黄鹤楼(硬) · 91000001" in exception  # the product by its name
    assert "城关便利店 · 许可证 420302100001" in exception

    tiers = _page(client, entries["tiers"], ZH)
    assert "档位变动户数 2,318" in tiers
    assert "Changed" not in tiers
    assert "参评零售户数 2,906" in tiers

    published = _page(client, entries["published"], ZH)
    assert "2026-11-26T22:50" not in published
    assert "发布时间 2026年11月27日 06:50" in published  # the kept time, local
    run = entries["published"].object_id
    assert f"2026-11-27 06:50 投放结果发布 作业运行 货源投放 #{run}" in published  # the title: local, the run in words
    assert "2026-11-26 22:50" not in published

    filed = _page(client, entries["filed"], ZH)
    assert "状态 待答复" in filed  # the request's own status, not another model's choice of the code "open"
    assert "操作人 零售户本人" in filed

    english = _page(client, entries["tiers"], EN)
    assert "Retailers whose tier changed 2,318" in english
    assert "Cycle 2026-11-4" in _page(client, entries["exception"], EN)
