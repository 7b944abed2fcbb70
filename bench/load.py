"""Load test: 50 users for 60 s on gunicorn (2 workers) and PostgreSQL, the demo province at 20.000 memberships.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_demo python bench/load.py [--users 50] [--duration 60]
        [--think 5-15] [--warmup 10] [--members 20000] [--threads 1]

Creates the database if it is missing, migrates it and loads the demo province
(``seed_demo --members 20000``) unless it is there (a database that holds it is reused as it
is), analyses it afresh (``VACUUM ANALYZE``: autovacuum may be off, and a database never
analysed gets plans for one row per table), and creates the accounts the simulated users
log in with: half provincial officers of Tỉnh Đồng Tháp (82), half commune staff of its
communes that have branches (``tinh82``, ``xa30130`` and ``xa30154`` among them, then
``load_tinh_NN`` and ``load_xa_NN``, password ``demo12345``). District staff cannot be among
them: since the reform of 01/07/2025 the province has no districts, and an account needs an
area in force (``huyen874`` is inactive).

Then collects the static files into a temporary STATIC_ROOT and starts
``gunicorn config.wsgi -w 2`` on a free port of 127.0.0.1 with production settings (DEBUG
off, a random SECRET_KEY; the session and CSRF cookies are "secure", and the simulated
browsers send them over plain HTTP anyway), and runs locust, as a library, headless: every
user logs in through the login form (all at once, before the timed minute: a login hashes
the password on purpose, it is not a page of the minute), browses --warmup seconds untimed
(the workers' first pages compile the templates), then for --duration seconds, with a think
time of --think seconds (default 5–15: a page read, then a click) between visits, visits the
dashboard, the member search (the page, then the htmx results after several keystrokes of a
name), person pages, the four reports of the user's area (membership, ratings, meetings,
officers), and, commune staff only (provincial officers may not edit), a meeting's form, the
roll it asks for (htmx), its save (a POST through the form, with the CSRF token and the
version it was drawn with: a 302 to the meeting's page, else an error) and that page. Static
files are not requested (a browser caches them). Each user edits meetings of its own, so no
save meets another's.

Prints the requests per second and, per page, the requests, the errors, p50/p95/p99/max
of the response time, p95 against the machine's baseline (a trivial page under the same
load: the login page, anonymous, no query) and p50/p95 of the time the worker spent on it
("served", from gunicorn's access log: the response time less the wait for a free worker,
which tells slow pages from a saturated server), then the errors, and the targets — zero
errors and p95 under 300 ms on every page — with PASS or FAIL per page. The targets are absolute,
the baseline only says how loaded the machine was (machines differ by 2×). Exit status 0
when every page passes, 1 otherwise, 2 when the test could not run.
"""

import argparse
import collections
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo12345"  # the demo accounts' password (demo/builder.py)
PROVINCE = "82"  # Tỉnh Đồng Tháp since the reform
REPORTS = ("membership", "ratings", "meetings", "officers")
TARGET_P95_MS = 300
BASELINE = "baseline: login page (anonymous)"
# Each request names its page in this header, which gunicorn's access log records with the time the
# worker took (from reading the request to the response sent): the service time, without the wait
# in the listen queue that the users' response time also holds.
PAGE_HEADER = "X-Load-Page"
ACCESS_LOG_FORMAT = "%({x-load-page}i)s\t%(s)s\t%(D)s"
# The pages in the order they are printed; each is a target.
PAGES = (
    "dashboard",
    "member search",
    "member search: keystroke (htmx)",
    "person",
    *(f"report: {kind}" for kind in REPORTS),
    "meeting form",
    "meeting form: roll (htmx)",
    "meeting save (POST)",
    "meeting",
)


# --- Preparation: the database, the accounts and each user's plan (a process with Django) ---


