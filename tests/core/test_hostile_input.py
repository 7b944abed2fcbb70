"""Hostile input everywhere: never a 500, never markup reflected unescaped, nothing written by a refusal.

A district officer's pages are crawled from the landing page ``/`` (same-site links, a
representative URL or two per URL pattern, downloads included, logout and static files left
out), and every query parameter and form field found, together with the parameters the site's
filters read, is sent hostile values one at a time, the other fields keeping their usual values:
markup, SQL fragments, 5,000-character strings, NUL bytes (which PostgreSQL refuses in text
columns), impossible dates, negative and enormous numbers, unknown ids, a repeated parameter and
an empty one. The admin's changelists get the same for their search, filters, ordering and
paging parameters, for an administrator and for district staff.

Every answer must be a 4xx, a redirect or a page (never a 5xx); the raw hostile markup never
appears in an HTML page; a refused request (a 4xx, or a form sent back with errors) leaves every
table as it was; a form error shown in English is one that has no Vietnamese translation. Each
request runs in a transaction that is rolled back, so an accepted one does not move the next
one's starting point. The figures (requests, pages, forms, parameters) are printed with ``-s``.
"""

import datetime
import logging
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from accounts.models import Role
from tests import factories
from tests.workbooks.helpers import member, roster
from workbooks import services as workbook_services

D = datetime.date

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MARKUP = (SCRIPT, IMG)
# Out of an attribute ("> and '>), then an element and an event handler: both contexts in one value.
HOSTILE_MARKUP = f"\"'>{SCRIPT}{IMG}"
REPEATED = object()  # the parameter twice: its usual value and a hostile one
SQL = "' OR 1=1 --"
LONG = "A" * 5000
NUL = "a\x00b"
HUGE = "99999999999999999999"
DATES = ["31/02/2025", "2025-13-01"]
NUMBERS = ["-1", HUGE, "987654321"]  # the last one: an unknown id
CODES = ["ZZ-KHONG-CO"]  # an unknown code
# Parameters the site's lists, filters and reports read, shown on a page or not.
STANDARD_PARAMS = ["page", "year", "date", "month", "quarter", "area", "organization", "q", "status", "format", "kind"]
DATE_NAME = re.compile(r"(^|_)(on|date|day|month|year|quarter|from|to|since|until|period|at)($|_)")
DATE_VALUE = re.compile(r"^\d{1,4}[/-]\d{1,2}([/-]\d{1,4})?$")
NUMBER_VALUE = re.compile(r"^-?\d+$")
CHOICE_KINDS = ("number", "select", "hidden", "radio", "radio-off", "checkbox", "checkbox-off")


def values_for(name: str, usual: str, kind: str = "text") -> list:
    """The hostile values for one parameter or field, by what it looks like it holds.

    Every one gets markup, a 5,000-character string and a NUL byte, and is sent empty if it has a
    value; free text an SQL fragment; a date two impossible ones; a number, a choice or an id a
    negative, an enormous and an unknown one, an unknown code and the parameter repeated.
    """
    values = [HOSTILE_MARKUP, LONG, NUL]
    if usual:
        values.append("")
    choice = kind in CHOICE_KINDS or bool(NUMBER_VALUE.match(usual or "")) or name in STANDARD_PARAMS
    if DATE_NAME.search(name) or DATE_VALUE.match(usual or "") or kind in ("date", "month"):
        values += DATES
    if choice:
        values += [*NUMBERS, *CODES, REPEATED]
    else:
        values.append(SQL)
    return values


SKIPPED_PATHS = ("/static/", "/admin/", "/media/")
SKIPPED_NAMES = {"logout"}
MAX_PAGES = 90  # pages fetched by the crawl
PER_PATTERN = 2  # representative URLs per URL pattern

