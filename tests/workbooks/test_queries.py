"""Reading and checking a workbook runs the same number of queries for 10 rows as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from workbooks import services

from .helpers import member, roster

pytestmark = pytest.mark.django_db


def rows(world, count, offset=0):
    """New people, people already there (every 7th) matched by CCCD or by name, one of whom stops attending."""
    out = []
    for number in range(offset, offset + count):
        branch = world.doan_a1 if number % 2 else world.hnd_a1
        cccd = f"08709{number:07d}" if number % 3 else ""
        status = "Bỏ sinh hoạt" if number == offset else "Đang sinh hoạt"
        out.append(member(f"Người Số {number}", 1980 + number % 20, branch.code, cccd=cccd, status=status))
    return out


def count_queries(function):
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


@pytest.mark.parametrize("user", ["staff_a", "admin"])
def test_preview_and_import_queries_do_not_grow_with_rows(world, user):
    user = getattr(world, user)
    # Some people already there, matched by CCCD and by name.
    for i in range(0, 220, 7):
        person = factories.person(
            f"Người Số {i}", 1980 + i % 20, cccd=f"08709{i:07d}" if i % 3 else None, residence=world.hamlet_a1
        )
        factories.membership(world.doan_a1 if i % 2 else world.hnd_a1, person=person)
    small, large = roster(rows(world, 10)), roster(rows(world, 100, offset=105))
    preview = [count_queries(lambda d=d: services.preview(kind="members", data=d, user=user)) for d in (small, large)]
    assert preview[0] == preview[1]
    imports = [
        count_queries(lambda d=d: services.import_workbook(kind="members", data=d, user=user, file_name="f"))
        for d in (small, large)
    ]
    assert imports[0] == imports[1]


def test_preview_and_confirmation_of_a_batch_queries_do_not_grow_with_rows(world):
    for i in range(0, 220, 7):
        person = factories.person(f"Người Số {i}", 1980 + i % 20, cccd=f"08709{i:07d}" if i % 3 else None)
        factories.membership(world.doan_a1 if i % 2 else world.hnd_a1, person=person)
    counts = []
    for data in (roster(rows(world, 10)), roster(rows(world, 100, offset=105))):
        batch = services.create_batch(kind="members", user=world.staff_a, file_name="f.xlsx", data=data)
        preview = count_queries(lambda batch=batch: services.preview_batch(batch=batch))
        confirm = count_queries(lambda batch=batch: services.confirm_batch(batch=batch, user=world.staff_a))
        counts.append((preview, confirm))
    assert counts[0] == counts[1]
