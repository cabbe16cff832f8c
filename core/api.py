"""Shared API plumbing: one error body for every failure, pagination."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError
from .labels import stored_words
from .params import BadParameter

_NO_MATCH = re.compile(r"No (\w+) matches the given query\.")


def not_found_words(exc: Http404) -> str:
    """A 404 in the reader's language: Django's `get_object_or_404` says "No Retailer matches the given
    query." in English whatever the request's language; it reads 找不到该零售户。 / "No such retailer."."""
    text = str(exc.args[0]) if exc.args else ""
    found = _NO_MATCH.fullmatch(text)
    if found is None:
        return text or str(exceptions.NotFound.default_detail)
    model = next((m for m in apps.get_models() if m._meta.object_name == found[1]), None)
    thing = model._meta.verbose_name if model is not None else found[1].lower()
    return _("No such %(thing)s.") % {"thing": thing}


def _field_words(name: str) -> str:
    """A field an error names, in words: "cycle" → 订货周期 (core.labels); an answer's number as it is."""
    return name if name.isdigit() else stored_words(name)


def exception_handler(exc, context):
    """Every error as {"error": {"status", "code", "message", "fields"}} in the request's language; a
    refused business rule is 400, and so is a refused query parameter (named in `fields`). `message`
    names each field in words (订货周期：…), never by its code."""
    named = False  # the messages name their field themselves (a query parameter's, by its label)
    if isinstance(exc, DomainError):
        exc = exceptions.ValidationError({"detail": str(exc)}, code="refused")
    elif isinstance(exc, BadParameter):
        exc, named = exceptions.ValidationError(exc.errors), True
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(not_found_words(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(detail, dict) and "detail" in detail and len(detail) == 1:
        message = str(detail["detail"])
    elif isinstance(detail, dict):
        fields = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
        message = pgettext("between errors", "; ").join(
            " ".join(v) if named or k == "non_field_errors"
            else pgettext("an error of a field", "%(field)s: %(errors)s") % {"field": _field_words(k), "errors": " ".join(v)}
            for k, v in fields.items()
        )  # fmt: skip
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
