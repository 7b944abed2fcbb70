"""Members' yearly ratings, on the branch ratings' workflow (``ratings.services``):

    draft --submit--> submitted --approve--> approved (locked)
      ^                   |
      +----send back------+   (with a comment)

District and commune staff save drafts and submit them from a branch's grid; provincial officers
and administrators approve or send back what was submitted; only administrators reopen an
approved rating. What names no branch is the branch ratings' own code (``submit_rating``,
``reopen_rating``, ``may_change``, ``GridResult``); what names the one rated is here.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from core.concurrency import ensure_current, stale_error
from members.models import Membership

from . import services
from .member_selectors import rating_roll
from .models import Grade, MemberRating, RatingState


def _member(rating: MemberRating) -> str:
    return rating.membership.person.full_name


def _locked_error(rating: MemberRating) -> ValidationError:
    return ValidationError(
        _("The rating of %(member)s for %(year)s is approved and locked."),
        params={"member": _member(rating), "year": rating.year},
        code="locked",
    )


def _not_submitted(rating: MemberRating) -> ValidationError:
    return ValidationError(
        _("The rating of %(member)s has not been submitted."), params={"member": _member(rating)}, code="not_submitted"
    )


@dataclass(frozen=True)
class MemberLine:
    """One line of a branch's grid as entered: ``rating`` is the stored one, if any, and
    ``expected_version`` the version the line was drawn from (None when drawn without a rating)."""

    membership: Membership
    rating: MemberRating | None
    grade: Grade | None
    note: str = ""
    expected_version: int | None = None


def _ensure_on_roll(*, branch: Branch, year: int, lines: list[MemberLine]) -> None:
    """Refuse a line for a membership that is not among the branch's members to rate that year."""
    wanted = {line.membership.pk for line in lines if line.grade is not None or line.rating is not None}
    on_roll = set(
        rating_roll(year).filter(branch=branch, membership_id__in=wanted).values_list("membership_id", flat=True)
    )
    stray = next((line for line in lines if line.membership.pk in wanted - on_roll), None)
    if stray is not None:
        raise ValidationError(
            _("%(member)s is not among the members of %(branch)s to rate in %(year)s."),
            params={"member": stray.membership.person.full_name, "branch": branch.name, "year": year},
            code="not_on_roll",
        )


def _save_line(line: MemberLine, *, year: int) -> MemberRating | None:
    rating = line.rating
    if rating is None:
        if line.grade is None:
            return None
        if MemberRating.objects.filter(membership=line.membership, year=year).exists():
            raise stale_error()  # someone rated this member since the grid was drawn
        rating = MemberRating(membership=line.membership, year=year)
    else:
        # A line drawn before the member had a rating carries no version: someone rated them meanwhile.
        ensure_current(rating, line.expected_version if line.expected_version is not None else 0)
        if rating.state == RatingState.APPROVED:
            raise _locked_error(rating)
        if rating.state == RatingState.SUBMITTED:
            return rating  # awaiting review: not changed from the grid
        if line.grade is None:
            raise ValidationError(_("A saved rating needs a grade."), code="grade_required")
    if rating.pk is not None and rating.grade_id == line.grade.pk and rating.note == line.note:
        return rating
    rating.grade, rating.note = line.grade, line.note
    if line.expected_version is not None and rating.pk is not None:
        rating.version = line.expected_version
    rating.full_clean()
    rating.save()
    return rating


@transaction.atomic
def save_member_grid(*, user, branch: Branch, year: int, lines: list[MemberLine], submit: bool) -> services.GridResult:
    """Save a branch's grid as drafts, and with ``submit`` send every rated draft for approval.

    All lines or none: a stale or locked line, or one for a member not on the roll, refuses the grid.
    """
    services._require_editor(user)
    _ensure_on_roll(branch=branch, year=year, lines=lines)
    saved = submitted = 0
    for line in lines:
        rating = _save_line(line, year=year)
        if rating is None:
            continue
        saved += 1
        if submit and rating.state == RatingState.DRAFT:
            services.submit_rating(rating=rating, user=user)
            submitted += 1
    return services.GridResult(saved=saved, submitted=submitted)


@transaction.atomic
def approve_member_rating(*, rating: MemberRating, user, expected_version: int | None = None) -> MemberRating:
    services._require_approver(user)
    ensure_current(rating, expected_version)
    if rating.state != RatingState.SUBMITTED:
        raise _not_submitted(rating)
    rating.state = RatingState.APPROVED
    rating.approved_at, rating.approved_by = timezone.now(), user
    rating.save()
    return rating


@transaction.atomic
def send_back_member_rating(
    *, rating: MemberRating, user, comment: str, expected_version: int | None = None
) -> MemberRating:
    """Return a submitted rating to draft with the approver's comment, for the branch to correct."""
    services._require_approver(user)
    ensure_current(rating, expected_version)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the rating is sent back.")}, code="comment_required")
    if rating.state != RatingState.SUBMITTED:
        raise _not_submitted(rating)
    rating.state = RatingState.DRAFT
    rating.submitted_at = None
    rating.review_comment = comment.strip()
    rating.save()
    return rating


@transaction.atomic
def review_member_ratings(
    *, user, ratings: list[MemberRating], approve: bool, comment: str = "", versions: dict[int, int] | None = None
) -> int:
    """Approve, or send back with ``comment``, several submitted ratings at once; all or none."""
    versions = versions or {}
    for rating in ratings:
        if approve:
            approve_member_rating(rating=rating, user=user, expected_version=versions.get(rating.pk))
        else:
            send_back_member_rating(
                rating=rating, user=user, comment=comment, expected_version=versions.get(rating.pk)
            )
    return len(ratings)


@transaction.atomic
def move_member_rating_to_state(*, rating: MemberRating, state: str, user) -> MemberRating:
    """The admin's state field, moved along the pages' rules (as ``services.move_to_state``)."""
    if state == rating.state:
        return rating
    if rating.state == RatingState.APPROVED:
        return services.reopen_rating(rating=rating, user=user) if state == RatingState.DRAFT else rating
    if state == RatingState.SUBMITTED:
        return services.submit_rating(rating=rating, user=user)
    if state == RatingState.APPROVED:
        if rating.state == RatingState.DRAFT:
            services.submit_rating(rating=rating, user=user)
        return approve_member_rating(rating=rating, user=user)
    return send_back_member_rating(rating=rating, user=user, comment=rating.review_comment or _("Sent back."))
