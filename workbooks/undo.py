"""Undoing an import: the objects it created are deleted, the values it replaced come back.

Refused when anything the import wrote has changed since (its audit history has a later
record) or when other data now refers to an object the import created; then nothing is
undone. Deletions and restorations are written to the audit history like any change.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_history_manager_for_model

from branches.services import lock_branches

from . import bulk, storage
from .lookups import where_in
from .models import BatchState, ImportBatch


def _changed_since(model, ids: set[int], since) -> bool:
    """Whether the audit history holds a record of one of these objects after ``since``."""
    historical = get_history_manager_for_model(model).model
    pk_name = model._meta.pk.attname
    later = historical.objects.filter(history_date__gt=since).values_list(pk_name, flat=True)
    return any(pk in ids for pk in later.iterator(chunk_size=5000))


def _referenced_elsewhere(model, ids: set[int], created: dict[str, set[int]]) -> bool:
    """Whether objects the import did not create refer to one it created."""
    for relation in model._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        related = relation.related_model
        own = created.get(related._meta.label, set())
        for queryset in where_in(related._base_manager.all(), relation.field.attname, ids):
            if any(pk not in own for pk in queryset.values_list("pk", flat=True)):
                return True
    return False


def check_undoable(batch: ImportBatch) -> dict:
    """The batch's changes, or ``ValidationError`` saying why it cannot be undone."""
    if batch.state != BatchState.IMPORTED or batch.changes is None:
        raise ValidationError(_("Only an import that was carried out can be undone."))
    changes = storage.unpack(batch.changes)
    created = {label: set(record["created"]) for label, record in changes.items()}
    for label, record in changes.items():
        model = apps.get_model(label)
        touched = created[label] | {pk for pk, _before in record["updated"]}
        if _changed_since(model, touched, batch.imported_at):
            raise ValidationError(
                _("Some of what this import wrote (%(model)s) has been changed since; it cannot be undone.")
                % {"model": model._meta.verbose_name_plural}
            )
        if created[label] and _referenced_elsewhere(model, created[label], created):
            raise ValidationError(
                _("Other data now refers to %(model)s this import created; it cannot be undone.")
                % {"model": model._meta.verbose_name_plural}
            )
    return changes


def _branches_touched(changes: dict) -> set[int]:
    """The branches whose history the undo changes: of the memberships and periods it deletes or restores."""
    found = set()
    for label in ("members.Membership", "members.MembershipPeriod"):
        record = changes.get(label)
        if record:
            ids = [*record["created"], *(pk for pk, _before in record["updated"])]
            for queryset in where_in(apps.get_model(label)._base_manager.all(), "pk", ids):
                found.update(queryset.values_list("branch_id", flat=True))
            found.update(before.get("branch_id") for _pk, before in record["updated"])
    return found


@transaction.atomic
def undo_import(*, batch: ImportBatch, user) -> ImportBatch:
    if not user.sees_everything:
        raise PermissionDenied(_("Only an administrator may undo an import."))
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    changes = check_undoable(batch)
    reason = f"undo import #{batch.pk}"[:100]
    lock_branches(_branches_touched(changes))
    # Last written, first undone: periods before memberships before people.
    for label in reversed(list(changes)):
        model = apps.get_model(label)
        record = changes[label]
        if record["created"]:
            objs = []
            for queryset in where_in(model._base_manager.all(), "pk", record["created"]):
                objs.extend(queryset)
            bulk.record_history(model, objs, history_type="-", user=user, reason=reason)
            for queryset in where_in(model._base_manager.all(), "pk", record["created"]):
                queryset._raw_delete(queryset.db)
        if record["updated"]:
            before = dict(record["updated"])
            objs = []
            for queryset in where_in(model._base_manager.all(), "pk", before):
                objs.extend(queryset)
            fields = set()
            for obj in objs:
                for attname, value in before[obj.pk].items():
                    if attname == "version":
                        continue
                    setattr(obj, attname, model._meta.get_field(attname).to_python(value))
                    fields.add(attname)
                if hasattr(obj, "version"):
                    obj.version += 1  # a change like any other for forms holding the imported version
                    fields.add("version")
            bulk.update(model, objs, sorted(fields))
            bulk.record_history(model, objs, history_type="~", user=user, reason=reason)
    batch.state = BatchState.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = user
    batch.save(update_fields=["state", "undone_at", "undone_by"])
    return batch
