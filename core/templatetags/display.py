"""Template filters for figures and lists as people read them (`core.display`)."""

from django import template

from core import display

register = template.Library()


@register.filter
def words(items) -> str:
    """`{{ names|words }}`: 长河(金)、云峰(精品) in Chinese, "Changhe, Yunfeng" in English."""
    return display.words(items)


@register.filter
def plural_count(value) -> int:
    """`{% blocktranslate with n=x|floatformat:"-1g" count c=x|plural_count %}`: the form of a counted noun."""
    return display.plural_count(value)
