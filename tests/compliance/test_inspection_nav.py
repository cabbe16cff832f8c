"""The inspection pages, opened from the admin menu (上门检查), are no dead end (tester 2026-11-27): each
leads back to the admin, and a shop's pages back to the inspection list."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_inspection_pages_lead_back_to_the_admin_and_the_list(client, manager1, shop):
    client.force_login(manager1)
    listing = client.get(reverse("inspections:retailers")).content.decode()
    assert f'href="{reverse("admin:index")}" id="to-admin">返回管理后台<' in listing
    assert 'id="to-list"' not in listing  # the list itself
    for name in ("inspect", "compliance", "count"):
        page = client.get(reverse(f"inspections:{name}", args=[shop.pk]))
        assert page.status_code == 200, name
        body = page.content.decode()
        assert 'id="to-admin">返回管理后台<' in body, name
        assert f'href="{reverse("inspections:retailers")}" id="to-list">返回检查名单<' in body, name
