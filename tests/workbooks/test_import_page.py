"""The import page as its users see it (issue 14, point 7).

- The export is limited by picking one of the user's organizations and areas from lists, not by typing
  codes; a value the lists do not offer is refused with a form error and no file.
- The file's SHA-256 is among the import's details, not in its headline.
- After a refused or unreadable file, one link leads back to the upload form with the same kind chosen.

The expected rows of an export come from the test's own record of whom it placed where. The pages are
read in English, their source language.
"""

import datetime
import hashlib
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from areas.models import AreaLevel, UnitType
from members import services as member_services
from members.models import EndReason
from tests import factories
from workbooks.models import BatchState, ImportBatch

from .helpers import fill, member, roster, rows_of

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def client(client, settings):
    """Pages in English, as chosen in the menu: the words are asserted in their source."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# ---------------------------------------------------------------------------
# Reading a page as a tree of elements


def attribute(name: str) -> str:
    """``data_testid`` -> ``data-testid``, ``for_`` -> ``for``."""
    return name.rstrip("_").replace("_", "-")


class Element:
    def __init__(self, tag: str, attrs: dict, parent: "Element | None"):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return " ".join(" ".join(child if isinstance(child, str) else child.text() for child in self.children).split())

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def elements(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()

    def find_all(self, tag: str, **attrs) -> list["Element"]:
        return [
            element
            for element in self.elements()
            if element.tag == tag and all(element.attrs.get(attribute(name)) == v for name, v in attrs.items())
        ]

    def find(self, tag: str, **attrs) -> "Element":
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}> on the page"
        return found[0]

    def ancestors(self):
        element = self.parent
        while element is not None:
            yield element
            element = element.parent


class PageParser(HTMLParser):
    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.root = self.current = Element("document", {}, None)
        self.order: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        self.order.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        self.order.append(element)

    def handle_endtag(self, tag):
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def options(document: PageParser, name: str) -> list[tuple[str, str, bool]]:
    """The (value, label, selected) of each option of the list ``name``."""
    select = document.root.find("select", name=name)
    return [(o.attrs.get("value"), o.text(), "selected" in o.attrs) for o in select.find_all("option")]


def label_of(document: PageParser, control: Element) -> str:
    return document.root.find("label", for_=control.attrs["id"]).text()


def before(document: PageParser, first: Element, second: Element) -> bool:
    return document.order.index(first) < document.order.index(second)


# ---------------------------------------------------------------------------
# The export's lists


@pytest.fixture
def more(world):
    """A second commune in district A (Tân Hòa), and one in district B named like district A's (Tân Mỹ)."""
    world.commune_a2 = factories.area("99102", "Tân Hòa", AreaLevel.COMMUNE, UnitType.XA, world.district_a)
    world.hamlet_a2_1 = factories.area("99102-01", "Hòa Lợi", AreaLevel.HAMLET, UnitType.AP, world.commune_a2)
    world.commune_b2 = factories.area("99202", "Tân Mỹ", AreaLevel.COMMUNE, UnitType.XA, world.district_b)
    world.doan_a2_1 = factories.branch(world.hamlet_a2_1, "DOAN")
    world.lhpn_a2_1 = factories.branch(world.hamlet_a2_1, "LHPN")
    return world


