"""A supervisor's reason is kept and shown whole in the retailer's history (tester: an override reason
of 180 characters read cut at the 100th on the history page): the override form takes 1,000
characters, the history row keeps them all (django-simple-history's reason column held 100, and
`retailers_history_snapshot` cut at 100), and the history page shows the reason as written."""

import pytest
from django.urls import reverse

from retailers.models import Retailer
from tests.words import shown
from tiers.models import TierChange

pytestmark = pytest.mark.django_db

# 180 characters, the end unlike the start: a cut anywhere before the last one shows
REASON = "新店开业，经营面积由三十平方米扩大到一百二十平方米，" * 6 + "客户经理实地核实，待下次评档复核。"


def test_a_long_override_reason_is_kept_and_shown_whole(client, supervisor, retailer_of_a):
    assert len(REASON) > 150
    tier = 30 if (retailer_of_a.tier or 1) < 15 else 1
    client.force_login(supervisor)
    page = client.post(
        reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk]), {"tier": tier, "reason": REASON}
    )
    assert page.status_code == 302
    assert TierChange.objects.get(retailer=retailer_of_a).reason == REASON
    row = Retailer.history.filter(id=retailer_of_a.pk).latest("history_date", "history_id")
    assert row.history_change_reason == REASON  # kept whole
    history = shown(client.get(reverse("admin:retailers_retailer_history", args=[retailer_of_a.pk])).content)
    assert REASON in history  # shown whole


def test_the_history_column_holds_a_long_reason():
    field = Retailer.history.model._meta.get_field("history_change_reason")
    assert field.max_length is None  # a text column, not CharField(max_length=100)
