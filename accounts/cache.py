"""Users looked up by id (every session request) or by API token (every API request), cached.

A retailer's phone asks for its quotas far more often than anyone edits a login, so the user
row and the token → user mapping are kept in the cache for USER_TTL and dropped at once when the
user is saved or deleted or the token is deleted (password reset revokes tokens).

A view that needs more from the cache than the user reads it all in one round trip: by token
(`user_by_token(also=...)`), or for a session with `read_ahead`, which the session store
(`accounts.sessions.cached_db`) and Django's lazy `request.user` then draw on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from .sessions import session_key_user_id

USER_TTL = 5 * 60  # seconds


@dataclass(frozen=True)
class _ReadAhead:
    asked: frozenset[str] = frozenset()
    found: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


_NOTHING_READ = _ReadAhead()
_read_ahead: ContextVar[_ReadAhead | None] = ContextVar("accounts_read_ahead", default=None)


def user_key(user_id) -> str:
    return f"accounts:user:{user_id}"


def session_user_id(request) -> str | None:
    """The user id the session's key names (`accounts.sessions`), read without a round trip. Not yet
    checked: `request.user` comes from the session itself."""
    return session_key_user_id(request.session.session_key)


def read_ahead_value(key: str) -> tuple[bool, object | None]:
    """Whether `key` was read in the current `read_ahead` block, and its value (None: not cached)."""
    current = _read_ahead.get() or _NOTHING_READ
    return key in current.asked, current.found.get(key)


@contextmanager
def read_ahead(request, also: Sequence[str]) -> Iterator[dict]:
    """Read the session, its user and the cache keys `also` in one cache round trip. Inside the
    block, the session store and `request.user` take what was read (Django still checks the session
    against its user); yields what was found."""
    keys = list(also)
    user_id = session_user_id(request)
    if user_id is not None:
        keys.append(user_key(user_id))
    prefetch = getattr(request.session, "prefetch_key", None)  # a session kept in the cache
    if prefetch is not None and prefetch() is not None:
        keys.append(prefetch())
    found = cache.get_many(keys) if keys else {}
    token = _read_ahead.set(_ReadAhead(frozenset(keys), found))
    try:
        yield found
    finally:
        _read_ahead.reset(token)


def _token_key(key: str) -> str:
    return f"accounts:token:{key}"


def user_by_id(user_id):
    key = user_key(user_id)
    asked, user = read_ahead_value(key)
    if user is None and not asked:
        user = cache.get(key)
    if user is None:
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        if user is not None:
            cache.set(key, user, USER_TTL)
    return user


def user_by_token(token_key: str, *, also: list[str] | tuple[str, ...] = ()) -> tuple[object | None, dict]:
    """The user behind an API token (None if there is no such token) and, read in the same cache
    round trip, whichever of the cache keys `also` are there."""
    key = _token_key(token_key)
    found = cache.get_many([key, *also])
    user = found.pop(key, None)
    if user is None:
        token = Token.objects.select_related("user").filter(key=token_key).first()
        if token is None:
            return None, {}
        user = token.user
        cache.set(key, user, USER_TTL)
    return user, found


@receiver([post_save, post_delete], sender=get_user_model())
def _forget_user(sender, instance, **kwargs) -> None:
    keys = [user_key(instance.pk)]
    keys += [_token_key(k) for k in Token.objects.filter(user_id=instance.pk).values_list("key", flat=True)]
    cache.delete_many(keys)


@receiver(post_delete, sender=Token)
def _forget_token(sender, instance, **kwargs) -> None:
    cache.delete(_token_key(instance.key))
