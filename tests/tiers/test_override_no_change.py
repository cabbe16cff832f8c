"""An override to the tier the retailer has already is no change (tester 2026-11-27: D4 → D4 was taken,
"Tier changed from D4 to D4", and twice wrote two tier-change rows and two audit entries). The service
refuses it, reading the tier the registry has now; the page shows why beside the tier."""

import pytest
from django.urls import reverse

from core.exceptions import DomainError
from core.models import AuditEntry
from retailers.models import Retailer
from tiers.models import TierChange
from tiers.services import tier_override

pytestmark = pytest.mark.django_db

NO_CHANGE = "该零售户的档位已是 D10，未作更改。"


def _written() -> tuple[int, int]:
    return TierChange.objects.count(), AuditEntry.objects.filter(action="tier.override").count()


def test_the_service_refuses_the_tier_it_has(supervisor, retailer_of_a):
    assert retailer_of_a.tier == 10
    with pytest.raises(DomainError) as refused:
        tier_override(retailer=retailer_of_a, tier=10, reason="复核", approver=supervisor)
    assert str(refused.value) == NO_CHANGE
    assert _written() == (0, 0)


def test_a_second_override_to_the_same_tier_writes_nothing(supervisor, retailer_of_a):
    tier_override(retailer=retailer_of_a, tier=4, reason="实地核查", approver=supervisor)
    with pytest.raises(DomainError):
        tier_override(retailer=retailer_of_a, tier=4, reason="实地核查", approver=supervisor)
    assert _written() == (1, 1)
    assert Retailer.objects.get(pk=retailer_of_a.pk).tier == 4


def test_the_service_reads_the_tier_the_registry_has_now(supervisor, retailer_of_a):
    stale = Retailer.objects.get(pk=retailer_of_a.pk)  # read before another supervisor's override
    tier_override(retailer=retailer_of_a, tier=4, reason="实地核查", approver=supervisor)
    with pytest.raises(DomainError):
        tier_override(retailer=stale, tier=4, reason="再次核查", approver=supervisor)
    change = tier_override(retailer=stale, tier=10, reason="恢复", approver=supervisor)
    assert (change.old_tier, change.new_tier) == (4, 10)  # the tier it had, not the page's stale one


def test_the_page_shows_no_change_beside_the_tier(client, supervisor, retailer_of_a):
    url = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    client.force_login(supervisor)
    page = client.post(url, {"tier": 10, "reason": "复核"})
    assert page.status_code == 200
    assert page.context["form"].errors["tier"] == [NO_CHANGE]
    body = page.content.decode()
    start = body.index('class="field-tier"')
    assert NO_CHANGE in body[start : body.index('class="field-reason"')]
    assert "档位已由" not in body  # no success message
    assert _written() == (0, 0)


def test_submitted_twice_the_page_changes_the_tier_once(client, supervisor, retailer_of_a):
    url = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    client.force_login(supervisor)
    assert client.post(url, {"tier": 4, "reason": "实地核查"}).status_code == 302
    again = client.post(url, {"tier": 4, "reason": "实地核查"})
    assert again.status_code == 200
    assert again.context["form"].errors["tier"] == ["该零售户的档位已是 D4，未作更改。"]
    assert _written() == (1, 1)


def test_a_manager_may_not_override(client, manager_a, retailer_of_a):
    client.force_login(manager_a)
    url = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    assert client.post(url, {"tier": 4, "reason": "x"}).status_code == 403
    assert _written() == (0, 0)