# Tables every request may write: the session, the login throttle.
UNWATCHED = {"sessions.session", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"}


# ---------------------------------------------------------------------------
# The world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        tree = factories.area_tree()
        a1 = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
        a2 = factories.branch(tree.hamlet_a2, code="A2-DOAN", name="Chi đoàn Tân Thạnh")
        factories.branch(tree.hamlet_a1, org_code="HND", code="A1-HND")
        b1 = factories.branch(tree.hamlet_b1, code="B1-DOAN", name="Chi đoàn Bình Hòa")
        anh = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1, cccd=factories.cccd(), phone="0912345678")
        dung = factories.person("Đặng Thị Dung", gender="female", birth_year=1998, residence=tree.hamlet_a2)
        be = factories.person("Lê Văn Bê", residence=tree.hamlet_b1, cccd=factories.cccd())
        factories.membership(a1, person=anh, joined_on=D(2020, 1, 1))
        factories.membership(a2, person=dung, joined_on=D(2021, 5, 1))
        factories.membership(b1, person=be)
        factories.officer(a1, anh)
        meeting = factories.meeting(a1, held_on=D(2024, 3, 10), present=1, on_roll=1)
        factories.cadre_visit(meeting, "Cán bộ Alpha")
        factories.meeting(b1, held_on=D(2024, 3, 12))
        factories.rating(a1, 2024)
        factories.rating(a2, 2024, state="approved")
        factories.target_population(tree.hamlet_a1, count=50)
        district = factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
        batch = workbook_services.create_batch(
            kind="members",
            user=district,
            file_name="nhap.xlsx",
            data=roster([member("Người Nhập", 2001, a1.code)]),
        )
        workbook_services.start_preview(batch=batch)
        admin = factories.admin_user()
        yield {"district": district, "admin": admin}
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db_access(db):
    """The module's tests read the shared world inside the test database."""


