"""Every customer value page per role: a manager sees only their shops, the overview is the
supervisor's, the policy is the supervisor's to change, retailers never get in; reasons in Chinese;
the manager's visit list (profitability's workspace) orders by churn risk."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from customer_value.models import CustomerValue, ValuePolicy
from customer_value.services import customer_value_nightly
from retailers.models import Retailer

pytestmark = pytest.mark.django_db
LIST = "admin:customer_value_customervalue_changelist"
OVERVIEW = "admin:customer_value_overview"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def supervisor(city):
    return get_user_model().objects.get(username="supervisor")


def row_of(shop) -> CustomerValue:
    return CustomerValue.objects.get(value_run__is_current=True, retailer=shop)


def test_the_list_shows_a_manager_only_their_shops(client, manager1, manager2, values):
    client.force_login(manager1)
    response = client.get(reverse(LIST), {"all": ""}, **ZH)
    page = response.content.decode()
    own = Retailer.objects.filter(manager=manager1, status="active")
    assert response.context["cl"].result_count == own.count()
    assert f"{own.count()} 客户价值" in " ".join(page.split())  # the admin's count line (unfold's, over lines)
    for shop in own[:5]:
        assert shop.customer_code in page
    for shop in Retailer.objects.filter(manager=manager2):
        assert shop.customer_code not in page
    # another manager's row is not found, by its own URL either
    other = row_of(Retailer.objects.filter(manager=manager2, status="active").first())
    response = client.get(reverse("admin:customer_value_customervalue_change", args=[other.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert other.retailer.customer_code not in client.get(response["Location"]).content.decode()
    own_row = row_of(own.first())
    detail = client.get(reverse("admin:customer_value_customervalue_change", args=[own_row.pk]), **ZH)
    assert detail.status_code == 200
    assert "流失风险" in detail.content.decode()
    assert "得分：" not in detail.content.decode()  # no points per signal: they would give the survey's part away


def test_filters_search_and_the_supervisors_manager_filter(client, manager1, supervisor, values):
    client.force_login(manager1)
    shop = Retailer.objects.filter(manager=manager1, status="active").first()
    found = client.get(reverse(LIST), {"q": shop.customer_code}, **ZH)
    page = " ".join(found.content.decode().split())
    assert found.context["cl"].result_count == 1
    assert "1 客户价值" in page
    for query in ({"segment__exact": 4}, {"risk": "high"}, {"risk": "low"}, {"state__exact": 2}):
        assert client.get(reverse(LIST), query).status_code == 200
    assert "retailer__manager__id__exact" not in client.get(reverse(LIST)).content.decode()
    client.force_login(supervisor)
    page = " ".join(client.get(reverse(LIST), **ZH).content.decode().split())
    assert "retailer__manager__id__exact" in page
    assert f"{Retailer.objects.filter(status='active').count()} 客户价值" in page


def test_reasons_and_units_in_chinese(client, manager1, city, profits, signals):
    shop = Retailer.objects.filter(manager=manager1, status="active").order_by("pk").first()
    signals["requests"] = pd.DataFrame(
        {"open_overdue": [2], "complaints_90d": [3], "repeated_90d": [1], "mean_rating": [2.0]},
        index=pd.Index([shop.pk], name="retailer"),
    )
    signals["satisfaction"] = pd.DataFrame({"index": [10.0], "wave_id": [1]}, index=pd.Index([shop.pk]))
    customer_value_nightly(today=city)
    client.force_login(manager1)
    page = client.get(reverse(LIST), {"q": shop.customer_code}, **ZH).content.decode()
    assert "2 条诉求超时未答复" in page
    assert "诉求答复评分 2.0 分（满分 5 分）" in page
    assert "满意度" not in page.split('id="result_list"')[1]  # the survey is never a reason
    row = row_of(shop)
    assert f"{row.gross_profit:,.2f} 元" in page
    assert f"{row.cartons:,} 条" in page
    assert row.get_segment_display() in ("保持", "发展", "提升", "关注")
    assert row.get_segment_display() in page
    assert "流失风险暂未包含" not in page  # every signal was read


def test_a_signal_without_data_is_said_on_the_pages(client, manager1, supervisor, values):
    client.force_login(manager1)
    note = "流失风险暂未包含：客户诉求、满意度测评（无数据）。"
    assert note in client.get(reverse(LIST), **ZH).content.decode()
    client.force_login(supervisor)
    assert note in client.get(reverse(OVERVIEW), **ZH).content.decode()


def test_the_overview_is_for_supervisors(client, manager1, supervisor, values):
    client.force_login(manager1)
    assert client.get(reverse(OVERVIEW)).status_code == 403
    assert client.get(reverse(OVERVIEW), {"format": "xlsx"}).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse(OVERVIEW), **ZH).content.decode()
    for chart in ("shares-chart", "risk-chart"):  # segment shares and mean risk
        assert re.search(rf'id="{chart}"><svg', page)
    assert "各客户经理的客户分群占比（%）" in page
    assert "保持占比" in page
    sheet = load_workbook(io.BytesIO(client.get(reverse(OVERVIEW), {"format": "xlsx"}, **ZH).content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    total = rows[-1]
    assert total[0] == "全部"
    assert total[1] == sum(r[1] for r in rows[:-1]) == Retailer.objects.filter(status="active").count()
    # the shares of the four segments add up to the whole, per manager
    for row in rows:
        assert sum(row[2:6]) == pytest.approx(1)
    assert client.get(reverse(OVERVIEW), {"format": "pdf"}).status_code == 400


def test_retailers_and_anonymous_users_never_get_in(client, shop, values):
    urls = [reverse(LIST), reverse(OVERVIEW), reverse("admin:customer_value_valuepolicy_changelist"),
            reverse("admin:customer_value_valuerun_changelist"),
            reverse("admin:customer_value_customervalue_change", args=[row_of(shop).pk])]  # fmt: skip
    for user in (shop.user, None):
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302
            assert "/admin/login/" in response["Location"]


def test_the_policy_is_the_supervisors_to_change(client, manager1, supervisor, city, values):
    policy = ValuePolicy.objects.get(is_active=True)
    change = reverse("admin:customer_value_valuepolicy_change", args=[policy.pk])
    client.force_login(manager1)
    assert client.get(reverse("admin:customer_value_valuepolicy_changelist")).status_code == 200
    assert client.get(reverse("admin:customer_value_valuepolicy_add")).status_code == 403
    assert client.post(change, {"name": "x", "visit_weeks_grow": 1}).status_code == 403
    assert ValuePolicy.objects.get(pk=policy.pk).visit_weeks_grow == 2
    client.force_login(supervisor)
    form = {f.name: getattr(policy, f.name) for f in ValuePolicy._meta.fields if f.name != "id"}
    form.update(visit_weeks_grow=1, is_active="on")
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ValuePolicy.objects.get(pk=policy.pk).visit_weeks_grow == 1
    assert policy.history.count() == 2  # created by the first night, changed here
    # a second active policy is refused with the reason, not a database error
    form.update(name="second")
    page = client.post(reverse("admin:customer_value_valuepolicy_add"), form, **ZH).content.decode()
    assert "已有另一条客户价值规则在启用" in page
    assert ValuePolicy.objects.count() == 1
    # the next night applies the new frequency
    customer_value_nightly(today=city)
    assert set(
        CustomerValue.objects.filter(value_run__is_current=True, segment=3).values_list("visit_weeks", flat=True)
    ) <= {1}


def test_the_visit_list_orders_by_churn_risk(client, manager1, city, profits, signals):
    shops = list(Retailer.objects.filter(manager=manager1, status="active").order_by("pk"))
    quiet = shops[-1]  # gets a high risk from requests and the survey alone
    signals["requests"] = pd.DataFrame(
        {"open_overdue": [3], "complaints_90d": [4], "repeated_90d": [2], "mean_rating": [1.0]},
        index=pd.Index([quiet.pk], name="retailer"),
    )
    signals["satisfaction"] = pd.DataFrame({"index": [0.0], "wave_id": [1]}, index=pd.Index([quiet.pk]))
    customer_value_nightly(today=city)
    # 15 (overdue) + 10 (2 repeats) + 15 (index 0) + 10 (rating 1) = 50 points from these alone
    assert row_of(quiet).risk >= 50
    client.force_login(manager1)
    page = client.get(reverse("admin:profitability_workspace"), **ZH).content.decode()
    visit_list = page.split('id="visit-list"')[1].split("</ol>")[0]
    items = re.findall(r"<li>(.*?)</li>", visit_list, re.S)
    scores = [int(s) for s in re.findall(r"流失风险 (\d+) 分", visit_list)]
    assert len(scores) == len(items) > 1  # every shop on the list shows its risk
    assert scores == sorted(scores, reverse=True)
    assert quiet.customer_code in items[0]
    assert "3 条诉求超时未答复" in items[0]
    assert re.search(r"(保持|发展|提升|关注) · 每 \d+ 周走访", items[0])


def test_before_the_first_night_the_visit_list_is_the_alerts(client, manager1, profits):
    client.force_login(manager1)
    page = client.get(reverse("admin:profitability_workspace"), **ZH).content.decode()
    visit_list = page.split('id="visit-list"')[1].split("</ol>")[0]
    assert "<li>" in visit_list
    assert "流失风险" not in visit_list


def test_the_export_holds_the_managers_shops_in_words(client, manager1, manager2, values):
    client.force_login(manager1)
    fields = ["code", "shop", "manager", "tier", "segment_label", "visit", "profit", "kept", "per_carton", "gap",
              "score", "why"]  # fmt: skip
    response = client.post(
        reverse("admin:customer_value_customervalue_export"),
        {"format": "0", "resource": "0", **{f"customervalueresource_{f}": "on" for f in fields}},
        **ZH,
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("客户编码,店名,客户经理,档位,客户分群,走访频次,毛利（元）")
    codes = {line.split(",")[0] for line in lines[1:]}
    assert codes == set(
        Retailer.objects.filter(manager=manager1, status="active").values_list("customer_code", flat=True)
    )
    assert not codes & set(Retailer.objects.filter(manager=manager2).values_list("customer_code", flat=True))
    assert any("每 " in line and "周走访" in line for line in lines[1:])


def test_the_policys_history_is_read_only(client, supervisor, values):
    policy = ValuePolicy.objects.get(is_active=True)
    version = policy.history.latest().history_id
    url = reverse("admin:customer_value_valuepolicy_simple_history", args=[policy.pk, version])
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "x", "visit_weeks_grow": 9}).status_code == 403
    assert ValuePolicy.objects.get(pk=policy.pk).visit_weeks_grow == 2
