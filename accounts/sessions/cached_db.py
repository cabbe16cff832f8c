"""The production session engine (CACHE_URL set): `UserSession` rows with a copy in the shared cache,
read from the cache, and on a phone page in the same round trip as its user, shop and quota sheet
(see `accounts.sessions` and `accounts.cache.read_ahead`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import DEFAULT_CACHE_ALIAS, caches

from ..cache import read_ahead_value
from . import UserSessionStore


class SessionStore(UserSessionStore, CachedDBStore):
    cache_key_prefix = "accounts:session:"

    def prefetch_key(self) -> str | None:
        """The cache key of this session, for a request to read with others from the default cache
        (None: no session yet, or sessions kept in another cache)."""
        if not self.session_key or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
            return None
        return self.cache_key_prefix + self.session_key

    def load(self):
        asked, data = read_ahead_value(self.cache_key) if self.session_key else (False, None)
        if not asked:
            return super().load()
        if data is None:  # read ahead and not in the cache: from the row, as Django's cached_db does
            row = self._get_session_from_db()
            if row is None:
                return {}
            data = self.decode(row.session_data)
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        return data

    @classmethod
    def sessions_forget(cls, keys: list[str]) -> None:
        caches[settings.SESSION_CACHE_ALIAS].delete_many([cls.cache_key_prefix + key for key in keys])
