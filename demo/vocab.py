"""Vietnamese words the demo data is made of: names, places, jobs, meeting topics.

The values are data, not interface text, so they stay Vietnamese in every language.
Each list of (value, weight) pairs is drawn from with ``random.choices``.
"""

# Family names with rough weights for the Mekong Delta (Huỳnh and Võ more than Hoàng and Vũ).
FAMILY_NAMES = [
    ("Nguyễn", 31),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 6),
    ("Huỳnh", 6),
    ("Võ", 5),
    ("Phan", 4),
    ("Trương", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1.5),
    ("Đinh", 1),
    ("Lâm", 1),
    ("Châu", 1),
    ("Mai", 1),
    ("Tô", 1),
    ("Cao", 1),
    ("Đoàn", 1),
    ("Lương", 1),
    ("Thái", 0.5),
    ("Tạ", 0.5),
]
KHMER_FAMILY_NAMES = [("Thạch", 4), ("Sơn", 3), ("Danh", 3), ("Kim", 2), ("Lâm", 1)]
HOA_FAMILY_NAMES = [("Lâm", 3), ("Quách", 2), ("Trịnh", 2), ("Lý", 2), ("Châu", 2), ("Tăng", 1), ("Mã", 1)]

# Middle names: the older generations almost all Văn / Thị, the younger ones varied.
MALE_MIDDLE_OLD = [("Văn", 80), ("Hữu", 6), ("Minh", 4), ("Thanh", 4), ("Công", 3), ("Tấn", 3)]
MALE_MIDDLE_YOUNG = [
    ("Văn", 30),
    ("Minh", 12),
    ("Hoàng", 8),
    ("Quốc", 8),
    ("Thanh", 7),
    ("Hữu", 6),
    ("Tấn", 5),
    ("Gia", 5),
    ("Thành", 5),
    ("Phước", 4),
    ("Trọng", 4),
    ("Đức", 3),
    ("Nhật", 3),
]
FEMALE_MIDDLE_OLD = [("Thị", 85), ("Ngọc", 5), ("Kim", 4), ("Thanh", 3), ("Hồng", 3)]
FEMALE_MIDDLE_YOUNG = [
    ("Thị", 35),
    ("Ngọc", 12),
    ("Kim", 7),
    ("Thanh", 6),
    ("Mỹ", 6),
    ("Thúy", 5),
    ("Hồng", 5),
    ("Bích", 4),
    ("Diễm", 4),
    ("Phương", 4),
    ("Như", 4),
    ("Huỳnh", 3),
    ("Cẩm", 3),
]

MALE_GIVEN = (  # noqa: SIM905 - a list of words reads better as text
    "Hùng Dũng Tuấn Minh Phúc Khang Thành Tài Lộc Hiếu Nghĩa Trung Tâm Phong Vinh Hải Sơn Long Nam "
    "Bảo Khoa Huy Quân Đạt Thắng Cường Hòa Bình Tân Sang Út Hậu Kiệt Tín Trí Duy Hoàng Nhân Lợi "
    "Phát Tùng Vũ Toàn Thiện Lâm Đông Tiến Quang Ánh Hưng Thuận Định Châu Tú Khánh Nhựt Anh"
).split()
FEMALE_GIVEN = (  # noqa: SIM905 - a list of words reads better as text
    "Lan Hoa Hồng Mai Hương Linh Ngọc Trang Thảo Vy Nhi Hân Anh Yến Tuyết Loan Nga Phượng Diễm "
    "Trinh Thủy Hạnh Nhung Oanh Cúc Lệ Xuân Thu Hằng Trâm Ngân Duyên Mỹ Kiều Tiên Giang Huyền Quyên "
    "Thư My Uyên Nhàn Liên Đào Bé Út Thắm Nguyệt Vân Hiền Tươi Đẹp"
).split()

ETHNICITIES = [("Kinh", 95), ("Khmer", 2.5), ("Hoa", 2.5)]
RELIGIONS = [
    ("", 52),
    ("Không", 12),
    ("Phật giáo", 15),
    ("Phật giáo Hòa Hảo", 12),
    ("Cao Đài", 5),
    ("Công giáo", 4),
]
EDUCATION_OLD = [("5/12", 25), ("7/12", 15), ("9/12", 30), ("12/12", 22), ("Trung cấp", 5), ("Đại học", 3)]
EDUCATION_YOUNG = [
    ("9/12", 18),
    ("12/12", 45),
    ("Trung cấp", 10),
    ("Cao đẳng", 10),
    ("Đại học", 15),
    ("11/12", 2),
]

