"""The columns of each kind of workbook (SPEC section 6).

Headers, synonyms and value labels are Vietnamese data, what people type in Excel; the
explanations of the second sheet are interface text, translated like the rest.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from areas.models import UnitType
from branches.models import BranchKind, OfficerRole
from members.models import Gender, MembershipStatus

from . import values
from .models import ImportKind

# --- fixed values: every accepted spelling -> code ----------------------------------------

ORGANIZATION_LABELS = {
    "Đoàn TNCS Hồ Chí Minh": "DOAN",
    "Đoàn Thanh niên": "DOAN",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh": "DOAN",
    "Đoàn": "DOAN",
    "Hội Nông dân": "HND",
    "Hội Nông dân Việt Nam": "HND",
    "Hội Liên hiệp Phụ nữ": "LHPN",
    "Hội Liên hiệp Phụ nữ Việt Nam": "LHPN",
    "Hội Phụ nữ": "LHPN",
    "Hội Cựu chiến binh": "CCB",
    "Hội Cựu chiến binh Việt Nam": "CCB",
}
STATUS_LABELS = {
    "Đang sinh hoạt": MembershipStatus.PRESENT,
    "Đi làm ăn xa": MembershipStatus.AWAY,
    "Bỏ sinh hoạt": MembershipStatus.STOPPED,
}
STATUS_DISPLAY = {code: label for label, code in STATUS_LABELS.items()}
# The default scheme's grades; other schemes are matched on their own codes and labels.
GRADE_SYNONYMS = {"Vững mạnh": "strong", "Yếu": "weak"}
ROLE_LABELS = {
    "Bí thư": OfficerRole.HEAD,
    "Chi hội trưởng": OfficerRole.HEAD,
    "Trưởng": OfficerRole.HEAD,
    "Phó Bí thư": OfficerRole.DEPUTY,
    "Chi hội phó": OfficerRole.DEPUTY,
    "Phó": OfficerRole.DEPUTY,
    "Ủy viên Ban Chấp hành": OfficerRole.COMMITTEE,
    "Ủy viên BCH": OfficerRole.COMMITTEE,
    "Ủy viên": OfficerRole.COMMITTEE,
}
ROLE_DISPLAY = {OfficerRole.HEAD: "Bí thư", OfficerRole.DEPUTY: "Phó Bí thư", OfficerRole.COMMITTEE: "Ủy viên BCH"}
BRANCH_KIND_LABELS = {"Dân cư": BranchKind.RESIDENTIAL, "Nghề nghiệp": BranchKind.PROFESSIONAL}
BRANCH_KIND_DISPLAY = {code: label for label, code in BRANCH_KIND_LABELS.items()}
GENDER_LABELS = {"Nam": Gender.MALE, "Nữ": Gender.FEMALE}
GENDER_DISPLAY = {code: label for label, code in GENDER_LABELS.items()}
HAMLET_TYPE_LABELS = {
    label: code
    for code, label in UnitType.choices
    if code in {"ap", "khom", "thon", "to_dan_pho", "ban", "buon", "soc", "lang"}
}


def with_codes(labels: dict[str, str]) -> dict[str, str]:
    """Accept the codes as well as the labels."""
    return {**labels, **{str(code): code for code in labels.values()}}


# --- column specs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable
    help: str | Promise
    synonyms: tuple[str, ...] = ()
    required: bool = False  # the workbook must have this column
    # "text", "date", "birth" (date or year), "year", "number", "score": how the template formats it
    type: str = "text"
    labels: tuple[str, ...] = ()  # the dropdown list
    width: int = 16
    example: object = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


def _text(max_length):
    return values.text(max_length)


def _as_code(cell) -> str:
    return values.as_text(cell)


BRANCH_CODE = Column(
    "branch_code",
    "Mã chi",
    _text(30),
    _("The branch's code, as the system knows it (see the list of branches)."),
    ("Mã chi đoàn", "Mã chi hội", "Mã chi đoàn chi hội", "Mã số chi"),
    required=True,
    width=16,
    example="30130-01-DOAN",
)
ORGANIZATION = Column(
    "organization",
    "Đoàn thể",
    _as_code,
    _("The organization: its name (Đoàn Thanh niên, Hội Nông dân, Hội Phụ nữ, Hội Cựu chiến binh) or its code."),
    ("Tổ chức", "Đoàn thể Hội", "Tổ chức đoàn thể"),
    required=True,
    labels=("Đoàn Thanh niên", "Hội Nông dân", "Hội Phụ nữ", "Hội Cựu chiến binh"),
    width=20,
    example="Đoàn Thanh niên",
)
HAMLET_CODE = Column(
    "hamlet_code",
    "Mã ấp",
    _text(20),
    _("The hamlet's code, as the system knows it."),
    ("Mã ấp khóm", "Mã khóm", "Mã thôn", "Mã ấp khóm thôn"),
    required=True,
    width=14,
    example="30130-01",
)
FULL_NAME = Column(
    "full_name",
    "Họ và tên",
    _text(100),
    _("Family, middle and given names, with diacritics."),
    ("Họ tên", "Họ và tên đoàn viên", "Họ và tên hội viên", "Họ, tên", "Tên đoàn viên", "Tên hội viên"),
    required=True,
    width=26,
    example="Nguyễn Văn Ánh",
)
CCCD = Column(
    "cccd",
    "Số CCCD",
    values.cccd,
    _("The 12-digit citizen identity number, if known. Write it as text so that the leading 0 stays."),
    ("CCCD", "Số định danh cá nhân", "Số định danh", "CMND CCCD", "Số CMND CCCD", "Căn cước công dân", "Số căn cước"),
    width=16,
    example="087095001234",
)
NOTE = Column("note", "Ghi chú", _text(1000), _("Free text."), ("Ghi chu",), width=24)

AREA_COLUMNS = [
    Column(
        "commune_code",
        "Mã xã",
        _text(20),
        _("The official code of the commune the hamlet belongs to (5 digits)."),
        ("Mã xã phường", "Mã xã phường thị trấn", "Mã đơn vị hành chính cấp xã", "Mã phường"),
        required=True,
        width=10,
        example="30130",
    ),
    Column(
        "hamlet_code",
        "Mã ấp",
        _text(20),
        _("A code for the hamlet, unique in the whole system: the commune's code, a dash and a number."),
        ("Mã ấp khóm", "Mã khóm", "Mã thôn", "Mã ấp khóm thôn"),
        required=True,
        width=14,
        example="30130-01",
    ),
    Column(
        "name",
        "Tên ấp/khóm",
        _text(100),
        _("The name without the unit type: “Tân Phú”, not “Ấp Tân Phú”."),
        ("Tên ấp", "Tên khóm", "Tên thôn", "Ấp khóm", "Tên ấp khóm thôn", "Tên"),
        required=True,
        width=24,
        example="Tân Phú",
    ),
    Column(
        "unit_type",
        "Loại",
        values.choice(with_codes(HAMLET_TYPE_LABELS)),
        _("The kind of unit: Ấp, Khóm, Thôn, Tổ dân phố, Bản, Buôn, Sóc or Làng."),
        ("Loại ấp", "Loại đơn vị", "Đơn vị"),
        required=True,
        labels=tuple(HAMLET_TYPE_LABELS),
        width=14,
        example="Ấp",
    ),
]

BRANCH_COLUMNS = [
    BRANCH_CODE,
    Column(
        "name",
        "Tên chi",
        _text(150),
        _("The branch's name: “Chi đoàn ấp Tân Phú”."),
        ("Tên chi đoàn", "Tên chi hội", "Tên chi đoàn chi hội"),
        required=True,
        width=30,
        example="Chi đoàn ấp Tân Phú",
    ),
    ORGANIZATION,
    Column(
        "area_code",
        "Mã ấp",
        _text(20),
        _("The code of the hamlet the branch sits in; for a professional branch, a hamlet or a commune."),
        ("Mã ấp hoặc mã xã", "Mã xã", "Mã ấp khóm", "Mã địa bàn", "Mã ấp xã"),
        required=True,
        width=14,
        example="30130-01",
    ),
    Column(
        "kind",
        "Loại chi",
        values.choice(with_codes(BRANCH_KIND_LABELS)),
        _("Dân cư (residential, the default) or Nghề nghiệp (professional)."),
        ("Loại", "Loại hình"),
        labels=tuple(BRANCH_KIND_LABELS),
        width=14,
        example="Dân cư",
    ),
    Column(
        "founded_on",
        "Ngày thành lập",
        values.date_from_start,
        _("A date dd/mm/yyyy, or only the year."),
        ("Thành lập", "Ngày thành lập chi"),
        type="date",
        width=14,
        example=datetime.date(2005, 3, 26),
    ),
]

MEMBER_COLUMNS = [
    Column("row_number", "STT", _text(10), _("Row number; not imported."), ("Số thứ tự", "TT"), width=6, example=1),
    FULL_NAME,
    Column(
        "birth",
        "Ngày sinh",
        values.date_or_year,
        _("A date dd/mm/yyyy, or only the year of birth."),
        ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Năm sinh", "Ngày sinh năm sinh"),
        required=True,
        type="birth",
        width=13,
        example=datetime.date(1995, 7, 14),
    ),
    Column(
        "gender",
        "Giới tính",
        values.choice(with_codes(GENDER_LABELS)),
        _("Nam or Nữ. Needed for a person not yet in the system."),
        ("Giới", "Phái", "Nam nữ"),
        labels=tuple(GENDER_LABELS),
        width=10,
        example="Nam",
    ),
    Column("ethnicity", "Dân tộc", _text(30), _("For example Kinh, Khmer, Hoa."), (), width=10, example="Kinh"),
    Column("religion", "Tôn giáo", _text(30), _("Blank for none."), (), width=12, example="Phật giáo"),
    CCCD,
    Column(
        "phone",
        "Số điện thoại",
        values.phone,
        _("As text, so that the leading 0 stays."),
        ("Điện thoại", "SĐT", "Số ĐT", "Di động", "Điện thoại liên hệ"),
        width=14,
        example="0912345678",
    ),
    Column(
        "education",
        "Trình độ học vấn",
        _text(50),
        _("For example 9/12, 12/12, Đại học."),
        ("Học vấn", "Trình độ văn hóa", "Văn hóa", "Trình độ"),
        width=14,
        example="12/12",
    ),
    Column(
        "occupation",
        "Nghề nghiệp",
        _text(100),
        _("The person's work."),
        ("Nghề", "Công việc", "Việc làm"),
        width=18,
        example="Làm ruộng",
    ),
    Column(
        "joined_on",
        "Ngày vào Đoàn/Hội",
        values.date_from_start,
        _("The date the person joined the organization (dd/mm/yyyy, or only the year). Needed for a new member."),
        (
            "Ngày vào Đoàn",
            "Ngày vào Hội",
            "Ngày kết nạp",
            "Ngày vào Đoàn Hội",
            "Ngày kết nạp Đoàn",
            "Ngày kết nạp Hội",
        ),
        type="date",
        width=14,
        example=datetime.date(2012, 3, 26),
    ),
    Column(
        "party_joined_on",
        "Ngày vào Đảng",
        values.date_from_start,
        _("The date the person joined the Party, if they did."),
        ("Ngày kết nạp Đảng", "Vào Đảng"),
        type="date",
        width=14,
    ),
    BRANCH_CODE,
    Column(
        "status",
        "Tình trạng",
        values.choice(with_codes(STATUS_LABELS)),
        _("Đang sinh hoạt (the default), Đi làm ăn xa or Bỏ sinh hoạt. A change is recorded from the import date."),
        ("Tình trạng sinh hoạt", "Trạng thái"),
        labels=tuple(STATUS_LABELS),
        width=16,
        example="Đang sinh hoạt",
    ),
    NOTE,
]

TARGET_COLUMNS = [
    HAMLET_CODE,
    ORGANIZATION,
    Column("year", "Năm", values.year, _("The year, for example 2024."), ("Năm thống kê",), True, "year", (), 8, 2024),
    Column(
        "count",
        "Số đối tượng",
        values.whole_number,
        _("The number of eligible people present in the hamlet that year."),
        ("Số đối tượng trong độ tuổi", "Số người trong độ tuổi", "Đối tượng", "Số lượng"),
        required=True,
        type="number",
        width=14,
        example=250,
    ),
]

RATING_COLUMNS = [
    BRANCH_CODE,
    Column("year", "Năm", values.year, _("The year rated."), ("Năm xếp loại",), True, "year", (), 8, 2024),
    Column(
        "grade",
        "Xếp loại",
        _as_code,
        _("The grade, as the organization's rating scheme names it that year: Mạnh, Khá, Trung bình, Yếu kém."),
        ("Kết quả xếp loại", "Xếp loại chất lượng", "Xếp loại chi"),
        required=True,
        labels=("Mạnh", "Khá", "Trung bình", "Yếu kém"),
        width=14,
        example="Mạnh",
    ),
    Column(
        "score",
        "Điểm",
        values.score,
        _("Optional, from 0 to 100."),
        ("Tổng điểm", "Điểm số"),
        type="score",
        width=8,
        example=Decimal("92.5"),
    ),
    NOTE,
]

OFFICER_COLUMNS = [
    BRANCH_CODE,
    FULL_NAME,
    CCCD,
    Column(
        "role",
        "Chức vụ",
        values.choice(with_codes(ROLE_LABELS)),
        _("Bí thư or Chi hội trưởng (head), Phó Bí thư or Chi hội phó (deputy), Ủy viên BCH (committee member)."),
        ("Chức danh", "Chức vụ trong chi"),
        required=True,
        labels=("Bí thư", "Chi hội trưởng", "Phó Bí thư", "Chi hội phó", "Ủy viên BCH"),
        width=16,
        example="Bí thư",
    ),
    Column(
        "start_on",
        "Từ ngày",
        values.date_from_start,
        _("The first day in the role (dd/mm/yyyy)."),
        ("Ngày bắt đầu", "Ngày nhận nhiệm vụ", "Bắt đầu"),
        required=True,
        type="date",
        width=13,
        example=datetime.date(2022, 9, 1),
    ),
    Column(
        "end_on",
        "Đến ngày",
        values.date_from_end,
        _("The last day in the role; blank while the person holds it."),
        ("Ngày kết thúc", "Kết thúc"),
        type="date",
        width=13,
    ),
]


def _month(cell) -> int:
    value = values.whole_number(cell)
    if not 1 <= value <= 12:
        raise values.CellError(_("A month is a number from 1 to 12."))
    return value


FEE_COLUMNS = [
    BRANCH_CODE,
    CCCD,
    FULL_NAME,
    Column(
        "birth",
        "Ngày sinh",
        values.date_or_year,
        _("A date dd/mm/yyyy, or only the year of birth: with the name, it finds a member without a CCCD number."),
        ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Năm sinh"),
        type="birth",
        width=13,
        example=datetime.date(1995, 7, 14),
    ),
    Column("year", "Năm", values.year, _("The year of the month paid for."), ("Năm nộp",), True, "year", (), 8, 2025),
    Column(
        "month",
        "Tháng",
        _month,
        _("The month paid for, from 1 to 12."),
        ("Tháng nộp", "Tháng đóng"),
        required=True,
        type="number",
        width=8,
        example=3,
    ),
    Column(
        "amount",
        "Số tiền",
        values.whole_number,
        _("The amount paid for the month, in whole đồng (2000 or 2.000), at most the month's due."),
        ("Số tiền nộp", "Số tiền đồng", "Đoàn phí", "Hội phí", "Tiền đoàn phí", "Tiền hội phí", "Thành tiền"),
        required=True,
        type="number",
        width=12,
        example=2000,
    ),
    Column(
        "paid_on",
        "Ngày nộp",
        values.date_from_start,
        _("The day the member paid (dd/mm/yyyy), not later than today."),
        ("Ngày đóng", "Ngày thu", "Nộp ngày"),
        required=True,
        type="date",
        width=13,
        example=datetime.date(2025, 3, 10),
    ),
    Column(
        "collected_by",
        "Người thu",
        _text(100),
        _("Who collected the fee; optional."),
        ("Người nhận", "Người thu tiền", "Người thu phí"),
        width=22,
        example="Nguyễn Thị Mai",
    ),
]

# The member scheme's grades (ratings.migrations.0002); other schemes are matched on their own codes and labels.
MEMBER_GRADE_LABELS = (
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
)
MEMBER_RATING_COLUMNS = [
    BRANCH_CODE,
    CCCD,
    FULL_NAME,
    Column(
        "birth",
        "Ngày sinh",
        values.date_or_year,
        _("A date dd/mm/yyyy, or only the year of birth: with the name, it finds a member without a CCCD number."),
        ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Năm sinh"),
        type="birth",
        width=13,
        example=datetime.date(1995, 7, 14),
    ),
    Column(
        "year", "Năm", values.year, _("The year rated."), ("Năm xếp loại", "Năm đánh giá"), True, "year", (), 8, 2025
    ),
    Column(
        "grade",
        "Xếp loại",
        _as_code,
        _(
            "The grade, as the organization's scheme for members names it that year: Hoàn thành xuất sắc nhiệm vụ, "
            "Hoàn thành tốt nhiệm vụ, Hoàn thành nhiệm vụ, Không hoàn thành nhiệm vụ."
        ),
        ("Kết quả xếp loại", "Xếp loại đoàn viên", "Xếp loại hội viên", "Mức xếp loại", "Kết quả đánh giá"),
        required=True,
        labels=MEMBER_GRADE_LABELS,
        width=28,
        example="Hoàn thành tốt nhiệm vụ",
    ),
    Column("note", "Ghi chú", _text(255), _("Free text."), ("Ghi chu",), width=24),
]

COLUMNS: dict[str, list[Column]] = {
    ImportKind.AREAS: AREA_COLUMNS,
    ImportKind.BRANCHES: BRANCH_COLUMNS,
    ImportKind.MEMBERS: MEMBER_COLUMNS,
    ImportKind.TARGETS: TARGET_COLUMNS,
    ImportKind.RATINGS: RATING_COLUMNS,
    ImportKind.OFFICERS: OFFICER_COLUMNS,
    ImportKind.MEMBER_RATINGS: MEMBER_RATING_COLUMNS,
    ImportKind.FEES: FEE_COLUMNS,
}

# The sheet titles of the templates (SPEC section 6).
TITLES = {
    ImportKind.AREAS: "Ấp, khóm",
    ImportKind.BRANCHES: "Chi đoàn, chi hội",
    ImportKind.MEMBERS: "Danh sách đoàn viên, hội viên",
    ImportKind.TARGETS: "Đối tượng cần tập hợp",
    ImportKind.RATINGS: "Xếp loại chi",
    ImportKind.OFFICERS: "Cán bộ chi",
    ImportKind.MEMBER_RATINGS: "Xếp loại đoàn viên, hội viên",
    ImportKind.FEES: "Thu đoàn phí, hội phí",
}
