"""Benchmark: preview and import of a realistic roster of --rows rows (13 columns).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/import_roster.py [--rows N]

Migrates the database, creates a synthetic province "IMPB" (4 districts × 10 communes ×
5 hamlets, a branch of each of the four organizations per hamlet) unless it is there,
removes the people a previous run imported, writes the roster (Vietnamese names, CCCD
numbers, some people in two organizations) and times, for the same file: the preview,
the import (confirmation), a second preview, which must find every row unchanged, and
``import_workbook members FILE`` (read, check and write in one run) on the same roster
after its people were removed again; then a roster of 1.000 rows through the import page
(upload and preview page). Each phase runs in a process of its own, as the task worker
runs it, so that its time and peak resident memory are its own (DEBUG off, as in production).

The floor, timed in the same run: reading the same file with python-calamine and writing
its rows with COPY into a scratch table. Each phase prints its ratio to the floor.
"""

import argparse
import datetime
import multiprocessing
import random
import resource
import sys
import time
import warnings
from pathlib import Path

from _django import setup

PROVINCE = "IMPB"
HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Số CCCD",
    "Số điện thoại",
    "Trình độ học vấn",
    "Nghề nghiệp",
    "Ngày vào Đoàn/Hội",
    "Mã chi",
    "Tình trạng",
]
ORGS = ("DOAN", "HND", "LHPN", "CCB")


def branch_codes() -> list[str]:
    return [
        f"{PROVINCE}{d}{c:02d}-{h}-{org}"
        for d in range(1, 5)
        for c in range(1, 11)
        for h in range(1, 6)
        for org in ORGS
    ]


def write_roster(path: str, rows: int, seed: int) -> None:
    setup()
    from openpyxl import Workbook

    from demo.people import NameMaker

    rng = random.Random(seed)
    names = NameMaker(rng)
    codes = branch_codes()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH ĐOÀN VIÊN, HỘI VIÊN"])
    sheet.append([])
    sheet.append(HEADERS)
    statuses = ["Đang sinh hoạt"] * 8 + ["Đi làm ăn xa", "Bỏ sinh hoạt"]
    number = 0
    serial = 0
    while number < rows:
        serial += 1
        gender = rng.choice(["male", "female"])
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 20_000))
        name = names(gender, birth.year)
        cccd = f"0{serial:011d}"
        phone = f"09{rng.randint(0, 99_999_999):08d}"
        hamlet = rng.choice(codes).rsplit("-", 1)[0]
        # One person in twenty belongs to two organizations: the same CCCD on two rows.
        orgs = rng.sample(ORGS, 2) if rng.random() < 0.05 else [rng.choice(ORGS)]
        religion = rng.choice(["", "Phật giáo", "Công giáo", "Hòa Hảo"])
        education = rng.choice(["9/12", "12/12", "Đại học"])
        occupation = rng.choice(["Làm ruộng", "Buôn bán", "Công nhân", "Học sinh"])
        for org in orgs[: rows - number]:
            number += 1
            joined = birth + datetime.timedelta(days=rng.randint(16 * 365, 20 * 365))
            sheet.append(
                [
                    number,
                    name,
                    birth.strftime("%d/%m/%Y") if rng.random() < 0.5 else birth,
                    "Nam" if gender == "male" else "Nữ",
                    "Kinh",
                    religion,
                    cccd,
                    phone,
                    education,
                    occupation,
                    min(joined, datetime.date(2024, 12, 31)),
                    f"{hamlet}-{org}",
                    rng.choice(statuses),
                ]
            )
    workbook.save(path)


def prepare():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction

    from accounts.models import Role, User
    from areas.models import Area, AreaLevel, UnitType
    from branches.models import Branch, Organization
    from members.models import Membership, MembershipPeriod, Person

    with transaction.atomic():
        if not Area.objects.filter(code=PROVINCE).exists():
            province = Area.objects.create(
                code=PROVINCE, name="Thử Nhập", level=AreaLevel.PROVINCE, unit_type=UnitType.TINH
            )
            orgs = {org.code: org for org in Organization.objects.all()}
            for d in range(1, 5):
                district = Area.objects.create(
                    code=f"{PROVINCE}{d}",
                    name=f"Huyện {d}",
                    level=AreaLevel.DISTRICT,
                    unit_type=UnitType.HUYEN,
                    parent=province,
                )
                for c in range(1, 11):
                    commune = Area.objects.create(
                        code=f"{PROVINCE}{d}{c:02d}",
                        name=f"Xã {c}",
                        level=AreaLevel.COMMUNE,
                        unit_type=UnitType.XA,
                        parent=district,
                    )
                    for h in range(1, 6):
                        hamlet = Area.objects.create(
                            code=f"{commune.code}-{h}",
                            name=f"Ấp {h}",
                            level=AreaLevel.HAMLET,
                            unit_type=UnitType.AP,
                            parent=commune,
                        )
                        Branch.objects.bulk_create(
                            Branch(
                                organization=orgs[org],
                                area=hamlet,
                                code=f"{hamlet.code}-{org}",
                                name=f"Chi {hamlet.code} {org}",
                            )
                            for org in ORGS
                        )
        user, _ = User.objects.get_or_create(username="bench-import", defaults={"role": Role.ADMIN, "is_staff": True})
        # Remove what a previous run imported (history rows stay; they hold no constraint).
        in_province = f"/{PROVINCE}/"
        memberships = Membership.objects.filter(branch__area__path__startswith=in_province)
        people = list(memberships.values_list("person_id", flat=True).distinct())
        MembershipPeriod.objects.filter(membership__in=memberships)._raw_delete("default")
        memberships._raw_delete("default")
        for start in range(0, len(people), 10_000):
            Person.objects.filter(pk__in=people[start : start + 10_000])._raw_delete("default")
    return user