def test_the_export_offers_the_users_own_areas_and_organizations_as_labelled_lists(more, client):
    client.force_login(more.staff_a)
    document = page(client.get(reverse("workbooks:import")))
    form = document.root.find("form", data_testid="export-form")

    for name in ("organization", "area"):
        select = form.find("select", name=name)
        assert "form-select" in select.classes()
        assert label_of(document, select) == {"organization": "Organization", "area": "Area"}[name]
    assert not form.find_all("input", name="area") and not form.find_all("input", name="organization")

    # District A and its two communes, in tree order, named with where they lie; the district chosen.
    assert options(document, "area") == [
        (more.district_a.key, "Huyện Thanh Bình – Tỉnh Thử Nghiệm", True),
        (more.commune_a.key, "Xã Tân Mỹ – Huyện Thanh Bình / Tỉnh Thử Nghiệm", False),
        (more.commune_a2.key, "Xã Tân Hòa – Huyện Thanh Bình / Tỉnh Thử Nghiệm", False),
    ]
    # The organizations of the district's branches (the Youth Union, the farmers', the women's), not the veterans'.
    assert [(value, label) for value, label, _selected in options(document, "organization")] == [
        ("", "All organizations"),
        ("DOAN", "Đoàn TNCS Hồ Chí Minh"),
        ("HND", "Hội Nông dân Việt Nam"),
        ("LHPN", "Hội Liên hiệp Phụ nữ Việt Nam"),
    ]

    client.force_login(more.staff_b)
    document = page(client.get(reverse("workbooks:import")))
    assert [value for value, _label, _selected in options(document, "area")] == [
        more.district_b.key,
        more.commune_b.key,
        more.commune_b2.key,
    ]
    assert [value for value, _label, _selected in options(document, "organization")] == ["", "DOAN"]


def test_same_named_communes_are_told_apart_and_hamlets_are_not_listed(more, client):
    client.force_login(more.province)
    document = page(client.get(reverse("workbooks:import")))
    labels = {value: label for value, label, _selected in options(document, "area")}
    assert labels[more.commune_a.key] == "Xã Tân Mỹ – Huyện Thanh Bình / Tỉnh Thử Nghiệm"
    assert labels[more.commune_b2.key] == "Xã Tân Mỹ – Huyện Lấp Vò / Tỉnh Thử Nghiệm"
    assert more.province.area.key in labels
    assert not {more.hamlet_a1.key, more.hamlet_a2.key, more.hamlet_b1.key, more.hamlet_a2_1.key} & set(labels)


def test_commune_staff_are_offered_their_commune_named_with_the_units_above_it(more, client):
    client.force_login(factories.user(Role.COMMUNE, more.commune_a2, username="xa-tan-hoa"))
    document = page(client.get(reverse("workbooks:import")))
    assert options(document, "area") == [
        (more.commune_a2.key, "Xã Tân Hòa – Huyện Thanh Bình / Tỉnh Thử Nghiệm", True)
    ]
    assert [value for value, _label, _selected in options(document, "organization")] == ["", "DOAN", "LHPN"]


