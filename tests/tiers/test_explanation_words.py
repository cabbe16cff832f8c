"""The retailer's page and the tier proposal's page in words, in each language (tester 2026-11-27): the
tier in the classification section as D30 (it read "档位 30"), the national type by its words (it read
"国家分类: CZ1"), a score part the scheme gives no weight said to be not scored (an AA shop read
"诚信等级 — 0.00"), and the proposal's counts with thousands separators (it read "2906", "1217").

The city: 30 urban convenience stores scored on purchase amount only, shop k buying k × 100 yuan, one
per tier: shop 30 in D30, the largest of its group (national type CZ1)."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import RetailerFactory
from tests.words import EN, ZH, shown
from tiers.models import TierProposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]
AS_OF = dt.date(2026, 11, 22)
MONDAY = dt.date(2026, 11, 9)


@pytest.fixture
def city(rated_city):
    bought = {k: (RetailerFactory(tier=k, credit_rating="AA"), k, Decimal(k * 100)) for k in range(1, 31)}
    return rated_city("tests: amount only", bought, as_of=AS_OF, week=MONDAY)


def test_the_retailer_page_reads_the_tier_and_its_explanation_in_words(client, supervisor, city):
    client.force_login(supervisor)
    url = f"/admin/retailers/retailer/{city[30].pk}/change/"
    zh, en = shown(client.get(url, **ZH).content), shown(client.get(url, **EN).content)
    assert "档位 D30 诚信等级" in zh  # the classification section's read-only tier
    assert "档位 30 " not in zh
    assert "Tier D30 Credit rating" in en
    assert "国家分类: 城网 · 便利店 · 大型" in zh
    assert "National type: Urban network · Convenience store · large" in en
    assert "CZ1" not in zh
    assert "CZ1" not in en
    assert "诚信等级 — 不计分" in zh  # weight 0 in the scheme: not scored, not "0.00"
    assert "明码标价情况 — 不计分" in zh
    assert "Credit rating — not scored" in en
    assert "购进条数 30 条 不计分" in zh  # quantity has no weight in this scheme either
    assert "购进金额 3,000.00 元 78.67" in zh  # the part with a weight keeps its points: (2 − 1/30) × 40


def test_the_proposal_page_groups_its_counts(client, supervisor, city):
    proposal = TierProposal.objects.get()
    TierProposal.objects.filter(pk=proposal.pk).update(retailers=2906, ups=1217, downs=1101)
    client.force_login(supervisor)
    url = f"/admin/tiers/tierproposal/{proposal.pk}/change/"
    zh, en = shown(client.get(url, **ZH).content), shown(client.get(url, **EN).content)
    assert "零售户 2,906 升档户数 1,217 降档户数 1,101" in zh
    assert "2906" not in zh
    assert "Retailers 2,906 Upgrades 1,217 Downgrades 1,101" in en
