"""Yearly ratings: saved as drafts, submitted by district staff, approved or sent back by approvers.

    draft --submit--> submitted --approve--> approved (locked)
      ^                   |
      +----send back------+   (with a comment)

District and commune staff (``can_edit``) write drafts and submit them; provincial
officers and administrators (``can_approve``) approve or send back what was submitted.
Approved ratings are locked; only an administrator may reopen one.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from core.concurrency import ensure_current, stale_error

from .models import BranchRating, Grade, RatingState


def _require_editor(user) -> None:
    if not user.can_edit:
        raise PermissionDenied(_("Only district and commune staff enter ratings."))


def _require_approver(user) -> None:
    if not user.can_approve:
        raise PermissionDenied(_("Only provincial officers and administrators approve ratings."))


def may_change(*, rating: BranchRating, user) -> bool:
    """Whether ``user`` may change the stored rating (its grade, score, note or state) by hand.

    District and commune staff change drafts only: once submitted, a rating waits for an
    approver, who approves it or sends it back (``review_ratings``), and once approved it is
    locked. Administrators may change any rating (and reopen an approved one). The pages
    follow this through the grid's services; the admin asks it before it offers a change.
    """
    if user.sees_everything:
        return True
    return user.can_edit and rating.state == RatingState.DRAFT


def _locked_error(rating: BranchRating) -> ValidationError:
    return ValidationError(
        _("The rating of %(branch)s for %(year)s is approved and locked."),
        params={"branch": rating.branch, "year": rating.year},
        code="locked",
    )


@dataclass(frozen=True)
class GridLine:
    """One line of a commune's grid as entered.

    ``rating`` is the stored one, if any, and ``expected_version`` the version the line was
    drawn from (None when it was drawn without a rating).
    """

    branch: Branch
    rating: BranchRating | None
    grade: Grade | None
    score: Decimal | None = None
    note: str = ""
    expected_version: int | None = None


@dataclass(frozen=True)
class GridResult:
    saved: int = 0
    submitted: int = 0


def _save_line(line: GridLine, *, year: int) -> BranchRating | None:
    rating = line.rating
    if rating is None:
        if line.grade is None:
            return None
        if BranchRating.objects.filter(branch=line.branch, year=year).exists():
            raise stale_error()  # someone rated this branch since the grid was drawn
        rating = BranchRating(branch=line.branch, year=year)
    else:
        # A line drawn before the branch had a rating carries no version: someone rated it meanwhile.
        ensure_current(rating, line.expected_version if line.expected_version is not None else 0)
        if rating.state == RatingState.APPROVED:
            raise _locked_error(rating)
        if rating.state == RatingState.SUBMITTED:
            return rating  # awaiting review: not changed from the grid
        if line.grade is None:
            raise ValidationError(_("A saved rating needs a grade."), code="grade_required")
    unchanged = (
        rating.pk is not None
        and rating.grade_id == line.grade.pk
        and rating.score == line.score
        and rating.note == line.note
    )
    if unchanged:
        return rating
    rating.grade, rating.score, rating.note = line.grade, line.score, line.note
    if line.expected_version is not None and rating.pk is not None:
        rating.version = line.expected_version
    rating.full_clean()
    rating.save()
    return rating


@transaction.atomic
def save_grid(*, user, year: int, lines: list[GridLine], submit: bool) -> GridResult:
    """Save a commune's grid as drafts, and with ``submit`` send every rated draft line for approval.

    All lines or none: a stale or locked line refuses the whole grid.
    """
    _require_editor(user)
    saved = submitted = 0
    for line in lines:
        rating = _save_line(line, year=year)
        if rating is None:
            continue
        saved += 1
        if submit and rating.state == RatingState.DRAFT:
            submit_rating(rating=rating, user=user)
            submitted += 1
    return GridResult(saved=saved, submitted=submitted)


@transaction.atomic
def submit_rating(*, rating: BranchRating, user, expected_version: int | None = None) -> BranchRating:
    _require_editor(user)
    ensure_current(rating, expected_version)
    if rating.state != RatingState.DRAFT:
        raise ValidationError(_("Only a draft rating can be submitted."), code="not_draft")
    rating.state = RatingState.SUBMITTED
    rating.submitted_at = timezone.now()
    rating.review_comment = ""
    rating.save()
    return rating


@transaction.atomic
def approve_rating(*, rating: BranchRating, user, expected_version: int | None = None) -> BranchRating:
    _require_approver(user)
    ensure_current(rating, expected_version)
    if rating.state != RatingState.SUBMITTED:
        raise ValidationError(
            _("The rating of %(branch)s has not been submitted."),
            params={"branch": rating.branch},
            code="not_submitted",
        )
    rating.state = RatingState.APPROVED
    rating.approved_at, rating.approved_by = timezone.now(), user
    rating.save()
    return rating


@transaction.atomic
def send_back_rating(*, rating: BranchRating, user, comment: str, expected_version: int | None = None) -> BranchRating:
    """Return a submitted rating to draft with the approver's comment, for the district to correct."""
    _require_approver(user)
    ensure_current(rating, expected_version)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the rating is sent back.")}, code="comment_required")
    if rating.state != RatingState.SUBMITTED:
        raise ValidationError(
            _("The rating of %(branch)s has not been submitted."),
            params={"branch": rating.branch},
            code="not_submitted",
        )
    rating.state = RatingState.DRAFT
    rating.submitted_at = None
    rating.review_comment = comment.strip()
    rating.save()
    return rating


@transaction.atomic
def reopen_rating(*, rating: BranchRating, user) -> BranchRating:
    """An administrator unlocks an approved rating (it goes back to draft)."""
    if not user.sees_everything:
        raise PermissionDenied(_("Only administrators reopen an approved rating."))
    rating.state = RatingState.DRAFT
    rating.submitted_at = rating.approved_at = rating.approved_by = None
    rating.save()
    return rating


@transaction.atomic
def review_ratings(
    *, user, ratings: list[BranchRating], approve: bool, comment: str = "", versions: dict[int, int] | None = None
) -> int:
    """Approve, or send back with ``comment``, several submitted ratings at once; all or none."""
    versions = versions or {}
    for rating in ratings:
        if approve:
            approve_rating(rating=rating, user=user, expected_version=versions.get(rating.pk))
        else:
            send_back_rating(rating=rating, user=user, comment=comment, expected_version=versions.get(rating.pk))
    return len(ratings)


@transaction.atomic
def move_to_state(*, rating: BranchRating, state: str, user) -> BranchRating:
    """The admin's state field, moved along the same rules as the pages.

    Administrators may go straight from draft to approved (submitted, then approved
    by them) and may reopen an approved rating.
    """
    if state == rating.state:
        return rating
    if rating.state == RatingState.APPROVED:
        return reopen_rating(rating=rating, user=user) if state == RatingState.DRAFT else rating
    if state == RatingState.SUBMITTED:
        return submit_rating(rating=rating, user=user)
    if state == RatingState.APPROVED:
        if rating.state == RatingState.DRAFT:
            submit_rating(rating=rating, user=user)
        return approve_rating(rating=rating, user=user)
    # Back to draft from submitted: only an approver sends it back, as on the pages.
    return send_back_rating(rating=rating, user=user, comment=rating.review_comment or _("Sent back."))
