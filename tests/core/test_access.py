"""Cross-access: a customer manager never lists, opens or changes another manager's retailer."""

import pytest
from django.urls import reverse

from accounts.models import Role
from orders.models import Order
from retailers.selectors import retailers_visible_to
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_selector_scopes_by_role(supervisor, manager_a, retailer_of_a, retailer_of_b):
    assert set(retailers_visible_to(user=supervisor)) == {retailer_of_a, retailer_of_b}
    assert list(retailers_visible_to(user=manager_a)) == [retailer_of_a]
    shop_user = UserFactory(username="shop", role=Role.RETAILER, is_staff=False)
    retailer_of_b.user = shop_user
    retailer_of_b.save()
    assert list(retailers_visible_to(user=shop_user)) == [retailer_of_b]
    inactive = UserFactory(username="gone", role=Role.SUPERVISOR, is_active=False)
    assert not retailers_visible_to(user=inactive).exists()


def test_manager_lists_only_own_retailers(client, manager_a, retailer_of_a, retailer_of_b):
    client.force_login(manager_a)
    page = client.get(reverse("admin:retailers_retailer_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert retailer_of_a.customer_code in body
    assert retailer_of_b.customer_code not in body
    search = client.get(reverse("admin:retailers_retailer_changelist"), {"q": retailer_of_b.customer_code})
    assert list(search.context["cl"].result_list) == []


def test_manager_cannot_open_another_managers_retailer(client, manager_a, retailer_of_b):
    client.force_login(manager_a)
    page = client.get(reverse("admin:retailers_retailer_change", args=[retailer_of_b.pk]))
    # the admin answers a retailer outside the queryset with a redirect to the index ("does not exist")
    assert page.status_code in (302, 403, 404)
    if page.status_code == 302:
        assert page.url == reverse("admin:index")
    assert retailer_of_b.name not in client.get(page.url if page.status_code == 302 else "/admin/").content.decode()
    history = client.get(reverse("admin:retailers_retailer_history", args=[retailer_of_b.pk]))
    assert history.status_code in (302, 403, 404)


def test_manager_cannot_change_another_managers_retailer(client, manager_a, retailer_of_b):
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:retailers_retailer_change", args=[retailer_of_b.pk]), {"name": "hijacked", "phone": "1"}
    )
    assert response.status_code in (302, 403, 404)
    retailer_of_b.refresh_from_db()
    assert retailer_of_b.name != "hijacked"


def test_manager_changes_own_retailer_but_not_its_manager_or_tier(client, manager_a, manager_b, retailer_of_a):
    client.force_login(manager_a)
    url = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(name="新店名", order_cycle_kind="weekly", manager=manager_b.pk, tier=30)
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    retailer_of_a.refresh_from_db()
    assert retailer_of_a.name == "新店名"
    assert retailer_of_a.manager == manager_a  # read-only for managers
    assert retailer_of_a.tier == 10


def test_manager_sees_only_own_orders(client, manager_a, retailer_of_a, retailer_of_b):
    import datetime as dt

    from cycles.services import cycle_get_or_create

    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 16))
    product = ProductFactory()
    Order.objects.create(cycle=cycle, retailer=retailer_of_a, product=product, ordered_qty=1, amount=100)
    Order.objects.create(cycle=cycle, retailer=retailer_of_b, product=product, ordered_qty=2, amount=200)
    client.force_login(manager_a)
    page = client.get(reverse("admin:orders_order_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].queryset) == list(Order.objects.filter(retailer=retailer_of_a))


def test_manager_export_holds_only_own_retailers(client, manager_a, retailer_of_a, retailer_of_b):
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:retailers_retailer_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"retailerresource_{f}": "on" for f in ("customer_code", "license_no", "name")},
        },
    )
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert retailer_of_a.customer_code in body
    assert retailer_of_b.customer_code not in body


def test_manager_cannot_import_or_edit_reference_data(client, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("admin:core_run_import")).status_code == 403
    assert client.get(reverse("admin:pricing_product_add")).status_code == 403
    assert client.get(reverse("admin:retailers_retailer_add")).status_code == 403


def test_retailer_login_cannot_enter_admin(client, retailer_of_a):
    shop = UserFactory(username="shop", role=Role.RETAILER, is_staff=False)
    client.force_login(shop)
    response = client.get(reverse("admin:retailers_retailer_changelist"))
    assert response.status_code == 302
    assert "login" in response.url


def test_supervisor_sees_every_retailer(client, supervisor, retailer_of_a, retailer_of_b):
    client.force_login(supervisor)
    body = client.get(reverse("admin:retailers_retailer_changelist")).content.decode()
    assert retailer_of_a.customer_code in body
    assert retailer_of_b.customer_code in body
    assert client.get(reverse("admin:retailers_retailer_change", args=[retailer_of_b.pk])).status_code == 200