def ensure_database(url: str) -> bool:
    """Create the database of ``url`` if it is missing; True if it was created."""
    import psycopg
    from psycopg import sql

    try:
        psycopg.connect(url).close()
        return False
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    params = psycopg.conninfo.conninfo_to_dict(url)
    name = params.pop("dbname")
    with psycopg.connect(psycopg.conninfo.make_conninfo(**params, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def prepare(*, members: int, users: int, plan_file: str) -> None:
    created = ensure_database(os.environ["DATABASE_URL"])
    from _django import setup  # bench/ is the script's folder, first on sys.path

    setup()
    import io

    from django.core.management import call_command

    from branches.models import Branch

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seeded = not Branch.objects.exists()
    call_command("seed_demo", members=members, stdout=io.StringIO())  # nothing if the demo is there
    if created or seeded:
        print(f"database {'created, ' if created else ''}migrated and seeded in {time.perf_counter() - started:.0f} s")
    # Fresh statistics, as autovacuum would have them (it may be off, and seed_demo does not analyse):
    # without them the planner expects one row of every join and sorts every member by nested loops.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services import create_user
    from areas.models import Area, AreaLevel
    from meetings.models import Meeting
    from meetings.services import roll_count
    from members.models import Membership, Person

    today = timezone.localdate()
    province = next(a for a in Area.objects.filter(code=PROVINCE, level=AreaLevel.PROVINCE) if a.in_force_on(today))
    communes = [
        area
        for area in Area.objects.filter(level=AreaLevel.COMMUNE, path__startswith=province.path).order_by("code")
        if area.in_force_on(today) and Branch.objects.filter(area__path__startswith=area.path).exists()
    ]
    if not communes:
        raise SystemExit("The demo province has no communes with branches: drop the database and run again.")

    n_province = users // 2
    wanted = [("tinh82", Role.PROVINCE, PROVINCE)]
    wanted += [(f"load_tinh_{i:02d}", Role.PROVINCE, PROVINCE) for i in range(1, n_province)]
    demo_communes = {"30130": "xa30130", "30154": "xa30154"}
    for i in range(users - n_province):
        commune = communes[i % len(communes)]
        username = demo_communes.pop(commune.code, None) or f"load_xa_{i + 1:02d}"
        wanted.append((username, Role.COMMUNE, commune.code))
    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    made = 0
    for username, role, code in wanted:
        user = existing.get(username)
        if user is None:
            user, _password = create_user(username=username, role=role, area_code=code, password=PASSWORD)
            made += 1
        if not user.is_active or user.role != role or user.area is None or user.area.code != code:
            raise SystemExit(f"The account {username} exists but is not a {role} of {code}: remove it and run again.")
        existing[username] = user
    if made:
        print(f"{made} accounts created")

    # Each commune user edits meetings of its own branches' recent past, none another's.
    meetings_taken: set[int] = set()
    plan = []
    rng = random.Random(2026)
    for username, role, _code in wanted:
        user = existing[username]
        people = list(
            Person.objects.visible_to(user)
            .filter(memberships__in=Membership.objects.visible_to(user))
            .distinct()
            .order_by("?")
            .values_list("pk", "full_name")[:60]
        )
        meetings = []
        if role == Role.COMMUNE:
            candidates = (
                Meeting.objects.visible_to(user)
                .filter(held_on__gte=today.replace(day=1) - timezone.timedelta(days=150), held_on__lte=today)
                .exclude(pk__in=meetings_taken)
                .select_related("branch")
                .order_by("pk")
            )
            for meeting in candidates[:40]:
                if meeting.members_present <= roll_count(branch=meeting.branch, on=meeting.held_on):
                    meetings.append(meeting.pk)
                    meetings_taken.add(meeting.pk)
                if len(meetings) == 8:
                    break
        rng.shuffle(people)
        plan.append({"username": username, "role": str(role), "people": people, "meetings": meetings})
    totals = {
        "memberships": Membership.objects.count(),
        "people": Person.objects.count(),
        "branches": Branch.objects.count(),
        "meetings": Meeting.objects.count(),
        "communes": len(communes),
    }
    Path(plan_file).write_text(json.dumps({"users": plan, "totals": totals}, ensure_ascii=False))


# --- The simulated users (locust) ---


class FormParser(HTMLParser):
    """The fields of every form of a page: {form index: {name: value}}, with each form's method."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def page_form(html: str, field: str) -> dict | None:
    """The fields of the page's POST form that has ``field``."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and field in form["fields"]:
            return form["fields"]
    return None


def typed_prefixes(name: str) -> list[str]:
    """What the search box holds when htmx asks (after a pause of 400 ms): several keystrokes of a name."""
    words = name.split()
    steps = [name[:2], name[:4], " ".join([words[0], words[1][:1]]) if len(words) > 1 else name[:5]]
    if len(words) > 1:
        steps.append(" ".join(words[:2]))
    return [s for i, s in enumerate(steps) if s and s not in steps[:i]]


def build_users(plan: list[dict], think: tuple[float, float], record: dict):
    """The locust user classes for the plan's accounts; ``record`` receives the logins' outcome."""
    import gevent
    from locust import HttpUser, between, task
    from locust.exception import StopUser

    accounts = {role: [u for u in plan if u["role"] == role] for role in ("province", "commune")}

    class Staff(HttpUser):
        abstract = True
        wait_time = between(*think)
        role = ""

        def on_start(self):
            self.account = accounts[self.role].pop()
            self.people = self.account["people"] or [(None, "Nguyễn Văn An")]
            self.meetings = self.account["meetings"]
            self.turn = 0
            self.first_present: dict[int, int] = {}
            started = time.perf_counter()
            try:
                self.log_in()
            except Exception as error:
                record["login_failures"].append(f"{self.account['username']}: {error}")
                raise StopUser() from error
            record["logins"].append((time.perf_counter() - started) * 1000)

        def log_in(self):
            page = self.client.get("/accounts/login/", name="log in: page", allow_redirects=False)
            self.plain_http_cookies()
            form = page_form(page.text, "username") if page.status_code == 200 else None
            if form is None:
                raise RuntimeError(f"no login form (HTTP {page.status_code})")
            form.update(username=self.account["username"], password=PASSWORD)
            with self.client.post(
                "/accounts/login/", data=form, name="log in: POST", allow_redirects=False, catch_response=True
            ) as response:
                self.plain_http_cookies()
                if response.status_code != 302:
                    response.failure(f"login refused (HTTP {response.status_code})")
                    raise RuntimeError(f"login refused (HTTP {response.status_code})")

        def plain_http_cookies(self):
            """Send the "secure" cookies of DEBUG off (session, CSRF) over the test's plain HTTP, as over HTTPS."""
            for cookie in self.client.cookies:
                cookie.secure = False

        def page(self, path: str, name: str, **kwargs):
            """GET a page; anything but a 200 (a redirect to the login, a 404, a 500) is an error."""
            headers = {**kwargs.pop("headers", {}), PAGE_HEADER: name}
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True, headers=headers, **kwargs
            ) as response:
                self.plain_http_cookies()
                if response.status_code != 200:
                    where = response.headers.get("Location", "")
                    response.failure(f"HTTP {response.status_code}{' to ' + where if where else ''}")
                return response

        def person(self):
            self.turn += 1
            return self.people[self.turn % len(self.people)]

        @task(3)
        def dashboard(self):
            self.page("/", "dashboard")

        @task(3)
        def member_search(self):
            self.page("/members/", "member search")
            _pk, name = self.person()
            for typed in typed_prefixes(name):
                gevent.sleep(random.uniform(0.45, 0.9))  # the typing pause that lets htmx ask
                self.page(
                    "/members/",
                    "member search: keystroke (htmx)",
                    params={"q": typed, "organization": "", "status": "", "gender": "", "age_min": "", "age_max": ""},
                    headers={"HX-Request": "true", "HX-Target": "results"},
                )

        @task(4)
        def person_page(self):
            pk, _name = self.person()
            if pk is not None:
                self.page(f"/members/people/{pk}/", "person")

        @task(4)
        def report(self):
            kind = random.choice(REPORTS)
            self.page(f"/reports/{kind}/", f"report: {kind}")

        @task(2)
        def baseline(self):
            # Anonymous: the empty Cookie header keeps the session out, so no query is made.
            self.page("/accounts/login/", BASELINE, headers={"Cookie": ""})

    class ProvincialOfficer(Staff):
        role = "province"
        fixed_count = len(accounts["province"])

    class CommuneStaff(Staff):
        role = "commune"
        fixed_count = len(accounts["commune"])

        @task(2)
        def meeting_save(self):
            if not self.meetings:
                return
            pk = self.meetings[self.turn % len(self.meetings)]
            self.turn += 1
            form_page = self.page(f"/meetings/{pk}/edit/", "meeting form")
            if form_page.status_code != 200:
                return
            form = page_form(form_page.text, "members_present")
            if form is None:
                return
            roll_url = _attribute_after(form_page.text, 'id="meeting-roll"', "hx-get")
            if roll_url:
                self.page(roll_url, "meeting form: roll (htmx)", params={"held_on": form.get("held_on", "")})
            gevent.sleep(random.uniform(2, 5))  # typing the attendance
            # A change each time, within the roll: one fewer present, then back to the first figure.
            present = int(form.get("members_present") or 0)
            first = self.first_present.setdefault(pk, present)
            other = first - 1 if first > 0 else first + 1
            form["members_present"] = str(other if present == first else first)
            with self.client.post(
                f"/meetings/{pk}/edit/",
                data=form,
                name="meeting save (POST)",
                allow_redirects=False,
                catch_response=True,
                headers={"Referer": form_page.url, PAGE_HEADER: "meeting save (POST)"},
            ) as response:
                self.plain_http_cookies()
                if response.status_code != 302:
                    refused = _form_errors(response.text) if response.status_code == 200 else ""
                    response.failure(f"not saved (HTTP {response.status_code}{': ' + refused if refused else ''})")
                    return
                location = response.headers.get("Location", "")
            self.page(location, "meeting")

    users = [cls for cls in (ProvincialOfficer, CommuneStaff) if cls.fixed_count]
    return users


def _attribute_after(html: str, marker: str, attribute: str) -> str:
    start = html.find(marker)
    if start < 0:
        return ""
    tag_end = html.find(">", start)
    tag_start = html.rfind("<", 0, start)
    tag = html[tag_start:tag_end]
    key = f'{attribute}="'
    at = tag.find(key)
    return tag[at + len(key) : tag.find('"', at + len(key))] if at >= 0 else ""


def _form_errors(html: str) -> str:
    import re

    found = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>([^<]+)<', html)
    found += re.findall(r'class="[^"]*alert-danger[^"]*"[^>]*>\s*([^<]+)<', html)
    return "; ".join(dict.fromkeys(text.strip() for text in found if text.strip()))[:200]


# --- The run: gunicorn, locust, the figures ---


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (the value below which ``fraction`` of the values lie)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-fraction * len(ordered) // 1)) - 1))]


def _ms(value: float) -> str:
    return f"{value:.0f}ms"


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def start_server(env: dict, port: int, log_path: Path, threads: int) -> subprocess.Popen:
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "2", "--threads", str(threads)),
            *("--timeout", "60"),
            *("-b", f"127.0.0.1:{port}"),
            *("--access-logfile", str(log_path.with_name("access.log")), "--access-logformat", ACCESS_LOG_FORMAT),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (status {server.returncode}):\n{log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log_path.read_text()[-2000:]}")


