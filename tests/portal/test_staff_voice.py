"""The same quotas, worded for whom reads them: the retailer on its phone ("您"), the customer
manager on the admin's quotas page ("该零售户")."""

import pytest
from django.urls import reverse
from django.utils import translation

from allocation.explanations import STAFF_VOICE, retailer_quota_explanations
from portal.selectors import current_cycle

pytestmark = pytest.mark.django_db


def test_staff_pages_speak_about_the_shop_not_to_it(client, shop, city, manager1):
    cycle = current_cycle(city)
    with translation.override("zh-hans"):
        to_shop = retailer_quota_explanations(retailer=shop, cycle=cycle)
        about_shop = retailer_quota_explanations(retailer=shop, cycle=cycle, staff=True)
    assert [q["quota"] for q in to_shop] == [q["quota"] for q in about_shop]
    assert any("您" in r for q in to_shop for r in q["reasons"]), "no reason in the retailer's voice to reword"
    assert not any("您" in r for q in about_shop for r in q["reasons"])
    assert any("该零售户" in r for q in about_shop for r in q["reasons"])
    client.force_login(manager1)
    with translation.override("zh-hans"):
        page = client.get(reverse("admin:allocation_retailer_quotas", args=[shop.pk])).content.decode()
    assert "该零售户" in page
    assert "您两周订货" not in page
    assert "近 26 周您" not in page


def test_every_staff_wording_is_translated_and_says_the_shop():
    with translation.override("zh-hans"):
        for you, shop in STAFF_VOICE.items():
            assert "您" in translation.gettext(you)
            worded = translation.gettext(shop)
            assert worded != shop, f"untranslated: {shop}"
            assert "您" not in worded
            assert "该零售户" in worded or "按需投放" in worded

