"""The Vietnamese order of names: ``Person.sort_key`` agrees with PostgreSQL's ICU collation "vi-x-icu".

Lists sort by ``sort_key`` on every database (so SQLite agrees); on PostgreSQL this test
checks that key against the collation, given name first, then the family and middle names.
"""

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate, Left, Length, Trim

from members.models import Person
from tests import factories

NAMES = [
    "Lý An", "Hồ Văn Anh", "Trần Thị Anh", "Lê Văn Ăn", "Võ Thị Ân", "Nguyễn Văn Bình", "Phạm Thị Dung",
    "Đặng Văn Đạt", "Lê Ánh", "Lê Anh", "Lê Ảnh", "Lê Ãnh", "Lê Àn", "Lê Ạnh", "Nguyễn Văn Ánh", "Nguyễn Văn Anh",
    "Nguyễn Thị Ánh", "Ngô Văn Ánh", "Đỗ Thị Ơn", "Đoàn Văn Ôn", "Trương Văn On", "Huỳnh Thị Út", "Lưu Văn Ưng",
    "Lâm Uyên", "Kim Yến", "Mai Xuân", "Châu Văn Tư", "Cao Thị Từ", "Tô Tú", "Tạ Tụ", "Tăng Tủ", "Diệp Tũ",
    "Quách Thị Ngọc Hân", "Quan Hấn", "Bùi Hân", "Phan Thanh", "Thái Thành", "Thạch Thạnh", "Sơn Thảnh",
    "Đinh Ê", "Đinh E", "Đinh Ế", "Lê Đăng", "Lê Dang", "Lê Dăng", "Lê Dâng", "Trịnh Công Sơn", "Trịnh Cong Son",
    "Hà Gia", "Hà Giã", "Hà Giá", "Hà Giạ", "Hà Già", "Hà Giả", "Nguyễn Phước Vĩnh", "Nguyễn Phúc Vinh",
    "Nguyễn Phúc Vĩnh", "Nguyễn An", "Nguyễn Ân", "An An", "Ân An", "Ăn An", "Y Ni", "Nguyễn Thị Thu Hà",
    "Nguyễn Thị Hà", "Nguyễn Hà", "Nguyễn Thị Thu Hả", "Văn Thị Hà", "Vàn Thị Hà", "Vân Hà", "Đàm Vĩnh Hưng",
    "Dương Quá", "Đường Tăng", "Ông Văn Ích", "Ôn Thị Ích", "Ơn Ích", "Kiều Oanh", "Kiêu Oanh", "Kiểu Oanh",
]  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the vi-x-icu collation is PostgreSQL's")
@pytest.mark.django_db
def test_sort_key_agrees_with_the_vi_x_icu_collation():
    for name in NAMES:
        factories.person(name)
    by_key = list(Person.objects.order_by("sort_key").values_list("full_name", flat=True))
    rest = Trim(Left("full_name", Length("full_name") - Length("given_name")))
    by_collation = list(
        Person.objects.annotate(rest=rest)
        .order_by(Collate(F("given_name"), "vi-x-icu"), Collate(F("rest"), "vi-x-icu"))
        .values_list("full_name", flat=True)
    )
    assert by_key == by_collation
    assert by_key[:3] == ["An An", "Ăn An", "Ân An"]
