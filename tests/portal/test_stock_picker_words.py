"""The phone's stock report asks for a product in words (请选择产品 · Choose a product), never Django's
empty choice "---------" (tester 2026-11-28)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_product_picker_says_what_to_choose(client, shop, language_restored):
    client.force_login(shop.user)
    page = client.get(reverse("portal:stock"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="">请选择产品</option>' in page
    assert "---------" not in page
    english = client.get(reverse("portal:stock"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="">Choose a product</option>' in english
