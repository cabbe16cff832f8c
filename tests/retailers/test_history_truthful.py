"""A retailer's history shows each change under whoever made it (tester 2026-11-27): a published re-rating
moved retailer 1782 from D2 to D4 with a queryset update and no history row, so manager1's later save of
the shop area read "档位: 2 → 4" under manager1. The services that write the registry past `save()` (the
re-rating's publish, the supervisor's override, a login linked) record their own history row, by the
acting user with a reason; a save that changes nothing writes no row and no log entry."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import Role
from demo.services import demo_city_create
from retailers.logins import retailer_login_reset
from retailers.models import Retailer
from tests.security.rows import form_data
from tests.words import EN, ZH, shown
from tiers.models import TierAssessment, TierChange, TierChangeKind
from tiers.services import classification_run, proposal_publish, tier_override

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]
AS_OF = dt.date(2026, 11, 22)  # not in a freeze window


def _rows(retailer):
    """The history page's rows (newest first) as (user, reason, changed fields), from the admin's own diff."""
    records = list(Retailer.history.filter(id=retailer.pk).order_by("-history_date", "-history_id"))
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changed = sorted(newer.diff_against(older).changed_fields) if older is not None else []
        rows.append((newer.history_user, newer.history_change_reason, changed))
    return rows


def _edit_area(client, user, retailer, area: str):
    client.force_login(user)
    url = reverse("admin:retailers_retailer_change", args=[retailer.pk])
    data = {**form_data(client.get(url).context["adminform"].form), "shop_area": area}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(("headers", "words"), [(ZH, ("定期调档", "D")), (EN, ("Re-rating", "D"))])
def test_a_published_re_rating_is_its_own_row_and_a_manager_s_edit_shows_only_the_area(
    client, supervisor, headers, words
):
    demo_city_create(retailers=120, products=12, weeks=14, seed=9, today=AS_OF)
    proposal = classification_run(as_of=AS_OF)
    moved = (
        TierAssessment.objects.filter(proposal=proposal, retailer__manager__isnull=False)
        .exclude(old_tier=None)
        .select_related("retailer", "retailer__manager")
        .order_by("retailer_id")
    )
    row = next(a for a in moved if a.tier != a.retailer.tier)
    retailer, manager = row.retailer, row.retailer.manager
    old_tier = retailer.tier
    proposal_publish(proposal=proposal, approver=supervisor, today=AS_OF)
    assert TierChange.objects.filter(retailer=retailer, kind=TierChangeKind.RERATING).exists()

    _edit_area(client, manager, retailer, "31.5")

    rows = _rows(retailer)
    assert rows[0] == (manager, None, ["shop_area"])  # the manager's row: the area alone
    assert rows[1] == (supervisor, "Re-rating", ["tier"])  # the tier under the publish, with its reason
    retailer.refresh_from_db()
    assert retailer.tier == row.tier != old_tier

    client.force_login(supervisor)
    page = shown(client.get(reverse("admin:retailers_retailer_history", args=[retailer.pk]), **headers).content)
    assert words[0] in page


def test_an_override_and_a_new_login_are_rows_of_their_own(client, supervisor, retailer_of_a, manager_a):
    tier_override(retailer=retailer_of_a, tier=14, reason="实地核查：店面扩大", approver=supervisor)
    retailer_login_reset(retailer=retailer_of_a, actor=manager_a)
    _edit_area(client, manager_a, retailer_of_a, "18.0")

    rows = _rows(retailer_of_a)
    assert rows[0] == (manager_a, None, ["shop_area"])
    assert rows[1] == (manager_a, "retailer login created", ["user"])
    assert rows[2] == (supervisor, "实地核查：店面扩大", ["tier"])


def test_saving_an_unchanged_form_writes_no_history_and_no_log(client, retailer_of_a, manager_a):
    assert manager_a.role == Role.MANAGER
    client.force_login(manager_a)
    url = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])
    versions, logs = Retailer.history.filter(id=retailer_of_a.pk).count(), LogEntry.objects.count()
    data = form_data(client.get(url).context["adminform"].form)
    assert client.post(url, data).status_code == 302
    assert Retailer.history.filter(id=retailer_of_a.pk).count() == versions
    assert LogEntry.objects.count() == logs

    assert client.post(url, {**data, "phone": "13800000000"}).status_code == 302  # a change is still saved
    assert Retailer.history.filter(id=retailer_of_a.pk).count() == versions + 1
    assert LogEntry.objects.count() == logs + 1
