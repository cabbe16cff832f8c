"""The reason of a quota exception is what the retailer reads on its phone beside the quota (主管 批准的例外：…);
the form says so where the supervisor writes it (tester, walk 13: an internal note, 该户近期存在转批嫌疑, went
to the shop's phone word for word, and nothing on the form had said it would)."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_reason_field_says_the_retailer_reads_it(client, supervisor):
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_quotaexception_add")).content.decode()
    assert "零售户会在手机上该品规的定量下看到此原因" in body
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        body = client.get(reverse("admin:allocation_quotaexception_add")).content.decode()
    assert "The retailer reads this reason on its phone, under the product's quota" in body
