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


def _reference_models():
    from branches.models import Organization
    from fees.models import FeeCategory
    from ratings.models import Grade, MemberSchemeAssignment, RatingScheme, SchemeAssignment

    return [Organization, RatingScheme, Grade, SchemeAssignment, MemberSchemeAssignment, FeeCategory]


_reference_rows: list[str] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and a copy of the rows its data migrations wrote
    (organizations, rating schemes), taken before any test can flush them."""
    from django.core import serializers

    with django_db_blocker.unblock():
        rows = [row for model in _reference_models() for row in model.objects.order_by("pk")]
        _reference_rows.append(serializers.serialize("json", rows))


@pytest.fixture
def reference_data(transactional_db) -> None:
    """Put back the data migrations' rows that an earlier transactional test flushed.

    (``serialized_rollback`` would do it, but once a browser test has run, Playwright's event
    loop in this thread hides the serialized copy that Django keeps on the connection.)
    """
    from django.core import serializers

    from branches.models import Organization

    if not Organization.objects.exists():
        for row in serializers.deserialize("json", _reference_rows[0]):
            row.save()
