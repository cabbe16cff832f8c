"""Django's Redis cache with one redis-py client per connection pool, that degrades to misses.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call; with redis-py 8 that
costs about 0.3 ms (each client rebuilds its response-callback table), which was a quarter of a
retailer's cached quota request. A redis-py client is safe to share between threads (connections
come from the pool), so one per pool is kept and reused.

Redis that cannot be reached is not an error for the pages: every call answers as a miss (a read
finds nothing, a write is dropped), so pages and logins are served from the database, slower, and a
warning is logged. After a failure the cache is not asked again for `RETRY_AFTER` seconds (a cache
that hangs costs one request its timeouts, not every request). Deletes that could not be made are
the dangerous misses (a revoked token or a changed quota still cached): this process keeps their
keys and deletes them first when Redis answers again, before it reads anything.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

RETRY_AFTER = 10.0  # seconds without asking Redis after a failure
PENDING_MAX = 10_000  # keys whose delete is owed to Redis
CONNECTION_DEFAULTS = {
    "socket_connect_timeout": 1.0,  # redis-py waits 5 s by default
    "socket_timeout": 2.0,
    "retry": Retry(NoBackoff(), 1),  # once more at once: a pooled connection closed by a restart
}


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0  # monotonic time before which Redis is not asked
        self._pending_deletes: set[tuple[str, int | None]] = set()
        self._lock = threading.Lock()

    @cached_property
    def _cache(self):
        return SharedClientRedisCacheClient(self._servers, **{**CONNECTION_DEFAULTS, **self._options})

    # --- health --------------------------------------------------------------------------------

    def ping(self) -> None:
        """Ask Redis, past the breaker; raises RedisError when it does not answer (for /healthz)."""
        self._cache.get_client(write=False).ping()

    def _available(self) -> bool:
        """False while the breaker is open, or when the deletes owed since the outage cannot be made."""
        if time.monotonic() < self._down_until:
            return False
        if self._pending_deletes:
            with self._lock:
                owed, self._pending_deletes = self._pending_deletes, set()
            try:
                for version in {v for _k, v in owed}:
                    super().delete_many([k for k, v in owed if v == version], version=version)
            except RedisError as exc:
                with self._lock:
                    self._pending_deletes |= owed
                self._trip("delete_many", exc)
                return False
            logger.warning("cache reachable again: %d key(s) deleted that the outage had kept", len(owed))
        return True

    def _trip(self, operation: str, exc: Exception) -> None:
        first = time.monotonic() >= self._down_until
        self._down_until = time.monotonic() + RETRY_AFTER
        if first:
            logger.warning(
                "cache unreachable (%s: %s): serving from the database; trying again in %.0f s",
                operation, type(exc).__name__, RETRY_AFTER,
            )  # fmt: skip

    def _owe_deletes(self, keys, version) -> None:
        with self._lock:
            if len(self._pending_deletes) >= PENDING_MAX:
                logger.error("cache unreachable: more than %d deletes owed; later ones are lost", PENDING_MAX)
                return
            self._pending_deletes.update((key, version) for key in keys)

    def _call(self, operation: str, fallback, *args, **kwargs):
        if not self._available():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except RedisError as exc:
            self._trip(operation, exc)
            return fallback

    # --- the cache API: a miss whenever Redis does not answer -----------------------------------

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version=version)

    def delete(self, key, version=None):
        missed = object()
        done = self._call("delete", missed, key, version=version)
        if done is missed:
            self._owe_deletes([key], version)
            return False
        return done

    def delete_many(self, keys, version=None):
        keys = list(keys)
        missed = object()
        if self._call("delete_many", missed, keys, version=version) is missed:
            self._owe_deletes(keys, version)

    def incr(self, key, delta=1, version=None):
        missed = object()
        value = self._call("incr", missed, key, delta, version=version)
        if value is missed:
            raise ValueError(f"Key '{key}' not found.")  # what Django answers for a key that is not there
        return value

    def clear(self):
        self._call("clear", None)
