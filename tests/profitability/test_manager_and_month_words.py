"""No logins or codes in the figures people read (tester 2026-11-28): a customer manager by name in the
overview by manager (王经理1, not manager1 · 王经理1), in natural order (王经理2 before 王经理10); the phone's
month as the language writes one (2026年11月, not 2026-11 月)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.display import natural_key
from profitability.engine.figures import Period
from profitability.models import ProfitFigure
from profitability.selectors import overview

pytestmark = pytest.mark.django_db


def test_the_overview_names_managers_by_name_in_natural_order(profits, city):
    from django.contrib.auth import get_user_model

    supervisor = get_user_model().objects.get(username="supervisor")
    _run, _start, groups = overview(user=supervisor, level="manager", period=Period.MONTH, today=city)
    labels = [g.label for g in groups]
    assert len(labels) > 2
    assert not any("manager" in label for label in labels), labels
    names = set(get_user_model().objects.filter(role="manager").values_list("first_name", flat=True))
    assert set(labels) - {"—"} <= names
    assert labels == sorted(labels, key=natural_key)


def test_the_phone_names_the_month_as_the_language_writes_it(client, shop, profits, language_restored):
    month = (
        ProfitFigure.objects.filter(profit_run__is_current=True, retailer=shop, period=Period.MONTH)
        .latest("period_start")
        .period_start
    )
    client.force_login(shop.user)
    with translation.override("zh-hans"):
        page = client.get(reverse("portal:profit"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'id="profit-month">{month.year}年{month.month}月<' in page
    assert " 月<" not in page
    page = client.get(reverse("portal:profit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="profit-month">{month:%B %Y}<' in page
