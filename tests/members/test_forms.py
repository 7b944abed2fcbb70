"""The forms as users meet them (issue 14, point 5).

- Each error once, next to its field, the field marked invalid (``core.forms.StyledFormMixin``).
- The project's own messages for numbers, lengths, dates and choices, in every form of the pages
  (``core.forms.use_project_messages``), instead of Django's stock Vietnamese.
- The ending form preselects no reason.
- A period's last day is shown as the last day included ("To (inclusive)").
- The transfer form finds the receiving branch by typing, among the branches of the user's area.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from areas.models import AreaLevel, UnitType
from core.forms import StyledFormMixin, use_project_messages
from members import services
from members.forms import EndForm, PersonForm
from members.models import EndReason
from tests import factories
from tests.members.test_pages import _new_person
from tests.pages import text

D = datetime.date

BIRTH_MISSING = "Give the birth date, or at least the birth year."


def shown_errors(content: str) -> list[str]:
    """Every error message the page shows: under the fields, and on top of the form."""
    under_fields = re.findall(r'<div class="invalid-feedback d-block" data-field-error="[^"]*">(.*?)</div>', content)
    alerts = re.findall(
        r'<div class="alert alert-danger"[^>]*data-testid="form-errors">(.*?</div>)\s*</div>', content, re.S
    )
    on_top = [line for alert in alerts for line in re.findall(r"<div>(.*?)</div>", alert)]
    return under_fields + on_top


def widget(content: str, name: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', content).group(0)


# ---------------------------------------------------------------------------
# Each error once, next to its field


def test_missing_birth_is_said_once_under_the_birth_date_and_marks_both_boxes(as_district_a, world):
    response = as_district_a.post(reverse("members:person_add"), _new_person(world, birth_date="", birth_year=""))
    content = text(response)
    message = _(BIRTH_MISSING)
    assert content.count(message) == 1
    assert shown_errors(content) == [message]
    assert response.context["form"].errors == {"birth_date": [message]}
    assert f'<div class="invalid-feedback d-block" data-field-error="birth_date">{message}</div>' in content
    birth_date, birth_year = widget(content, "birth_date"), widget(content, "birth_year")
    assert "is-invalid" in birth_date and 'aria-describedby="id_birth_date_error"' in birth_date
    # The birth year is marked too, and described by the one message under the birth date.
    assert "is-invalid" in birth_year and 'aria-invalid="true"' in birth_year
    assert "id_birth_date_error" in re.search(r'aria-describedby="([^"]*)"', birth_year).group(1)
    assert 'id="id_birth_date_error"' in content


def test_changing_a_person_without_any_birth_says_it_once(as_district_a, world):
    person = world.anh
    data = {
        "full_name": person.full_name,
        "birth_date": "",
        "birth_year": "",
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "cccd": person.cccd,
        "phone": person.phone,
        "residence": person.residence_id,
        "version": person.version,
    }
    content = text(as_district_a.post(reverse("members:person_edit", args=[person.pk]), data))
    assert shown_errors(content) == [_(BIRTH_MISSING)]


def test_a_wrong_birth_year_gets_one_message_the_right_one(as_district_a, world):
    content = text(
        as_district_a.post(reverse("members:person_add"), _new_person(world, birth_date="", birth_year="abc"))
    )
    assert shown_errors(content) == [_("Enter a whole number, in digits.")]
    content = text(
        as_district_a.post(reverse("members:person_add"), _new_person(world, birth_date="", birth_year="1800"))
    )
    assert shown_errors(content) == [_("Enter a number no less than %(limit_value)s.") % {"limit_value": 1900}]


@pytest.mark.parametrize(
    "overrides",
    [
        {"full_name": "", "birth_date": "", "birth_year": ""},
        {"full_name": "x" * 101, "birth_date": "31/02/2002", "cccd": "123"},
        {"birth_year": "99999", "birth_date": "", "gender": "x", "joined_on": "01/01/1990"},
        {"residence": "999999", "branch": "", "joined_on": ""},
    ],
)
def test_no_error_is_shown_twice_on_the_add_member_form(as_district_a, world, overrides):
    response = as_district_a.post(reverse("members:person_add"), _new_person(world, **overrides))
    content = text(response)
    errors = shown_errors(content)
    # Once per field: a message twice under one field, or on top and under a field, would be a repeat.
    under = re.findall(r'data-field-error="([^"]*)">(.*?)</div>', content)
    assert errors and len(under) == len(set(under))
    assert not {message for _name, message in under} & set(errors[len(under) :])
    form = response.context["form"]
    assert len(errors) == sum(len(messages) for messages in form.errors.values())
    for name in form.errors:
        assert f'data-field-error="{name}"' in text(response)  # each next to its own field


def test_a_service_error_is_shown_once_on_top(as_district_a, world):
    url = reverse("members:membership_add", args=[world.anh.pk])
    response = as_district_a.post(url, {"branch": world.a2.pk, "joined_on": "01/01/2022", "status": "present"})
    errors = shown_errors(text(response))
    assert errors == [_("This person is already a member of this organization.")]


def test_the_mixin_does_not_repeat_a_message_said_about_another_field():
    class Pair(StyledFormMixin, forms.Form):
        first = forms.CharField(required=False)
        second = forms.CharField(required=False)

        def clean(self):
            self.add_error("first", "Say it once.")
            self.add_error("second", "Say it once.")
            self.add_error(None, "Say it once.")
            self.add_error("second", "Something else.")

    form = Pair({})
    assert form.errors == {"first": ["Say it once."], "second": ["Something else."]}
    html = str(form["second"])
    assert "is-invalid" in html


def test_each_field_keeps_its_own_check_even_when_the_words_are_the_same():
    class Two(StyledFormMixin, forms.Form):
        first = forms.CharField()
        second = forms.CharField()

    form = Two({})
    required = str(forms.CharField().error_messages["required"])
    assert form.errors == {"first": [required], "second": [required]}


def test_every_field_left_empty_says_so_under_itself(as_district_a, world):
    data = _new_person(world, full_name="", gender="", branch="", joined_on="")
    content = text(as_district_a.post(reverse("members:person_add"), data))
    for name in ("full_name", "gender", "branch", "joined_on"):
        assert f'data-field-error="{name}"' in content


# ---------------------------------------------------------------------------
# The project's own messages


STOCK = {
    "max_value": "Ensure this value is less than or equal to %(limit_value)s.",
    "min_value": "Ensure this value is greater than or equal to %(limit_value)s.",
    "invalid_integer": "Enter a whole number.",
}


def _stock(key: str, **params) -> str:
    with translation.override("vi"):
        return translation.gettext(STOCK[key]) % params


def test_number_messages_are_the_projects_in_the_search_form(as_district_a, world):
    content = text(as_district_a.get(reverse("members:search"), {"age_min": "200", "age_max": "x"}))
    assert _("Enter a number no greater than %(limit_value)s.") % {"limit_value": 130} in content
    assert _("Enter a whole number, in digits.") in content
    assert _stock("max_value", limit_value=130) not in content
    assert _stock("invalid_integer") not in content


def test_meeting_form_uses_the_projects_number_messages(as_district_a, world):
    from meetings.forms import MeetingForm
    from meetings.models import Meeting

    data = {"held_on": "10/03/2024", "kind": "regular", "members_present": "-1", "content": ""}
    form = MeetingForm(data, instance=Meeting(branch=world.a1))
    assert form.errors["members_present"] == [_("Enter a number no less than %(limit_value)s.") % {"limit_value": 0}]
    form = MeetingForm({**data, "members_present": "2,5"}, instance=Meeting(branch=world.a1))
    assert form.errors["members_present"] == [_("Enter a whole number, in digits.")]
    # And on the page: once, under the field.
    content = text(as_district_a.post(reverse("meetings:add", args=[world.a1.pk]), data))
    message = _("Enter a number no less than %(limit_value)s.") % {"limit_value": 0}
    assert content.count(message) == 1
    assert f'data-field-error="members_present">{message}<' in content
    assert _stock("min_value", limit_value=0) not in content


def test_rating_grid_line_uses_the_projects_decimal_messages(world):
    from ratings.forms import GridLineForm
    from ratings.selectors import GridRow

    row = GridRow(branch=world.a1, rating=None, grades=[])
    prefix = f"b{world.a1.pk}"

    def errors(score: str) -> list[str]:
        form = GridLineForm({f"{prefix}-score": score}, row=row, editable=True)
        form.is_valid()
        return form.errors.get("score", [])

    with translation.override("vi"):
        assert errors("101") == [_("Enter a number no greater than %(limit_value)s.") % {"limit_value": 100}]
        assert errors("abc") == [_("Enter a number, in digits.")]
        assert errors("1,234") == [
            ngettext("Enter at most %(max)s decimal place.", "Enter at most %(max)s decimal places.", 2) % {"max": 2}
        ]


def test_a_forms_own_message_is_kept():
    class Own(forms.Form):
        count = forms.IntegerField(max_value=5, error_messages={"invalid": "Mine.", "max_value": "Mine too."})
        other = forms.IntegerField(max_value=5)

    form = Own({"count": "x", "other": "9"})
    use_project_messages(form)
    assert form.errors == {
        "count": ["Mine."],
        "other": [str(_("Enter a number no greater than %(limit_value)s.") % {"limit_value": 5})],
    }
    form = Own({"count": "9", "other": "1"})
    use_project_messages(form)
    assert form.errors == {"count": ["Mine too."]}


def test_length_date_and_choice_messages_are_the_projects(world, district_a):
    form = PersonForm(
        {"full_name": "x" * 101, "birth_date": "31/02/2000", "gender": "x", "ethnicity": "Kinh"}, user=district_a
    )
    limit = ngettext(
        "Enter at most %(limit_value)d character (you entered %(show_value)d).",
        "Enter at most %(limit_value)d characters (you entered %(show_value)d).",
        100,
    ) % {"limit_value": 100, "show_value": 101}
    assert form.errors["full_name"] == [limit]
    assert form.errors["birth_date"] == [_("Enter a date that exists, as dd/mm/yyyy.")]
    assert form.errors["gender"] == [_("Choose one of the options in the list.")]


# ---------------------------------------------------------------------------
# Ending a membership: no reason chosen in advance


def test_ending_form_preselects_no_reason(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:end", args=[membership.pk])
    content = text(as_district_a.get(url))
    select = re.search(r'<select name="reason"[^>]*>(.*?)</select>', content, re.S)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    assert options[0][0].strip().startswith('value=""') and "selected" in options[0][0]
    assert options[0][1] == _("— choose a reason —")
    assert all("selected" not in attrs for attrs, _label in options[1:])
    assert {re.search(r'value="([^"]*)"', attrs).group(1) for attrs, _label in options[1:]} == set(EndReason.values)
    assert EndForm(membership=membership).fields["reason"].required

    response = as_district_a.post(url, {"reason": "", "on": "01/01/2025", "version": membership.version})
    assert "reason" in response.context["form"].errors
    assert 'data-field-error="reason"' in text(response)
    membership.refresh_from_db()
    assert membership.ended_on is None


# ---------------------------------------------------------------------------
# The last day of a period, inclusive


def test_history_shows_each_periods_last_day_included(as_district_a, world):
    membership = world.membership_anh
    services.transfer_membership(membership=membership, to_branch=world.a2, on=D(2024, 6, 1))
    content = text(as_district_a.get(reverse("members:person", args=[world.anh.pk])))
    history = re.search(
        r'<table class="table table-sm mb-0" data-testid="history">(.*?)</table>', content, re.S
    ).group(1)
    headers = re.findall(r"<th>([^<]*)</th>", history)
    assert headers[:2] == [_("From"), _("To (inclusive)")]
    assert re.findall(r'data-testid="period-last-day">([^<]*)<', history) == ["31/05/2024", ""]
    starts = re.findall(r"<tr>\s*<td>([^<]*)</td>", history)
    assert starts == ["01/01/2020", "01/06/2024"]  # the next period begins the day after
    # Stored as before: the end is exclusive.
    assert list(membership.periods.values_list("valid_to", flat=True).order_by("valid_from")) == [D(2024, 6, 1), None]


def test_an_ended_membership_shows_the_last_day_on_the_roll(as_district_a, world):
    membership = world.membership_anh
    services.end_membership(membership=membership, on=D(2025, 1, 1), reason=EndReason.AGED_OUT)
    content = text(as_district_a.get(reverse("members:person", args=[world.anh.pk])))
    assert re.findall(r'data-testid="period-last-day">([^<]*)<', content) == ["31/12/2024"]


# ---------------------------------------------------------------------------
# The transfer form: the receiving branch found by typing


@pytest.fixture
def many_branches(world):
    """District A's communes hold more branches of the Youth Union, with look-alike names."""
    tree = world.tree
    commune = factories.area("99102", "Phú Thành", AreaLevel.COMMUNE, UnitType.XA, tree.district_a)
    made = []
    for i in range(1, 26):
        hamlet = factories.area(f"99102-{i:02d}", str(i), AreaLevel.HAMLET, UnitType.AP, commune)
        made.append(factories.branch(hamlet, code=f"PT{i:02d}-DOAN", name=f"Chi đoàn Ấp {i}"))
    factories.branch(tree.hamlet_a2, "HND", code="A2-HND", name="Chi hội Nông dân Tân Thạnh")  # another organization
    return made


