"""Awards and discipline (khen thưởng, kỷ luật): a person's decisions, each counted in the branch
the person belonged to on the date of the decision.

The rules: a decision is not dated in the future; on its date the person was a member of the
organization (the day a membership ends counts: an expulsion ends it that day); nothing is
decided for a membership after its expulsion, which happens once.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch, Organization
from members.models import MembershipPeriod, Person

from .models import Award, AwardForm

AWARD_FIELDS = ("organization", "form", "decided_on", "level", "decision_number", "reason")


def _error(field_name: str, message: str, **params) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, params=params or None)})


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def period_on(*, person: Person, organization: Organization, day: datetime.date) -> MembershipPeriod | None:
    """The person's period in the organization that day, or the last one of a membership ending that day
    (after a transfer that day, the new branch's)."""
    return (
        MembershipPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            membership__person=person,
            membership__organization=organization,
            valid_from__lte=day,
        )
        .select_related("branch", "membership")
        .order_by("-valid_from")
        .first()
    )


def decision_branch(
    *,
    person: Person,
    organization: Organization,
    decided_on: datetime.date,
    form: str,
    award: Award | None = None,
    user=None,
    today: datetime.date | None = None,
) -> Branch:
    """The branch a decision is counted in, or the ValidationError that refuses it."""
    today = today or timezone.localdate()
    if decided_on > today:
        raise _error("decided_on", _("The date of the decision cannot be in the future."))
    period = period_on(person=person, organization=organization, day=decided_on)
    if period is None:
        raise _error(
            "decided_on",
            _("%(person)s was not a member of %(organization)s on %(date)s."),
            person=person.full_name,
            organization=organization.name,
            date=_day(decided_on),
        )
    if user is not None and not Branch.objects.visible_to(user).filter(pk=period.branch_id).exists():
        raise _error(
            "decided_on",
            _("On %(date)s %(person)s belonged to a branch outside your area."),
            person=person.full_name,
            date=_day(decided_on),
        )
    expulsion = (
        Award.objects.filter(
            person=person,
            organization=organization,
            form=AwardForm.EXPULSION,
            decided_on__gte=period.membership.joined_on,
        )
        .exclude(pk=award.pk if award else None)
        .order_by("decided_on")
        .first()
    )
    if expulsion is not None and form == AwardForm.EXPULSION:
        raise _error(
            "form",
            _("The expulsion of %(person)s from this membership is already recorded (%(date)s)."),
            person=person.full_name,
            date=_day(expulsion.decided_on),
        )
    if expulsion is not None and decided_on > expulsion.decided_on:
        raise _error(
            "decided_on",
            _("%(person)s was expelled on %(date)s: no decision can follow it in this membership."),
            person=person.full_name,
            date=_day(expulsion.decided_on),
        )
    return period.branch


def _save(award: Award, *, user, today: datetime.date | None) -> Award:
    award.branch = decision_branch(
        person=award.person,
        organization=award.organization,
        decided_on=award.decided_on,
        form=award.form,
        award=award if award.pk else None,
        user=user,
        today=today,
    )
    award.kind = AwardForm.kind_of(award.form)  # save() sets it too; the check constraint reads it in full_clean
    award.full_clean()
    award.save()
    return award


@transaction.atomic
def add_award(
    *,
    person: Person,
    organization: Organization,
    form: str,
    decided_on: datetime.date,
    level: str,
    decision_number: str = "",
    reason: str = "",
    user=None,
    today: datetime.date | None = None,
) -> Award:
    """Record an award or a disciplinary measure; ``user`` (when given) must see the branch it is counted in."""
    award = Award(
        person=person,
        organization=organization,
        form=form,
        decided_on=decided_on,
        level=level,
        decision_number=decision_number.strip(),
        reason=reason.strip(),
    )
    return _save(award, user=user, today=today)


@transaction.atomic
def update_award(*, award: Award, user=None, today: datetime.date | None = None, **fields) -> Award:
    """Change a decision; its branch follows its (new) date."""
    unknown = set(fields) - set(AWARD_FIELDS)
    if unknown:
        raise TypeError(f"update_award() got unexpected fields: {', '.join(sorted(unknown))}")
    award = Award.objects.select_for_update().select_related("person", "organization").get(pk=award.pk)
    for name, value in fields.items():
        setattr(award, name, value.strip() if name in ("decision_number", "reason") else value)
    return _save(award, user=user, today=today)


@transaction.atomic
def delete_award(*, award: Award) -> None:
    award.delete()


def person_awards(*, person: Person, user) -> QuerySet[Award]:
    """The person's decisions the user sees, by date (one query)."""
    return (
        Award.objects.visible_to(user)
        .filter(person=person)
        .select_related("organization", "branch")
        .order_by("decided_on", "pk")
    )
