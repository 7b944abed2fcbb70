import pytest

from tests import factories

# Password hashing is deliberately slow; the tests log in hundreds of times.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def tree(db):
    return factories.area_tree()
