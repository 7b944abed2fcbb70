"""A small district with transfers, endings and two organizations, and helpers to read report pages.

The expected figures of the report tests are worked out by hand from the story below,
independently of the report queries.

District 991 (Thanh Bình) has two communes:

- 99101 Tân Mỹ: hamlets 99101-01 (Tân Phú) and 99101-02 (Tân Thạnh), and a professional
  HND branch sitting on the commune itself;
- 99102 Tân Hòa: hamlet 99102-01 (Tân Hòa A), with a DOAN branch, and an HND branch
  dissolved in 2023.

District 992 (Lấp Vò) has one branch and one member, outside the district user's scope.
"""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

from accounts.models import Role
from areas.models import AreaLevel, UnitType
from branches.models import AllowanceRate, BranchKind, FundingSource, OfficerRole, SourceLevel
from members import services
from members.models import EndReason, MembershipStatus
from tests import factories

D = datetime.date


def build_dataset() -> SimpleNamespace:
    tree = factories.area_tree()
    commune_a2 = factories.area("99102", "Tân Hòa", AreaLevel.COMMUNE, UnitType.XA, tree.district_a)
    hamlet_c2 = factories.area("99102-01", "Tân Hòa A", AreaLevel.HAMLET, UnitType.AP, commune_a2)

    a1_doan = factories.branch(tree.hamlet_a1, "DOAN")
    a1_hnd = factories.branch(tree.hamlet_a1, "HND")
    a2_doan = factories.branch(tree.hamlet_a2, "DOAN")
    prof_hnd = factories.branch(
        tree.commune_a, "HND", code="99101-HND-NN", name="Chi hội nghề nghiệp cá tra", kind=BranchKind.PROFESSIONAL
    )
    c2_doan = factories.branch(hamlet_c2, "DOAN")
    c2_hnd_old = factories.branch(
        hamlet_c2, "HND", founded_on=D(2000, 1, 1), dissolved_on=D(2023, 1, 1), name="Chi hội cũ"
    )
    b1_doan = factories.branch(tree.hamlet_b1, "DOAN")

    def member(name, branch, joined, **fields):
        who = factories.person(full_name=name, cccd=factories.cccd())
        return who, factories.membership(branch, joined_on=joined, person=who, **fields)

    p1, _m1 = member("Nguyễn Văn An", a1_doan, D(2020, 1, 1))
    services.create_membership(person=p1, branch=a1_hnd, joined_on=D(2021, 1, 1))  # p1 is in two organizations
    p2, _m2 = member("Trần Thị Bé", a1_doan, D(2024, 3, 1), status=MembershipStatus.AWAY)
    _p3, m3 = member("Lê Văn Cường", a1_doan, D(2019, 6, 1))
    services.change_membership_status(membership=m3, status=MembershipStatus.STOPPED, on=D(2024, 5, 1))
    p4, m4 = member("Phạm Văn Dũng", a1_doan, D(2020, 2, 1))
    services.transfer_membership(membership=m4, to_branch=a2_doan, on=D(2024, 6, 1))
    p5, m5 = member("Võ Thị Em", a2_doan, D(2021, 3, 1))
    services.transfer_membership(membership=m5, to_branch=c2_doan, on=D(2024, 7, 1))
    p6, m6 = member("Đặng Văn Giang", c2_doan, D(2020, 4, 1))
    services.end_membership(membership=m6, on=D(2024, 8, 1), reason=EndReason.AGED_OUT)
    _p7, _m7 = member("Huỳnh Văn Hải", a1_hnd, D(2018, 1, 1))
    _p8, _m8 = member("Bùi Văn Khoa", b1_doan, D(2020, 1, 1))
    _p9, _m9 = member("Ngô Văn Lâm", a1_doan, D(2025, 2, 1))  # joins after the report date
    _p10, m10 = member("Đỗ Thị Mai", a1_doan, D(2019, 1, 1))
    services.end_membership(membership=m10, on=D(2024, 2, 1), reason=EndReason.RESIGNED)
    _p11, _m11 = member("Lý Văn Nam", prof_hnd, D(2022, 5, 1))
    _p12, m12 = member("Mai Văn Oanh", c2_hnd_old, D(2010, 1, 1))  # on the roll of a dissolved branch
    services.end_membership(membership=m12, on=D(2022, 12, 31), reason=EndReason.TRANSFERRED)

    # Target population 2024: commune 99101 has 10 + 4 + 5 = 19; commune 99102 none (blank rate).
    factories.target_population(tree.hamlet_a1, "DOAN", 2024, 10)
    factories.target_population(tree.hamlet_a1, "HND", 2024, 4)
    factories.target_population(tree.hamlet_a2, "DOAN", 2024, 5)
    factories.target_population(tree.hamlet_b1, "DOAN", 2024, 1234)

    # Ratings 2024.
    factories.rating(a1_doan, 2024, "strong", state="approved")
    factories.rating(a1_hnd, 2024, "good", state="approved")
    factories.rating(a2_doan, 2024, "strong", state="submitted")
    factories.rating(c2_doan, 2024, "average", state="approved")
    factories.rating(b1_doan, 2024, "weak", state="approved")

    # Meetings of October 2024 (and one in September, outside the month).
    first = factories.meeting(a1_doan, D(2024, 10, 5), present=8, on_roll=10)
    factories.cadre_visit(first, reported_on=D(2024, 10, 6), quality="good")
    factories.meeting(a2_doan, D(2024, 10, 20), present=3, on_roll=4)
    factories.meeting(a2_doan, D(2024, 10, 25), present=4, on_roll=4)
    factories.meeting(c2_doan, D(2024, 9, 15), present=1, on_roll=1)
    factories.meeting(b1_doan, D(2024, 10, 3), present=5864, on_roll=10000)

    # Officers in October 2024; rates from 2020.
    source = FundingSource.objects.create(name="Mức phụ cấp chung của tỉnh", level=SourceLevel.PROVINCE)
    for role, amount in ((OfficerRole.HEAD, 200_000), (OfficerRole.DEPUTY, 150_000), (OfficerRole.COMMITTEE, 100_000)):
        AllowanceRate.objects.create(source=source, role=role, amount=amount, valid_from=D(2020, 1, 1))
    factories.officer(a1_doan, p1, "head", start_on=D(2020, 1, 1))
    factories.officer(a1_doan, p2, "deputy", start_on=D(2023, 1, 1))
    factories.officer(a2_doan, p5, "head", start_on=D(2021, 1, 1), end_on=D(2024, 9, 30))
    factories.officer(a2_doan, p4, "committee", start_on=D(2024, 1, 1))
    factories.officer(c2_doan, p6, "head", start_on=D(2024, 10, 15))

    return SimpleNamespace(
        tree=tree,
        commune_a2=commune_a2,
        hamlet_c2=hamlet_c2,
        branches=SimpleNamespace(
            a1_doan=a1_doan, a1_hnd=a1_hnd, a2_doan=a2_doan, prof_hnd=prof_hnd, c2_doan=c2_doan, b1_doan=b1_doan
        ),
        district_user=factories.user(Role.DISTRICT, tree.district_a, username="huyen991"),
        commune_user=factories.user(Role.COMMUNE, tree.commune_a, username="xa99101"),
        province_user=factories.user(Role.PROVINCE, tree.province, username="tinh99"),
        admin=factories.admin_user(),
    )


