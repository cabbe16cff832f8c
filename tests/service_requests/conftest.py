"""Two managers with a retailer each (with their logins), a second shop of manager A, and photos."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from service_requests.models import RequestPolicy
from tests.factories import DepartmentFactory, RetailerFactory, UserFactory

LOCAL = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """A local time written 2026-11-06 15:00, as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


PASSWORD = "pw-12345"  # UserFactory's


def login_for(retailer):
    user = UserFactory(username=retailer.license_no, role=Role.RETAILER, is_staff=False)
    retailer.user = user
    retailer.save(update_fields=["user"])
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def policy(db):
    """The default policy (2 working days, no holidays) as a row, whatever a data migration left."""
    RequestPolicy.objects.all().delete()
    return RequestPolicy.objects.create(answer_within_days=2)


@pytest.fixture
def shop_a(manager_a, policy):
    retailer = RetailerFactory(manager=manager_a, department=DepartmentFactory(name="东城市场部"))
    retailer.login = login_for(retailer)
    return retailer


@pytest.fixture
def shop_a2(manager_a, shop_a):
    retailer = RetailerFactory(manager=manager_a, department=shop_a.department, branch=shop_a.branch)
    retailer.login = login_for(retailer)
    return retailer


@pytest.fixture
def shop_b(manager_b, policy):
    retailer = RetailerFactory(manager=manager_b, department=DepartmentFactory(name="西城市场部"))
    retailer.login = login_for(retailer)
    return retailer


def png(size=(8, 8)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("shelf.jpg", out.getvalue(), content_type="image/jpeg")  # named .jpg: a PNG inside
