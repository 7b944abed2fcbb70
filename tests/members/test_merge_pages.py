"""The branch merge page: the members moving previewed by name, then transferred; scope and bad input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Branch
from members.merge import MERGE_REASON
from members.models import MembershipPeriod
from tests import factories
from tests.areas import merge_world

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return merge_world.build()


def _url(world, code="99101-01-DOAN") -> str:
    return reverse("members:branch_merge", args=[world.branches[code].pk])


def _data(world, *codes, on="01/07/2026", **extra) -> dict:
    return {"branches": [world.branches[code].pk for code in codes or ("99101-02-DOAN",)], "effective_on": on, **extra}


def test_commune_staff_preview_the_members_by_name_then_merge(client, world):
    client.force_login(world.users["commune"])
    branch_page = client.get(reverse("branches:branch", args=[world.branches["99101-01-DOAN"].pk]))
    assert _url(world) in branch_page.content.decode()
    form = client.get(_url(world)).context["form"]
    assert [b.code for b in form.fields["branches"].queryset] == ["99101-02-DOAN", "99101-03-DOAN"]

    preview = client.post(_url(world), _data(world, preview="1"))
    page = preview.content.decode()
    moving = [
        f"Người Thứ {s.person_key}"
        for s in world.stories
        if s.org == "DOAN" and s.ended_on is None and s.changes[-1][1] == "99101-02-DOAN"
    ]
    assert moving and all(name in page for name in moving)
    assert preview.context["preview"]["members"] == len(moving)
    assert "Trần Thị Hai Chi" in page and "vẫn giữ nhiệm vụ ở chi này" in page
    assert not MembershipPeriod.objects.filter(change_reason=MERGE_REASON).exists()

    done = client.post(_url(world), _data(world, confirm="1", previewed=preview.context["fingerprint"]))
    into = world.branches["99101-01-DOAN"]
    assert done.status_code == 302 and done["Location"] == reverse("branches:branch", args=[into.pk])
    moved = MembershipPeriod.objects.filter(change_reason=MERGE_REASON, valid_from=D(2026, 7, 1), branch=into)
    assert moved.count() == len(moving)
    dissolved = client.get(reverse("branches:branch", args=[world.branches["99101-02-DOAN"].pk])).content.decode()
    assert 'data-testid="merged-into"' in dissolved and into.name in dissolved
    assert _url(world, "99101-02-DOAN") not in dissolved  # a dissolved branch offers no merge


def test_a_bad_merge_is_refused_on_the_page_in_vietnamese_and_changes_nothing(client, world):
    client.force_login(world.users["commune"])
    response = client.post(_url(world), _data(world, on="01/06/1999", confirm="1"))
    assert "thành lập ngày 01/01/2000" in response.content.decode()
    # A branch of the other organization is not among the choices.
    response = client.post(_url(world), _data(world, "99101-02-HND", preview="1"))
    assert "branches" in response.context["form"].errors
    assert not Branch.objects.filter(dissolved_on__isnull=False).exists()


def test_staff_of_another_commune_reach_nothing_of_it(client, world):
    client.force_login(world.users["other_commune"])
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), _data(world, confirm="1")).status_code == 404
    # From their own branch, the branches of another commune are not among the choices.
    response = client.post(_url(world, "99201-01-DOAN"), _data(world, preview="1"))
    assert response.context["preview"] is None and "branches" in response.context["form"].errors
    assert not Branch.objects.filter(dissolved_on__isnull=False).exists()


def test_provincial_officers_read_and_do_not_merge(client, world):
    client.force_login(world.users["province"])
    assert client.get(_url(world)).status_code == 403


def test_the_preview_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.users["commune"])
    with CaptureQueriesContext(connection) as small:
        client.post(_url(world), _data(world, preview="1"))
    second = world.branches["99101-02-DOAN"]
    for i in range(5):
        factories.membership(second, joined_on=D(2024, 1, 1), person=factories.person(f"Đoàn Viên Mới {i}"))
        factories.officer(second, factories.person(f"Ủy Viên {i}"), "committee", start_on=D(2024 + i % 2, 1, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.post(_url(world), _data(world, preview="1"))
    assert response.context["preview"]["members"] >= 5
