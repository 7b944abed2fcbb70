"""Rosters: people are never duplicated, memberships keep their history, all rows or none."""

import datetime

import pytest

from members.models import Membership, MembershipPeriod, MembershipStatus, Person
from tests import factories

from .helpers import member, roster, run_import, snapshot

pytestmark = pytest.mark.django_db


def test_new_members_are_created_with_their_first_period(world, tmp_path):
    data = roster(
        [
            member("Nguyễn Văn Ánh", "14/07/1995", world.doan_a1.code, cccd="087095001234", joined="26/03/2012"),
            member("Trần Thị Bé", 1998, world.doan_a1.code, gender="Nữ", status="Đi làm ăn xa", joined=2015),
        ]
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 0, output
    assert output == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    anh = Person.objects.get(cccd="087095001234")
    assert (anh.full_name, anh.birth_date, anh.name_key) == (
        "Nguyễn Văn Ánh",
        datetime.date(1995, 7, 14),
        "nguyen van anh",
    )
    assert anh.residence == world.hamlet_a1
    be = Person.objects.get(full_name="Trần Thị Bé")
    assert (be.birth_date, be.birth_year, be.gender) == (None, 1998, "female")
    membership = be.memberships.get()
    assert (membership.status, membership.joined_on, membership.branch) == (
        "away",
        datetime.date(2015, 1, 1),
        world.doan_a1,
    )
    period = membership.periods.get()
    assert (period.status, period.valid_from, period.valid_to, period.person_id) == (
        "away",
        datetime.date(2015, 1, 1),
        None,
        be.pk,
    )
    assert anh.history.get().history_user == world.staff_a


def test_reimporting_the_same_file_changes_nothing(world, tmp_path):
    data = roster(
        [
            member("Nguyễn Văn Ánh", "14/07/1995", world.doan_a1.code, cccd="087095001234"),
            member("Lê Văn Cường", 1990, world.hnd_a1.code),
        ]
    )
    assert run_import(tmp_path, "members", data, user=world.staff_a)[0] == 0
    before = snapshot()
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["unchanged"], output["created"], output["updated"]) == (0, 2, 0, 0)
    assert snapshot() == before


