"""The tier explanation after a supervisor's override explains the tier the retailer has now: set
by an override (who, when and why for staff; "by the company" and why for the retailer), with the
cut score of that tier and the gap to the next one, read from the published re-rating's stored
table — never the old tier's figures, never "the move limit" (docs/domain.md §3; issue 17).

The city, worked by hand: 30 shops scored on purchase amount only (rank form), shop k buying
k × 100 yuan (k cartons): rank 31 − k of 30, score (2 − (31 − k)/30) × 40 = 4 × (29 + k)/3, one
shop per tier, shop k in D k. Cut scores (stored to 4 decimals): D k = 4 × (29 + k)/3, so
D5 45.3333, D10 52, D11 53.3333, D13 56, D14 57.3333."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from retailers.logins import retailer_login_reset
from tests.factories import RetailerFactory, UserFactory
from tiers.models import TierChange
from tiers.selectors import HeldBy, TierSource, tier_explanation
from tiers.services import classification_run, proposal_publish, tier_override

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)  # a Sunday outside the freeze windows
MONDAY = dt.date(2026, 11, 9)  # inside the 13-week window
REASON = "新开大型商超"


@pytest.fixture
def city(rated_city):
    manager = UserFactory(username="mgr_tiers", role=Role.MANAGER)
    bought = {k: (RetailerFactory(tier=k, manager=manager), k, Decimal(k * 100)) for k in range(1, 31)}
    return rated_city("tests: amount only", bought, as_of=AS_OF, week=MONDAY), manager


def test_the_rerating_explains_itself_before_any_override(city):
    shops, _ = city
    got = tier_explanation(retailer=shops[5])
    assert (got.tier, got.source, got.override, got.raw_tier, got.held_by) == (5, TierSource.RERATING, None, 5, "")
    assert (got.score, got.cut_score, got.next_cut_score) == (45.3333, 45.3333, 46.6667)  # D6: 4 × 35/3
    assert got.gap == 1.3334  # 46.6667 − 45.3333


def test_override_up_explains_the_new_tier_and_its_next_line(city, supervisor):
    shops, _ = city
    shop = shops[5]
    change = tier_override(retailer=shop, tier=13, reason=REASON, approver=supervisor)
    # the override keeps the published assessment it was made against
    assert (change.assessment.retailer_id, change.score) == (shop.pk, 45.3333)
    got = tier_explanation(retailer=shop)
    assert (got.tier, got.source, got.rerated_tier, got.raw_tier) == (13, TierSource.OVERRIDE, 5, 5)
    assert got.held_by == ""  # not the move limit: the override set it
    assert (got.override.old_tier, got.override.new_tier, got.override.reason) == (5, 13, REASON)
    assert got.override.approver == "boss"
    # D13's cut 4 × 42/3 = 56; D14's 4 × 43/3 = 57.3333; the score stays the re-rating's 45.3333
    assert (got.cut_score, got.next_cut_score, got.score) == (56.0, 57.3333, 45.3333)
    assert got.gap == 12.0  # 57.3333 − 45.3333
    # the shop holding D14's line is shop 14: 1,400 yuan, 14 cartons
    assert (got.next_tier_amount, got.next_tier_quantity) == (Decimal("1400.00"), 14)


def test_override_down_to_a_tier_the_score_already_passes(city, supervisor):
    shops, _ = city
    tier_override(retailer=shops[20], tier=10, reason="整改期间", approver=supervisor)
    got = tier_explanation(retailer=shops[20])
    # score 4 × 49/3 = 65.3333 is above D11's 53.3333: nothing missing, and no move limit blamed
    assert (got.tier, got.cut_score, got.next_cut_score, got.gap, got.held_by) == (10, 52.0, 53.3333, 0.0, "")


def test_override_to_the_top_tier_has_no_next_line(city, supervisor):
    shops, _ = city
    tier_override(retailer=shops[2], tier=30, reason="试点", approver=supervisor)
    got = tier_explanation(retailer=shops[2])
    assert (got.tier, got.next_tier, got.cut_score, got.next_cut_score, got.gap) == (30, None, 78.6667, None, None)


def test_a_later_rerating_takes_over_from_the_override(city, supervisor):
    shops, _ = city
    tier_override(retailer=shops[5], tier=13, reason=REASON, approver=supervisor)
    # the next re-rating (no move limit) places shop 5 by its score again: D5, stored as a change
    proposal = classification_run(as_of=AS_OF)
    proposal_publish(proposal=proposal, approver=supervisor, today=AS_OF)
    shops[5].refresh_from_db()
    got = tier_explanation(retailer=shops[5])
    assert (got.tier, got.source, got.override, got.cut_score) == (5, TierSource.RERATING, None, 45.3333)
    assert TierChange.objects.filter(retailer=shops[5], proposal=proposal, old_tier=13, new_tier=5).exists()


def test_override_of_a_retailer_no_rerating_rated(supervisor):
    newcomer = RetailerFactory(tier=None)
    tier_override(retailer=newcomer, tier=8, reason="新店", approver=supervisor)
    got = tier_explanation(retailer=newcomer)
    assert (got.tier, got.source, got.rated, got.score, got.cut_score, got.gap) == (
        8, TierSource.OVERRIDE, False, None, None, None,
    )  # fmt: skip


def test_move_limit_still_named_when_it_holds(rated_city):
    # 30 shops as above but shop 1 was D10 and the limit is 3: its score gives D1, it stays at D7
    bought = {k: (RetailerFactory(tier=10 if k == 1 else k), k, Decimal(k * 100)) for k in range(1, 31)}
    shops = rated_city("tests: limit", bought, as_of=AS_OF, week=MONDAY, move_limit=3)
    got = tier_explanation(retailer=shops[1])
    # D7 by the limit (10 − 3); by score D1 (40); D7's cut is shop 7's 48, D8's shop 8's 49.3333
    assert (got.tier, got.raw_tier, got.held_by, got.source) == (7, 1, HeldBy.MOVE_LIMIT, TierSource.RERATING)
    assert (got.cut_score, got.next_cut_score, got.gap) == (48.0, 49.3333, 9.3333)


def test_the_admin_page_names_the_override_and_the_new_lines(client, city, supervisor):
    shops, _ = city
    tier_override(retailer=shops[5], tier=13, reason=REASON, approver=supervisor)
    client.force_login(supervisor)
    body = client.get(reverse("admin:retailers_retailer_change", args=[shops[5].pk])).content.decode()
    part = body[body.index('id="tier-explanation"') :]
    assert "当前档位：D13" in part
    assert "由主管调整设定：D5 → D13，操作人 boss" in part
    assert f"原因：{REASON}" in part
    assert "最近一次发布的调档评定为 D5" in part
    assert "D13 的分数线：56.00 分" in part
    assert "D14 的分数线为 57.33 分，比该零售户的得分高 12.00 分。" in part
    assert "受每次升降档数限制" not in part  # the move limit is not what set it
    # the tables have headers and units; the line's purchases with thousands separators
    for header in ("评分项", "评定期内数值", "得分（分）", "分数线（分）", "D14（高一档）", "D13（当前）"):
        assert header in part
    assert "1,400.00 元、14 条" in part
    assert "500.00 元" in part
    assert "5 条" in part
    history = part[part.index('id="tier-history"') :]
    assert "D5 → D13" in history
    assert "主管调整" in history


def test_the_phone_page_says_the_company_set_it_and_how_to_move_up(client, city, supervisor):
    shops, manager = city
    shop = shops[5]
    retailer_login_reset(retailer=shop, actor=manager)
    shop.refresh_from_db()
    change = tier_override(retailer=shop, tier=13, reason=REASON, approver=supervisor)
    client.force_login(shop.user)
    body = client.get(reverse("portal:tier")).content.decode()
    assert ">D13<" in body
    assert f"公司于 {timezone.localtime(change.at):%Y-%m-%d} 设定此档位。原因：{REASON}" in body
    assert "boss" not in body  # the retailer is not told the supervisor's username
    assert "每次调档只变动几档" not in body  # not the move limit
    assert "最近一次调档评定为 D5" in body
    move_up = body[body.index('id="tier-move-up"') :]
    assert "D14 的分数线为 57.33 分，比您上次调档的得分高 12.00 分。" in move_up
    # what to do, in the explanation's terms: the part behind the line's shop (shop 14), and what it alone must reach
    assert "购进金额：您 ¥500.00，该户 ¥1,400.00，少 12.00 分。" in move_up
    assert "同样 13 周内购进金额达到 ¥1,400.00（多 ¥900.00）。" in move_up
    figures = body[body.index('id="tier-figures"') : body.index("</table>")]
    for header in ("您的店", "D14 分数线上", "购进金额（元）", "购进条数（条）", "单条值（元）", "得分（分）"):
        assert header in figures
    assert "1,400.00" in figures
    assert "45.33" in figures


def test_the_api_gives_the_override_with_the_approver_to_staff_only(client, city, supervisor):
    shops, manager = city
    shop = shops[5]
    retailer_login_reset(retailer=shop, actor=manager)
    shop.refresh_from_db()
    tier_override(retailer=shop, tier=13, reason=REASON, approver=supervisor)
    client.force_login(supervisor)
    staff = client.get(reverse("retailer-tier", args=[shop.pk])).json()
    assert (staff["tier"], staff["source"], staff["rerated_tier"], staff["held_by"]) == (13, "override", 5, "")
    assert (staff["cut_score"], staff["next_cut_score"], staff["gap"]) == (56.0, 57.3333, 12.0)
    assert staff["override"]["approver"] == "boss"
    note = staff["override"]
    assert (note["old_tier"], note["new_tier"], note["reason"]) == (5, 13, REASON)
    client.force_login(shop.user)
    mine = client.get(reverse("api-me-tier")).json()
    assert (mine["tier"], mine["source"], mine["gap"], mine["override"]["reason"]) == (13, "override", 12.0, REASON)
    assert "approver" not in mine["override"]


def test_the_reference_period_reads_its_last_day_not_the_day_after(city, client):
    """The re-rating of 2026-11-22 scores 13 weeks of cycles that started before that day: the window
    2026-08-23 … 2026-11-22 holds not its end, so people read 2026-08-23 – 2026-11-21, as the start
    page named it (`tiers.services.reference_period`)."""
    shops, manager = city
    shop = shops[5]
    got = tier_explanation(retailer=shop)
    assert got.window == (dt.date(2026, 8, 23), dt.date(2026, 11, 22))
    assert got.window_days == (dt.date(2026, 8, 23), dt.date(2026, 11, 21))
    retailer_login_reset(retailer=shop, actor=manager)
    shop.refresh_from_db()
    client.force_login(shop.user)
    body = client.get(reverse("portal:tier")).content.decode()
    assert "2026-08-23 – 2026-11-21" in body
    assert "2026-11-22" not in body
