"""The embedded default under concurrency: colleagues logging in and saving at once on SQLite get no error page.

SQLite has one writer at a time, and the in-memory database of the tests never has to wait for
it. So these tests copy the migrated test database into a file, serve it with gunicorn and two
workers, as an office would, and send it real requests from many threads at once.
"""

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="SQLite's single writer is what is tested; other databases let writers wait by themselves.",
    ),
    # The test database is copied into the file the server uses: pytest-django must create it.
    pytest.mark.django_db,
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-thu-nghiem"
USERS = 20

# Run by `manage.py shell` on the copied database: a district with a branch, and USERS district
# staff, each with a member of their own to change.
SET_UP = f"""
from accounts.models import Role, User
from tests import factories

tree = factories.area_tree()
branch = factories.branch(tree.hamlet_a1)
for number in range({USERS}):
    User.objects.create_user(username=f"can-bo-{{number}}", password="{PASSWORD}", role=Role.DISTRICT,
                             area=tree.district_a)
    member = factories.membership(branch, person=factories.person(full_name=f"Đoàn Viên {{number}}"))
    print("person", member.person_id)
"""


class Forms(HTMLParser):
    """The values a browser would send for each form of a page that posts."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {}
            self.forms.append(self.current)
        if self.current is None or (not attrs.get("name") and tag != "option"):
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.current[name] = attrs.get("value") or ""
        elif tag == "select":
            self.select = name
            self.current.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.current[self.select] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = name
            self.current[name] = ""

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None

    def with_field(self, field: str) -> dict:
        return next(form for form in self.forms if field in form)


class Browser:
    """One colleague's browser: its cookies, and requests that do not follow redirects."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        server = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            server.request(method, path, body=body, headers=headers)
            response = server.getresponse()
            content = response.read().decode()
        finally:
            server.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", content

    def form(self, path: str, field: str) -> dict:
        status, _, content = self.request("GET", path)
        assert status == 200, (path, status)
        forms = Forms()
        forms.feed(content)
        return forms.with_field(field)

    def log_in(self, username: str) -> tuple[int, str]:
        values = self.form("/accounts/login/", "username")
        values.update(username=username, password=PASSWORD)
        status, location, _ = self.request("POST", "/accounts/login/", values)
        return status, location


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn, 2 workers, on a file copy of the migrated test database, with USERS colleagues and their members."""
    folder = tmp_path_factory.mktemp("sqlite-site")
    database = folder / "db.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)  # the migrations' tables and data, without migrating again
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": f"sqlite:///{database}",
        # DEBUG on, as the office copy served by dev.py runs: with it off the pages would need
        # collectstatic's manifest, and the cookies HTTPS.
        "DEBUG": "1",
        "SECRET_KEY": "test-sqlite-concurrency-" + "k" * 40,
    }
    port = free_port()
    log = folder / "server.log"
    with log.open("w") as output:
        # Started first: it loads the site while the data is written.
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers=2", "--preload", f"--bind=127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        made = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SET_UP], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert made.returncode == 0, made.stderr
        people = [int(line.split()[1]) for line in made.stdout.splitlines() if line.startswith("person ")]
        for _ in range(600):
            try:
                Browser(port).request("GET", "/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.1)
        yield SimpleNamespace(port=port, people=people, database=database, log=log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def at_once(count: int, work) -> list:
    """``work(number)`` in ``count`` threads released together; what each returned, or the exception it raised."""
    start = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(number):
        start.wait()
        try:
            outcomes[number] = work(number)
        except Exception as error:
            outcomes[number] = error

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_colleagues_log_in_and_save_at_once(site):
    port, people = site.port, site.people
    browsers = [Browser(port) for _ in people]

    def log_in(number):
        status, location = browsers[number].log_in(f"can-bo-{number}")
        dashboard = browsers[number].request("GET", location)[0] if status == 302 else None
        return status, location, dashboard

    assert at_once(len(people), log_in) == [(302, "/", 200)] * len(people)

    def save(number):
        path = f"/members/people/{people[number]}/edit/"
        values = browsers[number].form(path, "full_name")
        status, location, _ = browsers[number].request("POST", path, {**values, "occupation": f"Nghề số {number}"})
        return status, location

    assert at_once(len(people), save) == [(302, f"/members/people/{pk}/") for pk in people]
    for number, pk in enumerate(people):
        status, _, page = browsers[number].request("GET", f"/members/people/{pk}/")
        assert status == 200
        assert f"Nghề số {number}<" in page
    assert "database is locked" not in site.log.read_text()


def test_pages_answer_while_a_long_import_holds_the_write_lock(site):
    port, people, database = site.port, site.people, site.database
    browsers = [Browser(port) for _ in range(5)]
    for number, browser in enumerate(browsers):
        assert browser.log_in(f"can-bo-{number}") == (302, "/")
        assert browser.request("GET", "/")[0] == 200
    import_ = sqlite3.connect(database, isolation_level=None)
    import_.execute("BEGIN IMMEDIATE")  # what an import of a large workbook holds until it ends
    try:

        def read(number):
            return [browsers[number].request("GET", path)[0] for path in ("/", f"/members/people/{people[number]}/")]

        # Read while the lock is held: a page that waited for it would end on an error page.
        assert at_once(len(browsers), read) == [[200, 200]] * len(browsers)
    finally:
        import_.execute("ROLLBACK")
        import_.close()
    assert "database is locked" not in site.log.read_text()


def test_reading_the_pages_writes_nothing(client, tree):
    """A page that only shows something writes no row: on SQLite every write waits for the one writer.

    (The session may be written once after the login: its expiry is moved on at most once a minute.)
    """
    from django.urls import reverse

    from accounts.models import Role
    from tests import factories

    branch = factories.branch(tree.hamlet_a1)
    member = factories.membership(branch)
    factories.meeting(branch)
    client.force_login(factories.user(Role.DISTRICT, tree.district_a))
    assert client.get("/").status_code == 200
    pages = [
        reverse("home"),
        reverse("members:search"),
        reverse("members:person", args=[member.person_id]),
        reverse("members:person_edit", args=[member.person_id]),
        reverse("branches:browse"),
        reverse("branches:branch", args=[branch.pk]),
        reverse("meetings:overview"),
        reverse("meetings:branch_log", args=[branch.pk]),
        reverse("ratings:grid"),
        reverse("reports:index"),
        reverse("reports:membership"),
    ]
    writes = []

    def record_writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record_writes):
        statuses = {page: client.get(page, follow=True).status_code for page in pages}
    assert statuses == dict.fromkeys(pages, 200)
    assert writes == []
