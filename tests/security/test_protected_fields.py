"""Direct edits of protected fields, per role, on every admin form (issue 18).

A customer manager changes nothing in the admin but its own retailers' contact details and route;
a supervisor changes settings and the registry on their forms; nobody edits a retailer's tier or
login link directly: the tier moves only by the override service (reason, tier-change row, audit
entry) or a published re-rating, the login only by the login service.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from core.models import AuditEntry
from retailers.admin import MANAGER_EDITS
from retailers.models import Retailer
from tests.factories import UserFactory
from tiers.models import TierChange

from .rows import CONFIG, form_data, state

pytestmark = pytest.mark.django_db

# Every field of the retailer page a manager must not change, with a value it might try.
PROTECTED = {
    "customer_code": "HIJACK01",
    "license_no": "HIJACK02",
    "tier": 30,
    "status": "closed",
    "credit_rating": "AAA",
    "is_vulnerable": "on",
    "vulnerable_reason": "编造",
    "market_type": "rural",
    "business_format": "A",
    "order_cycle_kind": "biweekly",
    "is_pos_supplier": "on",
    "integrity_group": "A组",
}


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_manager_may_add_change_or_delete_nothing_but_its_own_retailers(manager_a, retailer_of_a, retailer_of_b):
    request = _request(manager_a)
    changeable = []
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.has_add_permission(request), model.__name__
        assert not model_admin.has_delete_permission(request), model.__name__
        if model_admin.has_change_permission(request):
            changeable.append(model)
    assert changeable == [Retailer]
    retailers = admin.site._registry[Retailer]
    assert retailers.has_change_permission(request, retailer_of_a)
    assert not retailers.has_change_permission(request, retailer_of_b)


def test_the_managers_retailer_form_holds_only_contact_details(client, manager_a, retailer_of_a):
    client.force_login(manager_a)
    form = client.get(reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])).context["adminform"].form
    assert set(form.fields) == set(MANAGER_EDITS)


def test_manager_post_of_protected_fields_changes_only_contact_details(
    client, supervisor, manager_a, manager_b, retailer_of_a
):
    shop_login = UserFactory(username="shop_login", role=Role.RETAILER, is_staff=False)
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])
    data = form_data(client.get(url).context["adminform"].form)  # every field the supervisor's form holds
    data.update(PROTECTED, name="新店名", phone="13800000000", manager=manager_b.pk, user=shop_login.pk)
    retailer_of_a.refresh_from_db()
    before = state(retailer_of_a)
    client.force_login(manager_a)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    retailer_of_a.refresh_from_db()
    after = state(retailer_of_a)
    assert (after["name"], after["phone"]) == ("新店名", "13800000000")
    changed = {k for k in after if after[k] != before[k]} - {"updated_at"}
    assert changed == {"name", "phone"}
    assert not TierChange.objects.exists()


def test_supervisor_edits_the_registry_but_not_tier_or_login(client, supervisor, manager_b, retailer_of_a):
    shop_login = UserFactory(username="shop_login", role=Role.RETAILER, is_staff=False)
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])
    form = client.get(url).context["adminform"].form
    assert "tier" not in form.fields
    assert "user" not in form.fields
    data = form_data(form)
    data.update(tier=30, user=shop_login.pk, status="closed", manager=manager_b.pk, credit_rating="C")

    assert client.post(url, data).status_code == 302

    retailer_of_a.refresh_from_db()
    assert retailer_of_a.tier == 10  # the factory's; only the override moves it
    assert retailer_of_a.user is None
    assert (retailer_of_a.status, retailer_of_a.manager, retailer_of_a.credit_rating) == ("closed", manager_b, "C")
    assert retailer_of_a.history.latest().history_user == supervisor  # the edit is in the retailer's history
    assert not TierChange.objects.exists()


def test_the_tier_moves_only_by_the_override_with_a_reason(client, supervisor, manager_a, retailer_of_a):
    url = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    client.force_login(manager_a)
    assert client.get(url).status_code == 403
    assert client.post(url, {"tier": 30, "reason": "想多拿货"}).status_code == 403
    client.force_login(supervisor)
    assert client.post(url, {"tier": 12, "reason": ""}).status_code == 200  # the form again: a reason is required
    retailer_of_a.refresh_from_db()
    assert retailer_of_a.tier == 10

    assert client.post(url, {"tier": 12, "reason": "实地核查"}).status_code == 302

    retailer_of_a.refresh_from_db()
    assert retailer_of_a.tier == 12
    change = TierChange.objects.get(retailer=retailer_of_a)
    assert (change.old_tier, change.new_tier, change.approver, change.reason) == (10, 12, supervisor, "实地核查")
    assert AuditEntry.objects.filter(action="tier.override", object_id=str(retailer_of_a.pk), actor=supervisor).exists()


@pytest.mark.parametrize("kind", list(CONFIG))
def test_settings_forms_refuse_a_manager_and_keep_the_supervisors_change(client, supervisor, manager_a, kind):
    make, attack = CONFIG[kind]
    obj = make()
    obj.refresh_from_db()
    meta = obj._meta
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    client.force_login(supervisor)
    data = {**form_data(client.get(change).context["adminform"].form), **attack}
    before, versions = state(obj), obj.history.count()

    client.force_login(manager_a)
    page = client.get(change)
    assert page.status_code == 200  # managers read the settings
    for name in attack:
        assert f'name="{name}"' not in page.content.decode()
    assert client.post(change, data).status_code == 403
    assert client.post(add, data).status_code == 403
    obj.refresh_from_db()
    assert state(obj) == before
    assert obj.history.count() == versions

    client.force_login(supervisor)
    assert client.post(change, data).status_code == 302
    obj.refresh_from_db()
    for name, value in attack.items():
        assert str(getattr(obj, name)) == str(value)
    latest = obj.history.latest()
    assert latest.history_user == supervisor  # who changed it, kept in the setting's history
    assert obj.history.count() == versions + 1
