"""A password reset whose transaction is still open while another process serves the same cookie and
token (the breaker's race): that process misses the cache, reads the rows not yet deleted and caches
them again. After the reset commits, both are refused at once (the deletes are made again on commit,
`core.cache`), not after the user copy's 5 minutes."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

import retailers.logins as logins
from retailers.logins import retailer_login_reset
from tests.conftest import need
from tests.factories import RetailerFactory
from tests.security.test_outages import redis_server  # noqa: F401 - the fixture
from tests.security.test_sessions import phone_login, replay, session_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a plain flush leaves the next test without its content types


def test_a_reset_refuses_a_cookie_and_a_token_recached_while_it_ran(redis_server, settings, manager_a, monkeypatch):  # noqa: F811
    need(connection.vendor == "postgresql", "two threads on one database need PostgreSQL (SQLite locks the writer)")
    redis_server.start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "core.cache.SharedClientRedisCache", "LOCATION": redis_server.url},
    }
    settings.SESSION_ENGINE = "accounts.sessions.cached_db"
    retailer = RetailerFactory(manager=manager_a)
    password = retailer_login_reset(retailer=retailer, actor=manager_a)
    retailer.refresh_from_db()
    phone = Client()
    assert phone_login(phone, retailer.license_no, password).status_code == 302
    key = session_of(phone)
    token = Client().post(reverse("api-token"), {"username": retailer.license_no, "password": password}).json()["token"]
    me = "/api/v1/me/"
    assert replay(key).get(me).status_code == 200
    assert Client().get(me, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200

    seen = {}
    release = logins.login_lockouts_release

    def meanwhile(*args, **kwargs):  # inside the reset's transaction: another process serves both
        def other():
            seen["cookie"] = replay(key).get(me).status_code
            seen["token"] = Client().get(me, HTTP_AUTHORIZATION=f"Token {token}").status_code
            connection.close()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        return release(*args, **kwargs)

    monkeypatch.setattr(logins, "login_lockouts_release", meanwhile)
    retailer_login_reset(retailer=retailer, actor=manager_a)
    assert seen == {"cookie": 200, "token": 200}  # not committed yet: the old rows still stand
    assert replay(key).get(me).status_code in (401, 403)
    assert Client().get(me, HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)
