"""Scope on every page: a provincial officer against another province, commune staff against a sibling commune.

SPEC section 4: a user sees and changes only what lies in the subtree of their area; an object
outside it answers 404 in pages, exports, imports and reports alike. The district-against-
district tests live with each app; this module asks every page of the site (each app's
``urls.py``, checked to be complete below) for an object of the other side, as

- a provincial officer of province 99 (``area_tree``), against province 97, and
- commune staff of Xã Phú Một (97101), against its sibling Xã Phú Hai (97102) in the same district,

and expects 404, with the same page for an object of their own side answering as usual (so a
404 means "outside", not "wrong address"). Lists, searches and exports must not show the other
side's objects. One world for the module: it is read, never changed (each test is rolled back).
"""

import datetime
import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from accounts.models import Role
from areas.models import Area
from book.models import Award, AwardForm, DecisionLevel, MemberCard, TransferLetter
from branches import terms
from branches.models import Branch, BranchTerm, Officer
from cadres import notes
from cadres import services as cadre_services
from cadres.models import Assignment, Cadre, CadreLevel, Frequency, NoteAttachment, OrientationNote
from meetings.models import CadreVisit, Meeting
from members.models import Membership, MembershipPeriod, Person, TargetPopulation
from ratings.models import BranchRating
from tests import factories
from tests.workbooks.helpers import member, roster
from workbooks import services as workbook_services
from workbooks.models import ImportBatch

# ---------------------------------------------------------------------------
# The world: the same objects on three sides


@dataclass
class Side:
    """What one commune holds; ``marker`` is a name found on the pages only where the side is shown."""

    commune: Area
    hamlet: Area
    branch: Branch
    person: Person
    membership: Membership
    officer: Officer
    meeting: Meeting
    visit: CadreVisit
    rating: BranchRating
    batch: ImportBatch
    staff: object  # the commune's own staff account (who imported the batch)
    cadre: Cadre
    assignment: Assignment
    term: BranchTerm
    note: OrientationNote
    attachment: NoteAttachment
    award: Award
    letter: TransferLetter

    @property
    def markers(self) -> list[str]:
        return [self.person.full_name, self.branch.name, self.visit.cadre_name]


def build_side(commune: Area, hamlet: Area, word: str, cccd: str) -> Side:
    branch = factories.branch(hamlet, code=f"{hamlet.code}-DOAN", name=f"Chi đoàn {word}")
    person = factories.person(f"Quách Văn {word}", birth_year=1999, residence=hamlet, cccd=cccd)
    meeting = factories.meeting(branch, held_on=datetime.date(2024, 3, 10))
    staff = factories.user(Role.COMMUNE, commune, username=f"xa-{commune.code}")
    batch = workbook_services.create_batch(
        kind="members",
        user=staff,
        file_name=f"nhap-{commune.code}.xlsx",
        data=roster([member(f"Người Nhập {word}", 2001, branch.code)]),
    )
    workbook_services.start_preview(batch=batch)
    factories.target_population(hamlet, count=50)
    cadre = cadre_services.add_cadre(name=f"Cán bộ xã {word}", level=CadreLevel.COMMUNE, area=commune)
    assignment = cadre_services.assign(
        cadre=cadre, branch=branch, start_on=datetime.date(2024, 1, 1), frequency=Frequency.MONTHLY
    )
    note = notes.publish_note(
        user=staff,
        area=commune,
        month=datetime.date(2024, 3, 1),
        title=f"Định hướng tháng 3 – {word}",
        organizations=[branch.organization],
        files=[SimpleUploadedFile(f"dinh-huong-{commune.code}.pdf", PDF, content_type="application/pdf")],
    )
    return Side(
        commune=commune,
        hamlet=hamlet,
        branch=branch,
        person=person,
        membership=factories.membership(branch, person=person),
        officer=factories.officer(branch, person),
        meeting=meeting,
        visit=factories.cadre_visit(meeting, f"Cán bộ {word}"),
        rating=factories.rating(branch, 2024),
        batch=ImportBatch.objects.get(pk=batch.pk),
        staff=staff,
        cadre=cadre,
        assignment=assignment,
        term=terms.add_term(
            branch=branch, start_on=datetime.date(2022, 1, 1), end_on=datetime.date(2026, 12, 31), committee_size=5
        ),
        note=note,
        attachment=note.attachments.get(),
        award=Award.objects.create(
            person=person,
            organization=branch.organization,
            form=AwardForm.CERTIFICATE,
            decided_on=datetime.date(2024, 3, 26),
            level=DecisionLevel.COMMUNE,
            branch=branch,
        ),
        letter=TransferLetter.objects.create(
            number=f"1/2024/GGT-ĐTN-{commune.code}",
            year=2024,
            sequence=1,
            issuing_area=commune,
            organization=branch.organization,
            person=person,
            from_branch=branch,
            to_description="Đoàn phường Bến Nghé",
            issued_on=datetime.date(2024, 3, 1),
        ),
    )


