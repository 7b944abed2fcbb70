"""Vietnamese text helpers: accent-insensitive search keys and the Vietnamese sort order."""

import re
import unicodedata

# The Vietnamese alphabet (a ă â b c d đ e ê …) with the Latin letters it lacks slotted in
# where a dictionary would put them, so foreign names sort sensibly too.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_INDEX = {letter: index for index, letter in enumerate(ALPHABET, start=1)}
# Vietnamese dictionaries order the tones: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a new letter (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_SPACES = re.compile(r"\s+")


def normalize_spaces(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def fold(text: str) -> str:
    """Lower-case ASCII form: "Nguyễn Văn Ánh" -> "nguyen van anh", "Đặng" -> "dang"."""
    text = normalize_spaces(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _split_letters(word: str) -> list[tuple[str, str]]:
    """Return (base letter, tone digit) pairs, keeping ă â ê ô ơ ư đ as letters of their own."""
    letters: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = "0"
        letter_marks = ""
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _LETTER_MARKS:
                letter_marks += mark
        letters.append((unicodedata.normalize("NFC", base + letter_marks), tone))
    return letters


def _word_key(words: list[str]) -> tuple[str, str]:
    primary, secondary = [], []
    for word in words:
        if primary:
            primary.append("00")
        for letter, tone in _split_letters(word):
            if letter in _LETTER_INDEX:
                primary.append(f"{_LETTER_INDEX[letter]:02d}")
            elif letter.isdigit():
                primary.append(f"9{letter}")
            else:
                continue
            secondary.append(tone)
    return "".join(primary), "".join(secondary)


def text_key(text: str) -> str:
    """A digits-only key for any text (an area's name) in the Vietnamese order, tones breaking ties."""
    primary, tones = _word_key(normalize_spaces(text).split(" "))
    return f"{primary}00{tones}"


def split_name(full_name: str) -> tuple[str, str]:
    """Split a Vietnamese full name into (given name, family and middle names)."""
    words = normalize_spaces(full_name).split(" ")
    return words[-1], " ".join(words[:-1])


def sort_key(full_name: str) -> str:
    """A digits-only key that sorts by given name, then family and middle names, the Vietnamese way.

    Within each part letters decide first (a < ă < â < … < đ …) and tones break ties,
    as PostgreSQL's ``vi-x-icu`` collation does.
    Digits collate identically under every database collation, so SQLite and PostgreSQL
    agree without relying on an ICU collation being installed.
    """
    given, rest = split_name(full_name)
    parts = []
    for words in ([given], rest.split(" ") if rest else []):
        primary, tones = _word_key(words)
        # "00" ends each part below any letter, so "An" sorts before "Anh" and "A" before "Ab".
        parts.append(f"{primary}00{tones}00")
    return "".join(parts)[:255]
