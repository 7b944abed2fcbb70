"""A person's personal data: which fields only those who may change the person see, and the trace
left when someone enters the CCCD number of a person outside their area.

The CCCD, the phone and the Party dates are shown only to users who may change the person
(SPEC section 10): the pages test ``user.can_edit`` on an object already in the user's area,
the admin lists the same fields in ``personal_fields``.

A CCCD number is unique in the whole system, so a form that checks it looks beyond the user's
area; it then refuses the number without saying who holds it, and logs the attempt on the
``members.privacy`` logger with a keyed fingerprint of the number, never the number itself.
"""

import logging

from django.utils.crypto import salted_hmac

PERSON_PERSONAL_FIELDS = ("cccd", "phone", "party_joined_on")
MEMBERSHIP_PERSONAL_FIELDS = ("introduced_to_party_on",)

logger = logging.getLogger("members.privacy")


def may_see_personal_numbers(user) -> bool:
    """Whether the user sees, and so may search by, personal numbers (CCCD, phone) of the people of their
    area: those who may change them. Anyone else searching by a number would learn who holds it."""
    return bool(user.can_edit)


def cccd_fingerprint(cccd: str) -> str:
    """The same short code for the same number, from which the number cannot be worked back.

    Keyed with the project's secret key: a plain hash of twelve digits is reversed by trying
    them all. An administrator who has a number in hand compares its fingerprint in the shell.
    """
    return salted_hmac("members.privacy.cccd", cccd, algorithm="sha256").hexdigest()[:16]


def log_cccd_outside_area(*, user, cccd: str, person_pk: int | None) -> None:
    area = user.area
    logger.warning(
        "CCCD of a person outside the user's area entered: user %s (id %s), area %s (%s), CCCD fingerprint %s, on %s",
        user.get_username(),
        user.pk,
        area.code if area is not None else "-",
        area if area is not None else "-",
        cccd_fingerprint(cccd),
        f"person {person_pk}" if person_pk is not None else "a new person",
    )
