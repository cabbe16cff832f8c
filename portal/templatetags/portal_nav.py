"""The phone pages' navigation bar, rendered once per process, language and current item: every
page shows it, and reversing its eight URLs on each request was a quarter of a warm page."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()
_rendered: dict[tuple[str, str, str], SafeString] = {}


@register.simple_tag
def portal_nav(current: str) -> SafeString:
    key = (get_language(), get_script_prefix(), current or "")
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = mark_safe(render_to_string("portal/_nav.html", {"nav": current}))  # noqa: S308 - our template
    return html
