"""The admin speaks Vietnamese: no message of Django or the libraries is left in English.

Django's Vietnamese catalogue lacks some of the admin's messages and words others badly;
django-simple-history, django-import-export and django-tasks have no Vietnamese at all. The
project's catalogue fills them (core/library_messages.py). These tests open every admin list,
form, history and deletion page, and look for any English message of those catalogues in the
text and in the attributes a screen reader reads.
"""

import ast
import inspect
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import django_tasks
import django_tasks_db
import import_export
import pytest
import simple_history
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

import core.library_messages
from accounts.models import Role
from tests import factories

LIBRARIES = [Path(django.__file__).parent, *(Path(m.__file__).parent for m in (simple_history, import_export))]
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}


def library_catalogue_msgids() -> set[str]:
    """Every message of Django's and the libraries' catalogues, in English (the msgids)."""
    from tests.core.test_translations import parse_po

    msgids = set()
    for locale in (path for library in LIBRARIES for path in library.glob("**/locale")):
        # Django ships English catalogues; the libraries' messages are in their translations.
        english = locale / "en" / "LC_MESSAGES"
        for po in english.glob("django*.po") if english.exists() else locale.glob("*/LC_MESSAGES/django*.po"):
            msgids.update(entry.msgid for entry in parse_po(po)[1:])
    return msgids


def listed_messages() -> list[tuple[str | None, str]]:
    """The (context, msgid) pairs listed in core/library_messages.py."""
    tree = ast.parse(inspect.getsource(core.library_messages))
    pairs = []
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
            args = [arg.value for arg in call.args if isinstance(arg, ast.Constant)]
            if call.func.id in ("gettext_noop", "ngettext_lazy"):
                pairs.append((None, args[0]))
            elif call.func.id == "pgettext_lazy":
                pairs.append((args[0], args[1]))
    return pairs


def english_leaks(msgids: set[str]) -> set[str]:
    """The messages still shown in English in Vietnamese: their translation is the msgid itself."""
    with translation.override("vi"):
        return {m for m in msgids if translation.gettext(m) == m and any(len(w) > 2 for w in m.split())}


class ReadText(HTMLParser):
    """The text a user reads or hears: text nodes and the attributes screen readers speak."""

    def __init__(self):
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.texts.add(value.strip())
        if tag == "input" and dict(attrs).get("type") == "submit" and dict(attrs).get("value"):
            self.texts.add(dict(attrs)["value"].strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.add(" ".join(data.split()))


def read_text(html: str) -> set[str]:
    parser = ReadText()
    parser.feed(html)
    return parser.texts


@pytest.fixture
def world(tree):
    branch = factories.branch(tree.hamlet_a1, code="CD-A1", name="Chi đoàn Tân Phú")
    person = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1, cccd=factories.cccd())
    factories.membership(branch, person=person)
    factories.meeting(branch)
    factories.rating(branch, year=2024)
    factories.officer(branch, person)
    factories.target_population(tree.hamlet_a1)
    return tree


def admin_pages(client) -> dict[str, str]:
    """Every admin page of every registered model: list (with counts), add, change, history, delete."""
    pages = {"index": client.get(reverse("admin:index")).content.decode()}
    for model in admin.site._registry:
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{base}_changelist")
        for url in (changelist, changelist + "?_facets=1", reverse(f"{base}_add")):
            response = client.get(url)
            if response.status_code == 200:
                pages[url] = response.content.decode()
        response = client.post(reverse(f"{base}_add"), {})  # a form with errors
        if response.status_code == 200:
            pages[f"{base}_add POST"] = response.content.decode()
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                response = client.get(reverse(f"{base}_{view}", args=[obj.pk]))
                if response.status_code == 200:
                    pages[f"{base}_{view}"] = response.content.decode()
    return pages


def test_every_listed_message_is_one_a_library_shows():
    """A message the libraries no longer have would keep a useless entry in the catalogue."""
    msgids = library_catalogue_msgids()
    tasks_dirs = (Path(module.__file__).parent for module in (django_tasks, django_tasks_db))
    tasks_files = [path for directory in tasks_dirs for path in directory.glob("*.py")]
    tasks_sources = "".join(path.read_text() for path in tasks_files)
    unknown = [
        msgid for context, msgid in listed_messages() if msgid not in msgids and f'"{msgid}"' not in tasks_sources
    ]
    assert not unknown, unknown


def test_every_listed_message_reads_in_vietnamese():
    with translation.override("vi"):
        untranslated = [
            msgid
            for context, msgid in listed_messages()
            if (translation.pgettext(context, msgid) if context else translation.gettext(msgid)) == msgid
        ]
    assert not untranslated, untranslated


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DISTRICT])
def test_no_admin_page_shows_an_english_message(client, world, role):
    user = factories.admin_user() if role == Role.ADMIN else factories.user(role, world.district_a)
    client.force_login(user)
    leaks = english_leaks(library_catalogue_msgids())
    found = {}
    for page, html in admin_pages(client).items():
        if english := read_text(html) & leaks:
            found[page] = sorted(english)
    assert len(found) == 0, found
    # Django writes a boolean icon's text itself, in English.
    assert not [page for page, html in admin_pages(client).items() if 'alt="True"' in html or 'alt="False"' in html]


def test_adding_a_person_reads_them_nguoi(client, world):
    client.force_login(factories.admin_user())
    html = client.get(reverse("admin:members_person_add")).content.decode()
    assert "Thêm người" in read_text(html)
    assert not any("Thêm vào" in text for text in read_text(html))


def test_the_area_filter_is_a_box_that_finds_the_users_communes(client, world):
    other = factories.area("99102", "Tân Phú", "commune", "xa", world.district_a)
    client.force_login(factories.user(Role.DISTRICT, world.district_a))
    html = client.get(reverse("admin:branches_branch_changelist")).content.decode()
    assert "data-area-filter" in html and 'list="area-filter-in_area-options"' in html
    # Communes of the district, named with their code and unit above; none of the other district.
    assert "Xã Tân Mỹ (99101) · Huyện Thanh Bình" in html
    assert f"Xã Tân Phú ({other.code}) · Huyện Thanh Bình" in html
    assert "99201" not in html
    # Not a column of links (but for browsers without JavaScript): the choices are the box's.
    with_script = re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)
    assert with_script.count('href="?in_area=') == 0
    assert with_script.count('data-url="?in_area=') == 2


def test_the_admin_lists_keep_their_rows_on_one_line(client, world):
    client.force_login(factories.admin_user())
    html = client.get(reverse("admin:members_person_changelist")).content.decode()
    assert "css/admin.css" in html
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "admin.css").read_text()
    assert "#result_list td, #result_list th { white-space: nowrap; }" in css
