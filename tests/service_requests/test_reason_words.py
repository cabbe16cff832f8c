"""The reasons the request services write on their audit entries (due within N working days, escalated
for not being answered) are kept language-neutral and read in the reader's language (issue 19), on the
audit list and on the request's own page (its steps)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from service_requests.services import request_file, requests_escalate

from .conftest import at

pytestmark = pytest.mark.django_db
ZH, EN = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _default_language(settings):
    """A page read in English through the test client leaves English active in this thread: back to the
    default language after each test, so the tests after these read as they expect."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _shown(body: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", body.decode()).split())


def test_the_requests_reasons_read_in_each_language(client, shop_a, supervisor):
    with translation.override("zh-hans"):  # written while the retailer's phone and the beat speak Chinese
        filed = request_file(user=shop_a.login, category="quota", text="能否多给两条？", now=at("2026-11-06 15:00"))
        assert requests_escalate(now=at("2026-11-10 15:00")) == {"escalated": 1}
    filing = AuditEntry.objects.get(action="request.file")
    assert "工作日" not in filing.reason  # neutral at rest
    client.force_login(supervisor)
    audit = reverse("admin:core_auditentry_changelist")
    page = reverse("admin:service_requests_servicerequest_change", args=[filed.pk])
    english = _shown(client.get(audit, **EN).content) + _shown(client.get(page, **EN).content)
    assert "due within 2 working days" in english
    assert "not answered within 2 working days" in english
    assert "工作日" not in english
    chinese = _shown(client.get(audit, **ZH).content) + _shown(client.get(page, **ZH).content)
    assert "应在 2 个工作日内答复" in chinese
    assert "2 个工作日内未答复" in chinese
    assert "working days" not in chinese