def grow(data: SimpleNamespace, size: int = 3) -> None:
    """More of everything in district 991: communes, hamlets, branches, members, meetings, ratings, officers."""
    for number in range(size):
        commune = factories.area(
            f"9910{number + 3}", f"Mới {number}", AreaLevel.COMMUNE, UnitType.XA, data.tree.district_a
        )
        for h in range(2):
            hamlet = factories.area(f"{commune.code}-0{h + 1}", f"Ấp {h}", AreaLevel.HAMLET, UnitType.AP, commune)
            factories.target_population(hamlet, "DOAN", 2024, 20)
            for org in ("DOAN", "HND"):
                branch = factories.branch(hamlet, org)
                for k in range(3):
                    who = factories.person(full_name=f"Người Số {number}{h}{k}", cccd=factories.cccd())
                    membership = factories.membership(branch, joined_on=D(2020, 1, 1), person=who)
                    if k == 2:
                        services.end_membership(membership=membership, on=D(2024, 3, 1), reason=EndReason.REMOVED)
                factories.rating(branch, 2024, "good", state="approved")
                factories.meeting(branch, D(2024, 10, 10), present=2, on_roll=3)
                factories.officer(branch, role="head", start_on=D(2022, 1, 1))


# --- Reading the pages ----------------------------------------------------------------------


class ReportTableParser(HTMLParser):
    """Cells of the report table by row (``data-row``) and column (``data-column``).

    Rows of an organization's breakdown are keyed ``"<row>@<organization code>"``.
    """

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.links: dict[str, str] = {}
        self._row: str | None = None
        self._column: str | None = None
        self._text: list[str] = []
        self._in_table = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-testid") == "report-table":
            self._in_table = True
        if not self._in_table:
            return
        if tag == "tr" and "data-row" in attrs:
            key = attrs["data-row"]
            if attrs.get("data-organization"):
                key = f"{key}@{attrs['data-organization']}"
            self._row = key
            self.rows[key] = {}
        elif tag == "td" and self._row and "data-column" in attrs:
            self._column, self._text = attrs["data-column"], []
        elif tag == "a" and self._row and attrs.get("data-testid") == "drill-down":
            self.links[self._row] = attrs["href"]

    def handle_data(self, data):
        if self._column is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._column is not None:
            self.rows[self._row][self._column] = "".join(self._text).strip()
            self._column = None
        elif tag == "tr":
            self._row = None
        elif tag == "table" and self._in_table:
            self._in_table = False


def page_table(response) -> ReportTableParser:
    parser = ReportTableParser()
    parser.feed(response.content.decode())
    return parser


def vietnamese_number(text: str) -> Decimal | None:
    """ "531.467" -> 531467; "58,64%" -> 58.64; "" -> None."""
    text = text.strip().rstrip("%")
    if not text:
        return None
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?", text), f"not a Vietnamese number: {text!r}"
    return Decimal(text.replace(".", "").replace(",", "."))


class ElementParser(HTMLParser):
    """The classes of the element with a data-testid, and the lines of text inside it."""

    VOID = {"br", "img", "input", "hr", "meta", "link"}

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.depth, self.classes, self.texts = testid, 0, None, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("data-testid") == self.testid and self.classes is None:
            self.depth, self.classes = 1, dict(attrs).get("class", "").split()

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and data.strip():
            self.texts.append(data.strip())


def element_texts(html: str, testid: str) -> tuple[list[str], list[str]]:
    """The classes of the element with that data-testid (the first), and its lines of text."""
    parser = ElementParser(testid)
    parser.feed(html)
    assert parser.classes is not None, f"no {testid} on the page"
    return parser.classes, parser.texts
