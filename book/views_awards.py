"""A person's awards and discipline: add, change and delete a decision (editors only)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.views import require_editor, run_service
from members.views.people import get_person, person_crumbs

from . import awards
from .forms_cards import DecisionForm
from .models import Award, AwardKind


def _award(request, pk: int) -> Award:
    award = get_object_or_404(
        Award.objects.visible_to(request.user).select_related("person", "organization", "branch"), pk=pk
    )
    require_editor(request.user)
    return award


def _saved_message(award: Award) -> str:
    words = {"form": award.get_form_display(), "person": award.person, "date": award.decided_on.strftime("%d/%m/%Y")}
    if award.kind == AwardKind.DISCIPLINE:
        return _("The discipline (%(form)s) of %(person)s of %(date)s was saved.") % words
    return _("The award (%(form)s) of %(person)s of %(date)s was saved.") % words


def _render(request, form, *, person, title: str):
    context = {"form": form, "title": title, "person": person, "breadcrumbs": person_crumbs(person)}
    return render(request, "book/awards_form.html", context)


def award_add(request, pk: int):
    person = get_person(request, pk)
    require_editor(request.user)
    form = DecisionForm(request.POST or None, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in awards.AWARD_FIELDS}
        award = run_service(form, lambda: awards.add_award(person=person, user=request.user, **values))
        if award is not None:
            messages.success(request, _saved_message(award))
            return redirect("members:person", pk=person.pk)
    return _render(
        request, form, person=person, title=_("Add an award or discipline for %(person)s") % {"person": person}
    )


def award_edit(request, pk: int):
    award = _award(request, pk)
    person = award.person
    title = _("Change the decision of %(date)s for %(person)s") % {
        "date": award.decided_on.strftime("%d/%m/%Y"),
        "person": person,
    }
    form = DecisionForm(request.POST or None, instance=award, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in awards.AWARD_FIELDS}
        saved = run_service(form, lambda: awards.update_award(award=award, user=request.user, **values))
        if saved is not None:
            messages.success(request, _saved_message(saved))
            return redirect("members:person", pk=person.pk)
    return _render(request, form, person=person, title=title)


def award_delete(request, pk: int):
    award = _award(request, pk)
    if request.method == "POST":
        awards.delete_award(award=award)
        messages.success(
            request,
            _("The decision (%(form)s) of %(date)s was deleted.")
            % {"form": award.get_form_display(), "date": award.decided_on.strftime("%d/%m/%Y")},
        )
        return redirect("members:person", pk=award.person_id)
    context = {"award": award, "breadcrumbs": person_crumbs(award.person)}
    return render(request, "book/awards_confirm_delete.html", context)
