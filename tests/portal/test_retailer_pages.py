"""A retailer on its phone: log in with the license number, read this cycle's quotas and why."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from allocation.explanations import retailer_quota_explanations
from allocation.quota_cache import retailer_quota_rows
from allocation.selectors import published_allocation_run
from allocation.services import quota_exception_set
from core.exceptions import DomainError
from core.models import AuditEntry
from portal.selectors import current_cycle
from retailers.logins import retailer_login_reset

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def test_retailer_logs_in_and_sees_quotas_with_reasons_in_chinese(client, shop, city):
    response = login(client, shop.license_no, shop.password)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home")).content.decode()
    cycle = current_cycle(city)
    quotas = [q for q in retailer_quota_explanations(retailer=shop, cycle=cycle) if q["quota"] > 0]
    assert quotas, "the demo plan gave this shop nothing"
    for quota in quotas:
        assert quota["product"].name in page
    assert f"D{shop.tier}" in page
    assert "档限量" in page  # the reason, in Chinese by default
    assert "批发价" in page or "批发" in page
    assert len(page) < 60_000  # small enough for a weak connection


def test_english_is_complete_on_the_quota_page(client, shop):
    client.force_login(shop.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/m/"})
    page = client.get(reverse("portal:home")).content.decode()
    assert "cartons" in page
    assert "cap in" in page  # the reason's wording, translated back to English
    assert not re.search(r"[\u4e00-\u9fff]{2,}档", page)
    assert re.search(r"You earn ¥[\d,]+\.\d\d per carton \([\d.]+%\)", page)
    assert not re.search(r"\b1 cartons\b", page)
    tier = client.get(reverse("portal:tier")).content.decode()
    assert "Cartons (cartons)" not in tier


def test_the_margin_says_per_carton_once(client, shop):
    client.force_login(shop.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert re.search(r"您每条可赚 ¥[\d,]+\.\d\d（[\d.]+%）", page)
    assert "每条 (" not in page
    with translation.override("zh-hans"):  # the profit page's note, with a full-width comma
        note = translation.gettext("Sold at the guide price, less what you paid. Returns are taken off.")
    assert note == "按指导价卖出的金额减去进货成本，退货已扣除。"


def test_wrong_password_and_unknown_license_get_the_same_answer(client, shop):
    wrong = login(client, shop.license_no, "not-it").content.decode()
    unknown = login(client, "000000000000", "not-it").content.decode()
    message = "许可证号或密码不正确"
    assert message in wrong
    assert message in unknown


def test_lock_out_after_repeated_failures_whether_or_not_the_license_exists(client, shop, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, shop.license_no, "wrong")
    locked = login(client, shop.license_no, shop.password)  # even the right password now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "999999999999", "wrong")
    assert login(client, "999999999999", "wrong").status_code == 429  # same answer for a license that does not exist


def test_manager_reset_ends_the_lock_out_and_shows_the_password_once(client, shop, manager1, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, shop.license_no, "wrong")
    client.force_login(manager1)
    url = reverse("admin:retailers_retailer_login_reset", args=[shop.pk])
    assert "new-password" not in client.get(url).content.decode()
    page = client.post(url).content.decode()
    password = re.search(r'id="new-password"[^>]*>([a-z0-9]+)<', page).group(1)
    assert AuditEntry.objects.filter(action="retailer.login_reset", object_id=str(shop.pk)).count() == 2
    client.logout()
    assert login(client, shop.license_no, password).status_code == 302


def test_another_managers_retailer_login_is_out_of_reach(client, other_shop, manager1):
    client.force_login(manager1)
    assert client.post(reverse("admin:retailers_retailer_login_reset", args=[other_shop.pk])).status_code == 404
    with pytest.raises(DomainError):
        retailer_login_reset(retailer=other_shop, actor=manager1)


def test_retailer_changes_its_password(client, shop):
    assert login(client, shop.license_no, shop.password).status_code == 302
    response = client.post(
        reverse("portal:password_change"),
        {"old_password": shop.password, "new_password1": "a-Longer-one-77", "new_password2": "a-Longer-one-77"},
    )
    assert response.status_code == 302
    client.logout()
    assert login(client, shop.license_no, "a-Longer-one-77").status_code == 302


def test_pages_need_a_retailer_login(client, manager1, shop):
    assert client.get(reverse("portal:home")).status_code == 302  # to the login page
    client.force_login(manager1)
    assert client.get(reverse("portal:home"))["Location"] == reverse("admin:index")
    client.force_login(shop.user)
    assert client.get(reverse("admin:index")).status_code == 302  # not staff: no admin


@pytest.mark.parametrize("name", ["portal:cycles", "portal:prices", "portal:notices", "portal:tier", "portal:profit"])
def test_every_page_renders_for_the_retailer(client, shop, name):
    client.force_login(shop.user)
    assert client.get(reverse(name)).status_code == 200


def test_quotas_are_cached_and_an_exception_refreshes_them(
    shop, city, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    cycle = current_cycle(city)
    allocation = published_allocation_run(cycle)
    cache.clear()
    first = retailer_quota_rows(allocation_run=allocation, retailer_id=shop.pk)
    with django_assert_max_num_queries(0):
        assert retailer_quota_rows(allocation_run=allocation, retailer_id=shop.pk) == first
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.get(username="supervisor")
    row = next(r for r in first if r["quota"] > 0)
    product = allocation.cycle.supply_plan.get(pk=row["plan_line"]).product
    cycle.supply_plan.filter(product=product).update(allow_over=True)  # 3 more, whatever its target has left
    with django_capture_on_commit_callbacks(execute=True):
        quota_exception_set(
            cycle=cycle, product=product, retailer=shop, quota=row["quota"] + 3, reason="new shop", approver=boss
        )
    after = {r["product"]: r for r in retailer_quota_rows(allocation_run=allocation, retailer_id=shop.pk)}
    assert after[product.pk]["quota"] == row["quota"] + 3


def test_an_exception_drops_the_cached_page_sheet_of_the_retailer(
    client, shop, city, django_capture_on_commit_callbacks
):
    """The session's page sheet (the API test covers the token's): dropped by the portal's receiver
    of `quotas_changed` at once, not after SHEET_TTL."""
    from django.contrib.auth import get_user_model

    from portal.selectors import retailer_sheet_keys

    client.force_login(shop.user)
    assert "opening week" not in client.get(reverse("portal:home")).content.decode()
    cycle = current_cycle(city)
    keys = retailer_sheet_keys(allocation_id=published_allocation_run(cycle).pk, retailer_id=shop.pk)
    cached = [key for key in keys if cache.get(key) is not None]
    assert cached
    assert all(key.startswith("portal:page:") for key in cached)
    line = next(q for q in retailer_quota_explanations(retailer=shop, cycle=cycle) if q["quota"] > 0)
    boss = get_user_model().objects.get(username="supervisor")
    cycle.supply_plan.filter(product=line["product"]).update(allow_over=True)  # 3 more, whatever its target has left
    with django_capture_on_commit_callbacks(execute=True):
        quota_exception_set(
            cycle=cycle, product=line["product"], retailer=shop, quota=line["quota"] + 3, reason="opening week",
            approver=boss,
        )  # fmt: skip
    assert all(cache.get(key) is None for key in cached)
    assert "opening week" in client.get(reverse("portal:home")).content.decode()


def test_retailer_reports_stock_and_reads_tonights_advice(client, shop, city):
    from inventory.services import inventory_advice_nightly
    from pricing.models import Product
    from stock.models import StockCount

    client.force_login(shop.user)
    product = Product.objects.exclude(lifecycle="withdrawn").first()
    bad = client.post(reverse("portal:stock"), {"product": product.pk, "cartons": -3})
    assert bad.status_code == 200
    assert not StockCount.objects.exists()
    assert client.post(reverse("portal:stock"), {"product": product.pk, "cartons": 40}).status_code == 302
    count = StockCount.objects.get()
    assert (count.retailer_id, count.product_id, count.cartons, count.source) == (shop.pk, product.pk, 40, "retailer")
    inventory_advice_nightly(today=city)
    page = client.get(reverse("portal:stock")).content.decode()
    assert product.name in page
    assert "您每条可赚" not in page  # the stock page, not the quota page
    assert "库存" in page


def test_a_warm_quota_page_reads_the_session_user_shop_and_sheet_in_one_cache_trip(
    client, shop, cached_sessions, django_assert_max_num_queries, cache_reads
):
    client.force_login(shop.user)
    first = client.get(reverse("portal:home")).content.decode()
    cache_reads.clear()
    with django_assert_max_num_queries(0):
        again = client.get(reverse("portal:home")).content.decode()
    assert [name for name, _keys in cache_reads] == ["get_many"]
    keys = cache_reads[0][1]
    session_key = client.cookies["sessionid"].value
    assert session_key.startswith(f"{shop.user.pk}-")  # the key names its user: no trip to learn it
    assert f"accounts:session:{session_key}" in keys
    assert f"accounts:user:{shop.user.pk}" in keys
    assert f"portal:retailer:{shop.user.pk}" in keys
    assert any(key.startswith("portal:page:") for key in keys)
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", again) == csrf.sub("", first)


def test_embedded_sessions_cost_a_warm_page_one_query_and_still_one_cache_trip(
    client, shop, django_assert_num_queries, cache_reads
):
    """Without CACHE_URL the session is a database row (the embedded cache is per process)."""
    client.force_login(shop.user)
    client.get(reverse("portal:home"))
    cache_reads.clear()
    with django_assert_num_queries(1):  # the session's row
        assert client.get(reverse("portal:home")).status_code == 200
    assert [name for name, _keys in cache_reads] == ["get_many"]


def test_phone_amounts_carry_thousands_separators(client, shop):
    # A dear product: retail 1,010 元 a carton; shown as ¥1,010.00 (was ¥1010.00).
    from pricing.models import Product

    Product.objects.create(code="DEAR1", name="高价烟", wholesale_price=900, retail_price=1010)
    client.force_login(shop.user)
    page = client.get(reverse("portal:prices"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "¥1,010.00" in page
    assert "¥1010" not in page
