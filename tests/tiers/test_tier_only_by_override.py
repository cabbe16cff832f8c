"""The tier is not edited on the retailer's page, by any role: the page opens with the tier and, for a
supervisor, the override with a reason."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory
from tiers.models import TierChange

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.MANAGER])
def test_no_tier_input_on_the_change_or_add_form(client, manager_a, retailer_of_a, role):
    user = manager_a if role == Role.MANAGER else UserFactory(username="chief", role=role)
    client.force_login(user)
    page = client.get(reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk]))
    form = page.context["adminform"].form
    assert "tier" not in form.fields
    body = page.content.decode()
    assert 'name="tier"' not in body
    assert 'id="tier-callout"' in body
    assert f"<b>D{retailer_of_a.tier}</b>" in body
    if role == Role.SUPERVISOR:
        add = client.get(reverse("admin:retailers_retailer_add"))
        assert "tier" not in add.context["adminform"].form.fields


def test_the_override_is_the_supervisors_prominent_way_to_change_it(client, supervisor, manager_a, retailer_of_a):
    override = reverse("admin:retailers_retailer_override_tier", args=[retailer_of_a.pk])
    page = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])
    client.force_login(supervisor)
    body = client.get(page).content.decode()
    assert f'id="tier-override-link" href="{override}"' in body
    assert "调整档位（需填写原因）" in body
    form = client.get(override).content.decode()
    assert f"现在档位：D{retailer_of_a.tier}。" in form
    done = client.post(override, {"tier": 12, "reason": "实地核查"}, follow=True)
    message = next(str(m) for m in done.context["messages"])
    assert message == f"档位已由 D{retailer_of_a.tier} 调整为 D12，原因已记入档位变动记录。"
    assert TierChange.objects.get(retailer=retailer_of_a).reason == "实地核查"
    client.force_login(manager_a)
    body = client.get(page).content.decode()
    assert 'id="tier-override-link"' not in body
    assert override not in body
