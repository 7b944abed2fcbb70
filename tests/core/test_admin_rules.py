"""The admin applies the pages' rules (SPEC section 4): what a page refuses, the admin refuses too.

Each forbidden change is POSTed through the admin's change view, as a browser would send
it, and must be refused and change nothing:

- ratings: district and commune staff enter drafts and submit them; once submitted, only an
  approver sends a rating back or approves it, and an approved rating is locked
  (``ratings.services.may_change``);
- branches: a branch with members keeps its organization (``branches.services``);
- areas: staff change hamlets only; provinces, districts and communes are official units
  (``load_areas``), which only an administrator may correct.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role
from areas.models import Area, AreaLevel, UnitType
from branches.models import Branch
from ratings import services as rating_services
from ratings.models import BranchRating, RatingState
from tests import factories


@pytest.fixture
def district_a(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


@pytest.fixture
def commune_a(tree):
    return factories.user(Role.COMMUNE, tree.commune_a, username="xa-a")


@pytest.fixture
def admin(db):
    return factories.admin_user()


@pytest.fixture(params=["district", "commune"])
def staff(request, district_a, commune_a):
    """District staff and commune staff: the same rules."""
    return {"district": district_a, "commune": commune_a}[request.param]


@pytest.fixture
def branch_a(tree):
    return factories.branch(tree.hamlet_a1, code="CD-A1", name="Chi đoàn Alpha")


def in_english(client, user):
    """Logged in, the pages in English, so that messages compare with their msgids."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def snapshot(obj, *fields):
    fresh = type(obj).objects.get(pk=obj.pk)
    return {name: getattr(fresh, name) for name in fields}


# ---------------------------------------------------------------------------
# Ratings

RATING_FIELDS = ("grade_id", "score", "note", "state", "submitted_at", "review_comment", "version")


def rating_data(rating, **changes) -> dict:
    data = {
        "branch": rating.branch_id,
        "year": rating.year,
        "grade": rating.grade_id,
        "score": "" if rating.score is None else str(rating.score),
        "note": rating.note,
        "state": rating.state,
        "review_comment": rating.review_comment,
    }
    return {**data, **changes}


@pytest.fixture
def submitted(branch_a, district_a):
    rating = factories.rating(branch_a, 2024, "good", score=Decimal("70"))
    return rating_services.submit_rating(rating=rating, user=district_a)


def weak(rating) -> int:
    return rating.grade.scheme.grades.get(code="weak").pk


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(lambda r: {"grade": weak(r), "score": "12"}, id="grade-and-score"),
        pytest.param(lambda r: {"note": "sửa sau khi nộp"}, id="note"),
        pytest.param(lambda r: {"state": RatingState.DRAFT}, id="withdraw-to-draft"),
    ],
)
def test_staff_cannot_change_a_submitted_rating(client, staff, submitted, changes):
    before = snapshot(submitted, *RATING_FIELDS)
    client.force_login(staff)

    response = client.post(change_url(submitted), rating_data(submitted, **changes(submitted)))

    assert (response.status_code, snapshot(submitted, *RATING_FIELDS)) == (403, before)
    form_page = client.get(change_url(submitted))
    assert (form_page.status_code, form_page.context["has_change_permission"]) == (200, False)  # read-only


