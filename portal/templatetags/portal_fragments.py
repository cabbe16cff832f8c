"""Parts of the phone pages that many shops see alike, rendered once per process and language,
then kept: the navigation bar (per current item) and the order-window card (per the values it
shows; the time left is in whole hours, so a card lasts an hour). Every page shows both, and
rendering them on each request was over a third of a warm page's work."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()
KEPT = 4096  # fragments kept per process; all are dropped when full (a new hour brings new cards)
_rendered: dict[tuple, SafeString] = {}


def kept_render(template_name: str, context: dict, key: tuple) -> SafeString:
    """`template_name` rendered with `context`, kept under `key`, which must name everything the
    output depends on besides the language and the URL prefix."""
    full_key = (template_name, get_language(), get_script_prefix(), *key)
    html = _rendered.get(full_key)
    if html is None:
        if len(_rendered) >= KEPT:
            _rendered.clear()
        html = _rendered[full_key] = mark_safe(render_to_string(template_name, context))  # noqa: S308 - our template
    return html


@register.simple_tag
def portal_nav(current: str) -> SafeString:
    return kept_render("portal/_nav.html", {"nav": current}, (current or "",))


@register.simple_tag
def order_window_card(cycle, window) -> SafeString:
    """The cycle's title, the retailer's order day, the ordering window and the time until it opens or the time left."""
    key = (cycle.label, window.opens_on, window.closes_on, window.order_day, window.orders_this_cycle, window.state,
           window.left, window.until_open, window.next_pending)  # fmt: skip
    return kept_render("portal/_window.html", {"cycle": cycle, "window": window}, key)
