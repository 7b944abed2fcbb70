"""Officer and allowance-rate rules that forms and imports rely on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import Role, User
from branches.models import AllowanceRate, FundingSource, Officer, OfficerRole, SourceLevel
from members.models import Person
from tests import factories

D = datetime.date


def test_two_heads_at_once_are_refused(tree):
    branch = factories.branch(tree.hamlet_a1)
    factories.officer(branch, role=OfficerRole.HEAD, start_on=D(2020, 1, 1), end_on=D(2024, 12, 31))
    overlapping = Officer(branch=branch, person=factories.person("Trần Văn Hai"), role=OfficerRole.HEAD)
    overlapping.start_on = D(2024, 6, 1)
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    overlapping.start_on = D(2025, 1, 1)
    overlapping.full_clean()


def test_overlapping_allowance_rates_for_one_role_are_refused(db):
    source = FundingSource.objects.create(name="Nghị quyết của tỉnh", level=SourceLevel.PROVINCE)
    AllowanceRate.objects.create(
        source=source, role=OfficerRole.HEAD, amount=200_000, valid_from=D(2020, 1, 1), valid_to=D(2024, 12, 31)
    )
    with pytest.raises(ValidationError):
        AllowanceRate(source=source, role=OfficerRole.HEAD, amount=250_000, valid_from=D(2024, 7, 1)).full_clean()
    AllowanceRate(source=source, role=OfficerRole.HEAD, amount=250_000, valid_from=D(2025, 1, 1)).full_clean()
    # Another source may pay the same role at the same time: its rate adds up.
    other = FundingSource.objects.create(name="Phụ cấp bổ sung của thị xã", level=SourceLevel.DISTRICT)
    AllowanceRate(source=other, role=OfficerRole.HEAD, amount=200_000, valid_from=D(2024, 7, 1)).full_clean()


def test_the_birth_year_follows_the_birth_date_or_stands_alone(db):
    with_date = Person(full_name="Lê Văn Tám", gender="male", birth_date=D(1999, 5, 4))
    with_date.full_clean()
    assert with_date.birth_year == 1999
    Person(full_name="Lê Văn Chín", gender="male", birth_year=1980).full_clean()
    with pytest.raises(ValidationError):
        Person(full_name="Lê Văn Mười", gender="male").full_clean()


def test_createsuperuser_makes_an_administrator(db):
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.vn")
    assert User.objects.get(username="root").role == Role.ADMIN
