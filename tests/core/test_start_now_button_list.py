"""The start-now button (立即计算定量, 立即启动调档) is a list item, as the export beside it: inside a list,
or the browser draws a bullet before it (tester, walk 13: a dot between 导出 and 立即计算定量)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("listed", "start"),
    [
        ("admin:allocation_allocationrun_changelist", "admin:allocation_allocationrun_start"),
        ("admin:allocation_supplyplanline_changelist", "admin:allocation_allocationrun_start"),
        ("admin:tiers_tierproposal_changelist", "admin:tiers_tierproposal_start"),
    ],
)
def test_the_start_now_button_sits_in_a_list(client, supervisor, listed, start):
    client.force_login(supervisor)
    body = client.get(reverse(listed)).content.decode()
    link = f'<a href="{reverse(start)}"'
    assert link in body
    before = body.split(link, 1)[0]
    last_opened = max((m.end() for m in re.finditer(r"<(ul|ol)\b", before)), default=-1)
    last_closed = max((m.end() for m in re.finditer(r"</(ul|ol)>", before)), default=-1)
    assert last_opened > last_closed, "the button's <li> is in no list"
