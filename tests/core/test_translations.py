"""The Vietnamese catalogue is complete, compiled, and used by default."""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from branches.models import Branch

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
# The pages' and the admin's messages, and the admin's JavaScript ones (core/library_messages.js).
DOMAINS = ("django", "djangojs")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(quoted: str) -> str:
    """The text of a PO string literal: '"a \\"b\\"\\n"' -> 'a "b"\n'."""
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match[1], match[0]), quoted[1:-1])


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def parse_po(path: Path) -> list[Entry]:
    """The entries of a PO file, header (msgid "") first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # the keyword a continuation line extends
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and target is not None and target[0].startswith("msgstr"):
                entry, target = None, None  # comments after a msgstr begin the next entry
            if entry is None:
                entry = Entry(line=number)
                entries.append(entry)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: continuation line outside an entry"
            keyword, index = target
            if keyword == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + _unquote(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path}:{number}: cannot parse {raw!r}"
        keyword, index, quoted = match[1], match[2], match[3]
        if keyword in ("msgctxt", "msgid") and (entry is None or (target and target[0] == "msgstr")):
            entry = Entry(line=number)
            entries.append(entry)
        assert entry is not None
        if keyword.startswith("msgstr"):
            position = int(index) if index is not None else 0
            entry.msgstr[position] = _unquote(quoted)
            target = ("msgstr", position)
        else:
            setattr(entry, keyword, _unquote(quoted))
            target = (keyword, None)
    return entries


@pytest.fixture(scope="module", params=DOMAINS)
def domain(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def po_entries(domain) -> list[Entry]:
    entries = parse_po(LOCALE_DIR / f"{domain}.po")
    assert entries and entries[0].msgid == "", "the catalogue has no header"
    return entries


def _describe(entry: Entry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"line {entry.line}: {context}{entry.msgid!r}"


def test_header_names_vietnamese_and_is_not_fuzzy(po_entries):
    header = po_entries[0]
    assert not header.fuzzy, "the header is still marked fuzzy"
    assert "Language: vi\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries, domain):
    messages = po_entries[1:]
    assert len(messages) > (200 if domain == "django" else 20), "the catalogue looks truncated"
    untranslated = [_describe(entry) for entry in messages if not entry.translated]
    fuzzy = [_describe(entry) for entry in messages if entry.fuzzy]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated msgid(s):\n" + "\n".join(untranslated))
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy msgid(s):\n" + "\n".join(fuzzy))
    assert not problems, f"{domain}.po:\n" + "\n".join(problems)


def test_every_translation_keeps_the_placeholders(po_entries):
    placeholder = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")
    wrong = []
    for entry in po_entries[1:]:
        expected = sorted(placeholder.findall(entry.msgid))
        for text in entry.msgstr.values():
            if text and sorted(placeholder.findall(text)) != expected:
                wrong.append(f"{_describe(entry)} -> {text!r}")
    assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)


class _Missing(gettext.NullTranslations):
    """A fallback marking what the compiled catalogue lacks (a msgstr may equal its msgid)."""

    MISSING = "\0missing\0"

    def gettext(self, message):
        return self.MISSING

    def ngettext(self, msgid1, msgid2, n):
        return self.MISSING

    def pgettext(self, context, message):
        return self.MISSING

    def npgettext(self, context, msgid1, msgid2, n):
        return self.MISSING


def test_committed_mo_matches_po(po_entries, domain):
    mo_file = LOCALE_DIR / f"{domain}.mo"
    assert mo_file.exists(), f"{mo_file} is missing: run manage.py compilemessages -l vi --ignore=.venv"
    with mo_file.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    catalogue.add_fallback(_Missing())
    stale = []
    for entry in po_entries[1:]:
        # compilemessages leaves untranslated and fuzzy entries out of the .mo.
        compiled_out = not entry.translated or entry.fuzzy
        for n, text in sorted(entry.msgstr.items()):
            expected = _Missing.MISSING if compiled_out else text
            if entry.msgid_plural is None:
                if entry.msgctxt is None:
                    compiled = catalogue.gettext(entry.msgid)
                else:
                    compiled = catalogue.pgettext(entry.msgctxt, entry.msgid)
            else:
                # Vietnamese has one form (plural=0): every n selects msgstr[0].
                if entry.msgctxt is None:
                    compiled = catalogue.ngettext(entry.msgid, entry.msgid_plural, n + 1)
                else:
                    compiled = catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n + 1)
            if compiled != expected:
                want = "no entry (untranslated or fuzzy)" if compiled_out else repr(text)
                have = "no entry" if compiled == _Missing.MISSING else repr(compiled)
                stale.append(f"{_describe(entry)}: .po wants {want}, .mo has {have}")
    advice = "run manage.py compilemessages -l vi --ignore=.venv"
    assert not stale, f"{mo_file} is out of date; {advice}:\n" + "\n".join(stale)


def test_default_language_is_vietnamese():
    assert settings.LANGUAGE_CODE == "vi"


@pytest.mark.django_db
def test_admin_login_page_is_in_vietnamese_by_default(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Đăng nhập" in content
    # The site header comes from the project's own catalogue.
    assert "Quản lý chi đoàn, chi hội" in content


def test_model_verbose_name_renders_in_vietnamese():
    with translation.override("vi"):
        assert str(Branch._meta.verbose_name_plural) == "chi đoàn, chi hội"
        assert str(Branch._meta.get_field("founded_on").verbose_name) == "ngày thành lập"


def test_model_verbose_name_renders_in_english():
    with translation.override("en"):
        assert str(Branch._meta.verbose_name_plural) == "branches"
        assert str(Branch._meta.get_field("founded_on").verbose_name) == "founded on"