@pytest.fixture(autouse=True)
def _quiet_request_log():
    """Thousands of refusals would each log a warning ("Not Found", "Bad Request")."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


# ---------------------------------------------------------------------------
# Reading pages: links and forms


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)

    def normal(self) -> dict[str, list]:
        data = defaultdict(list)
        for f in self.fields:
            if f.kind != "file":
                data[f.name].append(f.value)
        return data

    @property
    def has_file(self) -> bool:
        return any(f.kind == "file" for f in self.fields)


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._select_first: str | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None
        self._submit_taken = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=a.get("action") or "")
            self._submit_taken = False
            self.forms.append(self._form)
        elif self._form is None or a.get("disabled") is not None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.fields.append(Field(a["name"], f"{kind}-off", a.get("value") or "on"))
                return
            if kind in ("submit", "image", "reset", "button"):
                if self._submit_taken or kind != "submit":
                    return
                self._submit_taken = True
            self._form.fields.append(Field(a["name"], kind, a.get("value") or ""))
        elif tag == "button" and a.get("name") and (a.get("type") or "submit") == "submit" and not self._submit_taken:
            self._submit_taken = True
            self._form.fields.append(Field(a["name"], "submit", a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", "")
            self._select_first = None
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = {"value": value, "text": ""}
            if "selected" in a:
                self._select.kind = "select-chosen"
                self._select.value = value if value is not None else ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea", "")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            if self._form is not None:
                # Unchecked boxes are not sent; they stay listed as fields to attack.
                pass
            self._form = None
        elif tag == "option" and self._option is not None:
            if self._select is not None and self._select_first is None:
                value = self._option["value"]
                self._select_first = value if value is not None else self._option["text"].strip()
                if self._select.kind == "select":
                    self._select.value = self._select_first
            self._option = None
        elif tag == "select":
            if self._select is not None and self._select.kind == "select-chosen":
                self._select.kind = "select"
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def route_of(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match


def pattern_key(match) -> str:
    return f"{match.view_name} {match.route}"


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


@dataclass
class Crawl:
    pages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # pattern -> URLs
    forms: dict[tuple, tuple[str, Form]] = field(default_factory=dict)  # key -> (page URL, form)
    reads: dict[str, set] = field(default_factory=lambda: defaultdict(set))  # URL -> parameters its view read
    fetched: int = 0
    failures: list[str] = field(default_factory=list)


@contextmanager
def parameters_read():
    """The names a view looks up in ``request.GET`` (or ``POST``), shown on its pages or not."""
    read = set()

    def spy(original):
        def method(self, key, *args, **kwargs):
            read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    names = ("get", "getlist", "__getitem__", "__contains__")
    for name in names:
        setattr(QueryDict, name, spy(getattr(QueryDict, name)))
    try:
        yield read
    finally:
        for name in names:
            delattr(QueryDict, name)


def crawl(client: Client, start: str = "/", *, max_pages: int = MAX_PAGES) -> Crawl:
    found = Crawl()
    queue = [start]
    seen = {start}
    while queue and found.fetched < max_pages:
        url = queue.pop(0)
        with parameters_read() as read:
            response = client.get(url)
        found.reads[url] = read
        found.fetched += 1
        if response.status_code >= 500:
            found.failures.append(f"GET {url} -> {response.status_code} (no hostile value)")
        if response.status_code != 200 or not is_html(response):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = same_site(url, href)
            if target is None or target in seen:
                continue
            match = route_of(urlsplit(target).path)
            if match is None or match.url_name in SKIPPED_NAMES:
                continue
            urls = found.pages[pattern_key(match)]
            if len(urls) >= PER_PATTERN:
                continue
            if urls and set(dict(parse_qsl(urlsplit(urls[0]).query))) == set(dict(parse_qsl(urlsplit(target).query))):
                continue  # the second representative differs by its parameters
            urls.append(target)
            seen.add(target)
            queue.append(target)
        for form in parser.forms:
            action = same_site(url, form.action) or url
            form.action = action
            match = route_of(urlsplit(action).path)
            if match is None or match.url_name in SKIPPED_NAMES:
                continue
            key = (form.method, match.view_name, tuple(sorted({f.name for f in form.fields})))
            found.forms.setdefault(key, (url, form))
    # The start page itself is a pattern too.
    found.pages.setdefault(pattern_key(route_of(urlsplit(start).path)), []).insert(0, start)
    return found


def same_site(base: str, href: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    target = urljoin(f"http://testserver{base}", href)
    parts = urlsplit(target)
    if parts.netloc != "testserver" or parts.path.startswith(SKIPPED_PATHS):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------------------
# Sending hostile values and judging the answers


def watched_tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.label_lower not in UNWATCHED and model._meta.managed and not model._meta.proxy
        }
    )


def fingerprint() -> dict[str, int]:
    """The number of rows of every table (history tables included, so an update counts too), in one query."""
    tables = watched_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def english_untranslated(message: str) -> bool:
    """An English msgid shown as is although Vietnamese has a translation for it."""
    with translation.override("vi"):
        return translation.gettext(message) != message


def form_errors(response) -> list[str]:
    if response.context is None:
        return []
    errors = []
    seen = set()
    for context in response.context:
        for layer in context.dicts:
            for value in layer.values():
                forms = []
                if isinstance(value, BaseForm):
                    forms = [value]
                elif isinstance(value, BaseFormSet):
                    forms = list(value.forms)
                for form in forms:
                    if id(form) in seen or not form.is_bound:
                        continue
                    seen.add(id(form))
                    for messages in form.errors.values():
                        errors.extend(str(m) for m in messages)
    return errors


@dataclass
class Judge:
    client: Client
    baseline: dict
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    spent: dict = field(default_factory=lambda: defaultdict(float))  # seconds per view: where the time goes

    def send(self, method: str, url: str, data, label: str, *, files=None) -> None:
        self.requests += 1
        started = time.monotonic()
        with transaction.atomic():
            if method == "get":
                response = self.client.get(url, data)
            else:
                payload = dict(data)
                if files:
                    payload.update(files)
                response = self.client.post(url, payload)
            self.judge(response, method, url, label)
            transaction.set_rollback(True)
        self.spent[f"{method} {resolve(urlsplit(url).path).view_name}"] += time.monotonic() - started
        # Each request starts from the same browser: the session only (no message, no language).
        for name in list(self.client.cookies):
            if name != settings.SESSION_COOKIE_NAME:
                del self.client.cookies[name]

    def judge(self, response, method: str, url: str, label: str) -> None:
        status = response.status_code
        where = f"{method.upper()} {url} {label}"
        if status >= 500:
            exc = response.exc_info[1] if getattr(response, "exc_info", None) else None
            self.failures.append(f"{where} -> {status} {type(exc).__name__ if exc else ''}: {str(exc)[:200]}")
            return
        if is_html(response):
            body = response.content.decode(errors="replace")
            for markup in MARKUP:
                if markup in body:
                    self.failures.append(f"{where} -> markup reflected unescaped")
        errors = form_errors(response)
        refused = 400 <= status < 500 or (method == "post" and status == 200)
        if refused and fingerprint() != self.baseline:
            changed = {k for k, v in fingerprint().items() if self.baseline.get(k) != v}
            self.failures.append(f"{where} -> {status} refused yet wrote {sorted(changed)}")
        shown = errors + [str(m) for m in get_messages(response.wsgi_request)] if response.wsgi_request else errors
        for message in shown:
            if english_untranslated(message):
                self.failures.append(f"{where} -> English message {message!r}")


def hostile_values(values, usual: str):
    for value in values:
        if value is REPEATED:
            yield "repeated", [usual or "1", HOSTILE_MARKUP]
        else:
            yield repr(value[:30]) + ("…" if len(value) > 30 else ""), value


def attack_query(judge: Judge, url: str, param: str, *, kind: str = "text") -> None:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    usual = dict(query).get(param, "")
    rest = [(k, v) for k, v in query if k != param]
    for label, value in hostile_values(values_for(param, usual, kind), usual):
        data = defaultdict(list)
        for k, v in rest:
            data[k].append(v)
        data[param] = value if isinstance(value, list) else [value]
        judge.send("get", parts.path, dict(data), f"?{param}={label}")


def attack_form(judge: Judge, form: Form, name: str, kind: str) -> None:
    usual = next((f.value for f in form.fields if f.name == name), "")
    files = {f.name: evil_file() for f in form.fields if f.kind == "file"}
    for label, value in hostile_values(values_for(name, usual, kind), usual):
        data = form.normal()
        data[name] = value if isinstance(value, list) else [value]
        judge.send("post", form.action, dict(data), f"[{name}]={label}", files=files)


def evil_file():
    return SimpleUploadedFile(f"{IMG}.xlsx", b"PK\x03\x04 not a workbook <script>", content_type="application/zip")


def attack_file(judge: Judge, form: Form, name: str) -> None:
    judge.send("post", form.action, dict(form.normal()), f"[{name}]=<evil file>", files={name: evil_file()})
    empty = SimpleUploadedFile("trong.xlsx", b"", content_type="application/octet-stream")
    judge.send("post", form.action, dict(form.normal()), f"[{name}]=<empty file>", files={name: empty})


FORMSET_INDEX = re.compile(r"-(\d+)-")


def attacked_fields(form: Form) -> list[Field]:
    """A form's fields once each; of a formset's rows, the first one's (the others are alike)."""
    fields = {}
    for f in form.fields:
        if f.name == "csrfmiddlewaretoken":
            continue
        index = FORMSET_INDEX.search(f.name)
        if index and index.group(1) != "0":
            continue
        fields.setdefault(f.name, f)
    return list(fields.values())


