"""Django's Redis cache with one redis-py client per connection pool, that degrades to misses.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call; with redis-py 8 that
costs about 0.3 ms (each client rebuilds its response-callback table), which was a quarter of a
retailer's cached quota request. A redis-py client is safe to share between threads (connections
come from the pool), so one per pool is kept and reused.

Redis that cannot be reached is not an error for the pages: every call answers as a miss (a read
finds nothing, a write is dropped), so pages and logins are served from the database, slower, and a
warning is logged. After a failure the cache is not asked again for `RETRY_AFTER` seconds (a cache
that hangs costs one request its timeouts, not every request).

Deletes that could not be made are the dangerous misses: a session ended by a logout or a password
change, a revoked token, a changed user or quota, whose old copy Redis still holds when it answers
again (a network cut, or a restart from its snapshot), or holds all along for a process that still
reaches it. They are written to the database (`OwedCacheDelete`), the source of truth, in the same
transaction as the change that asked for them. Every process looks for owed deletes before it reads
from Redis: at its first call, at once after an outage it saw itself, and otherwise at most
`OWED_CHECK_EVERY` seconds after it last looked (one small query a second per process, not one per
request: a warm phone page costs one Redis round trip and no query). The first process that finds
them and reaches Redis makes them and removes the rows. So a session revoked while Redis did not
answer is refused by every process: at once by those that cannot reach Redis (they read the
database, where the session is gone), within `OWED_CHECK_EVERY` by one that can. A process that
cannot read the owed deletes (the database does not answer) does not trust Redis either: every call
is a miss until it can. Only if the database cannot take the owed delete either is it kept in this
process's memory (and made first when Redis answers again), with an error logged.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection, transaction
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

RETRY_AFTER = 10.0  # seconds without asking Redis after a failure
OWED_CHECK_EVERY = 1.0  # seconds: each process looks for owed deletes in the database this often
OWED_BATCH = 1_000  # owed deletes made in one Redis call
PENDING_MAX = 10_000  # keys whose delete is owed to Redis, kept in memory when the database fails too
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
        self._pending_deletes: set[tuple[str, int | None]] = set()  # only when the database failed too
        self._lock = threading.Lock()
        # which Redis, for the owed deletes (a hash: the address may hold a password)
        self._identity = hashlib.sha256("|".join(self._servers).encode()).hexdigest()[:16]
        self._owed_check_at = 0.0  # monotonic time of the next look for owed deletes (0: the first call)
        self._owed_checked = False  # whether the last look succeeded (if not, Redis is not trusted)

    @cached_property
    def _cache(self):
        return SharedClientRedisCacheClient(self._servers, **{**CONNECTION_DEFAULTS, **self._options})

    # --- health --------------------------------------------------------------------------------

    def ping(self) -> None:
        """Ask Redis, past the breaker; raises RedisError when it does not answer (for /healthz)."""
        self._cache.get_client(write=False).ping()

    def _available(self) -> bool:
        """False while the breaker is open, while the deletes owed since an outage cannot be made, or
        while the database cannot say which are owed."""
        if time.monotonic() < self._down_until:
            return False
        if self._pending_deletes and not self._pending_deletes_make():
            return False
        if time.monotonic() >= self._owed_check_at:
            self._owed_checked = self._owed_deletes_make()
            self._owed_check_at = time.monotonic() + OWED_CHECK_EVERY
        return self._owed_checked

    def _pending_deletes_make(self) -> bool:
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

    def _owed_deletes_make(self) -> bool:
        """Make the deletes owed to this Redis that the database holds (any process's), then remove
        them. False when the database cannot be read or Redis does not answer."""
        from .models import OwedCacheDelete

        made = 0
        while True:
            try:
                query = OwedCacheDelete.objects.filter(cache=self._identity).values_list("pk", "key")[:OWED_BATCH]
                if connection.in_atomic_block:
                    with transaction.atomic():  # a savepoint: an error leaves the caller's transaction usable
                        rows = list(query)
                else:
                    rows = list(query)
            except Exception as exc:  # any database error: the owed deletes are unknown
                logger.warning("cache not trusted: the owed deletes cannot be read (%s)", type(exc).__name__)
                return False
            if not rows:
                break
            try:
                self._cache.delete_many([key for _pk, key in rows])  # keys as stored: no prefix added
            except RedisError as exc:
                self._trip("delete_many", exc)
                return False
            OwedCacheDelete.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
            made += len(rows)
        if made:
            logger.warning("cache: %d delete(s) made that an outage had kept", made)
        return True

    def _trip(self, operation: str, exc: Exception) -> None:
        first = time.monotonic() >= self._down_until
        self._down_until = time.monotonic() + RETRY_AFTER
        self._owed_check_at = 0.0  # when Redis answers again, look for the deletes owed meanwhile first
        if first:
            logger.warning(
                "cache unreachable (%s: %s): serving from the database; trying again in %.0f s",
                operation, type(exc).__name__, RETRY_AFTER,
            )  # fmt: skip

    def _owe_deletes(self, keys, version) -> None:
        """Record deletes Redis could not be asked to make, in the database (every process finds
        them there); in this process's memory only if the database fails too."""
        from .models import OwedCacheDelete

        stored = [self.make_and_validate_key(key, version=version) for key in keys]
        try:
            with transaction.atomic():  # a savepoint: a failure leaves the caller's transaction usable
                OwedCacheDelete.objects.bulk_create([OwedCacheDelete(cache=self._identity, key=k) for k in stored])
            return
        except Exception as exc:  # any database error
            logger.error(
                "cache unreachable and the owed deletes not stored (%s): %d kept in this process only",
                type(exc).__name__, len(stored),
            )  # fmt: skip
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
        self._again_after_commit([key], version)
        if done is missed:
            self._owe_deletes([key], version)
            return False
        return done

    def delete_many(self, keys, version=None):
        keys = list(keys)
        missed = object()
        if self._call("delete_many", missed, keys, version=version) is missed:
            self._owe_deletes(keys, version)
        self._again_after_commit(keys, version)

    def _again_after_commit(self, keys, version) -> None:
        """A delete inside a transaction (a logout, a password reset, a revoked token) is made again
        once it commits: a request that missed the cache meanwhile read the rows not yet deleted and
        may have cached them again (the breaker saw a reset retailer's cookie and token answer 200
        for the user copy's 5 minutes)."""
        if connection.in_atomic_block:
            transaction.on_commit(lambda: self.delete_many(keys, version))

    def incr(self, key, delta=1, version=None):
        missed = object()
        value = self._call("incr", missed, key, delta, version=version)
        if value is missed:
            raise ValueError(f"Key '{key}' not found.")  # what Django answers for a key that is not there
        return value

    def clear(self):
        self._call("clear", None)


class ProcessObjectCache(LocMemCache):
    """This process's memory, keeping the objects themselves: Django's LocMemCache pickles every
    value on `set` and unpickles it on every `get`, which for the phone's "today's cycle and its
    published run" (a tuple of OrderCycle rows, read three times by every page and API request) was
    ten model unpicklings a request. Readers share the stored object, so they must not change it."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] = self._cache[key] + delta
            return value