OCCUPATIONS = {
    "youth": [
        ("Làm ruộng", 15),
        ("Công nhân", 18),
        ("Học sinh", 12),
        ("Sinh viên", 8),
        ("Buôn bán", 8),
        ("Lao động tự do", 12),
        ("Thợ hồ", 6),
        ("Công nhân may", 6),
        ("Nuôi cá", 3),
        ("Giáo viên", 3),
        ("Nhân viên văn phòng", 4),
        ("Thợ điện", 3),
    ],
    "farmer": [
        ("Làm ruộng", 55),
        ("Trồng hoa màu", 10),
        ("Nuôi cá", 8),
        ("Chăn nuôi", 7),
        ("Trồng cây ăn trái", 8),
        ("Buôn bán", 5),
        ("Lao động tự do", 7),
    ],
    "woman": [
        ("Nội trợ", 25),
        ("Làm ruộng", 25),
        ("Buôn bán", 20),
        ("Công nhân", 12),
        ("Lao động tự do", 10),
        ("Giáo viên", 4),
        ("Thợ may", 4),
    ],
    "veteran": [("Hưu trí", 30), ("Làm ruộng", 45), ("Buôn bán", 10), ("Lao động tự do", 10), ("Bảo vệ", 5)],
}

# Hamlet names of the kind Đồng Tháp uses (without "Ấp").
HAMLET_NAMES = (  # noqa: SIM905 - a list of words reads better as text
    "Tân Phú|Tân Thạnh|Bình Hòa|Bình Phú|Tân Hòa|An Lạc|An Thạnh|Phú Thuận|Phú Hòa|Mỹ Thới|"
    "Long Hưng|Long Thạnh|Hòa Bình|Hòa Định|Thạnh Phú|Thạnh Lợi|Tân Bình|Tân Lợi|Tân Dinh|"
    "Bình Thạnh|Bình Lợi|Phú Lợi|Phú Thạnh|Hưng Thạnh|Vĩnh Hòa|An Phú|An Hòa|Định Phú|Tân An|"
    "Tân Thuận|Tân Hưng|Mỹ Hòa|Mỹ Phú|Phú Long|Bình Tân|Hòa Thuận|Tân Quới|An Thới|Long Phú|"
    "Hội Xương|Tân Mỹ|Bình Định"
).split("|")

# Professional branches (chi hội nghề nghiệp) of the farmers' association, on a commune:
# (commune code, code suffix, trade, founded on, dissolved on).
PROFESSIONAL_BRANCHES = [
    ("30145", "LUA", "trồng lúa", "2017-03-15", None),  # xã Tân Mỹ, Thanh Bình
    ("30196", "LUA", "trồng lúa", "2019-05-20", None),  # xã Định An, Lấp Vò
    ("30136", "CA", "nuôi cá", "2016-08-10", "2022-06-30"),  # xã Tân Hòa, Thanh Bình: dissolved
]

BRANCH_NAMES = {
    "DOAN": "Chi đoàn {hamlet}",
    "HND": "Chi hội Nông dân {hamlet}",
    "LHPN": "Chi hội Phụ nữ {hamlet}",
    "CCB": "Chi hội Cựu chiến binh {hamlet}",
}

# Branch committee terms per organization: (year, month) the elections were held.
TERMS = {
    "DOAN": [(2019, 4), (2022, 4), (2024, 9)],
    "HND": [(2018, 3), (2023, 3)],
    "LHPN": [(2021, 5), (2026, 5)],
    "CCB": [(2017, 3), (2022, 3)],
}

MEETING_REGULAR = {
    "DOAN": "Sinh hoạt chi đoàn định kỳ: đánh giá hoạt động tháng qua, triển khai nhiệm vụ tháng tới",
    "HND": "Sinh hoạt chi hội định kỳ: thông tin thời vụ, đánh giá hoạt động tháng qua",
    "LHPN": "Sinh hoạt chi hội định kỳ: đánh giá hoạt động tháng, thu quỹ hội, triển khai kế hoạch",
    "CCB": "Sinh hoạt chi hội định kỳ: nắm tình hình hội viên, triển khai nhiệm vụ tháng tới",
}
MEETING_THEMES = {
    "DOAN": [
        "Chuyên đề: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "Chuyên đề: Thanh niên phòng, chống ma túy và tệ nạn xã hội",
        "Chuyên đề: Thanh niên khởi nghiệp, lập nghiệp ở nông thôn",
        "Chuyên đề: Chuyển đổi số, thanh toán không dùng tiền mặt",
        "Chuyên đề: An toàn giao thông cho thanh niên",
    ],
    "HND": [
        "Chuyên đề: Kỹ thuật canh tác lúa giảm chi phí, tăng lợi nhuận",
        "Chuyên đề: Phòng trừ sâu bệnh vụ lúa Đông Xuân",
        "Chuyên đề: Vay vốn Quỹ hỗ trợ nông dân",
        "Chuyên đề: Liên kết sản xuất và tiêu thụ nông sản",
    ],
    "LHPN": [
        "Chuyên đề: Phòng, chống bạo lực gia đình",
        "Chuyên đề: Xây dựng gia đình 5 không, 3 sạch",
        "Chuyên đề: Chăm sóc sức khỏe phụ nữ và trẻ em",
        "Chuyên đề: Hỗ trợ phụ nữ khởi nghiệp",
    ],
    "CCB": [
        "Chuyên đề: Giáo dục truyền thống cho thế hệ trẻ",
        "Chuyên đề: Tham gia giữ gìn an ninh trật tự ở khu dân cư",
        "Chuyên đề: Chính sách đối với cựu chiến binh",
    ],
}
MEETING_EXTRAORDINARY = "Sinh hoạt bất thường: bầu bổ sung Ban Chấp hành chi"

