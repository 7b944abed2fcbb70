"""Undo: the earlier state comes back exactly, unless someone changed the imported rows since."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members import services as member_services
from members.models import Membership, MembershipPeriod, Person
from tests import factories
from workbooks import services, undo
from workbooks.models import BatchState

from .helpers import member, roster

pytestmark = pytest.mark.django_db


def state():
    return (
        sorted(Person.objects.values_list("pk", "full_name", "cccd", "phone", "occupation")),
        sorted(Membership.objects.values_list("pk", "person_id", "branch_id", "status", "note")),
        sorted(
            MembershipPeriod.objects.values_list(
                "pk", "membership_id", "branch_id", "status", "valid_from", "valid_to"
            )
        ),
    )


def imported(world, data, user):
    result = services.import_workbook(kind="members", data=data, user=user, file_name="f.xlsx")
    assert result.imported, result.errors()
    return result.batch


def test_undo_restores_the_earlier_state_exactly(world):
    person = factories.person(
        "Huỳnh Văn Khải", 1994, cccd="087094000004", phone="0900000000", residence=world.hamlet_a1
    )
    factories.membership(world.doan_a1, person=person, joined_on=datetime.date(2015, 5, 1))
    before = state()
    data = roster(
        [
            member(
                "Huỳnh Văn Khải",
                1994,
                world.doan_a2.code,
                cccd="087094000004",
                joined="01/05/2015",
                status="Bỏ sinh hoạt",
                **{"Số điện thoại": "0911111111", "Nghề nghiệp": "Thợ hồ"},
            ),
            member("Người Mới", 2000, world.doan_a1.code),
        ]
    )
    batch = imported(world, data, world.staff_a)
    assert state() != before
    undo.undo_import(batch=batch, user=world.admin)
    assert state() == before
    batch.refresh_from_db()
    assert (batch.state, batch.undone_by) == (BatchState.UNDONE, world.admin)
    assert person.history.first().history_change_reason == f"undo import #{batch.pk}"


def test_undo_is_refused_once_someone_changed_an_imported_row(world):
    batch = imported(world, roster([member("Người Mới", 2000, world.doan_a1.code)]), world.staff_a)
    membership = Membership.objects.get()
    member_services.change_membership_status(membership=membership, status="away", on=datetime.date.today())
    snapshot = state()
    with pytest.raises(ValidationError):
        undo.undo_import(batch=batch, user=world.admin)
    assert state() == snapshot


def test_undo_is_refused_when_new_data_refers_to_an_imported_person(world):
    batch = imported(world, roster([member("Người Mới", 2000, world.doan_a1.code)]), world.staff_a)
    person = Person.objects.get()
    factories.officer(world.doan_a1, who=person)
    with pytest.raises(ValidationError):
        undo.undo_import(batch=batch, user=world.admin)
    assert Person.objects.filter(pk=person.pk).exists()


def test_only_an_administrator_may_undo(world):
    batch = imported(world, roster([member("Người Mới", 2000, world.doan_a1.code)]), world.staff_a)
    with pytest.raises(PermissionDenied):
        undo.undo_import(batch=batch, user=world.staff_a)
    assert Person.objects.exists()
