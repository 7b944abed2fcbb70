"""Imports: preview a workbook, confirm it (all rows or none), undo it.

The preview reads the file once, parses every row, resolves branches, people and CCCD
numbers in batch queries and records each row's outcome. The parsed rows are kept with
the batch; confirming does not read or parse the file again, but resolves the kept rows
against the database once more, inside the import's transaction, and writes only if
the outcome is the one the preview showed (someone may have changed the data meanwhile).
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import bulk, readers, storage
from .columns import COLUMNS
from .kinds import planner_class
from .models import BatchState, ImportBatch
from .plan import Outcome, Plan, Writes
from .progress import Progress
from .readers import UnreadableWorkbook, check_size
from .table import ParsedRow, read_table


@contextlib.contextmanager
def gc_paused():
    """Rare cyclic garbage collections while hundreds of thousands of objects are made.

    With the default thresholds each collection scans the import's objects again, which
    doubled the time of a 100.000-row import; switched off entirely, the cycles of the
    database driver's buffers piled up. The objects already there are frozen out of the
    scans and collections run a hundred times less often.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 100_000), thresholds[1], thresholds[2])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class StalePreview(Exception):
    """The data changed between the preview and the confirmation."""


@dataclass
class ImportResult:
    plan: Plan
    imported: bool
    batch: ImportBatch | None = None

    @property
    def counts(self) -> dict[str, int]:
        return self.plan.counts

    def errors(self) -> list[dict]:
        return [
            {"row": result.number, "column": column, "message": message}
            for result in self.plan.results
            if result.status == Outcome.REFUSED
            for column, message in result.messages
        ]


def check_may_import(user) -> None:
    if not (user.is_authenticated and user.is_active and user.can_edit):
        raise PermissionDenied(_("Your role may not import workbooks."))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading and planning ---------------------------------------------------------------------


def read_rows(*, kind: str, data: bytes, progress: Progress | None = None) -> list[ParsedRow]:
    """Parse the workbook's rows; raise ``UnreadableWorkbook`` for a file that is not one."""
    check_size(len(data))
    expected = readers.estimate_rows(data) if progress is not None else 0

    def on_row(number: int) -> None:
        if progress is not None:
            progress(_("Reading the workbook"), number, max(expected, number))

    return read_table(data, COLUMNS[kind], on_row=on_row).rows


def plan_rows(*, kind: str, rows: list[ParsedRow], user, progress: Progress | None = None, keep: bool = True) -> Plan:
    """Each row's outcome; with ``keep``, also the objects to write (a preview only counts)."""
    if progress is not None:
        progress(_("Checking the rows against the database"), 0, len(rows), force=True)
    return planner_class(kind)(user=user).plan(rows, keep=keep)


def preview(*, kind: str, data: bytes, user, progress: Progress | None = None) -> Plan:
    check_may_import(user)
    with gc_paused():
        rows = read_rows(kind=kind, data=data, progress=progress)
        return plan_rows(kind=kind, rows=rows, user=user, progress=progress)


# --- writing ----------------------------------------------------------------------------------


def apply_writes(writes: Writes, *, user, reason: str, progress: Progress | None = None) -> dict:
    """Write the plan's objects and their history; return what undo needs."""
    changes: dict[str, dict] = {}
    steps = sum(1 for model in writes.order for part in (writes.updates, writes.creates) if part.get(model))
    step = 0
    for model in writes.order:
        label = model._meta.label
        record = {"created": [], "updated": []}
        updated = writes.updates.get(model, {})
        if updated:
            step += 1
            if progress is not None:
                progress(_("Writing to the database"), step, steps, force=True)
            objs = [obj for obj, _before in updated.values()]
            fields = sorted({name for _obj, before in updated.values() for name in before})
            bulk.update(model, objs, fields)
            bulk.record_history(model, objs, history_type="~", user=user, reason=reason)
            record["updated"] = [[obj.pk, before] for obj, before in updated.values()]
        created = writes.creates.get(model, [])
        if created:
            step += 1
            if progress is not None:
                progress(_("Writing to the database"), step, steps, force=True)
            bulk.insert(model, created)
            bulk.record_history(model, created, history_type="+", user=user, reason=reason)
            record["created"] = [obj.pk for obj in created]
        if record["created"] or record["updated"]:
            changes[label] = record
    for followup in writes.followups:
        followup()
    return changes


