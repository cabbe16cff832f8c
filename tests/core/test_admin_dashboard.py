"""The admin's dashboard and sidebar (distribution.admin_dashboard, distribution.admin_navigation):
each role counts only what it may see, and the sidebar offers only the pages the user may open."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.models import Run, RunStatus
from retailers.vocabulary import RetailerStatus
from service_requests.models import Category
from service_requests.services import request_file
from tests.factories import RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _cards(page) -> dict[str, str]:
    return {card.title: card.value for card in page.context["dashboard_cards"]}


def _filed_by(retailer, username: str):
    retailer.user = UserFactory(username=username, role=Role.RETAILER, is_staff=False)
    retailer.save()
    return request_file(user=retailer.user, category=Category.PRICE, text="价签不清楚")


def test_a_manager_counts_only_their_retailers_and_requests(client, manager_a, retailer_of_a, retailer_of_b):
    # Manager A: 1 own active shop + 1 own closed shop (not counted) ; B's shop is never counted.
    RetailerFactory(manager=manager_a, status=RetailerStatus.CLOSED)
    _filed_by(retailer_of_a, "shop_a")
    _filed_by(retailer_of_b, "shop_b")
    client.force_login(manager_a)
    page = client.get(reverse("admin:index"), **ZH)
    assert page.status_code == 200
    cards = _cards(page)
    assert cards["我的有效零售户"] == "1"
    assert cards["待处理诉求"] == "1"
    assert "近 7 天失败的作业" not in cards  # supervisors only
    assert "待审核调档方案" not in cards
    assert retailer_of_b.name not in page.content.decode()


def test_a_supervisor_counts_everything_and_failed_jobs(client, supervisor, retailer_of_a, retailer_of_b):
    _filed_by(retailer_of_a, "shop_a")
    _filed_by(retailer_of_b, "shop_b")
    Run.objects.create(job="allocation", status=RunStatus.FAILED, error="x")
    old = Run.objects.create(job="allocation", status=RunStatus.FAILED, error="x")
    Run.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))  # outside 7 days
    client.force_login(supervisor)
    cards = _cards(client.get(reverse("admin:index"), **ZH))
    assert cards["有效零售户"] == "2"
    assert cards["待处理诉求"] == "2"
    assert cards["近 7 天失败的作业"] == "1"


def test_thousands_separators_on_the_cards(client, supervisor):
    RetailerFactory.create_batch(1_002)
    client.force_login(supervisor)
    assert _cards(client.get(reverse("admin:index"), **ZH))["有效零售户"] == "1,002"


def test_the_sidebar_offers_a_manager_no_supervisor_page(client, manager_a, supervisor):
    supervisor_only = [reverse("admin:core_run_import"), reverse("admin:profitability_overview"), reverse("api-docs")]
    client.force_login(manager_a)
    page = client.get(reverse("admin:index"), **ZH).content.decode()
    for group in ("我的零售户", "货源投放", "经营分析"):
        assert group in page
    for href in supervisor_only:
        assert f'href="{href}"' not in page
    assert f'href="{reverse("admin:profitability_workspace")}"' in page
    assert f'href="{reverse("inspections:retailers")}"' in page
    client.force_login(supervisor)
    page = client.get(reverse("admin:index"), **ZH).content.decode()
    for href in supervisor_only:
        assert f'href="{href}"' in page


def test_every_sidebar_link_opens_for_the_role_that_sees_it(client, manager_a, supervisor):
    # A link shown is a page that answers 200 (a redirect at most) for that user: no dead entries.
    from django.test import RequestFactory

    from distribution.admin_navigation import navigation

    for user in (manager_a, supervisor):
        client.force_login(user)
        request = RequestFactory().get("/admin/")
        request.user = user
        for group in navigation(request):
            for item in group["items"]:
                if not item["permission"](request):
                    continue
                response = client.get(str(item["link"]), **ZH)
                assert response.status_code in (200, 302), (user.username, str(item["link"]), response.status_code)


def test_a_supervisor_is_shown_quotas_computed_but_not_published(client, supervisor, manager_a):
    # Cycle 2026-11-30 has a complete run, not published: the supervisor's card names the cycle and
    # opens its report; a draft run that did not complete is not offered; managers do not see it.
    from allocation.models import AllocationRun
    from cycles.services import cycle_get_or_create

    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    AllocationRun.objects.create(run=Run.objects.create(job="allocation", status=RunStatus.FAILED), cycle=cycle)
    done = AllocationRun.objects.create(
        run=Run.objects.create(job="allocation", status=RunStatus.SUCCEEDED), cycle=cycle, is_complete=True
    )
    client.force_login(supervisor)
    cards = {card.title: card for card in client.get(reverse("admin:index"), **ZH).context["dashboard_cards"]}
    card = cards["已计算、尚未发布的定量"]
    assert card.value == cycle.label
    assert card.href == reverse("admin:allocation_allocationrun_report", args=[done.pk])
    client.force_login(manager_a)
    assert "已计算、尚未发布的定量" not in _cards(client.get(reverse("admin:index"), **ZH))
