"""The guard every retailer phone page outside the portal shares: a retailer's own login, with its
shop; managers and supervisors are sent to the admin, anyone else gets 403. (The portal's own pages
keep theirs: it reads the session, shop and cached sheets in one cache round trip.)"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from accounts.models import Role

from .models import Retailer


def retailer_page(view=None, *, staff_to: str = "admin:index"):
    """Decorate a view taking (request, retailer, ...); `staff_to` is where staff are sent."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            retailer = Retailer.objects.filter(user=user).first() if user.role == Role.RETAILER else None
            if retailer is None:
                if user.is_staff:
                    return redirect(staff_to)
                raise PermissionDenied
            return view(request, retailer, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