@dataclass
class World:
    home: Side  # commune 99101, in the provincial officer's province
    mine: Side  # commune 97101, the commune staff's
    sibling: Side  # commune 97102, beside it in district 971
    province_officer: object
    commune_staff: object

    def viewer(self, role: str):
        return self.province_officer if role == "province" else self.commune_staff

    def own(self, role: str) -> Side:
        return self.home if role == "province" else self.mine

    def others(self, role: str) -> list[Side]:
        return [self.mine, self.sibling] if role == "province" else [self.sibling, self.home]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        tree = factories.area_tree()
        other = factories.second_province()
        yield World(
            home=build_side(tree.commune_a, tree.hamlet_a1, "Chín", "087000000991"),
            mine=build_side(other.commune_1, other.hamlet_1, "Một", "087000000971"),
            sibling=build_side(other.commune_2, other.hamlet_2, "Hai", "087000000972"),
            province_officer=factories.user(Role.PROVINCE, tree.province, username="tinh-99"),
            commune_staff=factories.user(Role.COMMUNE, other.commune_1, username="xa-phu-mot"),
        )
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db_access(db):
    """The module's tests read the shared world inside the test database."""


ROLES = ["province", "commune"]

# ---------------------------------------------------------------------------
# Pages of one object: 404 for the other side's, the usual answer for one's own


@dataclass(frozen=True)
class Page:
    name: str
    args: object  # Side -> list of URL arguments
    query: object = None  # Side -> dict of query parameters
    editors_only: bool = False  # a provincial officer gets 403 on their own side's object
    post_only: bool = False
    label: str = ""

    def url(self, side: Side) -> str:
        url = reverse(self.name, args=self.args(side))
        query = self.query(side) if self.query else None
        return f"{url}?{urlencode(query)}" if query else url


def _pk(attr):
    return lambda side: [getattr(side, attr).pk]


def _key(attr):
    return lambda side: [getattr(side, attr).key]


XLSX = {"format": "xlsx"}


def _area_query(side):
    return {"area": side.commune.key}


