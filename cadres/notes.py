"""Monthly orientation notes: publishing them with their files, and reading those a branch or a user is given.

A note is published by a unit (a province, a district, a commune) for a month and some
organizations. The branches below that unit read it: a branch's notes are those of its
own area's ancestors. Who may publish (``User.can_direct``) does so in their own area only.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel, path_prefixes
from branches.models import Branch, Organization

from . import uploads
from .models import NoteAttachment, OrientationNote, month_start

# Units that publish notes (a hamlet does not).
PUBLISHING_LEVELS = (AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE)
MAX_FILES = 5  # at once, on the form


# --- Who may publish and change ------------------------------------------------------------


def publishing_units(user) -> QuerySet[Area]:
    """The units a user may publish for: their own area and the units in force inside it."""
    if not user.can_direct:
        return Area.objects.none()
    units = Area.objects.filter(level__in=PUBLISHING_LEVELS, valid_to__isnull=True)
    if user.sees_everything:
        return units
    if user.area_id is None:
        return Area.objects.none()
    return units.filter(path__startswith=user.area.path)


def may_change(user, note: OrientationNote) -> bool:
    """The note's unit is the user's area or lies inside it (administrators: any note)."""
    if not user.can_direct:
        return False
    if user.sees_everything:
        return True
    return user.area_id is not None and note.area.path.startswith(user.area.path)


def _check_unit(user, area: Area) -> None:
    if not publishing_units(user).filter(pk=area.pk).exists():
        raise ValidationError({"area": _("You publish notes only for your own unit or a unit inside it.")})


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def publish_note(
    *,
    user,
    area: Area,
    month: datetime.date,
    title: str,
    organizations: Iterable[Organization],
    text: str = "",
    files: Sequence = (),
) -> OrientationNote:
    """A new note for the month of ``month``, with its files (all of them, or none if one is refused)."""
    if not user.can_direct:
        raise PermissionDenied
    _check_unit(user, area)
    checked = _check_files(files)
    note = OrientationNote(area=area, month=month_start(month), title=title, text=text, published_by=user)
    note.full_clean()
    note.save()
    _set_organizations(note, organizations)
    _store(note, files, checked)
    return note


@transaction.atomic
def update_note(
    *,
    note: OrientationNote,
    user,
    area: Area,
    month: datetime.date,
    title: str,
    organizations: Iterable[Organization],
    text: str = "",
    files: Sequence = (),
) -> OrientationNote:
    """The note changed, and ``files`` added to those it has."""
    if not may_change(user, note):
        raise PermissionDenied
    _check_unit(user, area)
    checked = _check_files(files)
    note.area, note.month, note.title, note.text = area, month_start(month), title, text
    note.full_clean()
    note.save()
    _set_organizations(note, organizations)
    _store(note, files, checked)
    return note


@transaction.atomic
def add_attachment(*, note: OrientationNote, user, upload) -> NoteAttachment:
    if not may_change(user, note):
        raise PermissionDenied
    return _store(note, [upload], _check_files([upload]))[0]


@transaction.atomic
def delete_attachment(*, attachment: NoteAttachment, user) -> None:
    if not may_change(user, attachment.note):
        raise PermissionDenied
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file goes once the row is gone for good (a rolled-back deletion keeps both).
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def delete_note(*, note: OrientationNote, user) -> None:
    """The note and its files (the files once the deletion is committed)."""
    if not may_change(user, note):
        raise PermissionDenied
    files = [(a.file.storage, a.file.name) for a in note.attachments.all()]
    note.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def _set_organizations(note: OrientationNote, organizations: Iterable[Organization]) -> None:
    organizations = list(organizations)
    if not organizations:
        raise ValidationError({"organizations": _("Choose at least one organization the note is for.")})
    note.organizations.set(organizations)


def _check_files(files: Sequence) -> list[uploads.CheckedFile]:
    """Every file checked before any is stored; the first refused one says why."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(count)s files at once.") % {"count": MAX_FILES}})
    checked = []
    for upload in files:
        try:
            checked.append(uploads.check_upload(upload))
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error
    return checked


def _store(note: OrientationNote, files: Sequence, checked: list[uploads.CheckedFile]) -> list[NoteAttachment]:
    """The files written under random names. If a write fails, those already on disk are removed:
    the transaction undoes their rows, nothing would undo the files."""
    stored: list[NoteAttachment] = []
    try:
        for upload, info in zip(files, checked, strict=True):
            attachment = NoteAttachment(note=note, name=info.name, size=info.size, content_type=info.content_type)
            attachment.file.save(uploads.stored_name(info), upload, save=False)
            stored.append(attachment)
            attachment.full_clean()
            attachment.save()
    except Exception:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return stored


# --- Reads -------------------------------------------------------------------------------------


def notes_for(branch: Branch, month: datetime.date) -> QuerySet[OrientationNote]:
    """The notes a branch is given for the month: its organization's, published by a unit above it (or its own)."""
    return notes_for_branches([branch], month)


def notes_for_branches(branches, month: datetime.date) -> QuerySet[OrientationNote]:
    """The notes any of ``branches`` is given for the month (a cadre's branches), each note once."""
    given = Q(pk__in=[])
    for branch in branches:
        given |= Q(area__path__in=path_prefixes(branch.area.path), organizations=branch.organization_id)
    return (
        OrientationNote.objects.filter(given, month=month_start(month))
        .distinct()
        .select_related("area")
        .prefetch_related("attachments")
        .order_by("area__path", "title")
    )


def notes_visible_to(
    user, *, month: datetime.date | None = None, organization: Organization | None = None
) -> QuerySet[OrientationNote]:
    """The notes the user reads (their units', and those of the units above and below), newest month first."""
    notes = OrientationNote.objects.visible_to(user)
    if month is not None:
        notes = notes.filter(month=month_start(month))
    if organization is not None:
        notes = notes.filter(organizations=organization)
    return (
        notes.select_related("area")
        .prefetch_related("organizations")
        .annotate(file_count=Count("attachments", distinct=True))
        .order_by("-month", "area__path", "title", "pk")
    )
