"""Sessions that end, also when Redis does not answer (issue 18): a logout or a password change made
by a process that cannot reach Redis is refused by every other process, the ones that still read
Redis and the ones that read it again after it comes back (from its snapshot, still holding the
copies). The database is the source of truth: the deletes Redis could not be asked to make are
owed there (`core.models.OwedCacheDelete`, `core.cache`).

Two "processes" are two instances of the production cache backend on one real redis-server; a
request is served by whichever one is `caches["default"]` at the time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import caches
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

import core.cache
from accounts.models import UserSession
from core.cache import SharedClientRedisCache
from core.models import OwedCacheDelete
from tests.security.test_outages import REDIS_BACKEND, redis_server  # noqa: F401
from tests.security.test_sessions import logged_out_of_phone, phone_login, replay, session_of, shop  # noqa: F401

pytestmark = pytest.mark.django_db
SESSION_PREFIX = "accounts:session:"  # accounts.sessions.cached_db


class Clock:
    """`core.cache`'s monotonic clock, moved by hand (its breaker and its looks for owed deletes)."""

    def __init__(self):
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class City:
    """One redis-server, the processes that share it, and a clock."""

    def __init__(self, server, raw: redis.Redis, clock: Clock):
        self.server, self.raw, self.clock = server, raw, clock

    @staticmethod
    def process() -> SharedClientRedisCache:
        """A new process's cache: nothing in memory, no breaker open."""
        return caches.create_connection("default")

    @staticmethod
    @contextmanager
    def serving(process: SharedClientRedisCache) -> Iterator[None]:
        """Requests inside are served by `process`."""
        before = caches["default"]
        caches["default"] = process
        try:
            yield
        finally:
            caches["default"] = before

    @staticmethod
    def cut_off(process: SharedClientRedisCache, monkeypatch) -> None:
        """`process` can no longer reach Redis (a network cut); the others still can."""

        def unreachable(*args, **kwargs):
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1. Connection refused.")

        monkeypatch.setattr(process._cache, "get_client", unreachable)

    def stored(self, process: SharedClientRedisCache, key: str) -> bool:
        return bool(self.raw.exists(process.make_and_validate_key(key)))

    def snapshot(self) -> dict[bytes, tuple[int, bytes]]:
        return {key: (max(self.raw.pttl(key), 0), self.raw.dump(key)) for key in self.raw.keys("*")}

    def restart_from(self, snapshot: dict[bytes, tuple[int, bytes]]) -> None:
        """Redis comes back as a restart from its snapshot would bring it: holding the old copies."""
        self.raw = self.server.start()
        for key, (ttl, dumped) in snapshot.items():
            self.raw.restore(key, ttl, dumped, replace=True)


def token_refused(response) -> bool:
    """The API refuses the token itself (it is gone), not just the request."""
    return response.status_code in (401, 403) and response.json()["error"]["code"] == "authentication_failed"


@pytest.fixture
def city(redis_server, settings, monkeypatch):  # noqa: F811
    raw = redis_server.start()
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": REDIS_BACKEND, "LOCATION": redis_server.url}}
    settings.SESSION_ENGINE = "accounts.sessions.cached_db"  # production's: rows with a copy in Redis
    clock = Clock()
    monkeypatch.setattr(core.cache, "time", clock)
    return City(redis_server, raw, clock)


def test_each_process_looks_for_owed_deletes_at_least_every_second():
    assert core.cache.OWED_CHECK_EVERY == 1.0  # the longest a process that reads Redis may trust an old copy


def test_a_logout_made_without_redis_is_refused_by_a_process_that_still_reads_redis(city, shop, monkeypatch):  # noqa: F811
    a, b = city.process(), city.process()
    phone = Client()
    with city.serving(a):
        assert phone_login(phone, shop.license_no, shop.password).status_code == 302
    kept = session_of(phone)
    with city.serving(b):
        assert replay(kept).get(reverse("portal:home")).status_code == 200  # B reads the session from Redis
    assert city.stored(a, SESSION_PREFIX + kept)

    city.cut_off(a, monkeypatch)
    with city.serving(a):
        assert phone.post(reverse("portal:logout")).status_code == 302
        assert logged_out_of_phone(replay(kept))  # A reads the database: the session is gone
    assert not UserSession.objects.filter(pk=kept).exists()
    assert city.stored(a, SESSION_PREFIX + kept)  # Redis still holds it: A could not delete it ...
    assert OwedCacheDelete.objects.filter(key=a.make_and_validate_key(SESSION_PREFIX + kept)).exists()  # ... so it is owed

    city.clock.advance(core.cache.OWED_CHECK_EVERY)
    with city.serving(b):
        assert logged_out_of_phone(replay(kept))
        assert replay(kept).get(reverse("api-me")).status_code in (401, 403)
    assert not city.stored(b, SESSION_PREFIX + kept)  # B made the delete A owed
    assert not OwedCacheDelete.objects.exists()
    with city.serving(city.process()):  # and a process started afterwards
        assert logged_out_of_phone(replay(kept))


