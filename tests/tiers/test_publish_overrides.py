"""A supervisor's override is never undone without warning (walker: an override D14→D15 with a reason
was moved back D15→D14 the same day by publishing a proposal computed after it). docs/domain.md §3: a
re-rating computed after an override takes over again, and the confirmation lists those overrides; an
override made after the proposal was computed is kept by publishing (the proposal never saw it)."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditEntry
from demo.services import demo_city_create
from retailers.models import Retailer
from tiers.models import TierAssessment, TierChange, TierChangeKind
from tiers.publish_preview import proposal_publish_preview
from tiers.services import classification_run, proposal_publish, tier_override

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)  # not in a freeze window


@pytest.fixture
def city():
    demo_city_create(retailers=300, products=20, weeks=14, seed=9, today=AS_OF)


def far_tier(tier: int) -> int:
    return 1 if tier > 15 else 30


def test_an_override_before_the_proposal_is_listed_then_undone(client, supervisor, city):
    retailer = Retailer.objects.filter(tier__isnull=False).order_by("pk").first()
    set_by_hand = far_tier(retailer.tier)
    tier_override(retailer=retailer, tier=set_by_hand, reason="新店开业，临时调整", approver=supervisor)
    proposal = classification_run(as_of=AS_OF)
    proposed = TierAssessment.objects.get(proposal=proposal, retailer=retailer).tier
    assert proposed != set_by_hand  # the re-rating rates it otherwise
    preview = proposal_publish_preview(proposal=proposal)
    assert [o.retailer_id for o in preview.overrides_undone] == [retailer.pk]
    assert not preview.overrides_kept
    undone = preview.overrides_undone[0]
    assert (undone.overridden_tier, undone.proposed_tier, undone.reason) == (set_by_hand, proposed, "新店开业，临时调整")

    client.force_login(supervisor)
    body = client.get(reverse("admin:tiers_tierproposal_publish", args=[proposal.pk])).content.decode()
    assert 'id="overrides-undone"' in body
    assert "发布将撤销 1 户手工调整的档位" in body
    assert "新店开业，临时调整" in body
    assert f"D{set_by_hand}" in body

    proposal_publish(proposal=proposal, approver=supervisor, today=AS_OF)
    retailer.refresh_from_db()
    assert retailer.tier == proposed  # the re-rating takes over again, as the page said
    audit = AuditEntry.objects.get(action="tiers.publish")
    assert (audit.after["overrides_undone"], audit.after["overrides_kept"]) == ([retailer.customer_code], [])


def test_an_override_after_the_proposal_is_kept_and_not_counted_as_a_move(client, supervisor, city):
    proposal = classification_run(as_of=AS_OF)
    row = TierAssessment.objects.filter(proposal=proposal).select_related("retailer").order_by("retailer_id").first()
    retailer = row.retailer
    before = proposal_publish_preview(proposal=proposal)
    set_by_hand = far_tier(row.tier)
    tier_override(retailer=retailer, tier=set_by_hand, reason="客户经理核实经营面积", approver=supervisor)
    preview = proposal_publish_preview(proposal=proposal)
    assert [o.retailer_id for o in preview.overrides_kept] == [retailer.pk]
    assert not preview.overrides_undone
    assert preview.retailers == before.retailers
    assert preview.up + preview.down + preview.stay + preview.first_tier == preview.retailers
    moved_before = row.tier != row.retailer.tier
    assert preview.up + preview.down == before.up + before.down - moved_before  # it stays: not a move

    client.force_login(supervisor)
    body = client.get(reverse("admin:tiers_tierproposal_publish", args=[proposal.pk])).content.decode()
    assert 'id="overrides-kept"' in body
    assert "1 户手工调整的档位保持不变" in body

    changed = proposal_publish(proposal=proposal, approver=supervisor, today=AS_OF)
    retailer.refresh_from_db()
    assert retailer.tier == set_by_hand  # kept
    assert not TierChange.objects.filter(retailer=retailer, kind=TierChangeKind.RERATING, proposal=proposal).exists()
    assert changed == preview.up + preview.down + preview.first_tier
    audit = AuditEntry.objects.get(action="tiers.publish")
    assert (audit.after["overrides_undone"], audit.after["overrides_kept"]) == ([], [retailer.customer_code])
