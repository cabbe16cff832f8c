"""Users looked up by id (every session request) or by API token (every API request), cached.

A retailer's phone asks for its quotas far more often than anyone edits a login, so the user
row and the token → user mapping are kept in the cache for USER_TTL and dropped at once when the
user is saved or deleted or the token is deleted (password reset revokes tokens)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

USER_TTL = 5 * 60  # seconds


def _user_key(user_id) -> str:
    return f"accounts:user:{user_id}"


def _token_key(key: str) -> str:
    return f"accounts:token:{key}"


def user_by_id(user_id):
    key = _user_key(user_id)
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
    keys = [_user_key(instance.pk)]
    keys += [_token_key(k) for k in Token.objects.filter(user_id=instance.pk).values_list("key", flat=True)]
    cache.delete_many(keys)


@receiver(post_delete, sender=Token)
def _forget_token(sender, instance, **kwargs) -> None:
    cache.delete(_token_key(instance.key))
