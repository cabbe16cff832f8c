"""Structure advice against peers, and the managers' diversion alerts."""

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from inventory.engine.structure import structure_gaps
from inventory.models import InventoryAdvice
from inventory.selectors import diversion_alerts, retailer_structure
from inventory.services import inventory_advice_nightly
from orders.models import WeeklyPurchase


def test_gaps_compare_with_the_average_peer_share():
    own = pd.Series({"I": 0, "II": 10, "III": 30, "IV": 60, "V": 0})
    peers = pd.DataFrame({"I": [10, 0], "II": [30, 300], "III": [40, 300], "IV": [20, 400], "V": [0, 0]}, index=[7, 8])
    gaps = {g.price_class: g for g in structure_gaps(own, peers, min_gap=0.10)}
    # peers' shares: I (10%, 0%) → 5%; II (30%, 30%) → 30%; III (40%, 30%) → 35%; IV (20%, 40%) → 30%
    assert set(gaps) == {"II", "IV"}
    assert gaps["IV"].own_share == pytest.approx(0.6)
    assert gaps["IV"].peer_share == pytest.approx(0.3)
    assert not gaps["IV"].below_peers
    assert gaps["II"].below_peers
    assert structure_gaps(own, peers.iloc[:0]) == []
    assert structure_gaps(own * 0, peers) == []  # a shop that bought nothing has no mix to compare


@pytest.mark.django_db
def test_a_shop_buying_only_cheap_cigarettes_is_told_on_its_phone(client, city, shop):
    WeeklyPurchase.objects.filter(retailer=shop).update(
        cartons_class_i=0, cartons_class_ii=0, cartons_class_iii=0, cartons_class_iv=0, cartons_class_v=50
    )
    found = {g.price_class: message for g, message in retailer_structure(retailer=shop, today=city)}
    assert "V" in found
    assert "100%" in found["V"]
    client.force_login(shop.user)
    page = client.get(reverse("portal:stock")).content.decode()
    assert 'id="structure"' in page


@pytest.mark.django_db
def test_managers_see_their_own_shops_diversion_alerts(client, city, manager1, shop, other_shop):
    inventory_advice_nightly(today=city)
    for retailer in (shop, other_shop):
        row = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=retailer).first()
        InventoryAdvice.objects.filter(pk=row.pk).update(diversion=True, stock=500, weekly_sales=2.0)
    mine = diversion_alerts(user=manager1)
    assert {r.retailer_pk for r in mine} >= {shop.pk}
    assert other_shop.pk not in {r.retailer_pk for r in mine}
    top = next(r for r in mine if r.retailer_pk == shop.pk)
    assert top.excess == 500 - 16  # 8 weeks at 2 cartons a week
    supervisor = get_user_model().objects.get(username="supervisor")
    assert {shop.pk, other_shop.pk} <= {r.retailer_pk for r in diversion_alerts(user=supervisor)}
    client.force_login(manager1)
    url = reverse("admin:inventory_diversion_alerts")
    page = client.get(url).content.decode()
    assert shop.customer_code in page
    assert other_shop.customer_code not in page
    assert client.get(url, {"format": "xlsx"})["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(shop.user)
    assert client.get(url).status_code == 302
