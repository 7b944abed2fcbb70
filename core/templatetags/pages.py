"""Small formatting tags of the pages: rates as 58,64%, years without a thousands separator."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.simple_tag
def rate(numerator, denominator) -> str:
    """numerator / denominator as a percentage with 2 decimals (58,64%); blank over an empty denominator."""
    if not denominator:
        return ""
    value = (Decimal(numerator or 0) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{formats.number_format(value, 2)}%"
