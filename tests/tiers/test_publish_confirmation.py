"""Publishing a tier proposal pauses first: GET shows what will change, POST publishes (audited)."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditEntry
from demo.services import demo_city_create
from retailers.models import Retailer
from tiers.models import ProposalStatus, TierAssessment
from tiers.publish_preview import proposal_publish_preview
from tiers.services import classification_run

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)  # not in a freeze window


@pytest.fixture
def proposal():
    demo_city_create(retailers=400, products=25, weeks=14, seed=9, today=AS_OF)
    return classification_run(as_of=AS_OF)


def test_the_preview_counts_moves_against_the_tiers_now(proposal):
    rows = list(TierAssessment.objects.filter(proposal=proposal).values("retailer_id", "tier", "raw_tier"))
    now = dict(Retailer.objects.values_list("pk", "tier"))
    preview = proposal_publish_preview(proposal=proposal)
    ups = [r for r in rows if now[r["retailer_id"]] is not None and r["tier"] > now[r["retailer_id"]]]
    downs = [r for r in rows if now[r["retailer_id"]] is not None and r["tier"] < now[r["retailer_id"]]]
    assert (preview.retailers, preview.up, preview.down) == (len(rows), len(ups), len(downs))
    assert preview.up + preview.down + preview.stay + preview.first_tier == preview.retailers
    assert preview.held == sum(r["tier"] != r["raw_tier"] for r in rows)
    assert sum(s.up for s in preview.by_steps) == preview.up
    assert sum(s.down for s in preview.by_steps) == preview.down
    biggest = max(abs(r["tier"] - now[r["retailer_id"]]) for r in ups + downs)
    assert abs(preview.biggest[0].steps) == biggest
    assert [abs(m.steps) for m in preview.biggest] == sorted((abs(m.steps) for m in preview.biggest), reverse=True)


def test_an_override_since_the_proposal_counts_from_the_overridden_tier(proposal):
    row = TierAssessment.objects.filter(proposal=proposal).select_related("retailer").first()
    Retailer.objects.filter(pk=row.retailer_id).update(tier=row.tier)  # already where the proposal puts it
    before = proposal_publish_preview(proposal=proposal)
    Retailer.objects.filter(pk=row.retailer_id).update(tier=1 if row.tier > 15 else 30)
    after = proposal_publish_preview(proposal=proposal)
    assert after.stay == before.stay - 1
    assert after.up + after.down == before.up + before.down + 1


def test_get_shows_the_changes_and_publishes_nothing_post_publishes_and_audits(client, supervisor, proposal):
    client.force_login(supervisor)
    change = client.get(reverse("admin:tiers_tierproposal_change", args=[proposal.pk])).content.decode()
    url = reverse("admin:tiers_tierproposal_publish", args=[proposal.pk])
    assert f'href="{url}"' in change  # the button leads to the confirmation
    assert f'action="{url}"' not in change  # no form that publishes at once
    tiers_before = dict(Retailer.objects.values_list("pk", "tier"))
    page = client.get(url)
    body = page.content.decode()
    preview = page.context["preview"]
    for words in ("升档", "降档", "受调整幅度限制"):
        assert words in body
    assert f"{preview.up:,}" in body
    assert 'id="moves-biggest"' in body
    assert "确认发布此调档方案" in body
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert dict(Retailer.objects.values_list("pk", "tier")) == tiers_before
    assert not AuditEntry.objects.filter(action="tiers.publish").exists()
    done = client.post(url)
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    audit = AuditEntry.objects.get(action="tiers.publish")
    assert (audit.actor, audit.object_id) == (supervisor, str(proposal.pk))
    again = client.get(url).content.decode()
    assert "已于" in again  # published: when and by whom, not offered again
    assert 'id="confirm-publish"' not in again


def test_a_manager_sees_no_confirmation_and_cannot_publish(client, manager_a, proposal):
    client.force_login(manager_a)
    url = reverse("admin:tiers_tierproposal_publish", args=[proposal.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_a_published_proposal_shows_when_by_whom_and_the_moves_it_made(client, supervisor, proposal):
    """Tester 2026-11-28: proposal #1 read 升档 1,217 / 降档 1,101 and, once published, its publish page read
    升档 0, 降档 0 and 没有零售户的档位发生变化 (compared with today's tiers, its own)."""
    from tiers.models import TierChange, TierChangeKind
    from tiers.publish_preview import proposal_published_moves

    supervisor.first_name = "李主管"
    supervisor.save()
    url = reverse("admin:tiers_tierproposal_publish", args=[proposal.pk])
    client.force_login(supervisor)
    before = client.get(url).context["preview"]
    assert before.up + before.down > 0
    client.post(url)
    proposal.refresh_from_db()
    moves = TierChange.objects.filter(proposal=proposal, kind=TierChangeKind.RERATING)
    made = proposal_published_moves(proposal=proposal)
    assert (made.up, made.down, made.first_tier) == (before.up, before.down, before.first_tier)
    assert made.up + made.down + made.first_tier == moves.count()
    assert made.stay == before.stay
    assert made.retailers == before.retailers
    assert [(s.steps, s.up, s.down) for s in made.by_steps] == [(s.steps, s.up, s.down) for s in before.by_steps]
    assert [(m.customer_code, m.old_tier, m.new_tier) for m in made.biggest] == [
        (m.customer_code, m.old_tier, m.new_tier) for m in before.biggest
    ]
    page = client.get(url)
    body = page.content.decode()
    assert page.context["preview"] == made
    when = proposal.published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    assert f"已于 {when} 由 李主管 发布" in body
    assert f"{made.up:,}" in body
    assert "发布后档位" not in body
    assert "没有零售户的档位发生变化" not in body
    assert 'id="confirm-publish"' not in body
    assert "不能发布" not in body
    change = client.get(reverse("admin:tiers_tierproposal_change", args=[proposal.pk])).content.decode()
    assert f'href="{url}"' in change  # "what publishing changed"
    Retailer.objects.update(tier=5)  # the tiers now move on: the page still shows what publishing made
    assert client.get(url).context["preview"] == made
