"""Vietnamese number formats in report tables: 531.467, 58,64%, a blank for no value."""

import functools
from decimal import Decimal
from html import escape

from django import template
from django.utils import numberformat
from django.utils.formats import get_format, localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from reports.columns import Kind

register = template.Library()


@register.filter
def figure(value, kind: str = Kind.COUNT) -> str:
    """A report figure in the active locale's format; blank when there is none (an empty denominator)."""
    if value is None or value == "":
        return ""
    text = localize(value)
    return f"{text}%" if kind == Kind.PERCENT else text


@functools.lru_cache(maxsize=65536)
def _cell(language: str, classes: str, key: str, value_type: type, value, kind: str) -> str:
    """One ``<td>``, as the template would write it; kept, since a table repeats the same figures."""
    if value is None or value == "":
        text = ""
    elif value_type in (Decimal, float, int):  # as localize() does (bool is not one of them)
        names = ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
        decimal, grouping, thousand = (get_format(name, language) for name in names)
        text = numberformat.format(value, decimal, None, grouping, thousand, use_l10n=True)
        text = f"{text}%" if kind == Kind.PERCENT else text
    else:
        text = figure(value, kind)
    # Escaped as the template escapes a string (django.utils.html.escape is html.escape).
    return f'<td class="{escape(classes)}" data-column="{escape(key)}">{escape(text)}</td>'


@register.filter
def figure_cells(cells, css: str = "") -> str:
    """A row's cells, each ``<td class="num" data-column="KEY">figure</td>``, as ``figure`` writes them:
    one call per row rather than a loop of the template per cell, and each distinct cell formatted
    once (a province's report has some ten thousand cells, most of them small counts)."""
    classes = f"num {css}".strip()
    language = get_language()
    return mark_safe(
        "".join(_cell(language, classes, str(cell.key), type(cell.value), cell.value, cell.kind) for cell in cells)
    )


@register.simple_tag
def organization_rows(code, organizations) -> str:
    """The folded rows of a line's organizations, ``<tr class="collapse org-row" …>``: one call per line
    rather than a loop of the template per row (a province's report has four hundred of them)."""
    row = str(code)
    return mark_safe(
        "".join(
            f'<tr class="collapse org-row" data-row="{escape(row)}" data-organization="{escape(str(org.code))}">'
            f'<td class="unit ps-4 text-secondary">{escape(str(org.short_name))}</td>'
            f"{figure_cells(cells, 'text-secondary')}</tr>\n"
            for org, cells in organizations
        )
    )
