import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from demo.services import demo_city_create
from retailers.models import Retailer
from tests.factories import UserFactory
from tiers.services import classification_run, proposal_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(supervisor):
    demo_city_create(retailers=200, products=15, weeks=14, seed=2, today=dt.date(2026, 11, 22))
    proposal_publish(
        proposal=classification_run(as_of=dt.date(2026, 11, 22)), approver=supervisor, today=dt.date(2026, 11, 22)
    )


def test_manager_reads_own_retailers_tier_and_gets_404_for_others(client, published):
    from accounts.models import User

    manager = User.objects.get(username="manager1")
    own = Retailer.objects.filter(manager=manager).first()
    other = Retailer.objects.exclude(manager=manager).first()
    client.force_login(manager)
    body = client.get(reverse("retailer-tier", args=[own.pk])).json()
    assert body["customer_code"] == own.customer_code
    assert body["tier"] == own.tier
    assert set(body["parts"]) == {"amount", "quantity", "value_per_carton", "credit", "compliance"}
    assert client.get(reverse("retailer-tier", args=[other.pk])).status_code == 404


def test_retailer_reads_only_itself(client, published):
    shop = Retailer.objects.first()
    login = UserFactory(username=shop.license_no, role=Role.RETAILER, is_staff=False)
    Retailer.objects.filter(pk=shop.pk).update(user=login)
    client.force_login(login)
    assert client.get(reverse("retailer-tier", args=[shop.pk])).status_code == 200
    other = Retailer.objects.exclude(pk=shop.pk).first()
    assert client.get(reverse("retailer-tier", args=[other.pk])).status_code == 404


def test_anonymous_is_refused(client, published):
    assert client.get(reverse("retailer-tier", args=[Retailer.objects.first().pk])).status_code in (401, 403)