# Cadres who attend meetings, by organization and level; {unit} is the commune's unit word.
CADRE_POSITIONS = {
    "DOAN": {
        "province": ["Ủy viên Ban Thường vụ Tỉnh Đoàn", "Phó Bí thư Tỉnh Đoàn"],
        "district": ["Phó Bí thư Huyện Đoàn", "Ủy viên Ban Thường vụ Huyện Đoàn", "Bí thư Huyện Đoàn"],
        "commune": ["Bí thư Đoàn {unit}", "Phó Bí thư Đoàn {unit}", "Phó Bí thư Đảng ủy {unit}"],
    },
    "HND": {
        "province": ["Phó Chủ tịch Hội Nông dân tỉnh"],
        "district": ["Chủ tịch Hội Nông dân huyện", "Phó Chủ tịch Hội Nông dân huyện"],
        "commune": ["Chủ tịch Hội Nông dân {unit}", "Phó Bí thư Đảng ủy {unit}"],
    },
    "LHPN": {
        "province": ["Phó Chủ tịch Hội LHPN tỉnh"],
        "district": ["Chủ tịch Hội LHPN huyện", "Phó Chủ tịch Hội LHPN huyện"],
        "commune": ["Chủ tịch Hội LHPN {unit}", "Phó Chủ tịch Hội LHPN {unit}"],
    },
    "CCB": {
        "province": ["Phó Chủ tịch Hội Cựu chiến binh tỉnh"],
        "district": ["Chủ tịch Hội Cựu chiến binh huyện", "Phó Chủ tịch Hội Cựu chiến binh huyện"],
        "commune": ["Chủ tịch Hội Cựu chiến binh {unit}", "Phó Bí thư Đảng ủy {unit}"],
    },
}
CONCERNS = [
    "Giá lúa thấp, chi phí vật tư nông nghiệp tăng; hội viên mong có đầu ra ổn định.",
    "Đường giao thông nông thôn trong ấp xuống cấp, mùa mưa đi lại khó khăn.",
    "Thanh niên thiếu việc làm tại chỗ, nhiều bạn đi làm ăn xa.",
    "Lo ngại tình trạng ma túy, cờ bạc trong thanh thiếu niên.",
    "Nhu cầu vay vốn sản xuất, chăn nuôi cao nhưng nguồn vốn còn ít.",
    "Sạt lở bờ sông ảnh hưởng nhà ở và đất sản xuất của người dân.",
    "Nước sinh hoạt chưa ổn định vào mùa khô.",
    "Một số hội viên lớn tuổi, hoàn cảnh khó khăn cần được hỗ trợ.",
    "Đèn đường chưa đủ, an ninh trật tự ban đêm còn phức tạp.",
    "Hội viên muốn được tập huấn kỹ thuật sản xuất theo hướng an toàn.",
]
PROPOSALS = [
    "Đề nghị cấp trên hỗ trợ kết nối doanh nghiệp bao tiêu nông sản.",
    "Đề nghị địa phương sửa chữa tuyến đường liên ấp.",
    "Đề nghị mở lớp dạy nghề ngắn hạn cho thanh niên nông thôn.",
    "Đề nghị tăng nguồn vốn ủy thác qua Ngân hàng Chính sách xã hội.",
    "Đề nghị tổ chức tập huấn kỹ thuật trồng lúa chất lượng cao.",
    "Đề nghị tăng cường tuần tra, giữ gìn an ninh trật tự khu dân cư.",
    "Chi cần đổi mới nội dung sinh hoạt, lồng ghép hoạt động thiết thực hơn.",
    "Đề nghị khen thưởng kịp thời các hội viên tiêu biểu.",
]
RATING_NOTES = {
    "average": ["Sinh hoạt chưa đều đặn.", "Tỷ lệ tập hợp còn thấp.", "Ban chấp hành chi chưa kiện toàn."],
    "weak": ["Nhiều tháng không sinh hoạt.", "Hội viên bỏ sinh hoạt nhiều, chưa có biện pháp khắc phục."],
}