def floor_phase(path: str, answer) -> None:
    """Read every cell with python-calamine, COPY the rows into a temporary table."""
    setup()
    from django.db import connection
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_floor ({columns})")
        with cursor.cursor.copy("COPY bench_floor FROM STDIN") as copy:
            for row in rows[3:]:
                copy.write_row([str(value) for value in row])
    answer.send((time.perf_counter() - start, peak_mb(), {}))


def command_phase(path: str, answer) -> None:
    """``import_workbook members FILE`` as an operator runs it."""
    setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    start = time.perf_counter()
    try:
        call_command("import_workbook", "members", path, "--user", "bench-import", stdout=sys.stderr)
    except SystemExit as error:
        sys.exit(f"import_workbook exited with {error.code}")
    answer.send((time.perf_counter() - start, peak_mb(), {}))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(phase: str, batch_id: int, user_id: int, answer) -> None:
    """One phase in a process of its own, as a worker runs it: its time and its own peak memory."""
    setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log
    from accounts.models import User
    from workbooks import services
    from workbooks.models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    start = time.perf_counter()
    if phase == "preview":
        batch = services.preview_batch(batch=batch)
    else:
        batch = services.confirm_batch(batch=batch, user=User.objects.get(pk=user_id))
    answer.send((time.perf_counter() - start, peak_mb(), batch.counts))


FLOOR = {}


def phase(label: str, name: str, args: tuple, rows: int, target: float | None = None) -> dict:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    function = {"floor": floor_phase, "command": command_phase}.get(name, run_phase)
    child = context.Process(target=function, args=(*args, send) if function is not run_phase else (name, *args, send))
    child.start()
    send.close()
    try:
        elapsed, peak, counts = receive.recv()
    except EOFError:
        child.join()
        sys.exit(f"the {name} phase failed (exit code {child.exitcode}); its traceback is above")
    child.join()
    line = f"{label:<20} {elapsed:6.1f} s  {rows / elapsed:8.0f} rows/s  peak memory {peak:5.0f} MB"
    line += "" if peak < 500 else " (over 500 MB)"
    if name == "floor":
        FLOOR["s"] = elapsed
    else:
        ratio = elapsed / FLOOR["s"]
        line += f"  {ratio:4.1f}× the floor (target < {target:g}×: {'met' if ratio < target else 'NOT met'})"
    print(line)
    return counts


def web_preview(user, path: Path) -> None:
    """1.000 rows through the import page: the upload (read and checked in the request), then the preview page."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    settings.DEBUG = False
    # WhiteNoise warns once that collectstatic has not been run: no static file is asked for here.
    warnings.filterwarnings("ignore", message="No directory at")
    client = Client(SERVER_NAME=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
    client.force_login(user)
    best = None
    for _attempt in range(3):
        with path.open("rb") as upload:
            start = time.perf_counter()
            response = client.post(reverse("workbooks:import"), {"kind": "members", "file": upload})
            page = client.get(response["Location"])
            elapsed = time.perf_counter() - start
        if page.status_code != 200:
            sys.exit(f"the import page answered {response.status_code}, then {page.status_code}")
        best = elapsed if best is None else min(best, elapsed)
    print(f"{'web preview, 1.000':<20} {best:6.2f} s  (upload and preview page, best of 3)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup()
    from django.db import connection

    path = Path(f"/tmp/bench_roster_{args.rows}_{args.seed}.xlsx")
    started = time.perf_counter()
    if not path.exists():
        child = multiprocessing.get_context("spawn").Process(
            target=write_roster, args=(str(path), args.rows, args.seed)
        )
        child.start()
        child.join()
    print(
        f"roster: {args.rows} rows × {len(HEADERS)} columns, {path.stat().st_size / 1e6:.1f} MB "
        f"({time.perf_counter() - started:.1f} s to write)"
    )
    user = prepare()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    from workbooks import services

    data = path.read_bytes()
    batch = services.create_batch(kind="members", user=user, file_name=path.name, data=data)
    connection.close()  # the phases run in processes of their own
    phase("floor (read + COPY)", "floor", (str(path),), args.rows)
    counts = phase("preview", "preview", (batch.pk, user.pk), args.rows, target=3)
    print(f"  {counts}")
    if counts["refused"]:
        sys.exit("rows refused: the benchmark's roster should import cleanly")
    phase("import (confirm)", "confirm", (batch.pk, user.pk), args.rows, target=2)
    again = services.create_batch(kind="members", user=user, file_name=path.name, data=data)
    connection.close()
    counts = phase("re-import preview", "preview", (again.pk, user.pk), args.rows, target=3)
    print(f"  {counts}")
    ok = counts["unchanged"] == args.rows
    print("re-import: all rows unchanged" if ok else "re-import: NOT all unchanged")
    prepare()  # the roster's people removed again: the command writes them all
    connection.close()
    phase("import_workbook", "command", (str(path),), args.rows, target=4)
    small = Path(f"/tmp/bench_roster_1000_{args.seed}.xlsx")
    if not small.exists():
        write_roster(str(small), 1000, args.seed)
    web_preview(user, small)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
