"""A shop's churn-risk reasons on the manager's workspace read as a list of the page's language:
"3 requests not answered in time, …" in English, "3 条诉求超时未答复、…" in Chinese (never 、 in
English: core.display.words)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from django.urls import reverse

from customer_value.services import customer_value_nightly
from retailers.models import Retailer
from tests.words import EN, ZH

pytestmark = pytest.mark.django_db


def visit_list(client, headers) -> list[str]:
    page = client.get(reverse("admin:profitability_workspace"), **headers).content.decode()
    return re.findall(r"<li>(.*?)</li>", page.split('id="visit-list"')[1].split("</ol>")[0], re.S)


def test_the_reasons_are_joined_as_the_language_writes_a_list(client, manager1, city, profits, signals):
    quiet = Retailer.objects.filter(manager=manager1, status="active").order_by("pk").last()
    signals["requests"] = pd.DataFrame(
        {"open_overdue": [3], "complaints_90d": [4], "repeated_90d": [2], "mean_rating": [1.0]},
        index=pd.Index([quiet.pk], name="retailer"),
    )
    signals["satisfaction"] = pd.DataFrame({"index": [0.0], "wave_id": [1]}, index=pd.Index([quiet.pk]))
    customer_value_nightly(today=city)
    client.force_login(manager1)
    english = next(item for item in visit_list(client, EN) if quiet.customer_code in item)
    assert "3 requests not answered in time, " in english
    assert "、" not in english
    chinese = next(item for item in visit_list(client, ZH) if quiet.customer_code in item)
    assert "3 条诉求超时未答复、" in chinese
