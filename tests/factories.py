"""Small builders for test data. They write through the models, as the app does."""

import datetime
import itertools
from types import SimpleNamespace

from accounts.models import Role, User
from areas.models import Area, AreaLevel, UnitType
from branches.models import Branch, BranchKind, Organization
from members import services as member_services
from members.models import Gender, Person

_counter = itertools.count(1)


def area(code: str, name: str, level: str, unit_type: str, parent: Area | None = None) -> Area:
    return Area.objects.create(code=code, name=name, level=level, unit_type=unit_type, parent=parent)


def area_tree() -> SimpleNamespace:
    """A province with two districts, one commune each, and one or two hamlets per commune."""
    province = area("99", "Thử Nghiệm", AreaLevel.PROVINCE, UnitType.TINH)
    district_a = area("991", "Thanh Bình", AreaLevel.DISTRICT, UnitType.HUYEN, province)
    district_b = area("992", "Lấp Vò", AreaLevel.DISTRICT, UnitType.HUYEN, province)
    commune_a = area("99101", "Tân Mỹ", AreaLevel.COMMUNE, UnitType.XA, district_a)
    commune_b = area("99201", "Bình Thành", AreaLevel.COMMUNE, UnitType.XA, district_b)
    hamlet_a1 = area("99101-01", "Tân Phú", AreaLevel.HAMLET, UnitType.AP, commune_a)
    hamlet_a2 = area("99101-02", "Tân Thạnh", AreaLevel.HAMLET, UnitType.AP, commune_a)
    hamlet_b1 = area("99201-01", "Bình Hòa", AreaLevel.HAMLET, UnitType.AP, commune_b)
    return SimpleNamespace(
        province=province,
        district_a=district_a,
        district_b=district_b,
        commune_a=commune_a,
        commune_b=commune_b,
        hamlet_a1=hamlet_a1,
        hamlet_a2=hamlet_a2,
        hamlet_b1=hamlet_b1,
    )


def organization(code: str = "DOAN") -> Organization:
    return Organization.objects.get(code=code)


def branch(hamlet: Area, org_code: str = "DOAN", code: str | None = None, **fields) -> Branch:
    org = organization(org_code)
    code = code or f"{hamlet.code}-{org_code}"
    return Branch.objects.create(
        organization=org,
        area=hamlet,
        code=code,
        name=fields.pop("name", f"{org.branch_word.capitalize()} {hamlet.full_name}"),
        kind=fields.pop("kind", BranchKind.RESIDENTIAL),
        founded_on=fields.pop("founded_on", datetime.date(2000, 1, 1)),
        **fields,
    )


def person(full_name: str = "Nguyễn Văn Ánh", birth_year: int = 2000, **fields) -> Person:
    fields.setdefault("gender", Gender.MALE)
    return Person.objects.create(full_name=full_name, birth_year=birth_year, **fields)


def cccd() -> str:
    return f"{87_000_000_000 + next(_counter):012d}"


def membership(branch: Branch, joined_on: datetime.date = datetime.date(2020, 1, 1), **fields):
    who = fields.pop("person", None) or person()
    return member_services.create_membership(person=who, branch=branch, joined_on=joined_on, **fields)


def user(role: str, area: Area | None, username: str | None = None, password: str = "mat-khau-thu-nghiem") -> User:
    username = username or f"{role}-{next(_counter)}"
    return User.objects.create_user(
        username=username, password=password, role=role, area=area, is_staff=True, is_superuser=False
    )


def admin_user() -> User:
    return user(Role.ADMIN, None, username="quantri")


# --- Officers, targets, ratings and meetings (added for the admin tests) ---------------


def officer(branch: Branch, who: Person | None = None, role: str = "head", **fields):
    from branches.models import Officer

    return Officer.objects.create(
        branch=branch,
        person=who or person(),
        role=role,
        start_on=fields.pop("start_on", datetime.date(2020, 1, 1)),
        **fields,
    )


def target_population(hamlet: Area, org_code: str = "DOAN", year: int = 2024, count: int = 100):
    from members.models import TargetPopulation

    return TargetPopulation.objects.create(hamlet=hamlet, organization=organization(org_code), year=year, count=count)


def rating(branch: Branch, year: int = 2024, grade_code: str = "strong", state: str = "draft", **fields):
    from django.utils import timezone

    from ratings.models import BranchRating, Grade, RatingState, SchemeAssignment

    scheme_id = SchemeAssignment.objects.for_year(branch.organization_id, year).scheme_id
    if state == RatingState.APPROVED:
        fields.setdefault("approved_at", timezone.now())
    return BranchRating.objects.create(
        branch=branch,
        year=year,
        grade=Grade.objects.get(scheme_id=scheme_id, code=grade_code),
        state=state,
        **fields,
    )


def meeting(branch: Branch, held_on: datetime.date = datetime.date(2024, 3, 10), present: int = 8, on_roll: int = 10):
    from meetings.models import Meeting

    return Meeting.objects.create(branch=branch, held_on=held_on, members_present=present, members_on_roll=on_roll)


def cadre_visit(of_meeting, cadre_name: str = "Trần Văn Cán", level: str = "district", **fields):
    from meetings.models import CadreVisit

    return CadreVisit.objects.create(meeting=of_meeting, cadre_name=cadre_name, level=level, **fields)


def second_province() -> SimpleNamespace:
    """Another province beside ``area_tree``'s: one district with two sibling communes, a hamlet each."""
    province = area("97", "Thử Nghiệm Hai", AreaLevel.PROVINCE, UnitType.TINH)
    district = area("971", "Phú Quý", AreaLevel.DISTRICT, UnitType.HUYEN, province)
    commune_1 = area("97101", "Phú Một", AreaLevel.COMMUNE, UnitType.XA, district)
    commune_2 = area("97102", "Phú Hai", AreaLevel.COMMUNE, UnitType.XA, district)
    hamlet_1 = area("97101-01", "Một Đông", AreaLevel.HAMLET, UnitType.AP, commune_1)
    hamlet_2 = area("97102-01", "Hai Tây", AreaLevel.HAMLET, UnitType.AP, commune_2)
    return SimpleNamespace(
        province=province,
        district=district,
        commune_1=commune_1,
        commune_2=commune_2,
        hamlet_1=hamlet_1,
        hamlet_2=hamlet_2,
    )
