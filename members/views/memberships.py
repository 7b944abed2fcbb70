"""Changes to a membership: its details, a transfer, a status change, an ending — each kept in its history."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.views import require_editor, run_service

from .. import selectors, services
from ..forms import EndForm, MembershipForm, StatusChangeForm, TransferForm
from ..models import Membership, Person
from .people import person_crumbs


def get_membership(request, pk: int) -> Membership:
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("person", "organization", "branch__area"), pk=pk
    )
    require_editor(request.user)
    return membership


def _render(
    request, membership: Membership, form, title: str, template: str = "members/membership_form.html", **extra
):
    context = {
        "form": form,
        "title": title,
        "membership": membership,
        "breadcrumbs": person_crumbs(membership.person),
        **extra,
    }
    return render(request, template, context)


def _after_change(request, membership: Membership, *, branch_id: int):
    """The person's page, or the branch they left if the person is no longer in the user's area."""
    if Person.objects.visible_to(request.user).filter(pk=membership.person_id).exists():
        return redirect("members:person", pk=membership.person_id)
    return redirect("branches:branch", pk=branch_id)


def membership_edit(request, pk: int):
    membership = get_membership(request, pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.update_membership(
                membership=membership,
                expected_version=form.expected_version,
                card_number=fields["card_number"],
                introduced_to_party_on=fields["introduced_to_party_on"],
                note=fields["note"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The membership of %(person)s was saved.") % {"person": membership.person})
            return redirect("members:person", pk=membership.person_id)
    return _render(request, membership, form, _("Change the membership of %(person)s") % {"person": membership.person})


def _closed(request, membership: Membership):
    messages.error(request, _("This membership has already ended."))
    return redirect("members:person", pk=membership.person_id)


def transfer(request, pk: int):
    membership = get_membership(request, pk)
    if membership.ended_on is not None:
        return _closed(request, membership)
    from_branch = membership.branch
    form = TransferForm(request.POST or None, membership=membership, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.transfer_membership(
                membership=membership,
                to_branch=fields["to_branch"],
                on=fields["on"],
                reason=fields["reason"],
                expected_version=form.expected_version,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("%(person)s was transferred from %(from)s to %(to)s on %(date)s.")
                % {
                    "person": membership.person,
                    "from": from_branch,
                    "to": saved.branch,
                    "date": fields["on"].strftime("%d/%m/%Y"),
                },
            )
            return _after_change(request, membership, branch_id=from_branch.pk)
    return _render(
        request,
        membership,
        form,
        _("Transfer %(person)s") % {"person": membership.person},
        template="members/transfer_form.html",
        same_name_communes=selectors.same_name_communes(user=request.user),
    )


def transfer_branches(request, pk: int):
    """The branches of the user's area that match what is typed in the transfer form (htmx, GET ``branch_q``).

    The same branches the form accepts (its own list: the user's area, the membership's organization,
    active, not the current one), at most ``selectors.TRANSFER_MATCHES``; the one already picked
    (``to_branch``) stays first, picked.
    """
    membership = get_membership(request, pk)
    branches = TransferForm(membership=membership, user=request.user).fields["to_branch"].queryset
    typed = request.GET.get("branch_q", "")[:100]
    matches = selectors.branch_matches(branches, typed)
    picked = request.GET.get("to_branch", "")
    chosen = branches.filter(pk=picked).first() if picked.isdigit() else None
    limit = selectors.TRANSFER_MATCHES
    context = {
        "chosen": chosen,
        "branches": [branch for branch in matches[:limit] if chosen is None or branch.pk != chosen.pk],
        "more": len(matches) > limit,
        "limit": limit,
        "nothing_found": bool(typed.strip()) and not matches,
        "same_name_communes": selectors.same_name_communes(user=request.user),
    }
    return render(request, "members/_branch_matches.html", context)


def status_change(request, pk: int):
    membership = get_membership(request, pk)
    if membership.ended_on is not None:
        return _closed(request, membership)
    form = StatusChangeForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.change_membership_status(
                membership=membership,
                status=fields["status"],
                on=fields["on"],
                reason=fields["reason"],
                expected_version=form.expected_version,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("From %(date)s, %(person)s is recorded as “%(status)s”.")
                % {
                    "person": membership.person,
                    "status": saved.get_status_display(),
                    "date": fields["on"].strftime("%d/%m/%Y"),
                },
            )
            return redirect("members:person", pk=membership.person_id)
    title = _("Change the status of %(person)s") % {"person": membership.person}
    return _render(request, membership, form, title)


def end(request, pk: int):
    membership = get_membership(request, pk)
    if membership.ended_on is not None:
        return _closed(request, membership)
    form = EndForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.end_membership(
                membership=membership,
                on=fields["on"],
                reason=fields["reason"],
                note=fields["note"],
                expected_version=form.expected_version,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("The membership of %(person)s ended on %(date)s (%(reason)s).")
                % {
                    "person": membership.person,
                    "date": fields["on"].strftime("%d/%m/%Y"),
                    "reason": saved.get_end_reason_display(),
                },
            )
            return _after_change(request, membership, branch_id=membership.branch_id)
    return _render(request, membership, form, _("End the membership of %(person)s") % {"person": membership.person})
