"""Every change records who made it, when, and the values before (SPEC section 4)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories


@pytest.fixture
def staff(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


def test_a_change_in_the_admin_records_the_user_and_the_earlier_value(client, tree, staff):
    branch = factories.branch(tree.hamlet_a1, code="CD-A1", name="Chi đoàn Tân Phú")
    client.force_login(staff)
    url = reverse("admin:branches_branch_change", args=[branch.pk])
    data = {
        "organization": branch.organization_id,
        "area": branch.area_id,
        "kind": branch.kind,
        "name": "Chi đoàn Ấp Tân Phú mới",
        "code": branch.code,
        "founded_on": "01/01/2000",
        "officers-TOTAL_FORMS": "0",
        "officers-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    latest = branch.history.latest("history_date")
    assert latest.history_type == "~"
    assert latest.history_user == staff
    assert latest.prev_record.name == "Chi đoàn Tân Phú"
    assert latest.name == "Chi đoàn Ấp Tân Phú mới"


def test_a_deletion_keeps_the_deleted_values(client, tree, staff):
    hamlet = factories.area("99101-09", "Tân Lập", "hamlet", "ap", tree.commune_a)
    client.force_login(staff)

    response = client.post(reverse("admin:areas_area_delete", args=[hamlet.pk]), {"post": "yes"})

    assert response.status_code == 302
    deleted = hamlet.history.latest("history_date")
    assert (deleted.history_type, deleted.history_user, deleted.name) == ("-", staff, "Tân Lập")


def test_a_role_change_is_recorded_without_the_password(tree):
    user = factories.user(Role.DISTRICT, tree.district_a, username="can-bo")
    user.role, user.area = Role.PROVINCE, tree.province
    user.save()

    record = user.history.latest("history_date")
    assert (record.role, record.prev_record.role) == (Role.PROVINCE, Role.DISTRICT)
    assert not hasattr(record, "password")
