"""The process cache keeps objects as they are (no pickling), and behaves as a cache otherwise."""

import time

import pytest
from django.core.cache import caches

from core.cache import ProcessObjectCache


@pytest.fixture
def local():
    cache = ProcessObjectCache("test-process-cache", {})
    cache.clear()
    yield cache
    cache.clear()


def test_get_returns_the_stored_object_itself(local):
    value = ({"cycle": 1}, [2, 3])
    local.set("k", value, 60)
    assert local.get("k") is value  # LocMemCache would return an unpickled copy


def test_expiry_add_incr_and_clear(local):
    assert local.get("missing", "default") == "default"
    local.set("short", "x", 0.05)
    time.sleep(0.1)
    assert local.get("short") is None
    assert local.add("n", 1, 60) is True
    assert local.add("n", 5, 60) is False
    assert local.incr("n", 2) == 3
    with pytest.raises(ValueError, match="not found"):
        local.incr("absent")
    local.clear()
    assert local.get("n") is None


def test_the_settings_local_cache_is_the_process_object_cache():
    assert isinstance(caches["local"], ProcessObjectCache)
