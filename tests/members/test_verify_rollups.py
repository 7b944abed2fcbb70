"""``manage.py verify_rollups``: silent agreement, every difference shown, repair, bad input."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from members import rollups
from members.models import RollupCalendar, RollupDay, RollupMonth
from reports.selectors import membership_report
from tests import factories
from tests.reports.scenario import build_world

D = datetime.date


def run(*args) -> str:
    out = StringIO()
    call_command("verify_rollups", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_reports_test_scenario_agrees_with_its_history():
    build_world(factories.area_tree())
    assert RollupDay.objects.exists()
    assert run()  # no difference: no error


@pytest.mark.django_db
def test_a_wrong_count_is_shown_with_its_branch_and_date_and_repair_puts_it_right(tree):
    branch = factories.branch(tree.hamlet_a1)
    factories.membership(branch, joined_on=D(2021, 3, 10))
    month = RollupMonth.objects.filter(branch=branch).order_by("month").first()
    month.present += 5
    month.save()
    province = membership_report(area=tree.province, on=month.month)
    assert province.total["present"] == 6  # the report reads what is kept

    with pytest.raises(CommandError) as refused:
        run("--area", tree.commune_a.code)
    assert refused.value.returncode == 1
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_rollups", stdout=out)
    assert f"{branch.pk} {month.month:%d/%m/%Y}" in out.getvalue()
    assert "6" in out.getvalue() and "1" in out.getvalue()

    run("--repair")
    assert membership_report(area=tree.province, on=month.month).total["present"] == 1
    assert rollups.differences() == []


@pytest.mark.django_db
def test_another_areas_difference_is_not_reported_for_this_area(tree):
    mine, theirs = factories.branch(tree.hamlet_a1), factories.branch(tree.hamlet_b1)
    factories.membership(mine, joined_on=D(2022, 1, 5))
    factories.membership(theirs, joined_on=D(2022, 1, 5))
    RollupDay.objects.filter(branch=theirs).update(present=7)
    run("--area", tree.commune_a.code)  # no difference there: no error
    with pytest.raises(CommandError):
        run("--area", tree.commune_b.code)


@pytest.mark.django_db
def test_an_unknown_area_is_refused_and_nothing_changes(tree):
    before = list(RollupCalendar.objects.values_list("month", flat=True))
    with pytest.raises(CommandError) as refused:
        run("--area", "khong-co", "--repair")
    assert refused.value.returncode == 2
    assert list(RollupCalendar.objects.values_list("month", flat=True)) == before


@pytest.mark.django_db
def test_the_calendar_gains_the_months_up_to_this_one_with_their_checkpoints(tree):
    branch = factories.branch(tree.hamlet_a1)
    factories.membership(branch, joined_on=D(2021, 3, 10))
    last = RollupCalendar.objects.order_by("-month").values_list("month", flat=True).first()
    RollupMonth.objects.filter(month=last).delete()
    RollupCalendar.objects.filter(month=last).delete()
    assert rollups.differences() == []  # the calendar is shorter, nothing is wrong
    run()
    assert RollupCalendar.objects.filter(month=last).exists()
    assert RollupMonth.objects.get(branch=branch, month=last).present == 1