def view_of(url: str) -> str:
    return resolve(urlsplit(url).path).view_name


# ---------------------------------------------------------------------------
# The site


def test_no_hostile_value_breaks_a_page_or_a_form(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["district"])
    found = crawl(client)
    judge = Judge(client, fingerprint())
    judge.failures.extend(found.failures)

    params = set()  # (view, parameter): each is attacked once, on the first URL that shows it
    for urls in found.pages.values():
        for url in urls:
            for param in dict.fromkeys(k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)):
                if (view_of(url), param) not in params:
                    params.add((view_of(url), param))
                    attack_query(judge, url, param)
    fields = set()
    for _page, form in found.forms.values():
        for f in attacked_fields(form):
            if form.method == "get":
                if (view_of(form.action), f.name) in params:
                    continue
                params.add((view_of(form.action), f.name))
                base = f"{urlsplit(form.action).path}?{urlencode(form.normal(), doseq=True)}"
                attack_query(judge, base, f.name, kind=f.kind)
            else:
                fields.add((view_of(form.action), f.name))
                if f.kind == "file":
                    attack_file(judge, form, f.name)
                else:
                    attack_form(judge, form, f.name, f.kind)
    shown = len(params)
    # Parameters a view reads without showing them, then the filters' usual names all at once.
    guessed = 0
    for urls in found.pages.values():
        url = urls[0]
        for param in sorted(found.reads.get(url, set()) - {"csrfmiddlewaretoken"}):
            if isinstance(param, str) and (view_of(url), param) not in params:
                params.add((view_of(url), param))
                attack_query(judge, url, param)
        unread = [p for p in STANDARD_PARAMS if (view_of(url), p) not in params]
        for value in (HOSTILE_MARKUP + NUL, HUGE, "2025-13-01"):
            guessed += 1
            judge.send("get", urlsplit(url).path, dict.fromkeys(unread, value), f"{unread} all ={value[:20]!r}")
    figures = (
        f"{judge.requests} hostile requests over {len(found.pages)} URL patterns ({found.fetched} pages crawled): "
        f"{len(found.forms)} forms ({len(fields)} POST fields), {shown} query parameters shown by the pages, "
        f"{len(params) - shown} read by views without being shown, {guessed} requests with every unread filter"
    )
    print(f"\n[hostile input] site: {figures}")
    slowest = sorted(judge.spent.items(), key=lambda item: -item[1])[:12]
    print("\n".join(f"  {seconds:6.1f}s {view}" for view, seconds in slowest))
    assert judge.failures == [], figures + "\n" + "\n".join(judge.failures[:60])
    assert len(found.pages) >= 30, figures
    assert len(found.forms) >= 20, figures
    assert len(fields) >= 60, figures
    assert shown >= 40, figures


