"""Pages of ageing out and of the letters of introduction: validate, call one service, say, redirect."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from areas.models import Area
from branches import documents
from branches.models import Branch
from core.downloads import log_download
from core.models import DownloadKind
from core.navigation import area_breadcrumbs
from core.views import XLSX_TYPE, attachment, confirms_preview, require_editor, run_service
from members import selectors as member_selectors
from members.models import Membership, Person
from members.views.people import person_crumbs

from . import ageing, letters
from .forms_letters import (
    AgeingEndForm,
    FromOutsideForm,
    LetterBookForm,
    LetterForm,
    LookupForm,
    ReceiveForm,
    default_validity,
)
from .letter_documents import (
    DOCX_TYPE,
    docx_name,
    letter_book_xlsx,
    letter_content,
    letter_docx,
    received_cells,
    sent_cells,
)
from .models import TransferLetter

MAX_IDS = 500  # memberships named in the address of the page after an ending


def _area(request, key: str) -> Area:
    if "\x00" in key:  # no key holds one, and PostgreSQL refuses it in a query
        raise Http404
    return get_object_or_404(Area.objects.visible_to(request.user), key=key)


def _year(year: int) -> int:
    if not 1900 <= year <= 2100:
        raise Http404
    return year


def _pk(value: str) -> int | None:
    """A primary key from the address, or None (no column holds a larger one: PostgreSQL would refuse it)."""
    return int(value) if value.isdigit() and int(value) < 2**63 else None


def _ids(values: list[str]) -> list[int]:
    return [pk for pk in map(_pk, values[:MAX_IDS]) if pk is not None]


# --- Ageing out ----------------------------------------------------------------------------------


def ageing_page(request, key: str, year: int):
    """The members who pass the age limit in the year, per branch; editors end those they choose."""
    area, year = _area(request, key), _year(year)
    branch, branch_pk = None, _pk(request.GET.get("branch", ""))
    if branch_pk is not None:
        branch = get_object_or_404(
            Branch.objects.visible_to(request.user).filter(area__path__startswith=area.path), pk=branch_pk
        )
    candidates = ageing.candidates(area=area, year=year, user=request.user, branch=branch)
    today = timezone.localdate()
    form = None
    if request.user.can_edit:
        initial = {"on": ageing.default_end_date(year, today=today)}
        form = AgeingEndForm(request.POST or None, candidates=candidates, year=year, initial=initial)
    preview = None
    if request.method == "POST":
        require_editor(request.user)
        if form.is_valid():
            preview, on = form.chosen, form.cleaned_data["on"]
            ended = None
            if confirms_preview(request, form):
                ended = run_service(form, lambda: ageing.end_aged_out(memberships=form.chosen, on=on))
            if ended is not None:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d member was ended as aged out on %(date)s.",
                        "%(count)d members were ended as aged out on %(date)s.",
                        len(ended),
                    )
                    % {"count": len(ended), "date": on.strftime("%d/%m/%Y")},
                )
                query = urlencode([("m", membership.pk) for membership in ended])
                return redirect(f"{reverse('book:ageing_ended', args=[area.key, year])}?{query}")
    checked = form["memberships"].value() if form is not None and form.is_bound else []
    whole = form["branches"].value() if form is not None and form.is_bound else []
    context = {
        "area": area,
        "year": year,
        "branch": branch,
        "groups": ageing.by_branch(candidates, year=year),
        "form": form,
        "preview": preview,
        "fingerprint": form.fingerprint() if preview else "",
        "checked": {str(value) for value in checked or []},
        "whole": {str(value) for value in whole or []},
        "breadcrumbs": area_breadcrumbs(area, "book:ageing", user=request.user, year=year),
    }
    return render(request, "book/ageing_list.html", context)


def ageing_ended(request, key: str, year: int):
    """Those just ended as aged out, each with the associations that would take them."""
    area, year = _area(request, key), _year(year)
    ended = ageing.ended_aged_out(ids=_ids(request.GET.getlist("m")), user=request.user)
    found = ageing.suggestions(memberships=ended, user=request.user)
    context = {
        "area": area,
        "year": year,
        "rows": [(membership, found[membership.pk]) for membership in ended],
        "breadcrumbs": area_breadcrumbs(area, "book:ageing", user=request.user, year=year),
    }
    return render(request, "book/ageing_ended.html", context)


# --- Issuing a letter ----------------------------------------------------------------------------


def letter_issue(request, pk: int):
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("person", "organization", "branch__area"), pk=pk
    )
    require_editor(request.user)
    if membership.ended_on is not None:
        messages.error(request, _("This membership has already ended."))
        return redirect("members:person", pk=membership.person_id)
    today = timezone.localdate()
    initial = {"issued_on": today, "valid_until": default_validity(today)}
    form = LetterForm(request.POST or None, membership=membership, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        letter = run_service(
            form,
            lambda: letters.issue_letter(
                membership=membership,
                issued_on=fields["issued_on"],
                to_branch=fields["to_branch"],
                to_description=fields["to_description"],
                reason=fields["reason"],
                valid_until=fields["valid_until"],
                user=request.user,
                expected_version=form.expected_version,
            ),
        )
        if letter is not None:
            messages.success(
                request,
                _("Letter %(number)s was issued for %(person)s.")
                % {"number": letter.number, "person": membership.person},
            )
            return redirect("book:letter", pk=letter.pk)
    context = {
        "form": form,
        "membership": membership,
        "title": _("Transfer %(person)s with a letter of introduction") % {"person": membership.person},
        "same_name_communes": member_selectors.same_name_communes(user=request.user),
        "breadcrumbs": person_crumbs(membership.person),
    }
    return render(request, "book/letter_issue.html", context)


# --- A letter: the page to print, the .docx ------------------------------------------------------


def _letter(request, pk: int) -> TransferLetter:
    try:
        return letters.letter_for_page(pk=pk, user=request.user)
    except TransferLetter.DoesNotExist:
        raise Http404 from None


def _book_crumbs(request, letter: TransferLetter) -> list[dict]:
    area = request.user.area or letter.issuing_area
    if area is None:
        return []
    return [{"label": _("Book of letters"), "url": reverse("book:letter_book", args=[area.key, letter.year])}]


def letter_page(request, pk: int):
    letter = _letter(request, pk)
    content = letter_content(letter)
    context = {
        "letter": letter,
        "content": content,
        "letterhead": content.letterhead,
        "person_visible": Person.objects.visible_to(request.user).filter(pk=letter.person_id).exists(),
        "breadcrumbs": [*_book_crumbs(request, letter), {"label": letter.number, "url": ""}],
    }
    return render(request, "book/letter_detail.html", context)


def letter_download(request, pk: int):
    letter = _letter(request, pk)
    file_name = docx_name(letter)
    log_download(
        request=request,
        kind=DownloadKind.BRANCH_BOOK,
        file_name=file_name,
        rows=1,
        filters={"letter": letter.number},
        area=letter.issuing_area,
    )
    return attachment(letter_docx(letter_content(letter)), DOCX_TYPE, file_name)


# --- Arrival -------------------------------------------------------------------------------------


def letter_receive(request):
    """The receiving staff type the letter's number; the letter it names (not yet received) is shown as
    printed, and they confirm the branch and the day of arrival. Nothing is listed: a number finds one."""
    require_editor(request.user)
    data = request.POST if request.method == "POST" else request.GET
    lookup = LookupForm(data if data.get("number") else None)
    letter, receive = None, None
    if lookup.is_bound and lookup.is_valid():
        found = list(
            letters.letters_to_receive(
                number=lookup.cleaned_data["number"], organization=lookup.cleaned_data["organization"]
            )[:2]
        )
        if not found:
            lookup.add_error(
                "number",
                _(
                    "No letter waiting to be received has the number “%(number)s”. Check it against the paper: "
                    "a letter is found by its exact number, and once received it is not found again."
                )
                % {"number": lookup.cleaned_data["number"]},
            )
        elif len(found) > 1:
            lookup.add_error("organization", _("Letters of several organizations have this number: choose one."))
        else:
            letter = found[0]
    if letter is not None:
        receive = ReceiveForm(
            request.POST if request.method == "POST" else None,
            organization=letter.organization,
            user=request.user,
            initial={"branch": _suggested_branch(request, letter), "on": timezone.localdate()},
        )
        if receive.is_bound and receive.is_valid():
            fields = receive.cleaned_data
            received = run_service(
                receive,
                lambda: letters.receive_letter(
                    letter=letter, branch=fields["branch"], on=fields["on"], user=request.user
                ),
            )
            if received is not None:
                messages.success(
                    request,
                    _("%(person)s was received in %(branch)s on %(date)s with letter %(number)s.")
                    % {
                        "person": letter.person,
                        "branch": received.received_branch,
                        "date": fields["on"].strftime("%d/%m/%Y"),
                        "number": letter.number,
                    },
                )
                return redirect("members:person", pk=letter.person_id)
    context = {
        "lookup": lookup,
        "letter": letter,
        "content": letter_content(letter) if letter is not None else None,
        "receive": receive,
        "breadcrumbs": [{"label": _("Receive a member with a letter"), "url": ""}],
    }
    return render(request, "book/letter_receive.html", context)


def _suggested_branch(request, letter: TransferLetter) -> int | None:
    """The branch the letter names, or the one whose page the user came from (the form checks either)."""
    if letter.to_branch_id is not None:
        return letter.to_branch_id
    return _pk(request.GET.get("branch", ""))


def letter_from_outside(request):
    """A member who arrives with a letter from outside the application: the person, the membership, the letter."""
    require_editor(request.user)
    initial = {"letter_number": request.GET.get("number", "")[:40]}
    form = FromOutsideForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        letter = run_service(
            form,
            lambda: letters.record_letter_from_outside(
                person_fields=form.person_values(),
                branch=fields["branch"],
                received_on=fields["joined_on"],
                number=fields["letter_number"],
                from_description=fields["letter_from"],
                issued_on=fields["letter_issued_on"],
                status=fields["status"],
                card_number=fields["card_number"],
                introduced_to_party_on=fields["introduced_to_party_on"],
            ),
        )
        if letter is not None:
            messages.success(
                request,
                _("%(person)s was added to %(branch)s with letter %(number)s.")
                % {"person": letter.person, "branch": letter.received_branch, "number": letter.number},
            )
            return redirect("members:person", pk=letter.person_id)
    crumbs = [
        {"label": _("Receive a member with a letter"), "url": reverse("book:letter_receive")},
        {"label": _("A letter from outside the application"), "url": ""},
    ]
    return render(request, "book/letter_from_outside.html", {"form": form, "breadcrumbs": crumbs})


# --- The book of letters -------------------------------------------------------------------------


def letter_book(request, key: str, year: int):
    """Sổ giới thiệu và tiếp nhận: the letters the area's branches sent in the year, and those they received."""
    area, year = _area(request, key), _year(year)
    output = request.GET.get("format", "")
    if output not in ("", "xlsx"):
        raise Http404
    form = LetterBookForm(request.GET)
    organization = form.cleaned_data["organization"] if form.is_valid() else None
    book = letters.letter_book(area=area, year=year, user=request.user, organization=organization)
    letterhead = documents.letterhead(
        area=area, organization=organization, user=request.user, today=timezone.localdate()
    )
    if output == "xlsx":
        file_name = f"letters-{area.code}-{year}.xlsx"
        log_download(
            request=request,
            kind=DownloadKind.BRANCH_BOOK,
            file_name=file_name,
            rows=len(book.sent) + len(book.received),
            filters={"area": area.key, "year": year},
            area=area,
        )
        return attachment(
            letter_book_xlsx(area=area, year=year, book=book, letterhead=letterhead), XLSX_TYPE, file_name
        )
    query = urlencode({"organization": organization.pk} if organization else {})
    context = {
        "area": area,
        "year": year,
        "form": form,
        "sent": [(letter, sent_cells(letter)) for letter in book.sent],
        "received": [(letter, received_cells(letter)) for letter in book.received],
        "query": query,
        "letterhead": letterhead,
        "breadcrumbs": area_breadcrumbs(area, "book:letter_book", user=request.user, year=year),
    }
    return render(request, "book/letter_book.html", context)