def test_an_administrator_starts_with_every_area_and_is_offered_the_provinces_that_hold_branches(more, client):
    empty = factories.second_province()  # no branch in it yet
    client.force_login(more.admin)
    offered = options(page(client.get(reverse("workbooks:import"))), "area")
    assert offered[0] == ("", "All areas", True)  # everything, chosen
    values = [value for value, _label, _selected in offered[1:]]
    assert values[0] == more.province.area.key and more.commune_b2.key in values  # world.province: the officer
    assert not {empty.province.key, empty.district.key, empty.commune_1.key} & set(values)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (lambda w: {"area": w.commune_b.key}, "area"),  # another district's commune
        (lambda w: {"area": w.district_b.key}, "area"),  # another district
        (lambda w: {"area": w.hamlet_a1.key}, "area"),  # a hamlet: the lists stop at the communes
        (lambda w: {"organization": "CCB"}, "organization"),  # no veterans' branch in the district
    ],
    ids=["other-commune", "other-district", "own-hamlet", "organization-not-offered"],
)
def test_a_value_the_lists_do_not_offer_is_refused_with_a_form_error_and_no_file(more, client, query, field):
    factories.membership(more.doan_b1, person=factories.person("Người Huyện B", 1990))
    client.force_login(more.staff_a)
    for kind in ("members", "branches"):
        response = client.get(reverse("workbooks:export", args=[kind]), query(more))
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert "attachment" not in response.get("Content-Disposition", "")
        content = response.content.decode()
        assert "Người Huyện B" not in content and "Huyện Lấp Vò – " not in content
        select = page(response).root.find("form", data_testid="export-form").find("select", name=field)
        assert "is-invalid" in select.classes() and "autofocus" in select.attrs
        errors = [e.text() for e in page(response).root.elements() if e.attrs.get("data-field-error") == field]
        expected = "Choose an area from the list" if field == "area" else "Choose one of the options"
        assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_the_export_of_a_picked_area_holds_that_areas_rows_only(more, client):
    placed = []  # (name, commune, organization code, still a member)
    for number, (branch, commune) in enumerate(
        [
            (more.doan_a1, more.commune_a),
            (more.hnd_a1, more.commune_a),
            (more.doan_a2, more.commune_a),
            (more.doan_a2_1, more.commune_a2),
            (more.doan_a2_1, more.commune_a2),
            (more.lhpn_a2_1, more.commune_a2),
            (more.doan_b1, more.commune_b),
        ]
    ):
        name = f"Người Số {number}"
        membership = factories.membership(branch, person=factories.person(name, 1990 + number))
        placed.append((name, commune, branch.organization.code, True))
        if number == 4:  # one who left: not in the roster of current members
            member_services.end_membership(
                membership=membership, on=datetime.date(2024, 6, 30), reason=EndReason.RESIGNED
            )
            placed[-1] = (name, commune, branch.organization.code, False)
    client.force_login(more.staff_a)
    url = reverse("workbooks:export", args=["members"])

    def names(**query) -> list[str]:
        response = client.get(url, query)
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        return sorted(row[1] for row in rows_of(response.content)[1:])

    def expected(commune=None, organization=None) -> list[str]:
        return sorted(
            name
            for name, where, code, current in placed
            if current
            and where != more.commune_b
            and (commune is None or where == commune)
            and (organization is None or code == organization)
        )

    assert names(area=more.commune_a2.key) == expected(more.commune_a2) == ["Người Số 3", "Người Số 5"]
    assert names(area=more.commune_a.key) == expected(more.commune_a)
    assert names(area=more.commune_a.key, organization="HND") == expected(more.commune_a, "HND") == ["Người Số 1"]
    assert names(area=more.district_a.key) == names() == expected()
    branches = client.get(reverse("workbooks:export", args=["branches"]), {"area": more.commune_a2.key})
    codes = sorted(row[0] for row in rows_of(branches.content)[1:])
    assert codes == sorted([more.doan_a2_1.code, more.lhpn_a2_1.code])


# ---------------------------------------------------------------------------
# The batch page


def upload(client, data, kind="members", name="danh-sach.xlsx"):
    file = SimpleUploadedFile(name, data, content_type=XLSX)
    return client.post(reverse("workbooks:import"), {"kind": kind, "file": file})


def test_the_sha256_is_in_the_files_details_not_in_the_headline(world, client):
    client.force_login(world.staff_a)
    data = roster([member("Người Một", 1990, world.doan_a1.code), member("Người Hai", 1991, world.doan_a1.code)])
    digest = hashlib.sha256(data).hexdigest()
    document = page(client.get(upload(client, data).url))

    headline = document.root.find("h1")
    assert headline.text() == "Members: danh-sach.xlsx"
    assert digest not in headline.text()
    assert digest not in document.root.find("p", data_testid="uploaded").text()
    details = document.root.find("details", data_testid="file-details")
    assert details.find("summary").text() == "File details"
    assert details.find("code").text() == digest
    terms, descriptions = details.find_all("dt"), details.find_all("dd")
    facts = {term.text(): description.text() for term, description in zip(terms, descriptions, strict=True)}
    assert facts["SHA-256"] == digest
    assert (facts["File name"], facts["Rows"], facts["Uploaded by"]) == ("danh-sach.xlsx", "2", str(world.staff_a))


def upload_again_link(document: PageParser) -> Element:
    links = document.root.find_all("a", data_testid="upload-again")
    assert len(links) == 1, "one link to upload another file"
    return links[0]