def _write(plan: Plan, *, user, reason: str, progress: Progress | None) -> dict:
    if plan.refused:
        raise ValidationError(_("Some rows are refused; nothing was imported."))
    try:
        return apply_writes(plan.writes, user=user, reason=reason, progress=progress)
    except IntegrityError as error:
        raise StalePreview(
            _("The data changed while importing; nothing was imported. Preview the file again.")
        ) from error


def import_workbook(
    *, kind: str, data: bytes, user, file_name: str, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Read, check and (unless ``dry_run`` or a row is refused) import a workbook, recording the batch."""
    plan = preview(kind=kind, data=data, user=user, progress=progress)
    if dry_run or plan.refused:
        return ImportResult(plan, imported=False)
    with transaction.atomic(), gc_paused():
        batch = ImportBatch.objects.create(
            kind=kind,
            state=BatchState.IMPORTING,
            created_by=user,
            area=user.area,
            language=translation.get_language() or "",
            file_name=file_name[:255],
            file_sha256=sha256(data),
            file_size=len(data),
        )
        changes = _write(plan, user=user, reason=import_reason(batch), progress=progress)
        _finish(batch, plan, changes)
    return ImportResult(plan, imported=True, batch=batch)


def import_reason(batch: ImportBatch) -> str:
    return f"import #{batch.pk}: {batch.file_name}"[:100]


def _store_outcome(batch: ImportBatch, plan: Plan) -> None:
    counts = plan.counts
    batch.total_rows = len(plan.results)
    batch.created_count = counts[Outcome.CREATED]
    batch.updated_count = counts[Outcome.UPDATED]
    batch.unchanged_count = counts[Outcome.UNCHANGED]
    batch.refused_count = counts[Outcome.REFUSED]
    batch.rows = storage.pack([result.as_list() for result in plan.results])


def _finish(batch: ImportBatch, plan: Plan, changes: dict) -> None:
    _store_outcome(batch, plan)
    batch.changes = storage.pack(changes)
    batch.plan = None
    batch.file_data = None
    batch.state = BatchState.IMPORTED
    batch.imported_at = timezone.now()
    batch.progress_done = batch.progress_total
    batch.save()


# --- batches: upload, preview, confirm --------------------------------------------------------


def create_batch(*, kind: str, user, file_name: str, data: bytes) -> ImportBatch:
    check_may_import(user)
    check_size(len(data))
    return ImportBatch.objects.create(
        kind=kind,
        created_by=user,
        area=user.area,
        language=translation.get_language() or "",
        file_name=file_name[:255],
        file_sha256=sha256(data),
        file_size=len(data),
        file_data=data,
    )


def _pack_rows(rows: list[ParsedRow]) -> bytes:
    # Dates and decimals go as text and come back by their column's type (see _unpack_rows).
    return storage.pack([[row.number, row.values, row.errors] for row in rows])


_TYPED = {"date", "birth", "score"}


def _unpack_rows(blob, kind: str) -> list[ParsedRow]:
    """The parsed rows kept by the preview, with their values' types restored column by column."""
    typed = [column.key for column in COLUMNS[kind] if column.type in _TYPED]
    rows = []
    for number, values, errors in storage.unpack(blob, typed=False):
        for key in typed:
            value = values.get(key)
            if isinstance(value, dict):  # {"$d": "2020-01-01"} or {"$n": "92.50"}
                values[key] = Decimal(value["$n"]) if "$n" in value else datetime.date.fromisoformat(value["$d"])
        rows.append(ParsedRow(number, values, [tuple(error) for error in errors]))
    return rows


def preview_batch(*, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Read the batch's file and record each row's outcome; the batch is then ready to confirm."""
    user = batch.created_by
    batch.state = BatchState.READING
    batch.save(update_fields=["state"])
    try:
        with gc_paused():
            rows = read_rows(kind=batch.kind, data=bytes(batch.file_data), progress=progress)
            plan = plan_rows(kind=batch.kind, rows=rows, user=user, progress=progress, keep=False)
    except UnreadableWorkbook as error:
        batch.state, batch.error, batch.file_data = BatchState.FAILED, str(error), None
        batch.save(update_fields=["state", "error", "file_data"])
        return batch
    _store_outcome(batch, plan)
    batch.plan = _pack_rows(rows) if not plan.refused else None
    batch.file_data = None
    batch.state = BatchState.PREVIEWED
    batch.progress_done = batch.progress_total = len(rows)
    batch.save()
    return batch


def confirm_batch(*, batch: ImportBatch, user, progress: Progress | None = None) -> ImportBatch:
    """Write what the preview showed, in one transaction, or nothing.

    The batch row is claimed first and written again only at the end of the transaction,
    so that the progress (written on a connection of its own) is never blocked by it.
    """
    check_may_import(user)
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, state__in=[BatchState.PREVIEWED, BatchState.IMPORTING], plan__isnull=False, refused_count=0
    ).update(state=BatchState.IMPORTING, error="")
    if not claimed:
        batch.refresh_from_db()
        if batch.refused_count:
            raise ValidationError(_("Some rows are refused; nothing was imported."))
        raise ValidationError(
            _("This import cannot be confirmed (it is %(state)s).") % {"state": batch.get_state_display()}
        )
    batch.refresh_from_db()
    if progress is not None:
        progress(_("Checking the rows against the database"), 0, batch.total_rows, force=True)
    try:
        with transaction.atomic(), gc_paused():
            bulk.hold_write_lock(batch)
            rows = _unpack_rows(batch.plan, batch.kind)
            plan = plan_rows(kind=batch.kind, rows=rows, user=batch.created_by, progress=progress)
            shown = [
                [number, status, changes]
                for number, status, _label, _messages, changes in storage.unpack(batch.rows, typed=False)
            ]
            if plan.signature() != shown:
                raise StalePreview(
                    _("The data changed since the preview; nothing was imported. Preview the file again.")
                )
            # The parsed rows and the preview's outcome are no longer needed: free them before writing.
            del rows, shown
            plan.rows = []
            changes = _write(plan, user=user, reason=import_reason(batch), progress=progress)
            _finish(batch, plan, changes)
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk, state=BatchState.IMPORTING).update(state=BatchState.PREVIEWED)
        raise
    return batch


def estimated_rows(data: bytes) -> int:
    """About how many rows a workbook holds, without parsing it (its first sheet's dimension, or its size)."""
    return readers.estimate_rows(data)


def start_preview(*, batch: ImportBatch) -> bool:
    """Preview now, or, for a large file, in the task worker. Return whether it went to the worker."""
    from . import tasks

    if estimated_rows(bytes(batch.file_data)) <= settings.WORKBOOK_BACKGROUND_ROWS:
        preview_batch(batch=batch)
        return False
    transaction.on_commit(lambda: tasks.preview_import.enqueue(batch.pk))
    return True


def start_confirm(*, batch: ImportBatch, user) -> bool:
    """Import now, or, for many rows, in the task worker. Return whether it went to the worker."""
    from . import tasks

    check_may_import(user)
    if batch.total_rows <= settings.WORKBOOK_BACKGROUND_ROWS:
        confirm_batch(batch=batch, user=user)
        return False
    updated = ImportBatch.objects.filter(pk=batch.pk, state=BatchState.PREVIEWED).update(
        state=BatchState.IMPORTING, error="", progress_done=0
    )
    if not updated:
        raise ValidationError(
            _("This import cannot be confirmed (it is %(state)s).") % {"state": batch.get_state_display()}
        )
    transaction.on_commit(lambda: tasks.confirm_import.enqueue(batch.pk, user.pk))
    return True


def discard_batch(*, batch: ImportBatch) -> None:
    if batch.state in (BatchState.PREVIEWED, BatchState.FAILED):
        batch.state, batch.plan, batch.file_data = BatchState.DISCARDED, None, None
        batch.save(update_fields=["state", "plan", "file_data"])
