"""Server-side sessions: a login's session ends when it logs out, and every session and API token of
a login ends when its password changes (on the phone, in the admin, or a manager's reset), at once.

Each session is a `UserSession` row naming its user, so all of a login's sessions can be found and
ended (`user_sessions_end`). Two engines (SESSION_ENGINE) share this:

- `accounts.sessions.cached_db` (CACHE_URL set: production): the row plus a copy in the shared cache,
  read from the cache. A session's key begins with its user's id (`42-…`), so a phone page knows
  before any round trip whose user, shop and quota sheet to read with the session: all in one MGET
  (`accounts.cache.read_ahead`). The id in the key is only a hint for which keys to read:
  `request.user` comes from the session itself and is checked against it.
- `accounts.sessions.db` (embedded: no CACHE_URL): the row alone. The embedded cache is each process's
  own memory, which would go on serving a session another process has ended.

The row is the source of truth. Ending a session deletes the row and its copy in Redis; a copy Redis
could not be asked to delete (it did not answer) is owed in the database and deleted by the first
process that reaches Redis, and every process looks for owed deletes before it trusts a copy
(`core.cache`): the ended session is refused everywhere, also after Redis comes back.

A staff login's session lasts STAFF_SESSION_IDLE_SECONDS from its last request
(`staff_sessions_idle`, `accounts.middleware.SessionIdleMiddleware`); a retailer's phone stays
logged in for SESSION_COOKIE_AGE."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, user_logged_in
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token

from ..models import Role, User, UserSession

KEY_RANDOM_LENGTH = 32


def session_key_user_id(session_key: str | None) -> str | None:
    """The user id a session key begins with (None for a key that names none). Unchecked: a hint."""
    head, sep, _rest = (session_key or "").partition("-")
    return head if sep and head.isdigit() else None


def _user_id(value) -> str | None:
    return str(value) if value is not None and str(value).isdigit() else None


class UserSessionStore:
    """What both engines add to Django's database session store: the row's user, a key that begins
    with it, and ending all of a user's sessions."""

    @classmethod
    def get_model_class(cls):
        return UserSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = _user_id(data.get(SESSION_KEY))
        instance.user_id = int(user_id) if user_id else None
        return instance

    def _get_new_session_key(self) -> str:
        user_id = _user_id((getattr(self, "_session_cache", None) or {}).get(SESSION_KEY))
        while True:
            key = get_random_string(KEY_RANDOM_LENGTH, VALID_KEY_CHARS)
            if user_id is not None:
                key = f"{user_id}-{key}"
            if not self.exists(key):
                return key

    def save(self, must_create: bool = False) -> None:
        data = self._get_session(no_load=must_create)
        key = self.session_key
        if not must_create and key is not None and session_key_user_id(key) != _user_id(data.get(SESSION_KEY)):
            # Logging in names the user after Django gave the session its new key: the session moves
            # to a key that begins with its user (once per login).
            self.create()
            self.delete(key)
            return
        super().save(must_create)

    @classmethod
    def user_sessions_end(cls, *, user_id: int) -> int:
        """End every session of the user, on every device. Returns how many there were."""
        keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
        if keys:
            UserSession.objects.filter(session_key__in=keys).delete()
            cls.sessions_forget(keys)
        return len(keys)

    @classmethod
    def sessions_forget(cls, keys: list[str]) -> None:
        """Drop what the engine keeps of these sessions besides their rows (nothing here)."""


def user_sessions_end(*, user_id: int) -> int:
    """End every session of a login (0 under an engine that keeps no rows, e.g. signed cookies, where
    the password hash in each session still refuses it after a password change)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    end = getattr(store, "user_sessions_end", None)
    return end(user_id=user_id) if end is not None else 0


@receiver(post_save, sender=User, dispatch_uid="accounts.sessions.logins_end_on_password_change")
def logins_end_on_password_change(sender, instance: User, **kwargs) -> None:
    """A password set (`User.set_password`, whichever form or service did it) ends every session and
    revokes every API token of that login. The form that changed it keeps its own session: Django's
    `update_session_auth_hash` gives it a new one."""
    if not getattr(instance, "password_changed", False):
        return
    instance.password_changed = False
    user_sessions_end(user_id=instance.pk)
    Token.objects.filter(user_id=instance.pk).delete()


@receiver(user_logged_in, dispatch_uid="accounts.sessions.staff_sessions_idle")
def staff_sessions_idle(sender, request, user, **kwargs) -> None:
    """A manager's or supervisor's session ends STAFF_SESSION_IDLE_SECONDS after its last request
    (`accounts.middleware.SessionIdleMiddleware` renews it while in use)."""
    session = getattr(request, "session", None)
    if session is not None and getattr(user, "role", None) != Role.RETAILER:
        session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
