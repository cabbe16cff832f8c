"""Shared API plumbing: one error body for every failure, pagination."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError
from .params import BadParameter


def exception_handler(exc, context):
    """Every error as {"error": {"status", "code", "message", "fields"}}; a refused business rule is 400,
    and so is a refused query parameter (named in `fields`)."""
    if isinstance(exc, DomainError):
        exc = exceptions.ValidationError({"detail": str(exc)}, code="refused")
    elif isinstance(exc, BadParameter):
        exc = exceptions.ValidationError({exc.name: [exc.message]})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(detail, dict) and "detail" in detail and len(detail) == 1:
        message = str(detail["detail"])
    elif isinstance(detail, dict):
        fields = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
        message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    elif isinstance(detail, list):
        message = " ".join(str(m) for m in detail)
    else:
        message = str(detail)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, Http404):
        code = "not_found"
    elif isinstance(exc, DjangoPermissionDenied):
        code = "permission_denied"
    elif isinstance(exc, exceptions.ValidationError):
        code = "invalid"
    response.data = {"error": {"status": response.status_code, "code": code, "message": message, "fields": fields}}
    return response


class Pagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most 1,000 rows a page)."""

    page_size_query_param = "page_size"
    max_page_size = 1000


class WholeNumberFilter(django_filters.NumberFilter):
    """A query parameter that is a whole number within bounds: "1.5", "abc" or 10²³ is a 400 naming
    the parameter, never a silent truncation or a 500 from the database (SQLite overflows past 2⁶³)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = 2**31 - 1, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class IdFilter(WholeNumberFilter):
    """A record's id: 1 … 2³¹ − 1 (PostgreSQL's integer)."""