def run(args) -> int:
    # gevent (locust's) must patch the standard library before anything opens a socket.
    from gevent import monkey

    monkey.patch_all()
    import gevent
    from locust import events
    from locust.env import Environment

    url = os.environ["DATABASE_URL"]
    scratch = Path(tempfile.mkdtemp(prefix="chidoan-load-"))
    server = None
    try:
        settings = scratch / "load_settings.py"
        settings.write_text(
            "from config.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(scratch / 'static')!r}  # the test's own collectstatic\n"
        )
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(scratch), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "load_settings",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_hex(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "TRUST_X_FORWARDED_PROTO": "0",
            "TRUST_X_FORWARDED_FOR": "0",
            "LOG_LEVEL": "WARNING",
        }
        plan_file = scratch / "plan.json"
        prepare_command = [sys.executable, __file__, "--prepare", f"--members={args.members}"]
        subprocess.run(
            [*prepare_command, f"--users={args.users}", f"--plan-file={plan_file}"],
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            cwd=ROOT,
            check=True,
        )
        plan = json.loads(plan_file.read_text())
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        port = free_port()
        server = start_server(env, port, scratch / "gunicorn.log", args.threads)
        host = f"http://127.0.0.1:{port}"

        record = {"logins": [], "login_failures": [], "timing": False}
        times = collections.defaultdict(list)
        errors = collections.Counter()

        def on_request(request_type, name, response_time, exception, **kwargs):
            if record["timing"]:
                times[name].append(response_time)
                if exception is not None:
                    errors[name, str(exception)] += 1

        events.request.add_listener(on_request)
        user_classes = build_users(plan["users"], (args.think[0], args.think[1]), record)
        environment = Environment(user_classes=user_classes, events=events, host=host)
        runner = environment.create_local_runner()
        totals = plan["totals"]
        n_province = sum(u["role"] == "province" for u in plan["users"])
        print(
            f"{len(plan['users'])} users ({n_province} provincial officers, {len(plan['users']) - n_province} "
            f"commune staff of {totals['communes']} communes) for {args.duration:.0f} s, think time "
            f"{args.think[0]:g}–{args.think[1]:g} s; gunicorn -w 2 --threads {args.threads} on PostgreSQL "
            f"{url.rsplit('/', 1)[-1]}: {_n(totals['memberships'])} memberships, {_n(totals['people'])} people, "
            f"{_n(totals['branches'])} branches, {_n(totals['meetings'])} meetings",
            flush=True,
        )
        load_before = os.getloadavg()
        runner.start(len(plan["users"]), spawn_rate=len(plan["users"]))
        deadline = time.monotonic() + 180
        while len(record["logins"]) + len(record["login_failures"]) < len(plan["users"]):
            if time.monotonic() > deadline:
                break
            gevent.sleep(0.1)
        logins = record["logins"]
        if logins:
            print(
                f"log in ({len(logins)} users at once, before the timed run): p50 {_ms(percentile(logins, 0.5))}, "
                f"max {_ms(max(logins))}",
                flush=True,
            )
        gevent.sleep(args.warmup)  # untimed: each worker's first pages compile templates, open connections
        access_log = scratch / "access.log"
        record["timing"] = True
        started, log_from = time.perf_counter(), access_log.stat().st_size
        gevent.sleep(args.duration)
        record["timing"] = False
        elapsed, log_to = time.perf_counter() - started, access_log.stat().st_size
        runner.quit()
        load_after = os.getloadavg()
        served = service_times(access_log, log_from, log_to)
        return report(times, served, errors, record, elapsed, load_before, load_after, scratch / "gunicorn.log")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(scratch, ignore_errors=True)


