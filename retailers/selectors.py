"""Who may see which retailers: the one place the rule lives.

Supervisors see all; a customer manager only the retailers assigned to them;
a retailer only itself; anyone else nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role

from .models import Retailer


def retailers_visible_to(*, user) -> QuerySet[Retailer]:
    queryset = Retailer.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_supervisor:
        return queryset
    if user.role == Role.MANAGER:
        return queryset.filter(manager=user)
    if user.role == Role.RETAILER:
        return queryset.filter(user=user)
    return queryset.none()


def retailer_visible_to(*, user, pk: int) -> Retailer | None:
    return retailers_visible_to(user=user).filter(pk=pk).first()


def scope_to_visible_retailers(queryset: QuerySet, *, user, field: str = "retailer") -> QuerySet:
    """Limit rows that belong to a retailer (orders, quotas, ...) to the retailers `user` may see."""
    if user is not None and user.is_authenticated and user.is_active and user.is_supervisor:
        return queryset
    return queryset.filter(**{f"{field}__in": retailers_visible_to(user=user)})
