"""A report row's cells drawn in one call (``figure_cells``) read exactly as the template's loop over
``figure`` wrote them, in Vietnamese and in English: the loop was too slow for a province's report. So do
the folded rows of each line's organizations (``organization_rows``)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from reports.columns import Kind
from reports.tables import Cell

CELLS = [
    Cell("members", Kind.COUNT, 531_467),
    Cell("rate", Kind.PERCENT, Decimal("58.64")),
    Cell("whole", Kind.PERCENT, Decimal("100.00")),
    Cell("none", Kind.PERCENT, None),
    Cell("blank", Kind.COUNT, ""),
    Cell("allowance", Kind.MONEY, 12_500_000),
    Cell("zero", Kind.COUNT, 0),
    Cell("<key>", Kind.COUNT, -3),
]

LOOP = (
    "{% load report_tags %}{% for cell in cells %}"
    '<td class="num{% if css %} {{ css }}{% endif %}" data-column="{{ cell.key }}">'
    "{{ cell.value|figure:cell.kind }}</td>"
    "{% endfor %}"
)
ONE_CALL = (
    "{% load report_tags %}{% if css %}{{ cells|figure_cells:css }}{% else %}{{ cells|figure_cells }}{% endif %}"
)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("css", ["", "text-secondary"])
def test_the_cells_read_as_the_loop_wrote_them(language, css):
    engine = engines["django"]
    with translation.override(language):
        expected = engine.from_string(LOOP).render({"cells": CELLS, "css": css})
        drawn = engine.from_string(ONE_CALL).render({"cells": CELLS, "css": css})
    assert drawn == expected
    if language == "vi":
        assert 'data-column="members">531.467</td>' in drawn
        assert ">58,64%</td>" in drawn
    assert 'data-column="&lt;key&gt;"' in drawn


ORGANIZATION_LOOP = (
    "{% load report_tags %}{% for organization, cells in organizations %}"
    '<tr class="collapse org-row" data-row="{{ code }}" data-organization="{{ organization.code }}">'
    '<td class="unit ps-4 text-secondary">{{ organization.short_name }}</td>'
    '{{ cells|figure_cells:"text-secondary" }}</tr>\n'
    "{% endfor %}"
)


@pytest.mark.parametrize("code", ["30130", "total", '<b a="1">'])
def test_the_organizations_rows_read_as_the_loop_wrote_them(code):
    organizations = [
        (SimpleNamespace(code="DOAN", short_name="Đoàn TN"), CELLS),
        (SimpleNamespace(code="HND", short_name='Hội <Nông dân> & "bạn"'), CELLS[:3]),
    ]
    engine = engines["django"]
    context = {"organizations": organizations, "code": code}
    with translation.override("vi"):
        expected = engine.from_string(ORGANIZATION_LOOP).render(context)
        drawn = engine.from_string("{% load report_tags %}{% organization_rows code organizations %}").render(context)
    assert drawn == expected
    assert drawn.count('class="collapse org-row"') == 2
    assert "Hội &lt;Nông dân&gt; &amp; &quot;bạn&quot;" in drawn
