import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.services import demo_city_create, demo_first_rerating, demo_quotas_publish
from retailers.logins import retailer_login_reset
from retailers.models import Retailer


@pytest.fixture
def city(db):
    """A small demo city with this week's quotas published (the pages read the real today)."""
    today = timezone.localdate()
    demo_city_create(retailers=240, products=16, weeks=14, seed=3, today=today)
    demo_first_rerating(today=today)
    demo_quotas_publish(today=today)
    return today


@pytest.fixture
def manager1(city):
    return get_user_model().objects.get(username="manager1")


@pytest.fixture
def manager2(city):
    return get_user_model().objects.get(username="manager2")


@pytest.fixture
def shop(manager1):
    """One of manager1's active weekly retailers with a login; `.password` is its password."""
    retailer = (
        Retailer.objects.filter(manager=manager1, status="active", order_cycle_kind="weekly").order_by("-tier").first()
    )
    # No order day: it orders until the cycle's last day, so the pages show this cycle whatever today is.
    Retailer.objects.filter(pk=retailer.pk).update(order_weekday=None)
    retailer.password = retailer_login_reset(retailer=retailer, actor=manager1)
    retailer.refresh_from_db()
    return retailer


@pytest.fixture
def other_shop(manager2):
    retailer = Retailer.objects.filter(manager=manager2, status="active").first()
    retailer.password = retailer_login_reset(retailer=retailer, actor=manager2)
    retailer.refresh_from_db()
    return retailer


@pytest.fixture
def cached_sessions(settings):
    """Sessions kept as production keeps them (CACHE_URL set): rows with a copy in the shared cache."""
    settings.SESSION_ENGINE = "accounts.sessions.cached_db"


@pytest.fixture
def cache_reads(monkeypatch):
    """The shared cache's read calls from here on, one entry (method, keys) per round trip (the
    local-memory cache used in tests makes `get_many` of `get`s; those count as one)."""
    from django.core.cache import caches

    shared = caches["default"]
    calls: list[tuple[str, list]] = []
    depth = [0]
    for name in ("get", "get_many", "has_key", "get_or_set"):
        original = getattr(shared, name)

        def counted(key, *args, _name=name, _original=original, **kwargs):
            if not depth[0]:
                calls.append((_name, list(key) if _name == "get_many" else [key]))
            depth[0] += 1
            try:
                return _original(key, *args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(shared, name, counted)
    return calls
