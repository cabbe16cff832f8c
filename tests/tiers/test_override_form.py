"""The tier override page is a django-unfold form like the admin's own (issue 19): its fields in the
theme's widgets with their labels and help in Chinese, an error beside the field it is about, the tier
the retailer has now and what set it, and a cancel that goes back to the retailer."""

import re

import pytest
from django.urls import reverse

from tiers.forms import TierOverrideForm
from tiers.models import TierChange
from tiers.services import tier_override

pytestmark = pytest.mark.django_db


def _field_block(body: str, name: str) -> str:
    """The markup of one field's box (`.field-<name>`) up to the next one."""
    start = body.index(f'class="field-{name}"')
    end = body.find('class="field-', start + 1)
    return body[start : end if end > 0 else None]


def test_the_fields_are_unfolds_widgets():
    form = TierOverrideForm()
    assert type(form.fields["tier"].widget).__name__ == "UnfoldAdminSelectWidget"
    assert type(form.fields["reason"].widget).__name__ == "UnfoldAdminTextareaWidget"


def test_the_page_reads_as_an_unfold_form_in_chinese(client, supervisor, retailer_of_a):
    url = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    back = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])
    client.force_login(supervisor)
    body = client.get(url).content.decode()
    tier = _field_block(body, "tier")
    assert '<label for="id_tier" class="block font-semibold text-important">' in tier  # unfold's label
    assert "新档位" in tier
    assert "从现在起到下一次调档发布前，该零售户的档位。" in tier  # help beside the field, in Chinese
    assert re.search(rf'<option value="{retailer_of_a.tier}" selected>D{retailer_of_a.tier}</option>', tier)
    reason = _field_block(body, "reason")
    assert "原因" in reason
    assert "档位变动记录和审计日志" in reason
    assert f"现在档位：D{retailer_of_a.tier}。" in body
    assert "该零售户尚未经过已发布的调档评定。" in body  # what set the tier: no re-rating yet
    cancel = re.search(r'<a href="([^"]+)"[^>]*id="tier-override-cancel"[^>]*>\s*取消', body)
    assert cancel is not None
    assert cancel.group(1) == back
    assert 'id="tier-override-submit"' in body


def test_an_error_is_shown_beside_its_field(client, supervisor, retailer_of_a):
    url = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    client.force_login(supervisor)
    page = client.post(url, {"tier": 12, "reason": "  "})
    assert page.status_code == 200
    body = page.content.decode()
    assert "该字段是必填项。" in _field_block(body, "reason")
    assert "该字段是必填项。" not in _field_block(body, "tier")
    assert re.search(r'<option value="12" selected>D12</option>', body)  # the choice is kept
    assert "请更正以下错误。" in body  # unfold's note above the form
    assert not TierChange.objects.exists()


def test_an_earlier_override_is_named_with_its_reason_and_the_explanation_linked(client, supervisor, retailer_of_a):
    tier_override(retailer=retailer_of_a, tier=14, reason="新店开业", approver=supervisor)
    url = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    client.force_login(supervisor)
    body = client.get(url).content.decode()
    assert "现在档位：D14。" in body
    assert "原因：新店开业" in body
    link = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk]) + "#tier-explanation"
    assert f'id="tier-explanation-link" class="text-primary-600 underline dark:text-primary-500" href="{link}"' in body
