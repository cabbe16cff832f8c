"""Each allocation page says what it is about in django-unfold's header (tester 2026-11-27: the quotas
page never named the shop, only 档位 D30。; the report and publish pages showed no title)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from allocation.services import allocation_run_create
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def _heading(html: str) -> str:
    header = html.split('id="header-inner"', 1)[1].split("</h1>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", header.split("<h1", 1)[1].split(">", 1)[1])).split())


def test_report_publish_and_quotas_pages_show_their_heading(client, supervisor, planned):
    run = allocation_run_create(cycle=planned)
    client.force_login(supervisor)
    report = client.get(reverse("admin:allocation_allocationrun_report", args=[run.pk])).content.decode()
    assert _heading(report) == f"货源投放报告 {planned.label} 第 {run.pk} 号"
    publish = client.get(reverse("admin:allocation_allocationrun_publish", args=[run.pk])).content.decode()
    assert _heading(publish) == "发布这些定量？"
    client.post(reverse("admin:allocation_allocationrun_publish", args=[run.pk]))
    shop = Retailer.objects.filter(status="active").order_by("pk").first()
    Retailer.objects.filter(pk=shop.pk).update(name="东街烟酒店")
    shop.name = "东街烟酒店"
    quotas = client.get(reverse("admin:allocation_retailer_quotas", args=[shop.pk])).content.decode()
    assert _heading(quotas) == f"{shop.name} 的限量"
