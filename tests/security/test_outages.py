"""Degrade, don't fail (issue 18, part 7): with the cache unreachable, pages, logins and the API are
served from the database and a warning is logged; `/healthz` reports the database, the cache and the
broker without a login and without naming hosts."""

from __future__ import annotations

import importlib
import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.db.utils import OperationalError
from django.urls import reverse

import core.cache
from core.cache import SharedClientRedisCache
from core.models import OwedCacheDelete
from demo.services import DEMO_PASSWORD
from tests.conftest import _reachable, need
from tests.portal import conftest as portal

pytestmark = pytest.mark.django_db
city, manager1, shop = portal.city, portal.manager1, portal.shop  # the small demo city's fixtures
REDIS_BACKEND = "core.cache.SharedClientRedisCache"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_session_engine() -> str:
    """The session engine distribution/settings.py picks when CACHE_URL is set: the database with a copy
    in the cache."""
    try:
        importlib.import_module("accounts.sessions.cached_db")
    except ImportError:  # before server-side sessions of our own: Django's
        return "django.contrib.sessions.backends.cached_db"
    return "accounts.sessions.cached_db"


@pytest.fixture
def cache_down(settings, monkeypatch):
    """CACHES["default"] is Redis on a closed port, as production's would be with Redis down; counts
    the connection attempts."""
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": REDIS_BACKEND, "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    settings.SESSION_ENGINE = production_session_engine()
    attempts = []
    original = redis.connection.Connection.connect

    def counted(self, *args, **kwargs):
        attempts.append(time.monotonic())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "connect", counted)
    return attempts


