"""The roll-ups after the writers the property test does not draw: a real import and its
undo, and the 2025 reform (reports in the old units, in the new, and recast) — every
membership figure from the roll-ups equals the one counted from the periods."""

import datetime

import pytest

from areas.models import Area
from members import rollups
from members.models import Membership, RollupDay
from reports.selectors import membership_report
from reports.serializers import report_data
from tests import factories
from tests.areas import reform_world
from tests.workbooks.helpers import member, roster
from workbooks import services, undo

D = datetime.date
DATES = [D(2014, 12, 31), D(2015, 5, 1), D(2025, 6, 30), D(2025, 7, 1), D(2025, 12, 31), datetime.date.today()]


def same_from_both(areas, *, units_on=None) -> None:
    for area in areas:
        for on in DATES:
            rolled = report_data(membership_report(area=area, on=on, units_on=units_on))
            counted = report_data(membership_report(area=area, on=on, units_on=units_on, from_history=True))
            assert rolled == counted, (area.code, on, units_on)


def crowd(count: int, doan, hnd) -> list[list]:
    """``count`` new people, every tenth in both organizations: on PostgreSQL enough rows
    for the triggers' bulk statements (core.triggers.BULK_ROWS)."""
    given = ["An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Khoa", "Linh", "Minh", "Nga"]
    rows = []
    for i in range(count):
        year = 1990 + i % 10
        person = (f"Phạm {given[i % 10]}", year)
        cccd = f"0870{year % 100:02d}{i + 100:06d}"
        rows.append(member(*person, doan.code if i % 2 else hnd.code, cccd=cccd, joined=f"01/0{1 + i % 9}/2019"))
        if i % 10 == 0:
            rows.append(member(*person, hnd.code if i % 2 else doan.code, cccd=cccd, joined="15/06/2023"))
    return rows


@pytest.mark.parametrize("more", [0, 60], ids=["few rows", "bulk statements"])
@pytest.mark.django_db
def test_an_import_and_its_undo_keep_the_rollups_equal_to_the_history(tree, more):
    doan, hnd = factories.branch(tree.hamlet_a1, "DOAN"), factories.branch(tree.hamlet_b1, "HND")
    admin = factories.admin_user()
    staff = admin
    known = factories.person("Huỳnh Văn Khải", 1994, cccd="087094000004")
    factories.membership(doan, person=known, joined_on=D(2015, 5, 1))
    data = roster(
        [
            # Known: joins the association too and stops attending; new people, one in both.
            member("Huỳnh Văn Khải", 1994, hnd.code, cccd="087094000004", joined="01/05/2015"),
            member("Huỳnh Văn Khải", 1994, doan.code, cccd="087094000004", joined="01/05/2015", status="Bỏ sinh hoạt"),
            member("Lê Thị Mai", 1999, doan.code, cccd="087199000011", joined="03/02/2014"),
            member("Lê Thị Mai", 1999, hnd.code, cccd="087199000011", joined="09/09/2021"),
            member("Trần Văn Tư", 2001, hnd.code, joined="15/07/2025"),
            *crowd(more, doan, hnd),
        ]
    )
    result = services.import_workbook(kind="members", data=data, user=staff, file_name="f.xlsx")
    assert result.imported, result.errors()
    assert Membership.objects.count() == 5 + more + more // 10
    same_from_both([tree.province, tree.district_a, tree.commune_a, tree.hamlet_b1])
    assert rollups.differences() == []

    undo.undo_import(batch=result.batch, user=admin)
    assert Membership.objects.count() == 1
    same_from_both([tree.province, tree.district_a, tree.hamlet_b1])
    assert rollups.differences() == []


@pytest.mark.django_db
def test_the_reform_leaves_the_rollups_equal_to_the_history_in_old_and_new_units():
    reform_world.build()
    reform_world.reform()
    assert RollupDay.objects.exists()
    old = [Area.objects.get(code="87", structure="pre2025"), reform_world.old_area("874")]
    new = [Area.objects.get(code="82", structure="2025"), reform_world.new_area("30154")]
    same_from_both(old)
    same_from_both(new)
    same_from_both(old, units_on=datetime.date.today())
    assert rollups.differences() == []
