"""The embedded session engine (no CACHE_URL): `UserSession` rows alone (see `accounts.sessions`)."""

from django.contrib.sessions.backends.db import SessionStore as DBStore

from . import UserSessionStore


class SessionStore(UserSessionStore, DBStore):
    pass