def matches(client, membership, typed: str, **extra) -> list[str]:
    response = client.get(reverse("members:transfer_branches", args=[membership.pk]), {"branch_q": typed, **extra})
    assert response.status_code == 200
    return re.findall(r"<code>([^<]+)</code>", text(response))


@pytest.mark.parametrize(
    "typed, found",
    [
        ("tân thạnh", ["A2-DOAN"]),  # the branch's name
        ("TAN THANH", ["A2-DOAN"]),  # without accents, any case
        ("chi doan tan", ["A2-DOAN"]),
        ("ap 7", ["PT07-DOAN"]),  # the hamlet, with its unit type
        ("phu thanh 12", ["PT12-DOAN"]),  # the commune and the hamlet
        ("xa tan my", ["A2-DOAN"]),  # the commune of the hamlet, with its unit type
        ("pt03", ["PT03-DOAN"]),  # the code
        ("PT03-DOAN", ["PT03-DOAN"]),
        ("99101-02", []),  # a hamlet's code is not the branch's
        ("a2 doan", ["A2-DOAN"]),  # the parts of the code
        ("binh hoa", []),  # district B's
        ("chi hoi", []),  # another organization's
        ("tan phu", []),  # the member's own branch
    ],
)
def test_transfer_branch_search(as_district_a, world, many_branches, typed, found):
    assert matches(as_district_a, world.membership_anh, typed) == found


