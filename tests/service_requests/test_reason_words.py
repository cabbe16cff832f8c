"""The reasons the request services write on their audit entries (due within N working days, escalated
for not being answered) are kept language-neutral and read in the reader's language (issue 19), on the
audit list and on the request's own page (its steps)."""


import pytest
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from service_requests.services import request_file, requests_escalate
from tests.words import EN, ZH, shown

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


def test_the_requests_reasons_read_in_each_language(client, shop_a, supervisor):
    with translation.override("zh-hans"):  # written while the retailer's phone and the beat speak Chinese
        filed = request_file(user=shop_a.login, category="quota", text="能否多给两条？", now=at("2026-11-06 15:00"))
        assert requests_escalate(now=at("2026-11-10 15:00")) == {"escalated": 1}
    filing = AuditEntry.objects.get(action="request.file")
    assert "工作日" not in filing.reason  # neutral at rest
    client.force_login(supervisor)
    audit = reverse("admin:core_auditentry_changelist")
    page = reverse("admin:service_requests_servicerequest_change", args=[filed.pk])
    english = shown(client.get(audit, **EN).content) + shown(client.get(page, **EN).content)
    assert "due within 2 working days" in english
    assert "not answered within 2 working days" in english
    assert "工作日" not in english
    chinese = shown(client.get(audit, **ZH).content) + shown(client.get(page, **ZH).content)
    assert "应在 2 个工作日内答复" in chinese
    assert "2 个工作日内未答复" in chinese
    assert "working days" not in chinese
