"""One login page speaks to retailers (license number) and staff (username): sent from a manager's page
it asks for the username; staff land on their page or the admin, retailers on their quotas."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_manager_sent_from_the_inspection_pages_is_asked_for_a_username(client, manager_a):
    manager_a.set_password("s3cret-pass")
    manager_a.save()
    inspections = reverse("inspections:retailers")
    sent = client.get(inspections)
    assert sent.status_code == 302
    assert sent.url.startswith(reverse("portal:login"))
    page = client.get(sent.url).content.decode()
    assert "员工登录：用用户名登录" in page
    assert "<h2 id=\"login-heading\">用许可证号登录" not in page
    assert 'inputmode="numeric"' not in page
    assert ">用户名<" in page
    wrong = client.post(sent.url, {"username": "mgr_a", "password": "nope", "next": inspections}).content.decode()
    assert "用户名或密码不正确。" in wrong
    done = client.post(sent.url, {"username": "mgr_a", "password": "s3cret-pass", "next": inspections})
    assert done.url == inspections
    assert client.get(inspections).status_code == 200


def test_the_plain_login_page_speaks_to_both(client):
    page = client.get(reverse("portal:login")).content.decode()
    assert "用许可证号登录" in page
    assert "客户经理、主管：用用户名登录。" in page
    assert "许可证号 / 用户名" in page
    assert 'inputmode="numeric"' in page  # retailers type digits on a phone


def test_staff_without_a_page_to_return_to_land_on_the_admin(client, manager_a):
    manager_a.set_password("s3cret-pass")
    manager_a.save()
    done = client.post(reverse("portal:login"), {"username": "mgr_a", "password": "s3cret-pass"})
    assert done.url == reverse("admin:index")


def test_a_retailer_still_lands_on_its_quotas(client, shop):
    done = client.post(reverse("portal:login"), {"username": shop.license_no, "password": shop.password})
    assert done.url == reverse("portal:home")
