"""API authentication, in a module of its own: DRF imports authentication classes while its
own views module loads, so this module must not import rest_framework.views."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .cache import user_by_token


class CachedTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication with the token → user lookup cached (`accounts.cache`).

    A view may read more with the user in the same cache round trip: a subclass names the keys
    (`prefetch_keys`) and finds their values in `request.prefetched`."""

    def prefetch_keys(self, request, token: str) -> list[str]:
        return []

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        request = getattr(self, "_request", None)
        user, found = user_by_token(key, also=self.prefetch_keys(request, key) if request is not None else [])
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if request is not None:
            request.prefetched = found
        return (user, key)
