"""Vietnamese number formats in report tables: 531.467, 58,64%, a blank for no value."""

from django import template
from django.utils.formats import localize

from reports.columns import Kind

register = template.Library()


@register.filter
def figure(value, kind: str = Kind.COUNT) -> str:
    """A report figure in the active locale's format; blank when there is none (an empty denominator)."""
    if value is None or value == "":
        return ""
    text = localize(value)
    return f"{text}%" if kind == Kind.PERCENT else text
