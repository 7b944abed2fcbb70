import pytest
from django.utils import translation

from accounts.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source; the Vietnamese catalogue may change."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(tree):
    """The test tree with branches and users: district A (Thanh Bình) and district B (Lấp Vò)."""
    tree.doan_a1 = factories.branch(tree.hamlet_a1, "DOAN")
    tree.hnd_a1 = factories.branch(tree.hamlet_a1, "HND")
    tree.doan_a2 = factories.branch(tree.hamlet_a2, "DOAN")
    tree.doan_b1 = factories.branch(tree.hamlet_b1, "DOAN")
    tree.staff_a = factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    tree.staff_b = factories.user(Role.DISTRICT, tree.district_b, username="huyen-b")
    tree.province = factories.user(Role.PROVINCE, tree.province, username="tinh")
    tree.admin = factories.admin_user()
    return tree
