"""Confirming a previewed import: the kept writes when nothing changed, a fresh check when something did."""

import datetime

import pytest
from django.utils import timezone

from members import services as member_services
from members.models import Membership, MembershipPeriod, MembershipStatus, Person
from tests import factories
from workbooks import services, undo
from workbooks.models import BatchState

from .helpers import fill, member, roster, run_import, snapshot

pytestmark = pytest.mark.django_db


def previewed(world, data, user=None):
    batch = services.create_batch(kind="members", user=user or world.staff_a, file_name="danh-sach.xlsx", data=data)
    batch = services.preview_batch(batch=batch)
    assert batch.state == BatchState.PREVIEWED and not batch.refused_count
    return batch


def confirm(batch, user):
    return services.confirm_batch(batch=batch, user=user)


@pytest.fixture
def forbid_planning(monkeypatch):
    """Call it after the preview: the test fails if the rows are checked against the database again."""

    def plan_rows(**kwargs):
        raise AssertionError("the rows were planned a second time")

    return lambda: monkeypatch.setattr(services, "plan_rows", plan_rows)


def test_unchanged_data_gets_exactly_the_writes_the_preview_planned(world, forbid_planning):
    """New people and memberships, a transfer, a second organization: all from the kept plan."""
    moving = factories.membership(
        world.doan_a1,
        person=factories.person("Huỳnh Văn Khải", 1994, cccd="087094000004"),
        joined_on=datetime.date(2015, 5, 1),
    )
    joining = factories.membership(world.doan_a1, person=factories.person("Lý Thị Hoa", 1996, cccd="087096000006"))
    data = roster(
        [
            member("Nguyễn Văn Ánh", "14/07/1995", world.doan_a1.code, cccd="087095001234", joined="26/03/2012"),
            member("Nguyễn Văn Ánh", "14/07/1995", world.hnd_a1.code, cccd="087095001234", joined="02/02/2020"),
            member("Huỳnh Văn Khải", 1994, world.doan_a2.code, cccd="087094000004", joined="01/05/2015"),
            member("Lý Thị Hoa", 1996, world.hnd_a1.code, cccd="087096000006", gender="Nữ", joined="03/03/2021"),
        ]
    )
    batch = previewed(world, data)
    assert batch.counts == {"created": 3, "updated": 1, "unchanged": 0, "refused": 0}
    forbid_planning()
    batch = confirm(batch, world.staff_a)
    assert batch.state == BatchState.IMPORTED

    anh = Person.objects.get(cccd="087095001234")
    assert sorted(anh.memberships.values_list("branch_id", "joined_on")) == sorted(
        [(world.doan_a1.pk, datetime.date(2012, 3, 26)), (world.hnd_a1.pk, datetime.date(2020, 2, 2))]
    )
    # Each new period belongs to its own new membership and person; a person in two
    # organizations shares their periods.
    assert sorted(
        MembershipPeriod.objects.filter(person=anh).values_list("membership__person_id", "shares_person")
    ) == [
        (anh.pk, True),
        (anh.pk, True),
    ]
    moving.refresh_from_db()
    today = timezone.localdate()
    assert (moving.branch, moving.version) == (world.doan_a2, 2)
    assert list(moving.periods.order_by("valid_from").values_list("branch_id", "valid_to")) == [
        (world.doan_a1.pk, today),
        (world.doan_a2.pk, None),
    ]
    # Hoa joins a second organization: her earlier period now counts her once among two.
    assert set(MembershipPeriod.objects.filter(person=joining.person).values_list("shares_person", flat=True)) == {
        True
    }
    assert anh.history.get().history_user == world.staff_a

    undo.undo_import(batch=batch, user=world.admin)
    assert not Person.objects.filter(cccd="087095001234").exists()
    moving.refresh_from_db()
    assert moving.branch == world.doan_a1


def test_a_person_recorded_meanwhile_is_found_not_duplicated(world):
    batch = previewed(world, roster([member("Võ Thị Em", 1992, world.doan_a1.code, gender="Nữ")]))
    # Between the preview and the confirmation someone records her by hand, in the same hamlet.
    em = member_services.create_person(
        full_name="Võ Thị Em", birth_year=1992, gender="female", residence=world.hamlet_a1
    )
    confirm(batch, world.staff_a)
    assert Person.objects.filter(name_key="vo thi em").count() == 1
    assert em.memberships.get().branch == world.doan_a1


