"""Sessions that end (issue 18): a session kept from before a logout, a password change or a
manager's reset opens nothing after it, on the phone, the API and the admin, under both session
engines (the database alone, embedded; rows with a copy in the shared cache, production)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSession
from retailers.logins import retailer_login_reset
from tests.factories import RetailerFactory

pytestmark = pytest.mark.django_db
PHONE_IP = "10.20.0.7"


@pytest.fixture(params=["accounts.sessions.db", "accounts.sessions.cached_db"], ids=["database", "cached"])
def engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


@pytest.fixture
def shop(manager_a):
    retailer = RetailerFactory(manager=manager_a)
    retailer.password = retailer_login_reset(retailer=retailer, actor=manager_a)
    retailer.refresh_from_db()
    return retailer


def phone_login(client: Client, username: str, password: str):
    return client.post(reverse("portal:login"), {"username": username, "password": password}, REMOTE_ADDR=PHONE_IP)


def session_of(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def replay(session_key: str) -> Client:
    """Another device sending a copy of a session cookie."""
    copy = Client()
    copy.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
    return copy


def logged_out_of_phone(client: Client) -> bool:
    response = client.get(reverse("portal:home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_a_phone_cookie_kept_from_before_logout_opens_neither_the_page_nor_the_api(engine, shop):
    phone = Client()
    assert phone_login(phone, shop.license_no, shop.password).status_code == 302
    kept = session_of(phone)
    assert kept.startswith(f"{shop.user.pk}-")  # the key names its user (one cache trip on the phone page)
    assert replay(kept).get(reverse("portal:home")).status_code == 200  # a copy works while logged in
    assert replay(kept).get(reverse("api-me")).status_code == 200
    assert phone.post(reverse("portal:logout")).status_code == 302
    assert logged_out_of_phone(replay(kept))
    assert replay(kept).get(reverse("api-me")).status_code in (401, 403)
    assert not UserSession.objects.filter(user=shop.user).exists()


def test_a_supervisors_cookie_kept_from_before_logout_no_longer_opens_the_admin(engine, supervisor):
    desk = Client()
    logged_in = desk.post(
        reverse("admin:login"), {"username": supervisor.username, "password": "pw-12345", "next": "/admin/"},
        REMOTE_ADDR="10.0.5.5",
    )  # fmt: skip
    assert logged_in.status_code == 302
    kept = session_of(desk)
    assert replay(kept).get(reverse("admin:index")).status_code == 200
    assert desk.post(reverse("admin:logout")).status_code == 200
    refused = replay(kept).get(reverse("admin:index"))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("admin:login"))


def test_a_password_change_on_the_phone_ends_the_other_sessions_and_the_api_tokens(engine, shop):
    phone, other_phone = Client(), Client()
    assert phone_login(phone, shop.license_no, shop.password).status_code == 302
    assert phone_login(other_phone, shop.license_no, shop.password).status_code == 302
    before = session_of(phone)
    token = Client().post(reverse("api-token"), {"username": shop.license_no, "password": shop.password}).json()["token"]
    by_token = {"Authorization": f"Token {token}"}
    assert Client().get(reverse("api-me"), headers=by_token).status_code == 200  # now cached too
    changed = phone.post(
        reverse("portal:password_change"),
        {"old_password": shop.password, "new_password1": "a-Longer-one-77", "new_password2": "a-Longer-one-77"},
    )
    assert changed.status_code == 302
    assert phone.get(reverse("portal:home")).status_code == 200  # the phone that changed it stays in
    assert session_of(phone) != before  # ... under a new session
    assert logged_out_of_phone(other_phone)
    assert logged_out_of_phone(replay(before))
    revoked = Client().get(reverse("api-me"), headers=by_token)
    assert revoked.status_code in (401, 403)
    assert revoked.json()["error"]["code"] == "authentication_failed"  # the token is gone, not just forbidden
    assert UserSession.objects.filter(user=shop.user).count() == 1
    page = phone.get(reverse("portal:password_changed")).content.decode()
    assert "其他手机" in page  # the page says the other phones and apps were logged out


def test_a_managers_password_reset_ends_the_retailers_sessions_at_once(engine, shop, manager_a):
    phone = Client()
    assert phone_login(phone, shop.license_no, shop.password).status_code == 302
    desk = Client()
    desk.force_login(manager_a)
    assert desk.post(reverse("admin:retailers_retailer_login_reset", args=[shop.pk])).status_code == 200
    assert logged_out_of_phone(phone)
    assert not UserSession.objects.filter(user=shop.user).exists()
    assert UserSession.objects.filter(user=manager_a).count() == 1  # the manager's own stays


def test_a_password_set_in_the_admin_ends_that_users_sessions(engine, supervisor, manager_a):
    manager_desk = Client()
    manager_desk.force_login(manager_a)
    assert manager_desk.get(reverse("admin:index")).status_code == 200
    boss_desk = Client()
    boss_desk.force_login(supervisor)
    url = reverse("admin:auth_user_password_change", args=[manager_a.pk])
    changed = boss_desk.post(url, {"password1": "a-Longer-one-77", "password2": "a-Longer-one-77", "usable_password": "true"})
    assert changed.status_code == 302
    assert manager_desk.get(reverse("admin:index")).status_code == 302  # to the login page
    assert boss_desk.get(reverse("admin:index")).status_code == 200


class Clock:
    """`timezone.now()` moved by hand (session expiry dates and the idle renewal read it)."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


def test_a_staff_session_ends_after_an_hour_without_a_request_and_lasts_while_used(settings, supervisor, monkeypatch):
    settings.SESSION_ENGINE = "accounts.sessions.db"  # the cache's own expiry runs on the real clock
    clock = Clock(monkeypatch)
    desk = Client()
    desk.force_login(supervisor)
    row = UserSession.objects.get(user=supervisor)
    assert row.expire_date == clock.now + dt.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS)
    assert settings.STAFF_SESSION_IDLE_SECONDS == 3600
    clock.advance(minutes=50)
    assert desk.get(reverse("admin:index")).status_code == 200  # renewed: now ends at 50 + 60 = 110 min
    clock.advance(minutes=50)  # 100 min after the login: past the first hour, inside the renewed one
    assert desk.get(reverse("admin:index")).status_code == 200  # renewed: ends at 160 min
    clock.advance(seconds=30)  # within a minute of the last renewal: not saved again (ends at 160 min)
    assert desk.get(reverse("admin:index")).status_code == 200
    clock.advance(minutes=60)  # 160.5 min: an hour and half a minute since the last renewal
    refused = desk.get(reverse("admin:index"))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("admin:login"))


def test_a_retailers_phone_stays_logged_in_for_thirty_days(settings, shop, monkeypatch):
    settings.SESSION_ENGINE = "accounts.sessions.db"
    clock = Clock(monkeypatch)
    phone = Client()
    assert phone_login(phone, shop.license_no, shop.password).status_code == 302
    row = UserSession.objects.get(user=shop.user)
    assert row.expire_date == clock.now + dt.timedelta(days=30)
    clock.advance(days=29, hours=23)
    assert phone.get(reverse("portal:home")).status_code == 200
    clock.advance(hours=2)
    assert logged_out_of_phone(phone)
