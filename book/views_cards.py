"""Member cards: issue or reissue a membership's card, and the members of an area without a card (page, .xlsx)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from areas.models import Area
from branches.documents import letterhead
from branches.models import Branch
from core.downloads import log_download
from core.models import DownloadKind
from core.navigation import area_breadcrumbs
from core.views import XLSX_TYPE, attachment, paginate, query_without, require_editor, run_service
from members.models import Membership
from members.views.people import person_crumbs

from . import cards, exports_cards
from .forms_cards import CardIssueForm


def card_issue(request, pk: int):
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("person", "organization", "branch"), pk=pk
    )
    require_editor(request.user)
    if membership.ended_on is not None:
        messages.error(request, _("This membership has ended: a card is issued only to a current member."))
        return redirect("members:person", pk=membership.person_id)
    first = not membership.card_number and not membership.cards.exists()
    form = CardIssueForm(request.POST or None, membership=membership, first=first)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        card = run_service(
            form,
            lambda: cards.issue_card(
                membership=membership,
                number=fields["number"],
                issued_on=fields["issued_on"],
                reason=form.card_reason,
                note=fields["note"],
                user=request.user,
                expected_version=form.expected_version,
            ),
        )
        if card is not None:
            messages.success(
                request,
                _("Card %(number)s was issued to %(person)s on %(date)s.")
                % {"number": card.number, "person": membership.person, "date": card.issued_on.strftime("%d/%m/%Y")},
            )
            return redirect("members:person", pk=membership.person_id)
    if first:
        title = _("Issue a card to %(person)s") % {"person": membership.person}
    else:
        title = _("Reissue the card of %(person)s") % {"person": membership.person}
    context = {"form": form, "title": title, "membership": membership, "breadcrumbs": person_crumbs(membership.person)}
    return render(request, "book/cards_issue.html", context)


@require_GET
def cards_missing(request, key: str):
    """The current members of the area's branches (``?branch=`` one of them) who hold no card number."""
    if "\x00" in key:  # no key holds one, and PostgreSQL refuses it in a query
        raise Http404
    area = get_object_or_404(Area.objects.visible_to(request.user), key=key)
    output = request.GET.get("format", "")
    if output not in ("", "html", "xlsx"):
        raise Http404
    today = timezone.localdate()
    branch = None
    branch_pk = request.GET.get("branch", "")
    if branch_pk:
        if not branch_pk.isdigit() or len(branch_pk) > 18:
            raise Http404
        branches = cards.area_branches(area, today=today).filter(pk__in=Branch.objects.visible_to(request.user))
        branch = get_object_or_404(branches.select_related("organization"), pk=branch_pk)
    memberships = cards.members_without_card(area=area, user=request.user, today=today, branch=branch)
    if output == "xlsx":
        rows = list(memberships)
        head = letterhead(
            area=area, organization=branch.organization if branch else None, user=request.user, today=today
        )
        content = exports_cards.missing_cards_xlsx(area=area, branch=branch, memberships=rows, letterhead=head)
        file_name = f"cards-missing-{area.code}{f'-{branch.code}' if branch else ''}-{today.isoformat()}.xlsx"
        log_download(
            request=request,
            kind=DownloadKind.MEMBERS,
            file_name=file_name,
            rows=len(rows),
            filters={"area": area.key, "branch": branch.code if branch else "", "on": today},
            area=area,
        )
        return attachment(content, XLSX_TYPE, file_name)
    crumbs = area_breadcrumbs(area, "book:cards_missing", user=request.user)
    if branch is not None:
        crumbs.append(
            {"label": branch.name, "url": f"{reverse('book:cards_missing', args=[area.key])}?branch={branch.pk}"}
        )
    context = {
        "area": area,
        "branch": branch,
        "today": today,
        "by_branch": cards.without_card_by_branch(memberships),
        "page": paginate(request, memberships),
        "query": query_without(request, "page"),
        "breadcrumbs": crumbs,
    }
    return render(request, "book/cards_missing.html", context)