def test_a_change_that_alters_what_the_preview_showed_stops_the_import(world):
    person = factories.person("Huỳnh Văn Khải", 1994, cccd="087094000004")
    membership = factories.membership(world.doan_a1, person=person, joined_on=datetime.date(2015, 5, 1))
    data = roster(
        [
            member(
                "Huỳnh Văn Khải",
                1994,
                world.doan_a1.code,
                cccd="087094000004",
                joined="01/05/2015",
                status="Đi làm ăn xa",
            )
        ]
    )
    batch = previewed(world, data)
    # Meanwhile the member moves to another branch: the preview's "Đoàn A1 → away" no longer holds.
    member_services.transfer_membership(membership=membership, to_branch=world.doan_a2, on=timezone.localdate())
    before = snapshot()
    with pytest.raises(services.StalePreview, match="changed since the preview"):
        confirm(batch, world.staff_a)
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.state == BatchState.PREVIEWED


def test_an_edit_made_meanwhile_is_kept_and_stays_visible_to_forms(world):
    person = factories.person("Lê Văn Cường", 1990, cccd="087090000007", phone="0901000000")
    factories.membership(world.doan_a1, person=person)
    data = roster(
        [member("Lê Văn Cường", 1990, world.doan_a1.code, cccd="087090000007", **{"Số điện thoại": "0902000000"})]
    )
    batch = previewed(world, data)
    member_services.update_person(person=person, expected_version=person.version, note="Chuyển nhà sang ấp 2")
    edited_version = Person.objects.get(pk=person.pk).version
    confirm(batch, world.staff_a)
    person.refresh_from_db()
    assert (person.phone, person.note) == ("0902000000", "Chuyển nhà sang ấp 2")
    # A form opened after the hand edit must see that the import changed the person since.
    assert person.version > edited_version


def test_confirmed_on_a_later_day_the_changes_are_dated_that_day(world, monkeypatch):
    membership = factories.membership(
        world.doan_a1,
        person=factories.person("Phan Văn Tâm", 1993, cccd="087093000003"),
        joined_on=datetime.date(2016, 1, 1),
    )
    data = roster(
        [
            member(
                "Phan Văn Tâm",
                1993,
                world.doan_a1.code,
                cccd="087093000003",
                joined="01/01/2016",
                status="Bỏ sinh hoạt",
            )
        ]
    )
    batch = previewed(world, data)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    confirm(batch, world.staff_a)
    membership = Membership.objects.get(pk=membership.pk)
    assert membership.status == MembershipStatus.STOPPED
    assert list(membership.periods.order_by("valid_from").values_list("valid_from", "valid_to")) == [
        (datetime.date(2016, 1, 1), tomorrow),
        (tomorrow, None),
    ]


def other_kinds(world):
    """A workbook of each other kind that creates rows and changes one already there."""
    factories.person("Trần Văn Bí", 1990, cccd="087090000010", residence=world.hamlet_a1)
    return {
        "areas": [["99101", "99101-03", "Tân Hòa", "Ấp"], ["99101", world.hamlet_a1.code, "Ấp Mới Đổi Tên", "Ấp"]],
        "branches": [
            ["99101-NN", "Chi hội nuôi cá", "HND", "99101", "Nghề nghiệp", 2019],
            [world.doan_a1.code, "Chi đoàn đổi tên", "Đoàn Thanh niên", world.hamlet_a1.code, "Dân cư", ""],
        ],
        "targets": [["99101-01", "Đoàn Thanh niên", 2024, 250], ["99101-02", "HND", "2024", "1.200"]],
        "ratings": [[world.doan_a1.code, 2024, "Vững mạnh", "92,5", ""], [world.hnd_a1.code, 2024, "khá", "", ""]],
        "officers": [[world.doan_a1.code, "Trần Văn Bí", "087090000010", "Bí thư", "01/09/2022", ""]],
    }


@pytest.mark.parametrize("kind", ["areas", "branches", "targets", "ratings", "officers"])
def test_each_kind_confirmed_from_the_kept_plan_then_reimports_unchanged(
    world, kind, forbid_planning, monkeypatch, tmp_path
):
    data = fill(kind, other_kinds(world)[kind])
    batch = services.create_batch(kind=kind, user=world.staff_a, file_name="f.xlsx", data=data)
    batch = services.preview_batch(batch=batch)
    assert batch.refused_count == 0 and batch.created_count + batch.updated_count == batch.total_rows
    forbid_planning()
    assert services.confirm_batch(batch=batch, user=world.staff_a).state == BatchState.IMPORTED
    monkeypatch.undo()
    # What was written is what the file says: read and checked afresh, every row is unchanged.
    code, output = run_import(tmp_path, kind, data, user=world.staff_a)
    assert (code, output["unchanged"]) == (0, batch.total_rows), output
