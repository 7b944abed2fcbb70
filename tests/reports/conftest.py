import pytest

from tests.reports.page_data import build_dataset


@pytest.fixture
def data(db):
    """The report pages' world (tests/reports/page_data.py)."""
    return build_dataset()


@pytest.fixture
def district_client(client, data):
    client.force_login(data.district_user)
    return client
