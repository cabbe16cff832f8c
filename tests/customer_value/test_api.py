"""`GET /api/v1/customer-values/` per role: a manager reads only their own shops, a supervisor every
shop, a retailer and a visitor nothing; riskiest first, filters, reasons in the reader's language and
never the points per signal (with the score they would give the survey's part away)."""

from __future__ import annotations

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customer_value.models import CustomerValue
from customer_value.services import customer_value_nightly
from retailers.models import Retailer

pytestmark = pytest.mark.django_db
URL = reverse("api-customer-values")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def everything(client, **params) -> list[dict]:
    response = client.get(URL, {"page_size": 1000, **params}, **ZH)
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["count"] == len(body["results"])
    return body["results"]


def test_a_manager_reads_only_their_own_shops_riskiest_first(client, manager1, manager2, values):
    client.force_login(manager1)
    rows = everything(client)
    own = set(Retailer.objects.filter(manager=manager1, status="active").values_list("pk", flat=True))
    assert {r["retailer"] for r in rows} == own
    assert all(r["manager"] == manager1.pk for r in rows)
    risks = [r["risk"] for r in rows]
    assert risks == sorted(risks, reverse=True)
    # another manager's shop is not found by filtering for it either
    theirs = Retailer.objects.filter(manager=manager2, status="active").first()
    assert everything(client, retailer=theirs.pk) == []
    assert everything(client, manager=manager2.pk) == []


def test_a_supervisor_reads_every_shop_and_filters(client, city, values):
    client.force_login(get_user_model().objects.get(username="supervisor"))
    rows = everything(client)
    assert len(rows) == Retailer.objects.filter(status="active").count()
    watch = everything(client, segment="watch")
    assert watch
    assert all(r["segment"] == "watch" and r["segment_label"] == "关注" for r in watch)
    assert len(watch) == CustomerValue.objects.filter(value_run__is_current=True, segment=4).count()
    high = everything(client, risk_min=30)
    assert all(r["risk"] >= 30 for r in high)
    assert len(high) == sum(r["risk"] >= 30 for r in rows)
    assert client.get(URL, {"segment": "best"}).status_code == 400


def test_reasons_in_words_and_no_points(client, manager1, city, profits, signals):
    shop = Retailer.objects.filter(manager=manager1, status="active").order_by("pk").first()
    signals["requests"] = pd.DataFrame(
        {"open_overdue": [2], "complaints_90d": [3], "repeated_90d": [1], "mean_rating": [2.0]},
        index=pd.Index([shop.pk], name="retailer"),
    )
    customer_value_nightly(today=city)
    client.force_login(manager1)
    (row,) = everything(client, retailer=shop.pk)
    assert "2 条诉求超时未答复" in row["reasons"]
    assert row["customer_code"] == shop.customer_code
    assert not any(key.startswith("points") or "satisfaction" in key for key in row)


def test_retailers_and_visitors_are_refused(client, shop, values):
    assert client.get(URL).status_code in (401, 403)
    client.force_login(shop.user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "error" in response.json()


def test_nothing_before_the_first_night(client, manager1):
    client.force_login(manager1)
    assert everything(client) == []
