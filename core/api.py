"""Shared API plumbing: one error body for every failure, pagination."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, pagination, serializers
from rest_framework.settings import api_settings
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


def _label_words(field, name: str) -> str:
    """A serializer field by its label (a model field's verbose name, or the label the serializer gives
    it) in the reader's language; a label DRF made from the field's name ("Cartons" of `cartons`) through
    the catalog (条数), else the name in words as `_field_words` reads it."""
    label = getattr(field, "label", None)
    if label is None:
        return _field_words(name)
    if "label" in getattr(field, "_kwargs", {"label": None}):  # given (a form field's always): read now
        return str(label)
    made = str(label)
    for words in (_(made), _field_words(name)):
        if words not in (made, name.replace("_", " ")):
            return words
    return made


def _sub_fields(field) -> dict:
    """The fields of a nested serializer (or of the child of a list of them)."""
    field = getattr(field, "child", field)
    return getattr(field, "fields", None) or {}


def _is_list(field) -> bool:
    return isinstance(field, serializers.ListSerializer | serializers.ListField)


# DRF's own messages it does not mark for translation: their words in the catalog
_UNTRANSLATED = {"No data provided": gettext_noop("No data was sent: the request's body is empty or null.")}


def _nested(value) -> bool:
    """Whether errors are those of the items of a list ({0: {...}}, [{}, {...}]), not of the list itself."""
    items = value.values() if isinstance(value, dict) else value
    return isinstance(value, dict) or any(isinstance(item, dict | list) for item in items)


def _messages(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [_(_UNTRANSLATED[str(m)]) if str(m) in _UNTRANSLATED else str(m) for m in values]


def _flattened(detail, fields: dict, key: str = "", words: tuple[str, ...] = ()) -> list[tuple[str, tuple, list]]:
    """A serializer's nested errors ({"lines": {0: {"cartons": [...]}}}) as one entry per field that has
    messages: (its path for a program, "lines.0.cartons"; its words for a person, ("第 1 行", "条数");
    the messages). A field is named by its label, a line of a list by its place from 1."""
    out: list[tuple[str, tuple, list]] = []
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        detail = {i: item for i, item in enumerate(detail) if item}  # a list of items, {} for a good one
    if not isinstance(detail, dict):
        return [(key, words, _messages(detail))]
    for name, value in detail.items():
        path = f"{key}.{name}" if key else str(name)
        if isinstance(name, int) or (isinstance(name, str) and name.isdigit() and key):
            place = pgettext("a line of a list sent to the API", "Line %(n)s") % {"n": int(name) + 1}
            out += _flattened(value, fields, path, (*words, place))
            continue
        if name == api_settings.NON_FIELD_ERRORS_KEY:
            out += _flattened(value, {}, key, words)
            continue
        field = fields.get(name)
        if field is not None and _is_list(field) and isinstance(value, dict | list) and _nested(value):
            out += _flattened(value, _sub_fields(field), path, words)  # its lines are named, not the list
        else:
            named = (*words, _label_words(field, str(name)))
            out += _flattened(value, _sub_fields(field) if field is not None else {}, path, named)
    return out


def _filter_fields(view) -> dict:
    """The form fields of a list's filters (django-filter), by parameter: their labels name a refused
    filter (`?starts_on__gte=2026-02-30` → 开始日期 不早于), not its parameter."""
    if view is None or DjangoFilterBackend not in getattr(view, "filter_backends", ()):
        return {}
    klass = getattr(view, "filterset_class", None)
    if klass is None and getattr(view, "filterset_fields", None) and getattr(view, "queryset", None) is not None:
        klass = DjangoFilterBackend().get_filterset_class(view, view.queryset)
    if klass is None:
        return {}
    return dict(klass(queryset=klass._meta.model._default_manager.none()).form.fields)


def _parse_error_words(request) -> str:
    """A body DRF could not read ("JSON parse error - Expecting value: line 1 column 1"), in words."""
    kind = getattr(request, "content_type", "") or ""
    if "json" in kind:
        return _("The request's body is not valid JSON.")
    return _("The request's body could not be read.")


def exception_handler(exc, context):
    """Every error as {"error": {"status", "code", "message", "fields"}} in the request's language; a
    refused business rule is 400, and so is a refused query parameter (named in `fields`). `message`
    names each field in words (订货周期：…), never by its code: by the label of the serializer's field
    (its model field's verbose name), a line of a list by its place (第 1 行 · 条数：…); `fields` keys each
    field's messages by its path (`lines.0.cartons`)."""
    named = False  # the messages name their field themselves (a query parameter's, by its label)
    if isinstance(exc, DomainError):
        exc = exceptions.ValidationError({"detail": str(exc)}, code="refused")
    elif isinstance(exc, BadParameter):
        exc, named = exceptions.ValidationError(exc.errors), True
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(not_found_words(exc))
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_parse_error_words(context.get("request")))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    serializer = getattr(getattr(exc, "detail", None), "serializer", None)  # DRF keeps it on is_valid's errors
    fields = {}
    if isinstance(detail, dict) and "detail" in detail and len(detail) == 1:
        message = str(detail["detail"])
    elif isinstance(detail, dict):
        labelled = serializer.fields if serializer is not None else _filter_fields(context.get("view"))
        found = _flattened(detail, labelled)
        fields = {path or api_settings.NON_FIELD_ERRORS_KEY: messages for path, _words, messages in found}
        between = pgettext("between the words naming a field", " · ")
        message = pgettext("between errors", "; ").join(
            " ".join(messages) if named or not words
            else pgettext("an error of a field", "%(field)s: %(errors)s") % {"field": between.join(words), "errors": " ".join(messages)}
            for _path, words, messages in found
        )  # fmt: skip
    elif isinstance(detail, list):
        message = " ".join(_messages(detail))
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