def test_transfer_branch_search_shows_name_hamlet_commune_and_code(as_district_a, world, many_branches):
    content = text(
        as_district_a.get(reverse("members:transfer_branches", args=[world.membership_anh.pk]), {"branch_q": "ap 7"})
    )
    label = re.search(r'data-testid="branch-choice">(.*?)</label>', content, re.S).group(1)
    assert label == "<strong>Chi đoàn Ấp 7</strong> · Ấp 7, Xã Phú Thành · <code>PT07-DOAN</code>"
    assert re.search(r'<input class="form-check-input" type="radio" name="to_branch" value="\d+"', content)


def test_transfer_branch_search_answers_at_most_twenty(as_district_a, world, many_branches, django_assert_num_queries):
    url = reverse("members:transfer_branches", args=[world.membership_anh.pk])
    with CaptureQueriesContext(connection) as few:
        as_district_a.get(url, {"branch_q": "ap 2"})  # Ấp 2, Ấp 20..25
    with django_assert_num_queries(len(few.captured_queries)):
        response = as_district_a.get(url, {"branch_q": "chi doan"})
    assert len(re.findall(r"<code>", text(response))) == 20
    assert 'data-testid="more-branches"' in text(response)
    assert 'data-testid="no-branch-match"' in text(as_district_a.get(url, {"branch_q": "khong co"}))
    assert "<code>" not in text(as_district_a.get(url, {"branch_q": "  "}))


