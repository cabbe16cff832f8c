"""API authentication. Kept apart from core.api: DRF imports authentication classes while its
own views module loads, so this module must not import rest_framework.views."""

from rest_framework import authentication, exceptions


class CachedTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication with the token → user lookup cached (`accounts.cache`)."""

    def authenticate_credentials(self, key):
        from accounts.cache import user_by_token

        user = user_by_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (user, key)