def _token(client, shop) -> str:
    response = client.post(reverse("api-token"), {"username": shop.license_no, "password": shop.password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def warm_quotas(client, shop):
    """What the API says with a working cache (process memory), to compare with the database's answer."""
    token = _token(client, shop)
    body = client.get(reverse("api-me-quotas"), HTTP_AUTHORIZATION=f"Token {token}").json()
    client.logout()
    return body


def test_with_the_cache_down_logins_pages_and_the_api_still_answer(
    client, shop, manager1, warm_quotas, cache_down, caplog
):

    caplog.set_level(logging.WARNING, logger="core.cache")
    started = time.monotonic()
    # the retailer's phone: log in, then its pages
    login = client.post(reverse("portal:login"), {"username": shop.license_no, "password": shop.password})
    assert login.status_code == 302, login.content[:300]
    for name in ("portal:home", "portal:prices", "portal:cycles"):
        assert client.get(reverse(name)).status_code == 200, name
    # its API: a new token and the same quotas, read from the database
    token = _token(client, shop)
    cold = client.get(reverse("api-me-quotas"), HTTP_AUTHORIZATION=f"Token {token}")
    assert cold.status_code == 200
    assert cold.json() == warm_quotas
    # a customer manager in the admin
    client.logout()
    staff = client.post(reverse("admin:login"), {"username": manager1.username, "password": DEMO_PASSWORD, "next": "/admin/"})
    assert staff.status_code == 302, staff.content[:300]
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:retailers_retailer_changelist")).status_code == 200
    assert client.get(reverse("admin:profitability_workspace")).status_code == 200
    elapsed = time.monotonic() - started
    warnings = [r for r in caplog.records if r.name == "core.cache" and "cache unreachable" in r.getMessage()]
    assert len(warnings) == 1  # logged once per outage, not once per call
    assert len(cache_down) <= 4  # Redis asked at the first call (and its one retry), then left alone
    assert elapsed < 20


def test_an_unreachable_cache_answers_every_call_as_a_miss(settings, cache_down, caplog):
    cache = caches["default"]
    assert isinstance(cache, SharedClientRedisCache)
    caplog.set_level(logging.WARNING, logger="core.cache")
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    cache.set("k", 1)  # dropped, no error
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
    assert cache.add("k", 1) is False
    assert cache.touch("k") is False
    assert cache.get_or_set("k", lambda: 41 + 1) == 42  # computed, as for a miss
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")  # as Django answers for a key that is not there
    assert cache.delete("token:1") is False
    cache.delete_many(["quota:1", "quota:2"])
    assert len([r for r in caplog.records if "cache unreachable" in r.getMessage()]) == 1
    # the deletes it could not make are owed, in the database: every process finds them there
    owed = set(OwedCacheDelete.objects.values_list("key", flat=True))
    assert owed == {cache.make_and_validate_key(k) for k in ("token:1", "quota:1", "quota:2")}
    assert cache._pending_deletes == set()  # memory only when the database fails too


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server on a free port (no disk): started, stopped and restarted by the test."""
    binary = shutil.which("redis-server")
    need(binary is not None, "redis-server is not installed")
    port = closed_port()

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(  # noqa: S603
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(tmp_path)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            raw = redis.Redis(port=port, socket_connect_timeout=0.2)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    raw.ping()
                    return raw
                except redis.ConnectionError:
                    time.sleep(0.05)
            pytest.fail("redis-server did not start")

        def stop(self):
            self.process.terminate()
            self.process.wait(timeout=10)

    server = Server()
    yield server
    if server.process and server.process.poll() is None:
        server.stop()


def test_deletes_missed_in_an_outage_are_made_before_the_next_read(redis_server, monkeypatch, caplog):
    """A password reset during the outage deletes a cached token → user entry; Redis comes back
    still holding it (a network cut, not a restart): the first call after deletes it, so the revoked
    token is not read back."""
    monkeypatch.setattr(core.cache, "RETRY_AFTER", 0.0)  # ask again at once (10 s in production)
    caplog.set_level(logging.WARNING, logger="core.cache")
    raw = redis_server.start()
    cache = SharedClientRedisCache(redis_server.url, {})
    cache.set("token:abc", "user 7")
    assert cache.get("token:abc") == "user 7"
    snapshot = raw.dump(cache.make_and_validate_key("token:abc"))
    redis_server.stop()
    assert cache.get("token:abc") is None  # a miss: the database answers
    cache.delete("token:abc")  # the reset's delete cannot be made
    raw = redis_server.start()
    raw.restore(cache.make_and_validate_key("token:abc"), 0, snapshot)  # still there after the cut
    assert raw.exists(cache.make_and_validate_key("token:abc"))
    assert cache.get("token:abc") is None  # the owed delete went first
    assert not raw.exists(cache.make_and_validate_key("token:abc"))
    assert not OwedCacheDelete.objects.exists()
    assert any("made that an outage had kept" in r.getMessage() for r in caplog.records)
    cache.set("token:abc", "user 8")
    assert cache.get("token:abc") == "user 8"  # and the cache is used again


# --- /healthz --------------------------------------------------------------------------------------


def test_healthz_reports_each_part_without_a_login(client, settings):
    settings.CELERY_BROKER_URL = ""  # embedded: tasks in the web process
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "in-process"}
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200  # load balancers probe with HEAD too


def test_healthz_is_200_degraded_when_the_cache_and_the_broker_are_down_and_names_no_host(client, settings, cache_down):
    """The service still works without Redis (pages from the database, publishing needs no broker):
    a load balancer keeps it, a monitor sees which part is down."""
    port = closed_port()
    settings.CELERY_BROKER_URL = f"redis://:secret-password@127.0.0.1:{port}/0"
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 8
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable", "broker": "unavailable"}
    body = response.content.decode()
    assert "127.0.0.1" not in body
    assert "secret" not in body


def test_healthz_is_200_degraded_when_only_the_cache_is_down(client, settings, cache_down, shop):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable", "broker": "in-process"}
    # ... and degraded is true to its word: the phone still logs in and shows its page
    login = client.post(reverse("portal:login"), {"username": shop.license_no, "password": shop.password})
    assert login.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_healthz_is_503_when_the_database_is_down_whatever_the_rest(client, settings, cache_down, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr("core.views.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "unavailable", "broker": "in-process"}


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("core.views.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "unavailable"


def test_healthz_says_ok_for_a_real_redis_cache_and_broker(client, settings, redis_server):
    redis_server.start()
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": REDIS_BACKEND, "LOCATION": redis_server.url}}
    settings.CELERY_BROKER_URL = redis_server.url
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_the_shared_redis_of_ci_answers_healthz_too(client, settings):
    """Where the environment names a broker (CI's PostgreSQL stage), /healthz finds it."""
    import os

    url = os.environ.get("CELERY_BROKER_URL", "")
    need(_reachable(url), f"no Redis broker at {url or '(CELERY_BROKER_URL unset)'}")
    settings.CELERY_BROKER_URL = url
    assert client.get("/healthz").json()["broker"] == "ok"
