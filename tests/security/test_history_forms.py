"""History pages are read-only for every role (issue 18, "no write path around the services").

django-simple-history's version page was the change form bound to an old row, and its POST saved
that row after checking only view permission: a customer manager set `vulnerable_bonus=9,
retailer_ceiling=99` on the allocation policy, and reverting its own retailer put back a tier a
supervisor had overridden and unlinked the retailer's login, with no tier-change row and no audit
entry. Reverting is now off for everyone (`core.admin_mixins.ReadOnlyHistoryAdmin`): the page shows
the old values as text without a button, and a POST is refused with 403 whoever sends it.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Role
from core.admin_mixins import ReadOnlyHistoryAdmin
from core.models import AuditEntry
from tests.factories import UserFactory
from tiers.models import TierChange
from tiers.services import tier_override

from .rows import CONFIG, form_data, state

pytestmark = pytest.mark.django_db


def _urls(obj) -> tuple[str, str, str]:
    meta = obj._meta
    prefix = f"admin:{meta.app_label}_{meta.model_name}"
    version = obj.history.latest().history_id
    return (
        reverse(f"{prefix}_change", args=[obj.pk]),
        reverse(f"{prefix}_history", args=[obj.pk]),
        reverse(f"{prefix}_simple_history", args=[obj.pk, version]),
    )


def _no_inputs(body: str, fields) -> None:
    for name in fields:
        assert f'name="{name}"' not in body, f"{name} is still an input on the history page"
    assert 'name="_save"' not in body  # no Revert button


def test_every_admin_with_history_is_read_only():
    """A new admin with history cannot forget the rule: every SimpleHistoryAdmin is the read-only one."""
    with_history = [a for a in admin.site._registry.values() if isinstance(a, SimpleHistoryAdmin)]
    assert len(with_history) >= 6  # retailer, two policies, scheme, price class rule, price band
    for model_admin in with_history:
        assert isinstance(model_admin, ReadOnlyHistoryAdmin), type(model_admin).__name__


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SUPERVISOR])
@pytest.mark.parametrize("kind", list(CONFIG))
def test_history_form_of_a_setting_is_read_only_and_refuses_a_post(client, supervisor, role, kind):
    make, attack = CONFIG[kind]
    obj = make()
    obj.refresh_from_db()  # values as stored (a default 0.2 reads back as Decimal("0.20"))
    change_url, history_url, version_url = _urls(obj)
    client.force_login(supervisor)
    data = {**form_data(client.get(change_url).context["adminform"].form), **attack}  # a valid, complete post
    user = supervisor if role == Role.SUPERVISOR else UserFactory(username="mgr_probe", role=Role.MANAGER)
    client.force_login(user)
    before, versions, logs = state(obj), obj.history.count(), LogEntry.objects.count()

    assert client.get(history_url).status_code == 200
    page = client.get(version_url)
    assert page.status_code == 200
    _no_inputs(page.content.decode(), attack)
    response = client.post(version_url, data)

    assert response.status_code == 403
    obj.refresh_from_db()
    assert state(obj) == before
    assert obj.history.count() == versions
    assert LogEntry.objects.count() == logs


def test_manager_cannot_revert_own_retailer_past_an_override_or_a_login(client, supervisor, manager_a, retailer_of_a):
    """The issue's case: version 1 has tier 27 and no login; since then a login was linked and a
    supervisor overrode the tier to 5. Posting version 1 as the manager changes nothing."""
    retailer = retailer_of_a
    retailer.tier = 27
    retailer.save()
    first = retailer.history.latest().history_id
    retailer.user = UserFactory(username=retailer.license_no, role=Role.RETAILER, is_staff=False)
    retailer.save()
    tier_override(retailer=retailer, tier=5, reason="抽查后调整", approver=supervisor)
    url = reverse("admin:retailers_retailer_simple_history", args=[retailer.pk, first])
    client.force_login(supervisor)
    data = form_data(
        client.get(reverse("admin:retailers_retailer_change", args=[retailer.pk])).context["adminform"].form
    )
    data.update(tier=27, user="", name="回滚店名")
    changes, audits, versions = TierChange.objects.count(), AuditEntry.objects.count(), retailer.history.count()

    for user in (manager_a, supervisor):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        _no_inputs(body, ("tier", "user", "name"))
        assert "27" in body  # the old tier is shown, as text
        assert client.post(url, data).status_code == 403

    retailer.refresh_from_db()
    assert retailer.tier == 5
    assert retailer.user is not None
    assert retailer.user.username == retailer.license_no
    assert retailer.name != "回滚店名"
    assert TierChange.objects.count() == changes
    assert AuditEntry.objects.count() == audits
    assert retailer.history.count() == versions


def test_manager_cannot_open_history_of_another_managers_retailer(client, manager_a, retailer_of_b):
    retailer_of_b.save()
    version = retailer_of_b.history.latest().history_id
    client.force_login(manager_a)
    url = reverse("admin:retailers_retailer_simple_history", args=[retailer_of_b.pk, version])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x"}).status_code == 403