def test_a_password_change_while_redis_is_down_is_refused_everywhere_after_redis_comes_back(city, shop):  # noqa: F811
    a, b = city.process(), city.process()
    phone, other_phone = Client(), Client()
    with city.serving(a):
        assert phone_login(phone, shop.license_no, shop.password).status_code == 302
        assert phone_login(other_phone, shop.license_no, shop.password).status_code == 302
        token = Client().post(reverse("api-token"), {"username": shop.license_no, "password": shop.password}).json()["token"]
    by_token = {"Authorization": f"Token {token}"}
    kept = session_of(other_phone)
    with city.serving(b):  # B has the session, the user and the token in Redis
        assert replay(kept).get(reverse("portal:home")).status_code == 200
        assert Client().get(reverse("api-me"), headers=by_token).status_code == 200
    assert city.stored(b, SESSION_PREFIX + kept)
    assert city.stored(b, f"accounts:token:{token}")
    snapshot = city.snapshot()

    city.server.stop()  # Redis down for everyone
    with city.serving(a):
        changed = phone.post(
            reverse("portal:password_change"),
            {"old_password": shop.password, "new_password1": "a-Longer-one-77", "new_password2": "a-Longer-one-77"},
        )  # fmt: skip
        assert changed.status_code == 302
        assert phone.get(reverse("portal:home")).status_code == 200  # the phone that changed it stays in
    with city.serving(b):  # during the outage B reads the database
        assert logged_out_of_phone(replay(kept))
        assert token_refused(Client().get(reverse("api-me"), headers=by_token))
    owed = set(OwedCacheDelete.objects.values_list("key", flat=True))
    assert {b.make_and_validate_key(SESSION_PREFIX + kept), b.make_and_validate_key(f"accounts:token:{token}")} <= owed

    city.restart_from(snapshot)
    assert city.stored(b, SESSION_PREFIX + kept)  # the old copies are back in Redis
    city.clock.advance(core.cache.RETRY_AFTER)  # B asks Redis again
    with city.serving(b):
        assert logged_out_of_phone(replay(kept))
        assert token_refused(Client().get(reverse("api-me"), headers=by_token))
        assert phone.get(reverse("portal:home")).status_code == 200
    assert not city.stored(b, SESSION_PREFIX + kept)
    assert not city.stored(b, f"accounts:token:{token}")
    assert not OwedCacheDelete.objects.exists()
    with city.serving(a), city.serving(city.process()):
        assert logged_out_of_phone(replay(kept))
        assert token_refused(Client().get(reverse("api-me"), headers=by_token))


def test_a_process_that_cannot_read_the_owed_deletes_does_not_trust_redis(city, monkeypatch):
    process = city.process()
    process.set("quota:7", "old")
    assert process.get("quota:7") == "old"

    def unreadable(*args, **kwargs):
        raise DatabaseError("the database does not answer")

    with monkeypatch.context() as database_down:
        database_down.setattr(OwedCacheDelete.objects, "filter", unreadable)
        city.clock.advance(core.cache.OWED_CHECK_EVERY)
        assert process.get("quota:7") is None  # a miss: what was revoked meanwhile is unknown
    city.clock.advance(core.cache.OWED_CHECK_EVERY)
    assert process.get("quota:7") == "old"


def test_a_delete_the_database_cannot_take_either_is_kept_in_memory_and_made_first(city, monkeypatch):
    process = city.process()
    process.set("token:abc", "user 7")

    def refused(*args, **kwargs):
        raise DatabaseError("the database does not answer")

    with monkeypatch.context() as outage:
        city.cut_off(process, outage)
        outage.setattr(OwedCacheDelete.objects, "bulk_create", refused)
        process.delete("token:abc")
    assert process._pending_deletes == {("token:abc", None)}
    assert city.stored(process, "token:abc")
    city.clock.advance(core.cache.RETRY_AFTER)
    assert process.get("token:abc") is None
    assert not city.stored(process, "token:abc")
    assert process._pending_deletes == set()
