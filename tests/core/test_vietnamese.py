from core.vietnamese import fold, sort_key


def test_fold_removes_diacritics_and_case():
    assert fold("  Nguyễn   Văn Ánh ") == "nguyen van anh"
    assert fold("ĐẶNG Thị Ơn") == "dang thi on"


def test_sort_key_orders_by_given_name_then_family_in_vietnamese_alphabet():
    names = [
        "Đặng Văn Đạt",
        "Phạm Thị Dung",
        "Võ Thị Ân",
        "Lê Văn Ăn",
        "Trần Thị Anh",
        "Lý An",
        "Nguyễn Văn Bình",
        "Hồ Văn Anh",
    ]
    expected = [
        "Lý An",  # "An" before "Anh": a shorter word first
        "Hồ Văn Anh",  # same given name: the family name decides (H < T)
        "Trần Thị Anh",
        "Lê Văn Ăn",  # a < ă < â
        "Võ Thị Ân",
        "Nguyễn Văn Bình",
        "Phạm Thị Dung",  # d < đ
        "Đặng Văn Đạt",
    ]
    assert sorted(names, key=sort_key) == expected


def test_sort_key_tones_only_break_ties():
    # Letters decide first; the tone matters only between otherwise equal names.
    assert sorted(["Lê Ánh", "Lê Anh", "Lê Ảnh", "Lê Bình"], key=sort_key) == ["Lê Anh", "Lê Ảnh", "Lê Ánh", "Lê Bình"]