# ---------------------------------------------------------------------------
# The admin


def admin_params(client: Client, model, model_admin) -> tuple[str, dict[str, list]]:
    """A changelist's search, ordering, paging and error parameters, its filters' and its date hierarchy's."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url)
    if response.status_code != 200:
        return url, {}
    params = {
        "q": [HOSTILE_MARKUP, SQL, LONG, NUL],
        "o": [HOSTILE_MARKUP, "-1", HUGE, REPEATED],
        "p": [HOSTILE_MARKUP, "-1", HUGE],
        "e": [HOSTILE_MARKUP],
        "_facets": [HOSTILE_MARKUP],
        "no_such_filter": [HOSTILE_MARKUP],
    }
    for spec in response.context["cl"].filter_specs:
        for name in spec.expected_parameters():
            params[name] = [HOSTILE_MARKUP, NUL, HUGE, "2025-13-01", REPEATED]
    if model_admin.date_hierarchy:
        for part in ("year", "month", "day"):
            params[f"{model_admin.date_hierarchy}__{part}"] = [HOSTILE_MARKUP, HUGE, "9999", "13", "-1"]
    return url, params


@pytest.mark.parametrize("role", ["admin", "district"])
def test_no_hostile_value_breaks_an_admin_changelist(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world[role])
    judge = Judge(client, fingerprint())
    lists = params = 0
    for model, model_admin in django_admin.site._registry.items():
        url, names = admin_params(client, model, model_admin)
        if not names:
            continue
        lists += 1
        for name, values in names.items():
            params += 1
            for label, value in hostile_values(values, "1"):
                judge.send("get", url, {name: value}, f"?{name}={label}")
    figures = f"{judge.requests} hostile requests over {lists} changelists and {params} parameters"
    print(f"\n[hostile input] admin as {role}: {figures}")
    assert judge.failures == [], figures + "\n" + "\n".join(judge.failures[:60])
    assert lists >= (15 if role == "admin" else 8), figures
    assert params >= lists * 6, figures


def test_a_date_hierarchy_year_out_of_the_calendar_is_a_wrong_parameter(client, world):
    """Was a 500 (OverflowError, and ValueError for the year after 9999): now Django's ?e=1 page."""
    client.force_login(world["admin"])
    url = reverse("admin:meetings_meeting_changelist")
    for year in (HUGE, "9999"):
        response = client.get(url, {"held_on__year": year})
        assert response.status_code == 302
        assert response.url.endswith("?e=1")


def test_a_report_for_an_enormous_year_is_an_error_not_a_server_error(client, world):
    """?year=99999999999999999999 overflowed date() in the membership report's defaults (a 500)."""
    client.force_login(world["district"])
    response = client.get(reverse("reports:membership"), {"year": HUGE})
    assert response.status_code == 200
    assert response.context["form"].is_bound


@pytest.mark.parametrize("name", ["admin:areas_area_changelist", "admin:accounts_user_changelist"])
def test_a_nul_byte_in_an_admin_filter_is_a_wrong_parameter(client, world, name):
    """PostgreSQL refused ?level__exact=a%00b when the list was read (a 500): now Django's ?e=1 page."""
    client.force_login(world["admin"])
    param = "level__exact" if "area" in name else "role__exact"
    response = client.get(reverse(name), {param: NUL})
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_a_nul_byte_in_an_area_or_organization_code_is_unknown(client, world):
    """PostgreSQL refused them in the query (a 500): an unknown area is 404, an unknown organization all of them."""
    client.force_login(world["district"])
    assert client.get(reverse("home"), {"area": NUL}).status_code == 404
    assert client.get(reverse("reports:index"), {"area": NUL}).status_code == 404
    assert client.get(reverse("reports:membership"), {"area": NUL}).status_code == 404
    grid = reverse("ratings:commune_grid", args=["99101", 2024])
    assert client.get(grid, {"organization": NUL}).status_code == 200
