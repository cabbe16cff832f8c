"""API permissions by role (what each role then sees is still limited by the selectors)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import Role


class IsRetailer(permissions.BasePermission):
    message = _("Only a retailer's own login may use this.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.role == Role.RETAILER)


class IsStaffRole(permissions.BasePermission):
    """Customer managers and supervisors (what they see is still limited by the selectors)."""

    message = _("Only customer managers and supervisors may use this.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.is_supervisor or user.role == Role.MANAGER))