def test_staff_cannot_delete_a_submitted_rating(client, staff, submitted):
    client.force_login(staff)
    delete_url = reverse("admin:ratings_branchrating_delete", args=[submitted.pk])

    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:ratings_branchrating_changelist"),
        {"action": "delete_selected", "_selected_action": [submitted.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert BranchRating.objects.filter(pk=submitted.pk).exists()


def test_staff_still_change_and_submit_a_draft(client, staff, branch_a):
    draft = factories.rating(branch_a, 2024, "good")
    client.force_login(staff)

    response = client.post(change_url(draft), rating_data(draft, grade=weak(draft), score="12.5"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.grade.code, draft.score, draft.state) == ("weak", Decimal("12.5"), RatingState.DRAFT)

    response = client.post(change_url(draft), rating_data(draft, state=RatingState.SUBMITTED))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == RatingState.SUBMITTED and draft.submitted_at is not None


def test_an_administrator_sends_a_submitted_rating_back(client, admin, submitted):
    client.force_login(admin)

    response = client.post(
        change_url(submitted), rating_data(submitted, state=RatingState.DRAFT, review_comment="Thiếu điểm")
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.submitted_at, submitted.review_comment) == (
        RatingState.DRAFT,
        None,
        "Thiếu điểm",
    )


def test_the_admins_state_field_does_not_let_staff_withdraw_a_submission(submitted, district_a, tree):
    """The service the admin's state field goes through: only an approver sends a rating back."""
    commune_staff = factories.user(Role.COMMUNE, tree.commune_a)
    for user in (district_a, commune_staff):
        with pytest.raises(PermissionDenied):
            rating_services.move_to_state(rating=submitted, state=RatingState.DRAFT, user=user)
    submitted.refresh_from_db()
    assert submitted.state == RatingState.SUBMITTED


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        (RatingState.DRAFT, Role.DISTRICT, True),
        (RatingState.DRAFT, Role.COMMUNE, True),
        (RatingState.DRAFT, Role.PROVINCE, False),
        (RatingState.SUBMITTED, Role.DISTRICT, False),
        (RatingState.SUBMITTED, Role.COMMUNE, False),
        (RatingState.SUBMITTED, Role.PROVINCE, False),
        (RatingState.APPROVED, Role.DISTRICT, False),
        (RatingState.APPROVED, Role.PROVINCE, False),
        (RatingState.DRAFT, Role.ADMIN, True),
        (RatingState.SUBMITTED, Role.ADMIN, True),
        (RatingState.APPROVED, Role.ADMIN, True),
    ],
)
def test_who_may_change_a_rating(tree, branch_a, state, role, expected):
    area = {Role.DISTRICT: tree.district_a, Role.COMMUNE: tree.commune_a, Role.PROVINCE: tree.province}.get(role)
    rating = factories.rating(branch_a, 2024, state=state)
    assert rating_services.may_change(rating=rating, user=factories.user(role, area)) is expected


# ---------------------------------------------------------------------------
# Branches

BRANCH_FIELDS = ("organization_id", "area_id", "name", "code", "kind", "founded_on", "dissolved_on", "version")


def branch_data(branch, **changes) -> dict:
    data = {
        "organization": branch.organization_id,
        "area": branch.area_id,
        "kind": branch.kind,
        "name": branch.name,
        "code": branch.code,
        "founded_on": branch.founded_on.strftime("%d/%m/%Y") if branch.founded_on else "",
        "dissolved_on": branch.dissolved_on.strftime("%d/%m/%Y") if branch.dissolved_on else "",
        "officers-TOTAL_FORMS": "0",
        "officers-INITIAL_FORMS": "0",
        "officers-MIN_NUM_FORMS": "0",
        "officers-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


@pytest.mark.parametrize("who", ["district", "commune", "administrator"])
def test_a_branch_with_members_keeps_its_organization(client, district_a, commune_a, admin, branch_a, who):
    """The rule is the data's, not a role's: the members' memberships are of the organization."""
    factories.membership(branch_a, person=factories.person("Nguyễn Văn Ánh", residence=branch_a.area))
    before = snapshot(branch_a, *BRANCH_FIELDS)
    user = {"district": district_a, "commune": commune_a, "administrator": admin}[who]

    response = in_english(client, user).post(
        change_url(branch_a), branch_data(branch_a, organization=factories.organization("HND").pk, name="Đổi tên")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    with translation.override("en"):
        assert errors["organization"] == [gettext("A branch with members cannot move to another organization.")]
    assert snapshot(branch_a, *BRANCH_FIELDS) == before


def test_a_branch_without_members_may_change_organization_and_one_with_members_its_name(client, district_a, tree):
    empty = factories.branch(tree.hamlet_a1, code="CD-TRONG")
    full = factories.branch(tree.hamlet_a2, code="CD-DAY")
    factories.membership(full)
    client.force_login(district_a)

    response = client.post(change_url(empty), branch_data(empty, organization=factories.organization("HND").pk))
    assert response.status_code == 302
    assert Branch.objects.get(pk=empty.pk).organization.code == "HND"

    response = client.post(change_url(full), branch_data(full, name="Chi đoàn Đầy"))
    assert response.status_code == 302
    assert Branch.objects.get(pk=full.pk).name == "Chi đoàn Đầy"


# ---------------------------------------------------------------------------
# Areas

AREA_FIELDS = ("name", "unit_type", "code", "parent_id", "level", "structure", "path", "version")


def area_data(area, **changes) -> dict:
    return {"name": area.name, "unit_type": area.unit_type, **changes}


@pytest.fixture
def official_commune(tree):
    """A commune as load_areas writes it: with its structure."""
    commune = tree.commune_a
    commune.structure = "pre2025"
    commune.save()
    return commune


@pytest.fixture
def ended_commune(tree):
    """Commune B as a reorganisation leaves it: ended, everything it held now in commune A.

    Its past belongs to the users of commune A's district (``Area.scope_q``), who see it.
    """
    Area.objects.filter(pk=tree.commune_b.pk).update(
        structure="pre2025", valid_to=datetime.date(2025, 7, 1), successor_path=tree.commune_a.path
    )
    return Area.objects.get(pk=tree.commune_b.pk)


@pytest.mark.parametrize(
    ("unit", "who"),
    [
        ("official_commune", "district"),
        ("plain_commune", "district"),  # a commune whatever its structure field says
        ("ended_commune", "district"),
        ("ended_commune", "commune"),
    ],
)
def test_staff_cannot_rename_official_units(client, request, tree, district_a, commune_a, unit, who):
    obj = tree.commune_a if unit == "plain_commune" else request.getfixturevalue(unit)
    before = snapshot(obj, *AREA_FIELDS)
    client.force_login({"district": district_a, "commune": commune_a}[who])

    response = client.post(change_url(obj), area_data(obj, name="Đổi Tên", unit_type=UnitType.PHUONG))

    assert (response.status_code, snapshot(obj, *AREA_FIELDS)) == (403, before)
    page = client.get(change_url(obj))
    assert (page.status_code, page.context["has_change_permission"]) == (200, False)  # read-only


def test_no_staff_account_may_change_a_province(tree, district_a, admin):
    """No staff account sees a province (it lies above them); the rule holds even so."""
    from django.contrib import admin as django_admin

    area_admin = django_admin.site.get_model_admin(Area)
    for user in (district_a, factories.user(Role.COMMUNE, tree.commune_a)):
        request = SimpleNamespace(user=user)
        assert area_admin.has_change_permission(request, tree.province) is False
        assert area_admin.has_delete_permission(request, tree.province) is False
    assert area_admin.has_change_permission(SimpleNamespace(user=admin), tree.province) is True


def test_staff_see_an_official_commune_read_only_and_cannot_delete_it(client, tree, district_a):
    empty = factories.area("99102", "Trống", AreaLevel.COMMUNE, UnitType.XA, tree.district_a)
    client.force_login(district_a)

    page = client.get(change_url(empty))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert client.post(reverse("admin:areas_area_delete", args=[empty.pk]), {"post": "yes"}).status_code == 403
    assert Area.objects.filter(pk=empty.pk).exists()


def test_staff_add_only_hamlets(client, tree, district_a):
    client.force_login(district_a)
    data = {"parent": tree.district_a.pk, "level": AreaLevel.COMMUNE, "unit_type": UnitType.XA, "name": "Mới"}

    response = client.post(reverse("admin:areas_area_add"), {**data, "code": "99109"})

    assert response.status_code == 200
    assert "level" in response.context["adminform"].form.errors
    assert not Area.objects.filter(code="99109").exists()


def test_staff_still_rename_a_hamlet(client, tree, district_a, commune_a):
    for user, name in ((district_a, "Tân Phú Mới"), (commune_a, "Tân Phú Hai")):
        client.force_login(user)
        response = client.post(change_url(tree.hamlet_a1), area_data(tree.hamlet_a1, name=name))
        assert response.status_code == 302
        assert Area.objects.get(pk=tree.hamlet_a1.pk).name == name


def test_an_administrator_corrects_an_official_units_name(client, admin, official_commune):
    """Administrators may do everything (SPEC section 4); the code, level and parent stay fixed."""
    before = snapshot(official_commune, "code", "parent_id", "level", "structure", "path")
    client.force_login(admin)

    response = client.post(change_url(official_commune), area_data(official_commune, name="Tân Mỹ Mới"))

    assert response.status_code == 302
    assert Area.objects.get(pk=official_commune.pk).name == "Tân Mỹ Mới"
    assert snapshot(official_commune, "code", "parent_id", "level", "structure", "path") == before
