"""The reports are right whatever the roll-ups' calendar holds: none at all (a flushed
database), or months that stop before the report's date."""

import datetime

import pytest

from members.models import RollupCalendar
from reports.selectors import membership_report
from reports.serializers import report_data
from tests import factories
from tests.reports.scenario import build_world

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize("kept", ["none", "until-2022"])
def test_the_membership_report_does_not_depend_on_the_calendar(kept):
    world_tree = factories.area_tree()
    build_world(world_tree)
    if kept == "none":
        RollupCalendar.objects.all().delete()
    else:
        RollupCalendar.objects.filter(month__gt=D(2022, 1, 1)).delete()
    for area in (world_tree.province, world_tree.commune_a):
        for on in (D(2019, 3, 1), D(2023, 6, 30), D(2025, 12, 31)):
            rolled = report_data(membership_report(area=area, on=on))
            assert rolled == report_data(membership_report(area=area, on=on, from_history=True))