def test_transfer_branch_search_keeps_the_branch_picked_first(as_district_a, world, many_branches):
    picked = many_branches[4]
    assert matches(as_district_a, world.membership_anh, "ap 9", to_branch=picked.pk) == ["PT05-DOAN", "PT09-DOAN"]
    # A branch outside the area is not shown, even when asked for.
    assert matches(as_district_a, world.membership_anh, "ap 9", to_branch=world.b1.pk) == ["PT09-DOAN"]


def test_transfer_branch_search_of_another_districts_member_answers_404(as_district_a, world):
    url = reverse("members:transfer_branches", args=[world.membership_be.pk])
    assert as_district_a.get(url, {"branch_q": "chi doan"}).status_code == 404


def test_transfer_branch_search_is_for_editors(as_province, world):
    url = reverse("members:transfer_branches", args=[world.membership_anh.pk])
    assert as_province.get(url, {"branch_q": "chi doan"}).status_code == 403


def test_commune_staff_find_only_their_communes_branches(client, world, many_branches):
    client.force_login(factories.user(Role.COMMUNE, world.tree.commune_a, username="xa-a"))
    assert matches(client, world.membership_anh, "chi doan") == ["A2-DOAN"]
    assert matches(client, world.membership_anh, "ap 1") == []


def test_transfer_form_works_without_javascript_and_refuses_a_branch_outside_the_area(
    as_district_a, world, many_branches
):
    membership = world.membership_anh
    url = reverse("members:transfer", args=[membership.pk])
    content = text(as_district_a.get(url))
    # The live search is drawn hidden and disabled; the plain list is the fallback without JavaScript.
    assert re.search(r"<fieldset[^>]*data-needs-js hidden disabled", content)
    noscript = re.search(r"<noscript>(.*?)</noscript>", content, re.S).group(1)
    assert '<select name="to_branch"' in noscript
    assert "Chi đoàn Tân Thạnh – Ấp Tân Thạnh, Xã Tân Mỹ (A2-DOAN)" in noscript
    assert "B1-DOAN" not in content

    response = as_district_a.post(url, {"to_branch": world.b1.pk, "on": "01/06/2024", "version": membership.version})
    assert response.status_code == 200
    assert "to_branch" in response.context["form"].errors
    assert shown_errors(text(response)) == [_("Choose one of the options in the list.")]
    membership.refresh_from_db()
    assert membership.branch == world.a1


