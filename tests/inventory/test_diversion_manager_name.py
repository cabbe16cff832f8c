"""The diversion warnings name a shop's customer manager by name (王经理1), never by login (tester
2026-11-28: the list read manager5)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from inventory.models import InventoryAdvice
from inventory.selectors import diversion_alerts
from inventory.services import inventory_advice_nightly

pytestmark = pytest.mark.django_db


def test_a_diversion_warning_names_the_manager(client, city, manager1, shop):
    inventory_advice_nightly(today=city)
    row = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=shop).first()
    InventoryAdvice.objects.filter(pk=row.pk).update(diversion=True, stock=500, weekly_sales=2.0)
    assert manager1.get_full_name()
    found = next(r for r in diversion_alerts(user=manager1) if r.retailer_pk == shop.pk)
    assert found.manager == manager1.get_full_name()
    client.force_login(get_user_model().objects.get(username="supervisor"))
    page = client.get(reverse("admin:inventory_diversion_alerts")).content.decode()
    assert manager1.get_full_name() in page
    assert manager1.username not in page
