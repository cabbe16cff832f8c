"""Admin list headings read as Chinese: filters headed 按… (Django's "By …" was 以 区县局), the record
number column headed 编号 (a bare "pk" column was headed "Pk")."""

import re

import pytest
from django.urls import reverse

from core.models import Run, RunStatus

pytestmark = pytest.mark.django_db


def test_filter_headings_and_the_number_column_read_in_chinese(client, supervisor, retailer_of_a):
    client.force_login(supervisor)
    body = client.get(reverse("admin:retailers_retailer_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    headings = re.findall(r"按([^\s<]+)", body)
    assert headings  # every filter's heading
    assert "以 " not in body
    Run.objects.create(job="allocation", status=RunStatus.SUCCEEDED)
    runs = client.get(reverse("admin:core_run_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "编号" in runs
    assert "Pk" not in runs