def test_a_person_is_matched_by_cccd_then_by_name_and_birth_in_the_commune(world, tmp_path):
    known = factories.person("Phạm Văn Dũng", 1990, cccd="087090000001", residence=world.hamlet_a1)
    nameless = factories.person("Võ Thị Em", 1992, gender="female", residence=world.hamlet_a2)
    factories.person("Võ Thị Em", 1992, gender="female", residence=world.hamlet_b1)  # another commune
    data = roster(
        [
            member("Phạm Văn Dũng", 1990, world.doan_a1.code, cccd="087090000001"),
            member("vo thi em", 1992, world.doan_a1.code, gender="Nữ"),  # no accents, same person
        ]
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 0, output
    assert Person.objects.count() == 3
    assert Membership.objects.filter(person=known).count() == 1
    assert Membership.objects.filter(person=nameless).count() == 1
    nameless.refresh_from_db()
    assert nameless.full_name == "vo thi em" or nameless.full_name == "Võ Thị Em"


@pytest.mark.parametrize("lives_in", ["hamlet_b1", None])
def test_a_person_known_by_a_membership_in_the_commune_is_matched_by_name_wherever_they_live(
    world, tmp_path, lives_in
):
    """The residence says another commune (or nothing): the membership in the commune still
    makes the person the one the row means; a namesake of another commune is not."""
    residence = getattr(world, lives_in) if lives_in else None
    member_here = factories.person("Đặng Văn Phúc", 1994, residence=residence)
    factories.membership(world.hnd_a1, person=member_here)
    factories.membership(world.doan_b1, person=factories.person("Đặng Văn Phúc", 1994))  # commune B
    data = roster([member("Đặng Văn Phúc", 1994, world.doan_a2.code)])  # hamlet a2, same commune
    code, output = run_import(tmp_path, "members", data, user=world.admin)
    assert code == 0, output
    assert Person.objects.count() == 2
    assert sorted(member_here.memberships.values_list("branch__code", flat=True)) == sorted(
        [world.hnd_a1.code, world.doan_a2.code]
    )


def test_the_same_cccd_in_two_organizations_is_one_person(world, tmp_path):
    data = roster(
        [
            member("Nguyễn Thị Hoa", "02/03/1996", world.doan_a1.code, gender="Nữ", cccd="087196000002"),
            member("Nguyễn Thị Hoa", "02/03/1996", world.hnd_a1.code, gender="Nữ", cccd="087196000002"),
        ]
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 0, output
    person = Person.objects.get()
    assert sorted(person.memberships.values_list("organization__code", flat=True)) == ["DOAN", "HND"]
    assert set(MembershipPeriod.objects.values_list("shares_person", flat=True)) == {True}


@pytest.mark.parametrize(
    ("second", "column"),
    [
        (("Nguyễn Thị Hoa", "02/03/1996", "DOAN"), "Mã chi"),  # same organization twice
        (("Nguyễn Thị Lan", "02/03/1996", "HND"), "Số CCCD"),  # another name
        (("Nguyễn Thị Hoa", "03/03/1996", "HND"), "Số CCCD"),  # another birth date
    ],
)
def test_the_same_cccd_twice_otherwise_is_refused_and_nothing_is_written(world, tmp_path, second, column):
    name, birth, org = second
    branch = world.doan_a1 if org == "DOAN" else world.hnd_a1
    data = roster(
        [
            member("Nguyễn Thị Hoa", "02/03/1996", world.doan_a1.code, gender="Nữ", cccd="087196000002"),
            member(name, birth, branch.code, gender="Nữ", cccd="087196000002"),
        ]
    )
    before = snapshot()
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 1
    assert [(error["row"], error["column"]) for error in output["errors"]] == [(3, column)]
    assert snapshot() == before


def test_a_cccd_held_outside_the_users_area_is_refused_without_naming_its_holder(world, tmp_path):
    outsider = factories.person("Đặng Văn Giàu", 1980, cccd="087080000003", residence=world.hamlet_b1)
    factories.membership(world.doan_b1, person=outsider)
    data = roster([member("Ai Đó", 1980, world.doan_a1.code, cccd="087080000003")])
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 1
    [error] = output["errors"]
    assert error["row"] == 2 and error["column"] == "Số CCCD"
    assert "Giàu" not in error["message"] and "Đặng" not in error["message"]
    assert not Person.objects.filter(full_name="Ai Đó").exists()


def test_a_status_change_closes_the_open_period_on_the_import_date(world, tmp_path):
    person = factories.person("Huỳnh Văn Khải", 1994, cccd="087094000004", residence=world.hamlet_a1)
    membership = factories.membership(world.doan_a1, person=person, joined_on=datetime.date(2015, 5, 1))
    data = roster(
        [
            member(
                "Huỳnh Văn Khải",
                1994,
                world.doan_a2.code,
                cccd="087094000004",
                joined="01/05/2015",
                status="đi làm ăn xa",
            )
        ]
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["updated"]) == (0, 1)
    membership.refresh_from_db()
    assert (membership.branch, membership.status) == (world.doan_a2, MembershipStatus.AWAY)
    today = datetime.date.today()
    periods = list(
        membership.periods.order_by("valid_from").values_list("branch_id", "status", "valid_from", "valid_to")
    )
    assert periods == [
        (world.doan_a1.pk, "present", datetime.date(2015, 5, 1), today),
        (world.doan_a2.pk, "away", today, None),
    ]


def test_a_row_for_a_branch_of_another_district_is_refused(world, tmp_path):
    data = roster([member("Mai Văn Lộc", 1990, world.doan_b1.code)])
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 1
    assert output["errors"][0]["column"] == "Mã chi"
    assert not Person.objects.exists()


def test_one_refused_row_leaves_the_database_exactly_as_before(world, tmp_path):
    factories.membership(world.doan_a1, person=factories.person("Có Sẵn", 1990, cccd="087090000009"))
    before = snapshot()
    data = roster(
        [
            member("Người Mới", 1991, world.doan_a1.code),
            member("Có Sẵn", 1990, world.doan_a1.code, cccd="087090000009", status="Bỏ sinh hoạt"),
            member("Sai Ngày", "31/02/1990", world.doan_a1.code),
        ]
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 1
    assert [(e["row"], e["column"]) for e in output["errors"]] == [(4, "Ngày sinh")]
    assert (output["created"], output["updated"]) == (1, 1)
    assert snapshot() == before


def test_dry_run_writes_nothing_and_exits_zero(world, tmp_path):
    data = roster([member("Người Mới", 1991, world.doan_a1.code)])
    code, output = run_import(tmp_path, "members", data, user=world.staff_a, dry_run=True)
    assert (code, output["created"]) == (0, 1)
    assert not Person.objects.exists()