OBJECT_PAGES = [
    # members
    Page("members:branch_roll", _pk("branch")),
    Page("members:person", _pk("person")),
    Page("members:person_edit", _pk("person"), editors_only=True),
    Page("members:membership_add", _pk("person"), editors_only=True),
    Page("members:membership_edit", _pk("membership"), editors_only=True),
    Page("members:transfer", _pk("membership"), editors_only=True),
    Page("members:transfer_branches", _pk("membership"), editors_only=True),
    Page("members:status_change", _pk("membership"), editors_only=True),
    Page("members:end", _pk("membership"), editors_only=True),
    Page("members:branch_merge", _pk("branch"), editors_only=True),
    # meetings
    Page("meetings:branch_log", _pk("branch")),
    Page("meetings:add", _pk("branch"), editors_only=True),
    Page("meetings:roll", _pk("branch"), query=lambda side: {"held_on": "10/03/2024"}),
    Page("meetings:meeting", _pk("meeting")),
    Page("meetings:edit", _pk("meeting"), editors_only=True),
    Page("meetings:visit_add", _pk("meeting"), editors_only=True),
    Page("meetings:visit_edit", _pk("visit"), editors_only=True),
    Page("meetings:branch_log", _pk("branch"), query=lambda side: XLSX, label="meetings:branch_log-xlsx"),
    Page("meetings:roll_sheet", _pk("branch"), query=lambda side: {"on": "10/03/2024"}),
    Page("meetings:roll_sheet", _pk("branch"), query=lambda side: XLSX, label="meetings:roll_sheet-xlsx"),
    # branches and areas
    Page("branches:area", _key("commune")),
    Page("branches:area", _key("hamlet"), label="branches:area-hamlet"),
    Page("branches:hamlet_edit", _key("hamlet"), editors_only=True),
    Page("branches:hamlet_add", _key("commune"), editors_only=True),
    Page("branches:hamlet_merge", _key("commune"), editors_only=True),
    Page("branches:hamlet_split", _key("hamlet"), editors_only=True),
    Page("branches:branch_add", _key("hamlet"), editors_only=True),
    Page("branches:branch", _pk("branch")),
    Page("branches:branch_edit", _pk("branch"), editors_only=True),
    Page("branches:officer_add", _pk("branch"), editors_only=True),
    Page("branches:officer_edit", _pk("officer"), editors_only=True),
    # ratings
    # cadres
    Page("cadres:cadre", _pk("cadre")),
    Page("cadres:edit", _pk("cadre")),
    Page("cadres:assign", _pk("cadre")),
    Page("cadres:end_assignment", _pk("assignment")),
    Page("notes:detail", _pk("note")),
    Page("notes:edit", _pk("note")),
    Page("notes:file", _pk("attachment")),
    Page("notes:file_delete", _pk("attachment"), post_only=True),
    # terms and congresses
    Page("branches:term_add", _pk("branch"), editors_only=True),
    Page("branches:term_edit", _pk("term"), editors_only=True),
    Page("branches:congresses", _key("commune")),
    Page("branches:congresses", _key("commune"), query=lambda side: XLSX, label="branches:congresses-xlsx"),
    Page("ratings:commune_grid", lambda side: [side.commune.key, 2024]),
    Page("ratings:member_grid", lambda side: [side.branch.pk, 2024]),
    Page("ratings:member_overview", lambda side: [], query=_area_query),
    # fees
    Page("fees:grid", lambda side: [side.branch.pk, 2024]),
    Page("fees:grid", lambda side: [side.branch.pk, 2024], query=lambda side: {"print": "1"}, label="fees:grid-print"),
    Page("fees:category", _pk("membership"), editors_only=True),
    # the member book: cards, awards, ageing out, letters
    Page("book:card_issue", _pk("membership"), editors_only=True),
    Page("book:cards_missing", _key("commune")),
    Page("book:cards_missing", _key("commune"), query=lambda side: XLSX, label="book:cards_missing-xlsx"),
    Page("book:award_add", _pk("person"), editors_only=True),
    Page("book:award_edit", _pk("award"), editors_only=True),
    Page("book:award_delete", _pk("award"), editors_only=True),
    Page("book:ageing", lambda side: [side.commune.key, 2024]),
    Page("book:ageing_ended", lambda side: [side.commune.key, 2024]),
    Page("book:letter_issue", _pk("membership"), editors_only=True),
    Page("book:letter", _pk("letter")),
    Page("book:letter_docx", _pk("letter")),
    Page("book:letter_book", lambda side: [side.commune.key, 2024]),
    Page(
        "book:letter_book",
        lambda side: [side.commune.key, 2024],
        query=lambda side: XLSX,
        label="book:letter_book-xlsx",
    ),
    # reports: by key (drill-down), by ?area= (the filter), and their downloads
    *(
        Page(f"reports:{kind}", _key("commune"))
        for kind in ("membership", "ratings", "meetings", "officers", "cadres", "awards", "fees", "member_ratings")
    ),
    *(
        Page(
            f"reports:{kind}", _key("commune"), query=lambda side, f=fmt: {"format": f}, label=f"reports:{kind}-{fmt}"
        )
        for kind in ("membership", "ratings", "meetings", "officers", "awards", "fees", "member_ratings")
        for fmt in ("csv", "xlsx")
    ),
    *(
        Page(f"reports:{kind}", lambda side: [], query=_area_query, label=f"reports:{kind}-by-filter")
        for kind in ("membership", "ratings", "meetings", "officers", "awards", "fees", "member_ratings")
    ),
    Page("reports:branch_book", _pk("branch"), query=lambda side: {"year": 2024}),
    Page("reports:index", lambda side: [], query=_area_query),
    Page("home", lambda side: [], query=_area_query),
    # imports and exports
    Page("workbooks:batch", _pk("batch")),
    Page("workbooks:progress", _pk("batch")),
    Page("workbooks:outcome", _pk("batch")),
    Page("workbooks:confirm", _pk("batch"), post_only=True),
    Page("workbooks:discard", _pk("batch"), post_only=True),
    Page("workbooks:undo", _pk("batch"), post_only=True),
    *(
        Page(
            "workbooks:export",
            lambda side, k=kind: [k],
            query=lambda side: {"area": side.commune.code},
            label=f"workbooks:export-{kind}",
        )
        for kind in ("members", "branches", "fees")
    ),
]