def assert_leads_to_the_upload_form_with(client, href: str, kind: str) -> None:
    path, fragment = href.split("#")
    assert fragment == "upload"
    document = page(client.get(path))
    upload_box = next(e for e in document.root.elements() if e.attrs.get("id") == "upload")
    form = upload_box.find("form", data_testid="upload-form")
    assert [value for value, _label, selected in options(document, "kind") if selected] == [kind]
    file_box = form.find("input", type="file")
    assert "autofocus" in file_box.attrs
    assert label_of(document, file_box).startswith("Workbook (.xlsx)")


def test_after_a_refused_import_one_click_leads_to_the_upload_form_with_the_same_kind(world, client):
    client.force_login(world.staff_a)
    rows = [
        ["CD-MOI", "Chi đoàn Mới", "DOAN", world.hamlet_a1.code, "Dân cư", "01/01/2020"],
        ["CD-SAI", "Chi đoàn Sai", "DOAN", "KHONG-CO", "Dân cư", "01/01/2020"],
    ]
    response = upload(client, fill("branches", rows), kind="branches")
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.refused_count) == (BatchState.PREVIEWED, 1)
    document = page(client.get(response.url))

    link = upload_again_link(document)
    assert link.text() == "Upload another file"
    warning = next(a for a in link.ancestors() if "alert" in a.classes())
    assert "Some rows are refused" in warning.text()
    # Near the top: before the counts and the rows, not at the foot of a long table.
    assert before(document, link, document.root.find("div", data_testid="counts"))
    assert not document.root.find_all("button", data_testid="confirm")
    assert link.attrs["href"] == reverse("workbooks:import") + "?kind=branches#upload"
    assert_leads_to_the_upload_form_with(client, link.attrs["href"], "branches")


def test_after_an_unreadable_file_one_click_leads_to_the_upload_form_with_the_same_kind(world, client):
    client.force_login(world.staff_a)
    response = upload(client, b"Ma chi,Ho va ten\nX,Nguyen Van A\n", kind="officers", name="can-bo.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.state == BatchState.FAILED
    document = page(client.get(response.url))

    link = upload_again_link(document)
    alert = next(a for a in link.ancestors() if "alert" in a.classes())
    assert "alert-danger" in alert.classes() and "not an Excel workbook" in alert.text()
    assert link.attrs["href"] == reverse("workbooks:import") + "?kind=officers#upload"
    assert_leads_to_the_upload_form_with(client, link.attrs["href"], "officers")

    # A provincial officer, who reads imports but makes none, is not offered one.
    client.force_login(world.province)
    assert not page(client.get(response.url)).root.find_all("a", data_testid="upload-again")


def test_an_imported_batch_offers_no_other_upload(world, client):
    client.force_login(world.staff_a)
    response = upload(client, roster([member("Người Một", 1990, world.doan_a1.code)]))
    client.post(reverse("workbooks:confirm", args=[ImportBatch.objects.get().pk]))
    assert ImportBatch.objects.get().state == BatchState.IMPORTED
    assert not page(client.get(response.url)).root.find_all("a", data_testid="upload-again")


def test_a_file_the_upload_form_refuses_keeps_the_kind_and_the_file_box_focused(world, client):
    client.force_login(world.staff_a)
    response = upload(client, b"", kind="ratings")
    assert response.status_code == 200 and not ImportBatch.objects.exists()
    document = page(response)
    file_box = document.root.find("form", data_testid="upload-form").find("input", type="file")
    assert "is-invalid" in file_box.classes() and "autofocus" in file_box.attrs
    assert [value for value, _label, selected in options(document, "kind") if selected] == ["ratings"]
    # The bare page leaves the focus alone and starts with members.
    document = page(client.get(reverse("workbooks:import")))
    assert "autofocus" not in document.root.find("input", type="file").attrs
    assert [value for value, _label, selected in options(document, "kind") if selected] == ["members"]
