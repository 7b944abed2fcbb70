"""The database itself refuses data that breaks the domain's rules."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from branches.models import AllowanceRate, FundingSource, OfficerRole, SourceLevel
from members.models import EndReason, Membership, TargetPopulation
from ratings.models import BranchRating, Grade
from tests import factories


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def branch(tree):
    return factories.branch(tree.hamlet_a1)


def test_duplicate_cccd_is_refused(tree):
    number = factories.cccd()
    factories.person("Nguyễn Văn Ánh", cccd=number)
    assert refused(lambda: factories.person("Trần Thị Bé", cccd=number))


def test_people_without_cccd_are_allowed(tree):
    factories.person("Nguyễn Văn Ánh")
    factories.person("Trần Thị Bé")


def test_second_rating_for_the_same_branch_and_year_is_refused(branch):
    strong = Grade.objects.get(scheme__code="DEFAULT", code="strong")
    BranchRating.objects.create(branch=branch, year=2024, grade=strong)
    assert refused(lambda: BranchRating.objects.create(branch=branch, year=2024, grade=strong))
    BranchRating.objects.create(branch=branch, year=2025, grade=strong)


def test_second_target_for_hamlet_organization_and_year_is_refused(tree):
    org = factories.organization("HND")
    TargetPopulation.objects.create(hamlet=tree.hamlet_a1, organization=org, year=2025, count=120)
    assert refused(
        lambda: TargetPopulation.objects.create(hamlet=tree.hamlet_a1, organization=org, year=2025, count=9)
    )


def test_negative_target_is_refused(tree):
    org = factories.organization("HND")
    assert refused(
        lambda: TargetPopulation.objects.create(hamlet=tree.hamlet_a1, organization=org, year=2025, count=-1)
    )


def test_two_open_memberships_of_one_organization_are_refused(branch):
    membership = factories.membership(branch)
    assert refused(
        lambda: Membership.objects.create(
            person=membership.person,
            organization=membership.organization,
            branch=branch,
            joined_on=datetime.date(2021, 1, 1),
        )
    )


def test_membership_ending_before_joining_or_without_reason_is_refused(branch):
    membership = factories.membership(branch, joined_on=datetime.date(2020, 5, 1))

    def end(on, reason):
        Membership.objects.filter(pk=membership.pk).update(ended_on=on, end_reason=reason)

    assert refused(lambda: end(datetime.date(2020, 4, 30), EndReason.RESIGNED))
    assert refused(lambda: end(datetime.date(2021, 1, 1), ""))
    end(datetime.date(2021, 1, 1), EndReason.RESIGNED)


def test_allowance_rate_period_must_be_valid(tree):
    source = FundingSource.objects.create(name="Nghị quyết của tỉnh", level=SourceLevel.PROVINCE)
    assert refused(
        lambda: AllowanceRate.objects.create(
            source=source,
            role=OfficerRole.HEAD,
            amount=200_000,
            valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2024, 12, 31),
        )
    )
    assert refused(
        lambda: AllowanceRate.objects.create(
            source=source, role=OfficerRole.HEAD, amount=-5, valid_from=datetime.date(2025, 1, 1)
        )
    )


def test_branch_dissolved_before_founding_is_refused(tree):
    assert refused(
        lambda: factories.branch(
            tree.hamlet_a1, founded_on=datetime.date(2020, 1, 1), dissolved_on=datetime.date(2019, 1, 1)
        )
    )


def test_branch_code_is_unique(tree):
    factories.branch(tree.hamlet_a1, code="CD-01")
    assert refused(lambda: factories.branch(tree.hamlet_a2, code="CD-01"))