def page_id(page: Page) -> str:
    return page.label or page.name


def fingerprint() -> dict:
    """Every row of the world's tables with its version (or state): what a refused request must leave."""
    tables = {
        Area: ("name", "version"),
        Branch: ("organization_id", "name", "version"),
        Person: ("full_name", "version"),
        Membership: ("branch_id", "status", "ended_on", "version"),
        MembershipPeriod: ("branch_id", "status", "valid_from", "valid_to"),
        Officer: ("role", "end_on", "version"),
        Meeting: ("held_on", "version"),
        CadreVisit: ("reported_on", "version"),
        BranchRating: ("grade_id", "state", "version"),
        TargetPopulation: ("count",),
        ImportBatch: ("state", "imported_at"),
        Award: ("form", "decided_on"),
        TransferLetter: ("received_on", "received_branch_id"),
        MemberCard: ("number",),
    }
    return {model.__name__: sorted(model.objects.values_list("pk", *fields)) for model, fields in tables.items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", [p for p in OBJECT_PAGES if not p.post_only], ids=page_id)
def test_an_object_of_the_other_side_answers_404(client, world, role, page):
    client.force_login(world.viewer(role))
    before = fingerprint()

    for other in world.others(role):
        assert client.get(page.url(other)).status_code == 404, (role, other.commune.code)
        assert client.post(page.url(other), {"version": 1}).status_code in (404, 405), (role, other.commune.code)

    own = client.get(page.url(world.own(role)))
    assert own.status_code == (403 if page.editors_only and role == "province" else 200)
    assert fingerprint() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", [p for p in OBJECT_PAGES if p.post_only], ids=page_id)
def test_an_import_of_the_other_side_cannot_be_confirmed_discarded_or_undone(client, world, role, page):
    client.force_login(world.viewer(role))
    before = fingerprint()

    for other in world.others(role):
        assert client.post(page.url(other)).status_code == 404, (role, other.commune.code)

    assert fingerprint() == before
    # Their own side's import answers (a redirect with a message, or 403 for a reader): the address is right.
    assert client.post(page.url(world.own(role))).status_code in (302, 403)


# ---------------------------------------------------------------------------
# Lists, searches and exports: only one's own side


def text(response) -> str:
    return response.content.decode()


def assert_shows_only_own(response, world, role):
    assert response.status_code == 200
    content = text(response)
    for marker in world.own(role).markers[:2]:
        assert marker in content, marker
    for other in world.others(role):
        for marker in other.markers:
            assert marker not in content, (role, marker)


@pytest.mark.parametrize("role", ROLES)
def test_member_search_lists_only_own_side(client, world, role):
    client.force_login(world.viewer(role))
    assert_shows_only_own(client.get(reverse("members:search")), world, role)
    for other in world.others(role):
        found = client.get(reverse("members:search"), {"q": other.person.full_name})
        assert found.context["page"].paginator.count == 0, other.person.full_name


def test_duplicate_check_finds_only_own_side(client, world):
    client.force_login(world.commune_staff)
    url = reverse("members:duplicates")

    own = client.post(url, {"full_name": world.mine.person.full_name, "birth_year": 1999})
    assert [p.pk for p in own.context["duplicates"]] == [world.mine.person.pk]
    for other in world.others("commune"):
        for query in ({"full_name": other.person.full_name, "birth_year": 1999}, {"cccd": other.person.cccd}):
            response = client.post(url, query)
            assert list(response.context["duplicates"]) == [], query
            assert other.person.full_name not in text(response)

    client.force_login(world.province_officer)
    assert client.post(url, {"full_name": world.home.person.full_name, "birth_year": 1999}).status_code == 403


def test_adding_a_member_does_not_offer_the_other_sides_branch(client, world):
    client.force_login(world.commune_staff)

    for other in world.others("commune"):
        response = client.get(reverse("members:person_add"), {"branch": other.branch.pk})
        assert response.status_code == 200
        form = response.context["form"]
        assert form.initial.get("branch") is None
        assert other.branch not in form.fields["branch"].queryset
    mine = client.get(reverse("members:person_add"), {"branch": world.mine.branch.pk}).context["form"]
    assert mine.initial["branch"] == world.mine.branch


@pytest.mark.parametrize("role", ROLES)
def test_meetings_overview_lists_only_own_side(client, world, role):
    client.force_login(world.viewer(role))
    # April 2024: every branch missed its meeting; March 2024: every visit lacks a report.
    april = client.get(reverse("meetings:overview"), {"month": "2024-04"})
    march = client.get(reverse("meetings:overview"), {"month": "2024-03"})

    assert list(april.context["no_meeting"].object_list) == [world.own(role).branch]
    assert list(march.context["no_report"].object_list) == [world.own(role).visit]
    for other in world.others(role):
        assert other.branch.name not in text(april)
        assert other.visit.cadre_name not in text(march)


@pytest.mark.parametrize("role", ROLES)
def test_cadre_list_shows_only_own_side(client, world, role):
    client.force_login(world.viewer(role))
    listed = {cadre.pk for cadre in client.get(reverse("cadres:list")).context["page"]}
    assert listed == {world.own(role).cadre.pk}


@pytest.mark.parametrize("role", ROLES)
def test_note_list_shows_only_own_side(client, world, role):
    client.force_login(world.viewer(role))
    listed = text(client.get(reverse("notes:list"), {"year": 2024, "month": 3}))
    assert world.own(role).note.title in listed
    for other in world.others(role):
        assert other.note.title not in listed
    units = client.get(reverse("notes:add")).context["form"].fields["area"].queryset
    assert not units.filter(pk__in=[other.commune.pk for other in world.others(role)]).exists()


@pytest.mark.parametrize("role", ROLES)
def test_browsing_starts_at_ones_own_area(client, world, role):
    client.force_login(world.viewer(role))
    response = client.get(reverse("branches:browse"))
    assert response.status_code == 302
    assert response.url == reverse("branches:area", args=[world.viewer(role).area.key])


def test_area_page_lists_only_own_children(client, world):
    client.force_login(world.province_officer)
    response = client.get(reverse("branches:area", args=[world.province_officer.area.key]))
    children = {child.code for child in response.context["children"]}
    assert children == {"991", "992"}
    assert "Phú Quý" not in text(response)


def test_rating_grid_lists_only_own_communes(client, world):
    client.force_login(world.province_officer)
    response = client.get(reverse("ratings:grid"), {"year": 2024})
    communes = {commune.code for commune in response.context["page"]}
    assert communes == {"99101", "99201"}  # the province's two communes (area_tree), none of province 97

    client.force_login(world.commune_staff)
    response = client.get(reverse("ratings:grid"), {"year": 2024})
    assert response.url == reverse("ratings:commune_grid", args=[world.mine.commune.key, 2024])
    grid = client.get(response.url)
    assert [line.row.branch for line in grid.context["lines"]] == [world.mine.branch]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["membership", "ratings", "meetings", "officers", "awards", "fees", "member_ratings"])
