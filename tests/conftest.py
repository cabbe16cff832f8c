"""Shared fixtures. Services are required where the environment says so (CI): never skipped there."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from accounts.models import Role

from .factories import RetailerFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Property tests judge what they find, never how fast: on a 2-core machine shared with a database,
# a worker and a browser, Hypothesis's timing checks failed a correct test (too_slow: "only 6 valid
# inputs after 1.45 seconds"). Examples, shrinking and the printed seed stay as Hypothesis has them.
settings.register_profile("shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared-machine")


def need(condition: bool, reason: str) -> None:
    """Skip locally with a reason; fail where the services are required (CI's PostgreSQL stage)."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (ids repeat across tests; cached quotas must not)."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


@pytest.fixture
def samples() -> Path:
    need(SAMPLES.is_dir(), f"sample exports not found at {SAMPLES}")
    return SAMPLES


@pytest.fixture
def supervisor(db):
    return UserFactory(username="boss", role=Role.SUPERVISOR)


@pytest.fixture
def manager_a(db):
    return UserFactory(username="mgr_a", role=Role.MANAGER)


@pytest.fixture
def manager_b(db):
    return UserFactory(username="mgr_b", role=Role.MANAGER)


@pytest.fixture
def retailer_of_a(manager_a):
    return RetailerFactory(manager=manager_a)


@pytest.fixture
def retailer_of_b(manager_b):
    return RetailerFactory(manager=manager_b)


def _redis_url() -> str:
    return os.environ.get("CELERY_BROKER_URL", "")


def _reachable(url: str) -> bool:
    if not url.startswith("redis://"):
        return False
    host_port = url.removeprefix("redis://").split("/")[0]
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` on Redis, pointed at the test database (PostgreSQL only)."""
    from django.conf import settings
    from django.db import connection

    need(connection.vendor == "postgresql", "a real worker needs PostgreSQL (a shared database); run by .ci/run stage 2")
    url = _redis_url()
    need(_reachable(url), f"Redis broker not reachable at {url or '(CELERY_BROKER_URL unset)'}")
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "distribution.settings",
        "DJANGO_SECRET_KEY": "test-only-secret-key",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
    }
    log = open(ROOT / "artifacts" / "celery-worker.log", "w") if (ROOT / "artifacts").is_dir() else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "distribution", "worker", "-Q", "celery,allocation", "-c", "2", "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from distribution.celery import app

    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("celery worker exited at start; see artifacts/celery-worker.log")
            if app.control.ping(timeout=1.0):
                break
        else:
            pytest.fail("celery worker did not answer a ping within 60 s")
        yield app
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(autouse=True)
def language_restored(settings):
    """A page read in English through the test client leaves English active in this thread: back to the
    default language after every test, so the tests after it read as they expect (a test that forgot it
    made a later one read English headings: CI, session 12)."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def on_friday(monkeypatch):
    """The walker's day: Friday 2026-11-27, 10:00 local time (`timezone.localdate` and `localtime`
    answer it), with the caches emptied before and after (they hold today's cycle)."""
    import datetime as dt

    from django.core.cache import cache, caches
    from django.utils import timezone

    real_localtime, real_localdate = timezone.localtime, timezone.localdate
    now = dt.datetime(2026, 11, 27, 10, 0, tzinfo=timezone.get_current_timezone())

    def localdate(value=None, timezone=None):
        return real_localdate(value, timezone) if value else now.date()

    def localtime(value=None, timezone=None):
        return real_localtime(value or now, timezone)

    monkeypatch.setattr(timezone, "localdate", localdate)
    monkeypatch.setattr(timezone, "localtime", localtime)
    cache.clear()
    caches["local"].clear()
    yield now
    cache.clear()
    caches["local"].clear()
