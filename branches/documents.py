"""The letterhead of an area's or a branch's documents: who issues them, where, signed by whom."""

import datetime

from areas.models import Area, AreaLevel
from core.documents import ALL_ORGANIZATIONS_ISSUER, Letterhead, signer

from .models import Branch, Organization


def province_name(area: Area) -> str:
    """The place of the place-and-date line: the province the area sits in now."""
    province_path = "/" + area.path.strip("/").split("/")[0] + "/"
    if area.path == province_path:
        return area.name
    return Area.objects.filter(path=province_path).values_list("name", flat=True).first() or area.name


def issuer_lines(area: Area, organization: Organization | None) -> tuple[str, str]:
    """The issuing body, on two lines: the organization (or the area), then the body in the area."""
    if organization is None:
        return area.full_name.upper(), ALL_ORGANIZATIONS_ISSUER
    return organization.name.upper(), f"{organization.short_name} {area.full_name}".upper()


def letterhead(
    *, area: Area, organization: Organization | None, user, today: datetime.date, place: str | None = None
) -> Letterhead:
    """A report's document: issued by the organization in the area (or all of them).

    ``place`` saves a query when the caller knows it (one document per organization).
    """
    upper, issuer = issuer_lines(area, organization)
    name, position = signer(user)
    return Letterhead(upper, issuer, place or province_name(area), today, name, position)


def branch_letterhead(*, branch: Branch, user, today: datetime.date) -> Letterhead:
    """A branch's document (its meeting log, its roll): the body of its commune above the branch."""
    commune = branch.area if branch.area.level != AreaLevel.HAMLET else branch.area.parent
    _upper, commune_body = issuer_lines(commune, branch.organization)
    name, position = signer(user)
    return Letterhead(commune_body, branch.name.upper(), province_name(branch.area), today, name, position)