def test_reports_of_ones_own_area_show_only_its_units(client, world, role, kind):
    client.force_login(world.viewer(role))
    response = client.get(reverse(f"reports:{kind}"), {"year": 2024, "month": 3, "period": "month"})
    assert response.status_code == 200
    assert response.context["report"].area == world.viewer(role).area
    content = text(response)
    for other in world.others(role):
        for name in (other.commune.name, other.hamlet.name, other.branch.name):
            assert name not in content, (kind, name)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_counts_only_own_area(client, world, role):
    client.force_login(world.viewer(role))
    response = client.get(reverse("home"))
    assert response.context["area"] == world.viewer(role).area
    assert response.context["figures"].members == 1  # one membership per side
    for other in world.others(role):
        assert other.commune.name not in text(response)


@pytest.mark.parametrize("role", ROLES)
def test_import_page_lists_only_own_sides_batches(client, world, role):
    client.force_login(world.viewer(role))
    batches = list(client.get(reverse("workbooks:import")).context["batches"])
    assert batches == [world.own(role).batch]


def export_rows(response) -> list[list]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def exported(response) -> str:
    return "\n".join(" ".join(str(cell) for cell in row) for row in export_rows(response))


@pytest.mark.parametrize("role", ROLES)
def test_exports_hold_only_own_side(client, world, role):
    client.force_login(world.viewer(role))
    own = world.own(role)

    members = exported(client.get(reverse("workbooks:export", args=["members"])))
    branches = exported(client.get(reverse("workbooks:export", args=["branches"])))
    assert own.person.full_name in members and own.branch.code in branches
    for other in world.others(role):
        assert other.person.full_name not in members
        assert other.branch.code not in branches
        by_branch = exported(client.get(reverse("workbooks:export", args=["members"]), {"branch": other.branch.code}))
        assert other.person.full_name not in by_branch


