"""The admin is scoped: a user sees and changes only what lies in their area (SPEC sections 4, 5, 10)."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from areas.models import Area, AreaLevel, UnitType
from branches.models import AllowanceRate, Branch, FundingSource, Officer, Organization
from meetings.models import CadreVisit, Meeting
from members.models import Membership, MembershipPeriod, Person, TargetPopulation
from ratings.models import BranchRating, Grade, RatingScheme, RatingState, SchemeAssignment
from tests import factories

# ---------------------------------------------------------------------------
# Data: the same objects in district A (Thanh Bình) and district B (Lấp Vò)


@pytest.fixture
def world(tree):
    branch_a = factories.branch(tree.hamlet_a1, code="CD-A1", name="Chi đoàn Alpha")
    branch_b = factories.branch(tree.hamlet_b1, code="CD-B1", name="Chi đoàn Beta")
    anh = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1, cccd=factories.cccd(), phone="0912345678")
    hoa = factories.person("Đặng Thị Hoa", gender="female", residence=tree.hamlet_a2)
    be = factories.person("Lê Văn Bê", residence=tree.hamlet_b1, cccd=factories.cccd())
    meeting_a = factories.meeting(branch_a)
    meeting_b = factories.meeting(branch_b)
    return SimpleNamespace(
        tree=tree,
        branch_a=branch_a,
        branch_b=branch_b,
        anh=anh,
        hoa=hoa,
        be=be,
        membership_a=factories.membership(branch_a, person=anh),
        membership_b=factories.membership(branch_b, person=be),
        officer_a=factories.officer(branch_a, anh),
        officer_b=factories.officer(branch_b, be),
        target_a=factories.target_population(tree.hamlet_a1, count=111),
        target_b=factories.target_population(tree.hamlet_b1, count=222),
        rating_a=factories.rating(branch_a),
        rating_b=factories.rating(branch_b),
        meeting_a=meeting_a,
        meeting_b=meeting_b,
        visit_a=factories.cadre_visit(meeting_a, "Cán bộ Alpha"),
        visit_b=factories.cadre_visit(meeting_b, "Cán bộ Beta"),
    )


@pytest.fixture
def district_a(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


@pytest.fixture
def province_user(tree):
    return factories.user(Role.PROVINCE, tree.province, username="tinh")


@pytest.fixture
def admin(db):
    return factories.admin_user()


def login(client, user):
    client.force_login(user)
    return client


def url(obj_or_model, view="changelist", *args):
    opts = obj_or_model._meta
    if view in ("change", "delete", "history", "simple_history"):
        args = (obj_or_model.pk, *args)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# For each scoped admin: (model, attribute of the A object, of the B object, marker of A, marker of B,
# how many objects district A sees).
SCOPED = [
    (Area, "tree.hamlet_a1", "tree.hamlet_b1", "Tân Phú", "Bình Hòa", 4),
    (Branch, "branch_a", "branch_b", "CD-A1", "CD-B1", 1),
    (Officer, "officer_a", "officer_b", "Chi đoàn Alpha", "Chi đoàn Beta", 1),
    (Person, "anh", "be", "Nguyễn Văn Ánh", "Lê Văn Bê", 2),
    (Membership, "membership_a", "membership_b", "Chi đoàn Alpha", "Chi đoàn Beta", 1),
    (TargetPopulation, "target_a", "target_b", "Tân Phú", "Bình Hòa", 1),
    (BranchRating, "rating_a", "rating_b", "Chi đoàn Alpha", "Chi đoàn Beta", 1),
    (Meeting, "meeting_a", "meeting_b", "Chi đoàn Alpha", "Chi đoàn Beta", 1),
    (CadreVisit, "visit_a", "visit_b", "Cán bộ Alpha", "Cán bộ Beta", 1),
]
SCOPED_IDS = [model._meta.model_name for model, *_ in SCOPED]


def attr(world, dotted):
    obj = world
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


# ---------------------------------------------------------------------------
# Changelists


@pytest.mark.parametrize(("model", "a", "b", "marker_a", "marker_b", "count_a"), SCOPED, ids=SCOPED_IDS)
def test_district_user_sees_only_own_district(client, world, district_a, model, a, b, marker_a, marker_b, count_a):
    response = login(client, district_a).get(url(model))

    assert response.status_code == 200
    content = response.content.decode()
    assert marker_a in content
    assert marker_b not in content
    assert response.context["cl"].result_count == count_a
    assert attr(world, b) not in response.context["cl"].result_list


@pytest.mark.parametrize(("model", "a", "b", "marker_a", "marker_b", "count_a"), SCOPED, ids=SCOPED_IDS)
def test_provincial_officer_sees_both_districts(
    client, world, province_user, model, a, b, marker_a, marker_b, count_a
):
    response = login(client, province_user).get(url(model))

    assert response.status_code == 200
    content = response.content.decode()
    assert marker_a in content
    assert marker_b in content
    assert response.context["cl"].result_count == model.objects.count()


@pytest.mark.parametrize(("model", "a", "b", "marker_a", "marker_b", "count_a"), SCOPED, ids=SCOPED_IDS)
def test_administrator_sees_everything(client, world, admin, model, a, b, marker_a, marker_b, count_a):
    response = login(client, admin).get(url(model))

    assert response.status_code == 200
    assert marker_a in response.content.decode()
    assert marker_b in response.content.decode()
    assert response.context["cl"].result_count == model.objects.count()


# ---------------------------------------------------------------------------
# Objects outside the scope answer 404


@pytest.mark.parametrize(("model", "a", "b", "marker_a", "marker_b", "count_a"), SCOPED, ids=SCOPED_IDS)
def test_pages_of_other_district_answer_404(client, world, district_a, model, a, b, marker_a, marker_b, count_a):
    login(client, district_a)
    mine, other = attr(world, a), attr(world, b)
    version = other.history.latest("history_date").history_id

    for view in ("change", "delete", "history"):
        assert client.get(url(other, view)).status_code == 404, view
        assert client.get(url(mine, view)).status_code == 200, view
    assert client.post(url(other, "change"), {}).status_code == 404
    assert client.post(url(other, "delete"), {"post": "yes"}).status_code == 404
    assert client.get(url(other, "simple_history", version)).status_code == 404
    mine_version = mine.history.latest("history_date").history_id
    assert client.get(url(mine, "simple_history", mine_version)).status_code == 200
    assert model.objects.filter(pk=other.pk).exists()


def test_history_of_deleted_object_hidden_from_district_staff(client, world, district_a, admin):
    visit = world.visit_b
    pk = visit.pk
    visit.delete()
    history_url = reverse("admin:meetings_cadrevisit_history", args=[pk])

    assert login(client, district_a).get(history_url).status_code == 404
    assert login(client, admin).get(history_url).status_code == 200


def test_deletion_page_counts_but_does_not_name_records_of_another_district(client, world, district_a):
    hoa = world.hoa  # lives in district A; a member and the head of a branch in district B
    membership_b = factories.membership(world.branch_b, person=hoa)
    officer_b = factories.officer(world.branch_b, hoa, role="committee")
    officer_a = factories.officer(world.branch_a, hoa, role="deputy")
    delete_url = reverse("admin:members_person_delete", args=[hoa.pk])

    page = login(client, district_a).get(delete_url).content.decode()
    assert reverse("admin:branches_officer_change", args=[officer_a.pk]) in page  # in scope: named
    assert reverse("admin:members_membership_change", args=[membership_b.pk]) not in page
    assert reverse("admin:branches_officer_change", args=[officer_b.pk]) not in page
    elsewhere = 2 + MembershipPeriod.objects.filter(membership=membership_b).count()
    assert f"{elsewhere} bản ghi ở địa bàn khác" in page

    client.post(delete_url, {"post": "yes"})
    assert Person.objects.filter(pk=hoa.pk).exists()  # still refused: the records protect her


def test_administrator_sees_every_record_that_protects_a_deletion(client, world, admin):
    membership_b = factories.membership(world.branch_b, person=world.hoa)
    page = login(client, admin).get(reverse("admin:members_person_delete", args=[world.hoa.pk])).content.decode()
    assert reverse("admin:members_membership_change", args=[membership_b.pk]) in page
    assert "địa bàn khác" not in page


def test_missing_object_is_404_not_a_redirect(client, world, district_a):
    response = login(client, district_a).get(reverse("admin:branches_branch_change", args=[999999]))
    assert response.status_code == 404


# ---------------------------------------------------------------------------
# Provincial officers read; they never write


@pytest.mark.parametrize(("model", "a", "b", "marker_a", "marker_b", "count_a"), SCOPED, ids=SCOPED_IDS)
def test_provincial_officer_is_read_only(client, world, province_user, model, a, b, marker_a, marker_b, count_a):
    login(client, province_user)
    obj = attr(world, a)

    assert client.get(url(model, "add")).status_code == 403
    assert client.get(url(obj, "change")).status_code == 200
    assert client.post(url(obj, "change"), {}).status_code == 403
    assert client.post(url(obj, "delete"), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_provincial_officer_cannot_change_reference_data(client, world, province_user):
    login(client, province_user)
    organization = factories.organization()

    assert client.get(reverse("admin:branches_organization_changelist")).status_code == 200
    assert client.get(reverse("admin:branches_organization_add")).status_code == 403
    assert client.post(url(organization, "change"), {"code": "X"}).status_code == 403


def test_district_staff_read_but_do_not_change_reference_data(client, world, district_a):
    login(client, district_a)
    organization = factories.organization()

    assert client.get(reverse("admin:ratings_ratingscheme_changelist")).status_code == 200
    assert client.get(reverse("admin:ratings_schemeassignment_add")).status_code == 403
    assert client.post(url(organization, "change"), {"code": "X"}).status_code == 403
    assert client.get(reverse("admin:branches_allowancerate_add")).status_code == 403


def test_accounts_are_for_administrators_only(client, world, district_a, province_user, admin):
    users_url = reverse("admin:accounts_user_changelist")

    assert login(client, district_a).get(users_url).status_code == 403
    assert login(client, province_user).get(users_url).status_code == 403
    response = login(client, admin).get(users_url)
    assert response.status_code == 200
    assert "huyen-a" in response.content.decode()


def test_index_lists_the_models_for_staff(client, world, district_a):
    response = login(client, district_a).get(reverse("admin:index"))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi"' in content  # served in Vietnamese
    assert reverse("admin:members_person_changelist") in content
    assert reverse("admin:accounts_user_changelist") not in content


def test_district_staff_cannot_change_their_own_district(client, world, district_a):
    login(client, district_a)

    assert client.post(url(world.tree.district_a, "change"), {}).status_code == 403
    assert client.get(url(world.tree.commune_a, "change")).status_code == 200


def test_district_staff_add_a_hamlet_below_their_district(client, world, district_a):
    login(client, district_a)
    data = {"parent": world.tree.commune_a.pk, "level": AreaLevel.HAMLET, "unit_type": UnitType.AP, "name": "Mới"}

    response = client.post(url(Area, "add"), {**data, "code": "99101-09"})
    assert response.status_code == 302
    assert Area.objects.get(code="99101-09").path == "/99/991/99101/99101-09/"

    # Not below an area of another district, nor above its parent's level.
    response = client.post(url(Area, "add"), {**data, "parent": world.tree.commune_b.pk, "code": "X1"})
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    response = client.post(url(Area, "add"), {**data, "level": AreaLevel.DISTRICT, "code": "X2"})
    assert "level" in response.context["adminform"].form.errors
    assert not Area.objects.filter(code__in=["X1", "X2"]).exists()


# ---------------------------------------------------------------------------
# Pickers


def autocomplete(client, app_label, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


def test_area_picker_offers_only_areas_in_scope(client, world, district_a):
    login(client, district_a)
    tree = world.tree

    form = client.get(url(Branch, "add")).context["adminform"].form
    choices = set(form.fields["area"].queryset)
    assert {tree.hamlet_a1, tree.hamlet_a2, tree.commune_a} <= choices
    assert tree.hamlet_b1 not in choices
    assert tree.district_a not in choices  # a branch sits in a hamlet or a commune

    found = autocomplete(client, "branches", "branch", "area")
    assert {tree.hamlet_a1.pk, tree.hamlet_a2.pk, tree.commune_a.pk} <= found
    assert tree.hamlet_b1.pk not in found
    assert tree.district_a.pk not in found
    assert autocomplete(client, "branches", "branch", "area", "Bình") == set()
    assert autocomplete(client, "members", "person", "residence") == {tree.hamlet_a1.pk, tree.hamlet_a2.pk}


def test_branch_and_person_pickers_offer_only_objects_in_scope(client, world, district_a):
    login(client, district_a)

    form = client.get(url(Membership, "add")).context["adminform"].form
    assert list(form.fields["branch"].queryset) == [world.branch_a]
    assert set(form.fields["person"].queryset) == {world.anh, world.hoa}

    assert autocomplete(client, "members", "membership", "branch") == {world.branch_a.pk}
    assert autocomplete(client, "meetings", "meeting", "branch", "Chi đoàn") == {world.branch_a.pk}
    assert autocomplete(client, "members", "membership", "person") == {world.anh.pk, world.hoa.pk}
    assert autocomplete(client, "members", "membership", "person", "le van") == set()
    assert autocomplete(client, "meetings", "cadrevisit", "meeting") == {world.meeting_a.pk}


def test_provincial_officer_pickers_cover_the_province(client, world, province_user):
    login(client, province_user)

    assert autocomplete(client, "members", "membership", "branch") == {world.branch_a.pk, world.branch_b.pk}


def test_choosing_an_object_outside_the_scope_is_refused(client, world, district_a):
    login(client, district_a)
    data = {
        "organization": factories.organization().pk,
        "area": world.tree.hamlet_b1.pk,
        "kind": "residential",
        "name": "Chi đoàn lạ",
        "code": "CD-LA",
    }

    response = client.post(url(Branch, "add"), data)

    assert response.status_code == 200
    assert "area" in response.context["adminform"].form.errors
    assert not Branch.objects.filter(code="CD-LA").exists()


# ---------------------------------------------------------------------------
# People: search without diacritics, personal numbers for editors only


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("nguyen van anh", ["Nguyễn Văn Ánh"]),
        ("dang", ["Đặng Thị Hoa"]),
        ("NGUYỄN", ["Nguyễn Văn Ánh"]),
        ("anh", ["Nguyễn Văn Ánh"]),  # a word begins with "anh"; in "Thanh" it does not
        ("thanh", ["Phạm Văn Thanh"]),
    ],
)
def test_person_search_ignores_diacritics(client, world, district_a, term, expected):
    factories.person("Phạm Văn Thanh", residence=world.tree.hamlet_a1)

    response = login(client, district_a).get(url(Person), {"q": term})

    assert [person.full_name for person in response.context["cl"].result_list] == expected


def test_person_search_by_personal_numbers(client, world, district_a, province_user):
    login(client, district_a)
    assert list(client.get(url(Person), {"q": world.anh.cccd}).context["cl"].result_list) == [world.anh]
    assert list(client.get(url(Person), {"q": "0912 345 678"}).context["cl"].result_list) == [world.anh]
    assert list(client.get(url(Person), {"q": world.be.cccd}).context["cl"].result_list) == []

    login(client, province_user)
    assert list(client.get(url(Person), {"q": world.anh.cccd}).context["cl"].result_list) == []


def test_cccd_and_phone_only_for_users_who_may_change_the_person(client, world, district_a, province_user):
    anh = world.anh
    anh.cccd, anh.phone = "087099999999", "0987654321"
    anh.save()
    pages = [url(Person), url(anh, "change"), url(anh, "history")]

    login(client, district_a)
    for page in pages:
        content = client.get(page).content.decode()
        assert "087099999999" in content, page
        assert "0987654321" in content, page

    login(client, province_user)
    for page in [*pages, url(anh, "simple_history", anh.history.latest("history_date").history_id)]:
        response = client.get(page)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Nguyễn Văn Ánh" in content
        assert "087099999999" not in content, page
        assert "0987654321" not in content, page
    # Nor can a filter in the query string probe the numbers.
    assert client.get(url(Person), {"cccd__startswith": "0870"}).status_code == 400
    assert client.get(url(Person), {"phone": "0987654321"}).status_code == 400
    login(client, district_a)
    assert client.get(url(Person), {"cccd__startswith": "087099"}).context["cl"].result_count == 1


def test_person_birth_year_comes_from_birth_date(client, world, district_a):
    login(client, district_a)
    data = {"full_name": "Võ  Thị   Mai", "birth_date": "05/06/2001", "gender": "female", "ethnicity": "Kinh"}

    response = client.post(url(Person, "add"), {**data, "residence": world.tree.hamlet_a1.pk})

    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(full_name="Võ Thị Mai")
    assert person.birth_year == 2001
    assert person.birth_date == datetime.date(2001, 6, 5)


# ---------------------------------------------------------------------------
# Memberships go through the services


def test_adding_a_membership_writes_its_first_period(client, world, district_a):
    login(client, district_a)
    data = {
        "person": world.hoa.pk,
        "branch": world.branch_a.pk,
        "joined_on": "15/03/2022",
        "status": "away",
        "card_number": "DV-123",
    }

    response = client.post(url(Membership, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    membership = Membership.objects.get(person=world.hoa)
    assert membership.organization == world.branch_a.organization
    assert membership.card_number == "DV-123"
    period = MembershipPeriod.objects.get(membership=membership)
    assert (period.branch, period.status, period.valid_from, period.valid_to) == (
        world.branch_a,
        "away",
        datetime.date(2022, 3, 15),
        None,
    )
    assert membership.history.get().history_user == district_a


def test_second_open_membership_of_an_organization_is_refused(client, world, district_a):
    login(client, district_a)
    data = {"person": world.anh.pk, "branch": world.branch_a.pk, "joined_on": "01/01/2023", "status": "present"}

    response = client.post(url(Membership, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Membership.objects.filter(person=world.anh).count() == 1


def test_membership_branch_and_status_are_read_only_on_change(client, world, district_a):
    login(client, district_a)
    membership = world.membership_a
    other_branch = factories.branch(world.tree.hamlet_a2, code="CD-A2")

    response = client.get(url(membership, "change"))
    form = response.context["adminform"].form
    for name in ("person", "organization", "branch", "status", "ended_on", "end_reason"):
        assert name not in form.fields
    assert "card_number" in form.fields
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 1  # the period, read-only

    data = {
        "branch": other_branch.pk,
        "status": "stopped",
        "card_number": "DV-9",
        "note": "",
        "periods-TOTAL_FORMS": "1",
        "periods-INITIAL_FORMS": "1",
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "0",
        "periods-0-id": membership.periods.get().pk,
        "periods-0-membership": membership.pk,
    }
    response = client.post(url(membership, "change"), data)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.branch, membership.status, membership.card_number) == (world.branch_a, "present", "DV-9")
    assert membership.periods.count() == 1


def test_membership_history_cannot_be_reverted(client, world, district_a):
    login(client, district_a)
    membership = world.membership_a
    version = membership.history.latest("history_date").history_id

    assert client.post(url(membership, "simple_history", version), {}).status_code == 403


# ---------------------------------------------------------------------------
# Ratings: staff submit, approvers approve, approved ratings are locked


def test_district_staff_cannot_approve_a_rating(client, world, district_a):
    login(client, district_a)
    rating = world.rating_a

    form = client.get(url(rating, "change")).context["adminform"].form
    assert RatingState.APPROVED not in dict(form.fields["state"].choices)

    data = {"branch": rating.branch_id, "year": 2024, "grade": rating.grade_id, "note": "", "review_comment": ""}
    response = client.post(url(rating, "change"), {**data, "state": RatingState.APPROVED})
    assert response.status_code == 200
    assert "state" in response.context["adminform"].form.errors

    response = client.post(url(rating, "change"), {**data, "state": RatingState.SUBMITTED})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.state == RatingState.SUBMITTED
    assert rating.submitted_at is not None


def test_approved_ratings_are_read_only_except_for_administrators(client, world, district_a, admin):
    rating = world.rating_a
    data = {"branch": rating.branch_id, "year": 2024, "grade": rating.grade_id, "note": "", "review_comment": ""}

    response = login(client, admin).post(url(rating, "change"), {**data, "state": RatingState.APPROVED})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.state == RatingState.APPROVED
    assert rating.approved_by == admin
    assert rating.approved_at is not None

    login(client, district_a)
    assert client.get(url(rating, "change")).status_code == 200
    assert client.post(url(rating, "change"), {**data, "state": RatingState.DRAFT}).status_code == 403
    assert client.post(url(rating, "delete"), {"post": "yes"}).status_code == 403
    rating.refresh_from_db()
    assert rating.state == RatingState.APPROVED


# ---------------------------------------------------------------------------
# Filters


def test_area_filter_offers_districts_and_communes_in_scope(client, world, district_a, province_user):
    response = login(client, province_user).get(url(Branch))
    area_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "in_area")
    offered = [label for _, label in area_filter.lookup_choices]
    assert offered == ["Huyện Thanh Bình", "— Xã Tân Mỹ", "Huyện Lấp Vò", "— Xã Bình Thành"]

    response = client.get(url(Branch), {"in_area": world.tree.district_b.path})
    assert list(response.context["cl"].result_list) == [world.branch_b]
    response = client.get(url(Membership), {"in_area": world.tree.district_b.path})
    assert list(response.context["cl"].result_list) == [world.membership_b]
    response = client.get(url(Person), {"in_area": world.tree.commune_a.path})
    assert set(response.context["cl"].result_list) == {world.anh, world.hoa}

    response = login(client, district_a).get(url(Branch))
    area_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "in_area")
    assert [label for _, label in area_filter.lookup_choices] == ["Xã Tân Mỹ"]
    response = client.get(url(Branch), {"in_area": world.tree.commune_a.path})
    assert list(response.context["cl"].result_list) == [world.branch_a]
    # A path outside the scope finds nothing: the scope still applies.
    response = client.get(url(Branch), {"in_area": world.tree.district_b.path})
    assert response.context["cl"].result_count == 0


# ---------------------------------------------------------------------------
# A fixed number of queries per changelist, whatever the number of rows


def _add_rows(world, model, start, stop):
    tree = world.tree
    for i in range(start, stop):
        if model is Area:
            factories.area(f"99101-{i + 10}", f"Ấp {i}", AreaLevel.HAMLET, UnitType.AP, tree.commune_a)
        elif model is Branch:
            factories.branch(tree.hamlet_a1, code=f"CD-N{i}", name=f"Chi đoàn {i}")
        elif model is Officer:
            factories.officer(world.branch_a, factories.person(f"Cán Bộ {i}", residence=tree.hamlet_a1))
        elif model is Person:
            factories.person(f"Người {i}", residence=tree.hamlet_a1, cccd=factories.cccd())
        elif model is Membership:
            factories.membership(world.branch_a, person=factories.person(f"Hội Viên {i}"))
        elif model is TargetPopulation:
            factories.target_population(tree.hamlet_a1, year=2000 + i)
        elif model is BranchRating:
            factories.rating(world.branch_a, year=2000 + i)
        elif model is Meeting:
            factories.meeting(world.branch_a, held_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i))
        elif model is CadreVisit:
            factories.cadre_visit(world.meeting_a, f"Cán bộ {i}")
        elif model is User:
            factories.user(Role.DISTRICT, tree.district_a, username=f"nguoi-dung-{i}")
        elif model is Organization:
            Organization.objects.create(
                code=f"ORG{i}", name=f"Hội {i}", short_name=f"Hội {i}", branch_word="chi hội", member_word="hội viên"
            )
        elif model is RatingScheme:
            RatingScheme.objects.create(code=f"S{i}", name=f"Thang {i}")
        elif model is Grade:
            Grade.objects.create(
                scheme=RatingScheme.objects.get(code="DEFAULT"), code=f"g{i}", label=f"Mức {i}", order=10 + i
            )
        elif model is SchemeAssignment:
            SchemeAssignment.objects.create(
                organization=factories.organization(),
                scheme=RatingScheme.objects.get(code="DEFAULT"),
                from_year=2001 + i,
            )
        elif model is AllowanceRate:
            source, _ = FundingSource.objects.get_or_create(name="Nghị quyết của tỉnh", defaults={"level": "province"})
            AllowanceRate.objects.create(
                source=source, role="head", amount=200_000 + i, valid_from=datetime.date(2001 + i, 1, 1)
            )


def _count_queries(client, page):
    client.get(page)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


REFERENCE = [User, Organization, RatingScheme, Grade, SchemeAssignment, AllowanceRate]


@pytest.mark.parametrize(
    "model",
    [*(row[0] for row in SCOPED), *REFERENCE],
    ids=[*SCOPED_IDS, *(model._meta.model_name for model in REFERENCE)],
)
def test_changelist_runs_a_fixed_number_of_queries(client, world, district_a, admin, model):
    user = admin if model in REFERENCE else district_a
    login(client, user)
    page = url(model)

    _add_rows(world, model, 0, 2)
    few, rows_few = _count_queries(client, page)
    _add_rows(world, model, 2, 20)
    many, rows_many = _count_queries(client, page)

    assert rows_many == rows_few + 18
    assert many == few
    assert many <= 14


def test_person_autocomplete_runs_a_fixed_number_of_queries(client, world, district_a):
    login(client, district_a)
    _add_rows(world, Membership, 0, 20)
    with CaptureQueriesContext(connection) as queries:
        found = autocomplete(client, "members", "membership", "person", "hoi vien")
    assert len(found) == 20
    assert len(queries) <= 8


def test_meeting_autocomplete_runs_a_fixed_number_of_queries(client, world, district_a):
    login(client, district_a)
    counts = []
    for start, stop in ((0, 2), (2, 20)):
        _add_rows(world, Meeting, start, stop)
        with CaptureQueriesContext(connection) as queries:
            found = autocomplete(client, "meetings", "cadrevisit", "meeting")
        counts.append(len(queries))
    assert len(found) == 20  # one page
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------
# Every page of every admin renders


def test_every_admin_page_renders(client, world, district_a, province_user, admin):
    from django.contrib import admin as django_admin

    for user in (admin, district_a, province_user):
        login(client, user)
        for model, model_admin in django_admin.site._registry.items():
            if model._meta.app_label == "auth":
                continue
            may_view = model_admin.has_view_permission(SimpleNamespace(user=user))
            changelist = client.get(url(model))
            assert changelist.status_code == (200 if may_view else 403), (user, model)
            if not may_view:
                continue
            obj = changelist.context["cl"].result_list[0] if changelist.context["cl"].result_count else None
            if obj is not None:
                assert client.get(url(obj, "change")).status_code == 200, (user, model)
                assert client.get(url(obj, "history")).status_code == 200, (user, model)
            expected_add = 200 if model_admin.has_add_permission(SimpleNamespace(user=user)) else 403
            assert client.get(url(model, "add")).status_code == expected_add, (user, model)
