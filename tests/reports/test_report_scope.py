"""Reports reach only inside the user's area: any other area answers 404, in pages and downloads."""

import pytest
from django.urls import reverse

KINDS = ["membership", "ratings", "meetings", "officers", "cadres", "fees", "awards"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("output", ["", "&format=xlsx", "&format=csv"])
def test_district_user_cannot_read_another_district(client, data, kind, output):
    client.force_login(data.district_user)

    by_parameter = client.get(f"{reverse(f'reports:{kind}')}?area=992{output}")
    by_path = client.get(f"{reverse(f'reports:{kind}', kwargs={'key': '99201'})}?x=1{output}")
    parent = client.get(f"{reverse(f'reports:{kind}', kwargs={'key': '99'})}?x=1{output}")

    assert (by_parameter.status_code, by_path.status_code, parent.status_code) == (404, 404, 404)


@pytest.mark.parametrize("kind", KINDS)
def test_commune_user_cannot_see_the_district(client, data, kind):
    client.force_login(data.commune_user)

    assert client.get(reverse(f"reports:{kind}", kwargs={"key": "991"})).status_code == 404
    assert client.get(f"{reverse(f'reports:{kind}')}?area=991&format=csv").status_code == 404
    own = client.get(reverse(f"reports:{kind}"))
    assert own.status_code == 200
    assert own.context["area"].code == "99101"


def test_unknown_area_and_unknown_format_answer_404(client, data):
    client.force_login(data.district_user)
    assert client.get(reverse("reports:membership", kwargs={"key": "nope"})).status_code == 404
    assert client.get(reverse("reports:membership") + "?format=pdf").status_code == 404


def test_dashboard_of_another_area_answers_404(client, data):
    client.force_login(data.district_user)
    assert client.get(reverse("home") + "?area=992").status_code == 404
    assert client.get(reverse("home") + "?area=99101").status_code == 200


def test_administrator_defaults_to_the_first_province_with_branches(client, data):
    from areas.models import Area, AreaLevel, UnitType

    Area.objects.create(code="01", name="Trống", level=AreaLevel.PROVINCE, unit_type=UnitType.TINH)
    client.force_login(data.admin)
    response = client.get(reverse("reports:membership"))
    assert response.context["area"].code == "99"
    assert client.get(reverse("reports:membership", kwargs={"key": "992"})).status_code == 200


def test_reports_need_a_login(client, data):
    response = client.get(reverse("reports:membership"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