def service_times(access_log: Path, start: int, end: int) -> dict[str, list[float]]:
    """The workers' time per page (ms), from the access log's lines written during the timed run."""
    served = collections.defaultdict(list)
    with access_log.open("rb") as log:
        log.seek(start)
        for line in log.read(end - start).decode("utf-8", "replace").splitlines():
            name, _status, microseconds = [*line.split("\t"), "", ""][:3]
            if microseconds.isdigit():
                served[name].append(int(microseconds) / 1000)
    return served


def report(times, served, errors, record, elapsed, load_before, load_after, log_path) -> int:
    total = sum(len(values) for values in times.values())
    print(f"requests per second: {total / elapsed:.1f} ({_n(total)} requests in {elapsed:.1f} s)")
    print(f"load average (1 min) of the machine: {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    baseline = times.get(BASELINE, [])
    base_p50 = percentile(baseline, 0.5) if baseline else None
    base_p95 = percentile(baseline, 0.95) if baseline else None
    header = f"{'page':<34}{'requests':>9}{'errors':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'p95/base':>9}"
    print(f"{header}{'served p50':>11}{'p95':>7}  target")
    failed = []
    for name in (*PAGES, BASELINE):
        values = times.get(name, [])
        page_errors = sum(count for (page, _e), count in errors.items() if page == name)
        if not values:
            never = "FAIL (never requested)" if name != BASELINE else ""
            print(f"{name:<34}{0:>9}{'':>7}{'-':>8}{'-':>8}{'-':>8}{'-':>8}{'':>9}{'-':>11}{'-':>7}  {never}")
            if never:
                failed.append(name)
            continue
        p50, p95, p99 = (percentile(values, f) for f in (0.5, 0.95, 0.99))
        ratio = f"{p95 / base_p95:.1f}×" if base_p95 else "-"
        if name == BASELINE:
            verdict = "(the machine's baseline, no target)"
        else:
            ok = page_errors == 0 and p95 < TARGET_P95_MS
            verdict = "PASS" if ok else "FAIL"
            if not ok:
                failed.append(name)
        work = served.get(name, [])
        work_p50, work_p95 = (_ms(percentile(work, f)) if work else "-" for f in (0.5, 0.95))
        print(
            f"{name:<34}{len(values):>9}{page_errors:>7}{_ms(p50):>8}{_ms(p95):>8}{_ms(p99):>8}{_ms(max(values)):>8}"
            f"{ratio if name != BASELINE else '':>9}{work_p50:>11}{work_p95:>7}  {verdict}"
        )
    if base_p50 is not None:
        print(f"baseline under the same load: p50 {_ms(base_p50)}, p95 {_ms(base_p95)}")
    print(
        "p50…max: the users' response time, the wait for a free worker included; served: the worker's own "
        "time (gunicorn's access log)"
    )
    if record["login_failures"]:
        failed.append("log in")
        print("logins refused:")
        for failure in record["login_failures"]:
            print(f"  {failure}")
    if errors:
        print("errors:")
        for (name, error), count in sorted(errors.items()):
            print(f"  {count:>5} × {name}: {error}")
        server_errors = [line for line in log_path.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
        if server_errors:
            print(f"the server logged {len(server_errors)} errors; the last lines of its log:")
            print("\n".join(log_path.read_text().splitlines()[-30:]))
    else:
        print("errors: none")
    print(f"targets: zero errors and p95 under {TARGET_P95_MS} ms on every page")
    if failed:
        print(f"FAIL: {', '.join(failed)}")
        return 1
    print("PASS")
    return 0


def think_range(value: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in value.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a range of seconds like 1-5: {value!r}") from None
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError(f"not a range of seconds like 1-5: {value!r}")
    return low, high


def positive(kind):
    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            number = 0
        if number <= 0:
            raise argparse.ArgumentTypeError(f"must be a positive number, not {value!r}")
        return number

    return parse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=positive(int), default=50, help="simulated users (default 50)")
    parser.add_argument(
        "--threads",
        type=positive(int),
        default=1,
        help="threads per gunicorn worker (default 1: sync workers, measured faster than 4 here)",
    )
    parser.add_argument("--duration", type=positive(float), default=60, help="seconds timed (default 60)")
    parser.add_argument("--think", type=think_range, default=(5.0, 15.0), help="seconds between visits (default 5-15)")
    parser.add_argument(
        "--warmup", type=float, default=10, help="seconds of untimed browsing after the logins (default 10)"
    )
    parser.add_argument(
        "--members", type=positive(int), default=20000, help="memberships seeded into a new database (default 20000)"
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("The load test runs on PostgreSQL: set DATABASE_URL=postgres://…/load_demo", file=sys.stderr)
        return 2
    if args.users < 2:
        parser.error("--users must be at least 2 (provincial officers and commune staff)")
    if args.prepare:
        prepare(members=args.members, users=args.users, plan_file=args.plan_file)
        return 0
    try:
        return run(args)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"The load test could not run: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