def test_transfer_form_redrawn_keeps_the_branch_picked(as_district_a, world, many_branches):
    membership = world.membership_anh
    url = reverse("members:transfer", args=[membership.pk])
    picked = many_branches[6]
    response = as_district_a.post(url, {"to_branch": picked.pk, "on": "31/02/2024", "version": membership.version})
    content = text(response)
    assert "on" in response.context["form"].errors
    assert re.search(rf'type="radio" name="to_branch" value="{picked.pk}" id="to-branch-{picked.pk}" checked', content)

    response = as_district_a.post(url, {"to_branch": picked.pk, "on": "01/06/2024", "version": membership.version})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.branch == picked
    assert list(membership.periods.order_by("valid_from").values_list("branch__code", "valid_to")) == [
        ("A1-DOAN", D(2024, 6, 1)),
        ("PT07-DOAN", None),
    ]


def test_transfer_page_runs_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    url = reverse("members:transfer", args=[world.membership_anh.pk])
    with CaptureQueriesContext(connection) as few:
        as_district_a.get(url)
    commune = factories.area("99103", "Phú Mới", AreaLevel.COMMUNE, UnitType.XA, world.tree.district_a)
    for i in range(1, 8):
        hamlet = factories.area(f"99103-{i:02d}", str(i), AreaLevel.HAMLET, UnitType.AP, commune)
        factories.branch(hamlet, code=f"PM{i:02d}-DOAN", name=f"Chi đoàn Ấp {i}")
    with django_assert_num_queries(len(few.captured_queries)):
        as_district_a.get(url)


def test_score_decimal_field_accepts_the_vietnamese_comma(world):
    from ratings.forms import GridLineForm
    from ratings.selectors import GridRow

    row = GridRow(branch=world.a1, rating=None, grades=[])
    with translation.override("vi"):
        form = GridLineForm({f"b{world.a1.pk}-score": "85,5"}, row=row, editable=True)
        form.is_valid()
    assert form.cleaned_data.get("score") == Decimal("85.5")