# ---------------------------------------------------------------------------
# Every page is covered


COVERED_ELSEWHERE = {
    # A blank template holds nobody's data.
    "workbooks:template": "no scoped object",
    # Public, like the login page, and shows no data: tests/core/test_healthz.py.
    "healthz": "no scoped object, no login",
    # Lists and forms without an object, checked by the tests above.
    "members:search": "test_member_search_lists_only_own_side",
    "members:duplicates": "test_duplicate_check_finds_only_own_side",
    "members:person_add": "test_adding_a_member_does_not_offer_the_other_sides_branch",
    "meetings:overview": "test_meetings_overview_lists_only_own_side",
    "branches:browse": "test_browsing_starts_at_ones_own_area",
    "ratings:grid": "test_rating_grid_lists_only_own_communes",
    "workbooks:import": "test_import_page_lists_only_own_sides_batches",
    "cadres:list": "test_cadre_list_shows_only_own_side",
    "notes:list": "test_note_list_shows_only_own_side",
    "notes:add": "test_note_list_shows_only_own_side",
    # A letter is reached from elsewhere only by its exact number: tests/book/test_letters.py.
    "book:letter_receive": "test_another_district_or_commune_sees_none_of_the_pages",
    "book:letter_from_outside": "test_another_district_or_commune_sees_none_of_the_pages",
    # A cadre's own page and reports: tests/cadres/test_duty_pages.py.
    "cadres:add": "test_a_cadre_account_only_reads_the_cadre_pages",
    "cadres:mine": "test_a_user_without_a_cadre_has_no_duty_page",
    "cadres:my_report": "test_a_cadre_cannot_report_on_a_meeting_of_a_branch_not_theirs",
    # Administrators' pages: every other role gets 403 (tests/areas/test_reform_pages.py).
    **dict.fromkeys(
        [
            "areas:reorganisations",
            "areas:reform_preview",
            "areas:run",
            "areas:run_progress",
            "areas:event",
            "areas:event_undo",
        ],
        "test_only_administrators_reach_the_reform_pages",
    ),
}
APP_NAMESPACES = {
    "members",
    "meetings",
    "branches",
    "ratings",
    "reports",
    "workbooks",
    "areas",
    "cadres",
    "notes",
    "fees",
    "book",
}


def page_names() -> set[str]:
    names = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns, "")
    return {name for name in names if name.split(":")[0] in APP_NAMESPACES or name in ("home", "healthz")}


def test_every_page_of_the_site_is_in_the_matrix():
    covered = {page.name for page in OBJECT_PAGES} | set(COVERED_ELSEWHERE)
    assert page_names() - covered == set(), "a page without a scope test: add it to OBJECT_PAGES"
    assert covered - page_names() == set(), "a page that no longer exists"
