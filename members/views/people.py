"""A person's page, the form that adds a person with a first membership, and the change form."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Branch
from core import panels
from core.views import require_editor, run_service

from .. import privacy, selectors, services
from ..forms import AddMembershipForm, DuplicateQueryForm, NewMemberForm, PersonForm
from ..models import Person


def get_person(request, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(request.user).select_related("residence__parent"), pk=pk)


def person_crumbs(person: Person) -> list[dict]:
    return [
        {"label": _("Members"), "url": reverse("members:search")},
        {"label": person.full_name, "url": reverse("members:person", args=[person.pk])},
    ]


def person_detail(request, pk: int):
    person = get_person(request, pk)
    # Personal numbers and Party dates only for those who may change the person (all of this page is in their area).
    show_personal = request.user.can_edit
    memberships = selectors.person_memberships(person=person, user=request.user)
    sections = panels.membership_sections(memberships=memberships, user=request.user)
    for membership in memberships:
        membership.sections = sections[membership.pk]
    context = {
        "person": person,
        "memberships": memberships,
        "person_sections": panels.sections("person", person=person, user=request.user),
        "changes": selectors.person_changes(person, hidden=() if show_personal else privacy.PERSON_PERSONAL_FIELDS),
        "show_personal": show_personal,
        "breadcrumbs": person_crumbs(person),
    }
    return render(request, "members/person_detail.html", context)


def person_add(request):
    require_editor(request.user)
    initial = {}
    branch_pk = request.GET.get("branch", "")
    if branch_pk.isdigit():
        branch = Branch.objects.visible_to(request.user).filter(pk=branch_pk).select_related("area").first()
        if branch is not None:
            initial = {"branch": branch, "residence": branch.area if branch.area.level == "hamlet" else None}
    form = NewMemberForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        membership = run_service(
            form,
            lambda: services.create_member(
                person_fields=form.person_values(),
                branch=fields["branch"],
                joined_on=fields["joined_on"],
                status=fields["status"],
                card_number=fields["card_number"],
                introduced_to_party_on=fields["introduced_to_party_on"],
            ),
        )
        if membership is not None:
            messages.success(
                request,
                _("%(person)s was added to %(branch)s.") % {"person": membership.person, "branch": membership.branch},
            )
            return redirect("members:person", pk=membership.person_id)
    crumbs = [{"label": _("Members"), "url": reverse("members:search")}, {"label": _("Add a member"), "url": ""}]
    return render(request, "members/person_add.html", {"form": form, "breadcrumbs": crumbs})


@require_POST
def duplicates(request):
    """The possible duplicates of the person being typed in (htmx, as the name, birth date and CCCD are filled).

    POST only: a CCCD number in a query string would stay in proxy logs and the browser's history.
    """
    require_editor(request.user)
    form = DuplicateQueryForm(request.POST)
    form.is_valid()  # only the values that parse are used
    values = form.cleaned_data
    people = selectors.possible_duplicates(
        user=request.user,
        full_name=values.get("full_name") or "",
        birth_date=values.get("birth_date"),
        birth_year=values.get("birth_year"),
        cccd=values.get("cccd") or "",
    )
    return render(request, "members/_duplicates.html", {"duplicates": people})


def person_edit(request, pk: int):
    person = get_person(request, pk)
    require_editor(request.user)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.update_person(
                person=person, expected_version=form.expected_version, **form.person_values()
            ),
        )
        if saved is not None:
            messages.success(request, _("The details of %(person)s were saved.") % {"person": saved})
            return redirect("members:person", pk=saved.pk)
    context = {
        "form": form,
        "title": _("Change the details of %(person)s") % {"person": person},
        "breadcrumbs": person_crumbs(person),
    }
    return render(request, "members/form.html", context)


def membership_add(request, pk: int):
    person = get_person(request, pk)
    require_editor(request.user)
    # Filled in from the address (?organization=&branch=&joined_on=): the ageing-out page links here so.
    prefill = {name: request.GET[name][:30] for name in ("branch", "joined_on") if request.GET.get(name)}
    form = AddMembershipForm(request.POST or None, initial=prefill)
    organization = request.GET.get("organization", "")
    only = {"organization": organization} if organization.isdigit() and len(organization) < 10 else {}
    form.set_branches(request.user, **only)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        membership = run_service(
            form,
            lambda: services.create_membership(
                person=person,
                branch=fields["branch"],
                joined_on=fields["joined_on"],
                status=fields["status"],
                card_number=fields["card_number"],
                introduced_to_party_on=fields["introduced_to_party_on"],
            ),
        )
        if membership is not None:
            messages.success(
                request, _("%(person)s was added to %(branch)s.") % {"person": person, "branch": membership.branch}
            )
            return redirect("members:person", pk=person.pk)
    context = {
        "form": form,
        "title": _("Add a membership for %(person)s") % {"person": person},
        "breadcrumbs": person_crumbs(person),
    }
    return render(request, "members/form.html", context)
