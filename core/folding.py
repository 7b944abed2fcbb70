"""Vietnamese folding in SQL: text lower-cased and without diacritics, for columns that keep no folded copy.

``core.vietnamese.fold`` does it in Python ("Chi đoàn Ấp Tân Phú" -> "chi doan ap tan phu"); ``Folded`` does
the same inside a query. PostgreSQL maps the letters with one TRANSLATE; SQLite, which has none, calls
``fold`` itself through ``VN_FOLD``, given to each new connection (``CoreConfig.ready``).
"""

import unicodedata

from django.db.models import CharField, Func

from .vietnamese import fold


def _vietnamese_letters() -> list[tuple[str, str]]:
    """Each accented letter of Vietnamese, both cases, with the plain lower-case letter it folds to."""
    marks = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b"}
    letters = [("đ", "d"), ("Đ", "d")]
    for code in range(0xC0, 0x1EFA):
        letter = chr(code)
        decomposed = unicodedata.normalize("NFD", letter)
        if len(decomposed) > 1 and decomposed[0] in "aeiouyAEIOUY" and set(decomposed[1:]) <= marks:
            letters.append((letter, fold(letter)))
    return letters


VIETNAMESE_LETTERS = _vietnamese_letters()


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold(text)


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """Give each new SQLite connection ``VN_FOLD``, which ``Folded`` calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("VN_FOLD", 1, _fold_or_none, deterministic=True)


class Folded(Func):
    """``fold`` of an expression, in SQL."""

    output_field = CharField()
    function = "VN_FOLD"

    def as_postgresql(self, compiler, connection, **extra):
        letters = "".join(letter for letter, _plain in VIETNAMESE_LETTERS)
        plain = "".join(plain for _letter, plain in VIETNAMESE_LETTERS)
        template = f"TRANSLATE(LOWER(%(expressions)s), '{letters}', '{plain}')"
        return super().as_sql(compiler, connection, template=template, **extra)
